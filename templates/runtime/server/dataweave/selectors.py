"""Selectors: `.key`, `[n]`, `.*`, `..`, `.&`, `[?( )]`, `!`, `?`, ranges and slices."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .core import _items
from .operators import truth
from .temporal import (
    DateTime,
    LocalDateTime,
    Period,
    Temporal,
    TimeZone,
    _temporal_field,
)
from .values import (
    _MISSING,
    Callback,
    DataWeaveRuntimeError,
    Live,
    TypeValue,
    _fail,
    _first,
    _integer,
    _is_textual,
    obj,
    pairs_of,
    to_string,
)
from .zoned import shift_zone

_SCALARS = frozenset({str, int, float, bool})


def sel(value: Any, key: str) -> Any:
    """Null-safe `value.key`: the first value of key; on an array, from every object in it."""
    kind = type(value)
    if kind is dict:
        return value.get(key)
    if value is None or kind in _SCALARS:
        return None
    if isinstance(value, Mapping):
        return _first(value, key)
    if isinstance(value, list | tuple):
        out = []
        for item in value:
            if isinstance(item, Mapping):
                found = _first(item, key) if key in item else _MISSING
                if found is not _MISSING:
                    out.append(found)
        return out or None  # DataWeave: a selection that finds nothing is null
    if isinstance(value, Live) and value.live:
        if isinstance(value, Temporal):
            return _temporal_field(value, key)
        if isinstance(value, Period):
            return value.part(key)
        if isinstance(value, TimeZone) and key == "offsetSeconds":
            return int(value.offset.total_seconds())
    return None


def path(value: Any, *keys: str) -> Any:
    """Null-safe `value.k1.k2...`."""
    for key in keys:
        value = sel(value, key)
    return value


def idx(value: Any, index: Any) -> Any:
    """Null-safe `value[index]`: position in an array/string/object, or a key."""
    if isinstance(index, str):
        return sel(value, index)
    if isinstance(index, float) and index.is_integer():
        index = int(index)
    if isinstance(index, bool) or not isinstance(index, int):
        raise _fail("[index]", value, index)
    items: Any
    if isinstance(value, Mapping):
        items = [item for _, item in pairs_of(value)]
    elif isinstance(value, str):
        items = str(value)
    else:
        items = value
    if not isinstance(items, list | tuple | str):
        return None
    position = index + len(items) if index < 0 else index
    return items[position] if 0 <= position < len(items) else None


def dyn_key(key: Any) -> str:
    """The text of a dynamic object key `(expr): value`."""
    if _is_textual(key) and not (type(key) is TypeValue and key.live):
        return to_string(key)
    raise _fail("a dynamic key", key)


def range_(start: Any, end: Any) -> list[int]:
    """`start to end`: the integers from start to end inclusive (descending if end < start)."""
    low, high = _integer(start, "to"), _integer(end, "to")
    if abs(high - low) > 10_000_000:
        raise DataWeaveRuntimeError("range too large")
    step = 1 if high >= low else -1
    return list(range(low, high + step, step))


def prepend(item: Any, items: Any) -> Any:
    """`item >> items`; `dateTime >> zone` moves a DateTime to another zone."""
    if isinstance(item, DateTime | LocalDateTime) and item.live:
        return shift_zone(item, items)
    return [item, *_items(items, ">>")]


def append(items: Any, item: Any) -> list[Any]:
    """`items << item`."""
    return [*_items(items, "<<"), item]


def slice_range(value: Any, start: Any, end: Any) -> Any:
    """`value[a to b]`: a slice of an array or string; negative ends count from the end."""
    if value is None:
        return None
    items: Any = value if isinstance(value, list | tuple | str) else None
    if items is None:
        raise _fail("[a to b]", value)
    size = len(items)
    low, high = _integer(start, "[a to b]"), _integer(end, "[a to b]")
    low, high = (low + size if low < 0 else low), (high + size if high < 0 else high)
    if not (0 <= low < size and 0 <= high < size):
        return None
    part = items[low : high + 1] if low <= high else items[high : low + 1][::-1]
    return part if isinstance(part, str) else list(part)


def sel_multi(value: Any, key: str) -> Any:
    """`value.*key`: every value under key (arrays: of every object item)."""
    if isinstance(value, Mapping):
        return [v for k, v in pairs_of(value) if k == key] if key in value else None
    if isinstance(value, list | tuple):
        found = [
            v
            for item in value
            if isinstance(item, Mapping)
            for k, v in item.items()
            if k == key
        ]
        return found or None
    return None


def sel_desc(value: Any, key: str) -> Any:
    """`value..key`: every value under key at any depth, parents before children."""
    if value is None:  # unlike `.k`, DataWeave's `..k` is not null-safe
        raise _fail("..", value)
    found: list[Any] = []
    _descend(value, key, found, 0)
    return found or None


def _descend(value: Any, key: str, found: list[Any], depth: int) -> None:
    if depth > 200:
        raise DataWeaveRuntimeError("value nested too deeply for `..`")
    if isinstance(value, Mapping):
        for k, v in pairs_of(value):
            if k == key:
                found.append(v)
            _descend(v, key, found, depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            _descend(item, key, found, depth + 1)


def sel_kv(value: Any, key: str) -> Any:
    """`value.&key`: the key-value pairs named key, as objects."""
    if isinstance(value, Mapping):
        return {key: value[key]} if key in value else None
    if isinstance(value, list | tuple):
        pairs = [
            {key: item[key]}
            for item in value
            if isinstance(item, Mapping) and key in item
        ]
        return pairs or None
    return None


def sel_filter(value: Any, condition: Callback) -> Any:
    """`value[?(condition)]`: the items (or object values) for which condition holds."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        kept = {
            k: v for i, (k, v) in enumerate(value.items()) if truth(condition(v, i))
        }
        return kept or None
    found = [
        item
        for index, item in enumerate(_items(value, "[?()]"))
        if truth(condition(item, index))
    ]
    return found or None


def exists_key(value: Any, key: str) -> bool:
    """`value.key?`: whether the key is present (even with a null value)."""
    if isinstance(value, Mapping):
        return key in value
    if isinstance(value, list | tuple):
        return any(isinstance(item, Mapping) and key in item for item in value)
    if value is None or isinstance(value, Live):
        return sel(value, key) is not None
    if isinstance(value, str):
        raise _fail(f".{key}?", value)
    return False


def exists(value: Any) -> bool:
    """`value?` on any other selector: whether it selected something."""
    return value is not None


def sel_strict(value: Any, key: str) -> Any:
    """`value.key!`: the value of a key that must be present."""
    if value is None:
        raise DataWeaveRuntimeError(f"strict selection `.{key}!` over a null value")
    if isinstance(value, Mapping) and key not in value:
        raise DataWeaveRuntimeError(f"there is no key named {key!r}")
    return sel(value, key)


def assert_present(value: Any) -> Any:
    """`value!` on a selector: the selected value, which must not be null."""
    if value is None:
        raise DataWeaveRuntimeError("the selection `!` found nothing")
    return value


def object_of(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object from ordered key/value pairs (dynamic keys, spreads, conditional fields)."""
    return obj(pairs)


def spread_pairs(value: Any) -> list[tuple[str, Any]]:
    """The pairs an enclosed `{ (expr) }` contributes: an object's, or each object's."""
    if isinstance(value, Mapping):
        return pairs_of(value)
    if isinstance(value, list | tuple):
        pairs: list[tuple[str, Any]] = []
        for item in value:
            pairs.extend(spread_pairs(item))
        return pairs
    if value is None:
        return []
    raise _fail("an enclosed object expression `{ (...) }`", value)
