"""The dw::core::Objects module."""

from __future__ import annotations

from typing import Any

from .core import _object, entries_of, keys_of, names_of, values_of
from .operators import truth
from .values import Callback, DataWeaveRuntimeError, _integer, _key, obj, pairs_of


def objects_entry_set(value: Any) -> Any:
    """`entrySet(object)`."""
    return entries_of(value)


def objects_key_set(value: Any) -> Any:
    """`keySet(object)`: its keys (Key values)."""
    return keys_of(value)


def objects_name_set(value: Any) -> Any:
    """`nameSet(object)`: its keys as strings."""
    return names_of(value)


def objects_value_set(value: Any) -> Any:
    """`valueSet(object)`."""
    return values_of(value)


def objects_merge_with(source: Any, target: Any) -> Any:
    """`mergeWith(source, target)`: target's pairs win, after source's other keys."""
    if source is None or target is None:
        return target if source is None else source
    overridden = {k for k, _ in _object(target, "mergeWith")}
    kept = [(k, v) for k, v in _object(source, "mergeWith") if k not in overridden]
    return obj(kept + pairs_of(target))


def objects_divide_by(value: Any, amount: Any) -> Any:
    """`divideBy(object, n)`: objects of n pairs each."""
    entries = _object(value, "divideBy")
    size = _integer(amount, "divideBy")
    if size <= 0:
        raise DataWeaveRuntimeError("divideBy: the size must be positive")
    return [obj(entries[i : i + size]) for i in range(0, len(entries), size)]


def objects_take_while(value: Any, callback: Callback) -> Any:
    """`takeWhile(object, condition(value, key))`."""
    out = []
    for k, v in _object(value, "takeWhile"):
        if not truth(callback(v, _key(k))):
            break
        out.append((k, v))
    return obj(out)


def objects_every_entry(value: Any, callback: Callback) -> bool:
    """`everyEntry(object, condition(value, key))`; true for null."""
    if value is None:
        return True
    return all(truth(callback(v, _key(k))) for k, v in _object(value, "everyEntry"))


def objects_some_entry(value: Any, callback: Callback) -> bool:
    """`someEntry(object, condition(value, key))`; false for null."""
    if value is None:
        return False
    return any(truth(callback(v, _key(k))) for k, v in _object(value, "someEntry"))
