"""dw::Core functions over arrays and objects."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from functools import cmp_to_key
from typing import Any

from .operators import cmp, div, eq, truth
from .values import (
    _EXACT,
    Callback,
    DataWeaveRuntimeError,
    Range,
    _dec,
    _fail,
    _integer,
    _is_number,
    _is_textual,
    _key,
    _number,
    _text,
    _to_number,
    number_text,
    obj,
    pairs_of,
    to_string,
    type_name,
)


def _items(value: Any, operation: str) -> list[Any]:
    if isinstance(value, list | tuple):
        return list(value)
    raise _fail(operation, value)


def _object(value: Any, operation: str) -> list[tuple[str, Any]]:
    if isinstance(value, Mapping):
        return pairs_of(value)
    raise _fail(operation, value)


def map_(value: Any, callback: Callback) -> Any:
    """`value map callback(item, index)`."""
    if value is None:
        return None
    return [callback(item, index) for index, item in enumerate(_items(value, "map"))]


def filter_(value: Any, callback: Callback) -> Any:
    """`value filter callback(item, index)`: arrays, and strings character by character."""
    if value is None:
        return None
    if isinstance(value, str | bool) or _is_number(
        value
    ):  # text, character by character
        text = _text(value, "filter")
        return "".join(c for i, c in enumerate(text) if truth(callback(c, i)))
    items = enumerate(_items(value, "filter"))
    return [item for index, item in items if truth(callback(item, index))]


def _sorted(items: list[Any], keys: list[Any]) -> list[Any]:
    def compare(a: int, b: int) -> int:
        return cmp(keys[a], keys[b], "orderBy")

    order = sorted(range(len(items)), key=cmp_to_key(compare))
    return [items[i] for i in order]


def order_by(value: Any, callback: Callback) -> Any:
    """`value orderBy callback`: arrays by callback(item, index), objects by (value, key)."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        entries = pairs_of(value)
        keys = [callback(v, _key(k)) for k, v in entries]
        return obj(_sorted(entries, keys))
    items = _items(value, "orderBy")
    return _sorted(items, [callback(item, index) for index, item in enumerate(items)])


def order_by_cmp(value: Any, comparator: Callback) -> Any:
    """`value orderBy ((a, b) -> a <=> b)`: sort with a three-way comparator (stable)."""
    if value is None:
        return None
    items = _items(value, "orderBy")
    return sorted(items, key=cmp_to_key(lambda a, b: _sign(comparator(a, b))))


def _sign(value: Any) -> int:
    number = _to_number(value, "an orderBy comparator result")
    return int(number > 0) - int(number < 0)


def any_(value: Any, callback: Callback) -> bool:
    """Whether callback(item, index) is true for some item; false for null."""
    if value is None:
        return False
    items = enumerate(_items(value, "some"))
    return any(truth(callback(item, index)) for index, item in items)


def all_(value: Any, callback: Callback) -> bool:
    """Whether callback(item, index) is true for every item; true for null."""
    if value is None:
        return True
    items = enumerate(_items(value, "every"))
    return all(truth(callback(item, index)) for index, item in items)


def reduce_(value: Any, callback: Callback) -> Any:
    """`value reduce ((item, acc = init) -> ...)`; without an init the first item starts."""
    if value is None:
        return None
    if isinstance(value, bool) or _is_number(value):
        value = to_string(
            value
        )  # DataWeave coerces to its String overload: `5 reduce ...`
    items: list[Any] = (
        list(value) if isinstance(value, str) else _items(value, "reduce")
    )
    defaults = getattr(callback, "__defaults__", None)
    if defaults:
        acc = defaults[-1]
    elif not items:
        return None
    else:
        acc, items = items[0], items[1:]
    for item in items:
        acc = callback(item, acc)
    return acc


def flat_map(value: Any, callback: Callback) -> Any:
    """`value flatMap callback(item, index)`."""
    if value is None:
        return None
    return flatten(map_(value, callback))


def flatten(value: Any) -> Any:
    """`flatten(arrays)`: one level of nesting removed."""
    if value is None:
        return None
    out: list[Any] = []
    for item in _items(value, "flatten"):
        if isinstance(item, list | tuple):
            out.extend(item)
        else:
            out.append(item)
    return out


def _group_key(key: Any) -> str:
    if isinstance(key, bool) or not _is_textual(key):
        raise DataWeaveRuntimeError(f"groupBy: a {type_name(key)} cannot be a key")
    return to_string(key)


def group_by(value: Any, callback: Callback) -> Any:
    """`value groupBy callback`: arrays and strings by (item, index), objects by (value, key)."""
    if value is None:
        return None
    groups: dict[str, list[Any]] = {}
    if isinstance(value, Mapping):
        for k, v in pairs_of(value):
            groups.setdefault(_group_key(callback(v, _key(k))), []).append((k, v))
        return {key: obj(members) for key, members in groups.items()}
    if isinstance(value, str):
        for index, char in enumerate(str(value)):
            groups.setdefault(_group_key(callback(char, index)), []).append(char)
        return {key: "".join(chars) for key, chars in groups.items()}
    for index, item in enumerate(_items(value, "groupBy")):
        groups.setdefault(_group_key(callback(item, index)), []).append(item)
    return groups


def distinct_by(value: Any, callback: Callback) -> Any:
    """`value distinctBy callback`: the first item (or pair) of each distinct key."""
    if value is None:
        return None
    seen: list[Any] = []
    if isinstance(value, Mapping):
        kept = []
        for k, v in pairs_of(value):
            key = callback(v, _key(k))
            if not any(eq(key, s) for s in seen):
                seen.append(key)
                kept.append((k, v))
        return obj(kept)
    out = []
    for index, item in enumerate(_items(value, "distinctBy")):
        key = callback(item, index)
        if not any(eq(key, s) for s in seen):
            seen.append(key)
            out.append(item)
    return out


def map_object(value: Any, callback: Callback) -> Any:
    """`value mapObject callback(value, key, index)`: the objects it returns, merged."""
    if value is None:
        return None
    out: list[tuple[str, Any]] = []
    for index, (k, v) in enumerate(_object(value, "mapObject")):
        result = callback(v, _key(k), index)
        out.extend(_object(result, "the mapObject callback result"))
    return obj(out)


def filter_object(value: Any, callback: Callback) -> Any:
    """`value filterObject callback(value, key, index)`."""
    if value is None:
        return None
    entries = enumerate(_object(value, "filterObject"))
    return obj([(k, v) for i, (k, v) in entries if truth(callback(v, _key(k), i))])


def pluck(value: Any, callback: Callback) -> Any:
    """`value pluck callback(value, key, index)`: an array."""
    if value is None:
        return None
    return [callback(v, _key(k), i) for i, (k, v) in enumerate(_object(value, "pluck"))]


def entries_of(value: Any) -> Any:
    """`entriesOf(object)`: `{key, value, attributes}` per pair."""
    if value is None:
        return None
    return [
        {"key": _key(k), "value": v, "attributes": {}}
        for k, v in _object(value, "entriesOf")
    ]


def keys_of(value: Any) -> Any:
    """`keysOf(object)`: its keys (Key values)."""
    return None if value is None else [_key(k) for k, _ in _object(value, "keysOf")]


def names_of(value: Any) -> Any:
    """`namesOf(object)`: its keys as strings."""
    return None if value is None else [k for k, _ in _object(value, "namesOf")]


def values_of(value: Any) -> Any:
    """`valuesOf(object)`."""
    return None if value is None else [v for _, v in _object(value, "valuesOf")]


def zip_(left: Any, right: Any) -> list[list[Any]]:
    """`zip(left, right)`: pairs, as many as the shorter array has."""
    a, b = _items(left, "zip"), _items(right, "zip")
    return [[x, y] for x, y in zip(a, b, strict=False)]


def unzip(value: Any) -> list[list[Any]]:
    """`unzip(arrays)`: the inverse of zip, as long as the shortest array."""
    rows = [_items(row, "unzip") for row in _items(value, "unzip")]
    if not rows:
        return [[], []]
    return [list(column) for column in zip(*rows, strict=False)]


def remove(value: Any, drop: Any) -> Any:
    """`value -- drop`: array minus elements, object minus pairs (or keys)."""
    if value is None:
        return None
    if isinstance(value, list | tuple):
        unwanted = _items(drop, "--")
        return [item for item in value if not any(eq(item, d) for d in unwanted)]
    entries = _object(value, "--")
    if isinstance(drop, Mapping):
        gone = pairs_of(drop)
        return obj(
            [
                (k, v)
                for k, v in entries
                if not any(k == g and eq(v, w) for g, w in gone)
            ]
        )
    keys = {to_string(k) for k in _items(drop, "--")}
    return obj([(k, v) for k, v in entries if k not in keys])


def find(value: Any, target: Any) -> list[Any]:
    """`find(value, target)`: indices of target in an array, or of a text/regex in a string."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [i for i, item in enumerate(value) if eq(item, target)]
    text = _text(value, "find")
    if isinstance(target, re.Pattern):
        return [
            [m.start()] + [m.start(g) for g in range(1, (m.re.groups or 0) + 1)]
            for m in target.finditer(text)
        ]
    needle = _text(target, "find")
    found, start = [], 0
    while needle and (at := text.find(needle, start)) >= 0:
        found.append(at)
        start = at + len(needle)
    return found


def index_of(value: Any, target: Any) -> int:
    """`indexOf(array or string, value)`: the first index, or -1."""
    if value is None:
        return -1
    if isinstance(value, list | tuple):
        return next((i for i, item in enumerate(value) if eq(item, target)), -1)
    return _text(value, "indexOf").find(_text(target, "indexOf"))


def last_index_of(value: Any, target: Any) -> int:
    """`lastIndexOf(array or string, value)`: the last index, or -1."""
    if value is None:
        return -1
    if isinstance(value, list | tuple):
        hits = [i for i, item in enumerate(value) if eq(item, target)]
        return hits[-1] if hits else -1
    return _text(value, "lastIndexOf").rfind(_text(target, "lastIndexOf"))


def contains(value: Any, element: Any) -> bool:
    """`value contains element`: membership, substring or regex match; false for null."""
    if value is None:
        return False
    if isinstance(value, list | tuple):
        return any(eq(item, element) for item in value)
    if isinstance(value, str) and isinstance(element, re.Pattern):
        return element.search(value) is not None
    if isinstance(value, str) and _is_textual(element):
        return to_string(element) in value
    raise _fail("contains", value, element)


def size_of(value: Any) -> Any:
    """`sizeOf(value)`: arrays, objects (every pair), strings; a number's digits; null is null."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        return len(pairs_of(value))
    if isinstance(value, list | tuple | str):
        return len(value)
    if isinstance(value, bool):  # as its text, as a number is
        return 4 if value else 5
    if _is_number(value):
        return len(number_text(value))
    raise _fail("sizeOf", value)


def is_empty(value: Any) -> bool:
    """`isEmpty(value)`; true for null."""
    if value is None:
        return True
    if isinstance(value, list | tuple | str | Mapping):
        return len(value) == 0
    raise _fail("isEmpty", value)


def _comparable_extreme(value: Any, pick: int, operation: str) -> Any:
    items = _items(value, operation)
    best = None
    for index, item in enumerate(items):
        if index == 0 or cmp(item, best, operation) == pick:
            best = item
    return best


def max_(value: Any) -> Any:
    """`max(array)`; null for an empty array."""
    return _comparable_extreme(value, 1, "max")


def min_(value: Any) -> Any:
    """`min(array)`; null for an empty array."""
    return _comparable_extreme(value, -1, "min")


def _extreme_by(value: Any, callback: Callback, pick: int, operation: str) -> Any:
    best, best_key = None, None
    for index, item in enumerate(_items(value, operation)):
        key = callback(item)
        if index == 0 or cmp(key, best_key, operation) == pick:
            best, best_key = item, key
    return best


def max_by(value: Any, callback: Callback) -> Any:
    """`maxBy(array, callback(item))`."""
    return _extreme_by(value, callback, 1, "maxBy")


def min_by(value: Any, callback: Callback) -> Any:
    """`minBy(array, callback(item))`."""
    return _extreme_by(value, callback, -1, "minBy")


def sum_(value: Any) -> int | float:
    """`sum(numbers)`; 0 for an empty array."""
    total = Decimal(0)
    for item in _items(value, "sum"):
        total = _EXACT.add(total, _dec(_to_number(item, "sum")))
    return _number(total)


def avg(value: Any) -> int | float:
    """`avg(numbers)`."""
    items = _items(value, "avg")
    if not items:
        raise DataWeaveRuntimeError("avg: division by zero (empty array)")
    return div(sum_(items), len(items))


def to_(start: Any, end: Any) -> Range:
    """`start to end`: the inclusive range, counting down when end is smaller."""
    first, last = _integer(start, "to"), _integer(end, "to")
    step = 1 if last >= first else -1
    return Range(range(first, last + step, step))
