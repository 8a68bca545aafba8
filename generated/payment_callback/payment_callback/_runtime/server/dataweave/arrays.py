"""The dw::core::Arrays module."""

from __future__ import annotations

from typing import Any

from .core import _items, index_of, sum_
from .operators import truth
from .values import Callback, DataWeaveRuntimeError, _integer, to_string


def _array_or_null(value: Any, operation: str) -> list[Any] | None:
    return None if value is None else _items(value, operation)


def arrays_some(value: Any, callback: Callback) -> bool:
    """`some(array, condition)`: false for null and empty arrays."""
    items = _array_or_null(value, "some") or []
    return any(truth(callback(item)) for item in items)


def arrays_every(value: Any, callback: Callback) -> bool:
    """`every(array, condition)`: true for null and empty arrays."""
    items = _array_or_null(value, "every") or []
    return all(truth(callback(item)) for item in items)


def arrays_count_by(value: Any, callback: Callback) -> Any:
    """`countBy(array, condition)`."""
    items = _array_or_null(value, "countBy")
    return None if items is None else sum(1 for item in items if truth(callback(item)))


def arrays_sum_by(value: Any, callback: Callback) -> Any:
    """`sumBy(array, selector)`."""
    items = _array_or_null(value, "sumBy")
    return None if items is None else sum_([callback(item) for item in items])


def arrays_divide_by(value: Any, amount: Any) -> Any:
    """`divideBy(array, n)`: consecutive slices of n items."""
    items = _array_or_null(value, "divideBy")
    if items is None:
        return None
    size = _integer(amount, "divideBy")
    if size <= 0:
        raise DataWeaveRuntimeError("divideBy: the size must be positive")
    return [items[i : i + size] for i in range(0, len(items), size)]


def _join_groups(right: list[Any], right_key: Callback) -> dict[str, list[Any]]:
    groups: dict[str, list[Any]] = {}
    for item in right:
        groups.setdefault(to_string(right_key(item)), []).append(item)
    return groups


def arrays_join(left: Any, right: Any, left_key: Callback, right_key: Callback) -> Any:
    """`join(left, right, leftCriteria, rightCriteria)`: `{l, r}` per matching pair."""
    groups = _join_groups(_items(right, "join"), right_key)
    return [
        {"l": item, "r": match}
        for item in _items(left, "join")
        for match in groups.get(to_string(left_key(item)), [])
    ]


def arrays_left_join(
    left: Any, right: Any, left_key: Callback, right_key: Callback
) -> Any:
    """`leftJoin(...)`: every left item, with each matching right item when there is one."""
    groups = _join_groups(_items(right, "leftJoin"), right_key)
    out: list[Any] = []
    for item in _items(left, "leftJoin"):
        matches = groups.get(to_string(left_key(item)), [])
        out.extend({"l": item, "r": m} for m in matches)
        if not matches:
            out.append({"l": item})
    return out


def arrays_outer_join(
    left: Any, right: Any, left_key: Callback, right_key: Callback
) -> Any:
    """`outerJoin(...)`: the left join, then the right items nothing on the left matched."""
    lefts = _items(left, "outerJoin")
    seen = {to_string(left_key(item)) for item in lefts}
    joined = arrays_left_join(lefts, right, left_key, right_key)
    rights = _items(right, "outerJoin")
    return joined + [{"r": r} for r in rights if to_string(right_key(r)) not in seen]


def arrays_take(value: Any, amount: Any) -> Any:
    """`take(array, n)`: the first n items."""
    items = _array_or_null(value, "take")
    return None if items is None else items[: max(0, _integer(amount, "take"))]


def arrays_drop(value: Any, amount: Any) -> Any:
    """`drop(array, n)`: all but the first n items."""
    items = _array_or_null(value, "drop")
    return None if items is None else items[max(0, _integer(amount, "drop")) :]


def arrays_slice(value: Any, start: Any, end: Any) -> Any:
    """`slice(array, from, until)`."""
    items = _array_or_null(value, "slice")
    if items is None:
        return None
    first, last = _integer(start, "slice"), _integer(end, "slice")
    return items[max(0, first) : max(0, last)] if first <= last else []


def arrays_index_of(value: Any, target: Any) -> int:
    """`indexOf(array, value)`."""
    return index_of(value, target)


def arrays_index_where(value: Any, callback: Callback) -> Any:
    """`indexWhere(array, condition)`: the first index where it holds, or -1."""
    items = _array_or_null(value, "indexWhere")
    if items is None:
        return None
    return next((i for i, item in enumerate(items) if truth(callback(item))), -1)


def arrays_split_at(value: Any, amount: Any) -> Any:
    """`splitAt(array, n)`: `{l: first n, r: the rest}`."""
    items = _array_or_null(value, "splitAt")
    if items is None:
        return None
    n = max(0, _integer(amount, "splitAt"))
    return {"l": items[:n], "r": items[n:]}


def arrays_take_while(value: Any, callback: Callback) -> Any:
    """`takeWhile(array, condition)`."""
    items = _array_or_null(value, "takeWhile")
    if items is None:
        return None
    out = []
    for item in items:
        if not truth(callback(item)):
            break
        out.append(item)
    return out


def arrays_drop_while(value: Any, callback: Callback) -> Any:
    """`dropWhile(array, condition)`."""
    items = _array_or_null(value, "dropWhile")
    if items is None:
        return None
    for index, item in enumerate(items):
        if not truth(callback(item)):
            return items[index:]
    return []


def arrays_split_where(value: Any, callback: Callback) -> Any:
    """`splitWhere(array, condition)`: `{l, r}` split at the first item where it holds."""
    items = _array_or_null(value, "splitWhere")
    if items is None:
        return None
    at = arrays_index_where(items, callback)
    at = 0 if at < 0 else at
    return {"l": items[:at], "r": items[at:]}


def arrays_partition(value: Any, callback: Callback) -> Any:
    """`partition(array, condition)`: `{success, failure}`."""
    items = _array_or_null(value, "partition")
    if items is None:
        return None
    verdicts = [truth(callback(item)) for item in items]
    return {
        "success": [item for item, ok in zip(items, verdicts, strict=True) if ok],
        "failure": [item for item, ok in zip(items, verdicts, strict=True) if not ok],
    }


def arrays_first_with(value: Any, callback: Callback) -> Any:
    """`firstWith(array, condition(item, index))`: the first item where it holds, or null."""
    items = _array_or_null(value, "firstWith")
    if items is None:
        return None
    return next((x for i, x in enumerate(items) if truth(callback(x, i))), None)
