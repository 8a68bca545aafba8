"""Helpers the compiler emits for language constructs: literals, interpolation, regexes, `is`, `default` recovery, `fun` recursion, `match`/`case`, `update`."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from .operators import eq, truth
from .selectors import object_of
from .values import (
    _RECOVERABLE,
    _REGEX_CACHE,
    MISSING,
    DataWeaveRuntimeError,
    NullArgumentError,
    Schemed,
    _fail,
    _integer,
    _is_number,
    _is_textual,
    _number,
    number_text,
    pairs_of,
    to_string,
    type_name,
)


def num(text: str) -> Any:
    """A number literal written with a fraction or an exponent."""
    return _number(Decimal(text))


def interp(value: Any) -> str:
    """One `$(...)` of a string: its text, as DataWeave's `++` gives it."""
    if value is None:
        raise NullArgumentError("cannot interpolate null into a string")
    if _is_textual(value):
        return to_string(value)
    raise _fail("string interpolation", value)


def regex(pattern: str) -> re.Pattern[str]:
    """A `/.../` literal (Java named groups `(?<n>...)` read as Python's)."""
    compiled = _REGEX_CACHE.get(pattern)
    if compiled is None:
        try:
            compiled = re.compile(re.sub(r"\(\?<([A-Za-z])", r"(?P<\1", pattern))
        except re.error as exc:
            raise DataWeaveRuntimeError(f"invalid regular expression: {exc}") from None
        _REGEX_CACHE[pattern] = compiled
    return compiled


_SIMPLE_TYPES = frozenset({"String", "Number", "Boolean", "DateTime", "Period"})


def is_type(value: Any, spec: Any) -> bool:
    """`value is Type` for a type spec the compiler built (name, union, Array<T>, literal)."""
    if isinstance(spec, tuple):
        kind, arg = spec
        if kind == "union":
            return any(is_type(value, member) for member in arg)
        if kind == "literal":
            return type_name(value) == type_name(arg) and eq(value, arg)
        if kind == "schema":
            inner, schema = arg
            return is_type(value, inner) and _carries(value, schema)
        if kind == "intersection":
            return all(is_type(value, member) for member in arg)
        if kind == "object":
            return _object_is(value, *arg)
        # DataWeave erases an array's item type: `["a"] is Array<Number>` is true.
        return type_name(value) == "Array"
    if spec == "Any":
        return True
    actual = type_name(value)
    if spec in ("Key", "String"):
        return actual in ("String", "Key")
    if spec == "SimpleType":
        return actual in _SIMPLE_TYPES
    if spec == "Regex":
        return isinstance(value, re.Pattern)
    if spec == "Range":
        return isinstance(value, list) and all(type(v) is int for v in value)
    return bool(actual == spec)


def _object_is(value: Any, fields: tuple[Any, ...], closed: bool) -> bool:
    """`value is {a: String, b?: Number}`: every value of each declared key has its type,
    required keys are present, and a closed `{| |}` type has no other keys."""
    if not isinstance(value, Mapping):
        return False
    pairs = pairs_of(value)
    declared = {key for key, _, _ in fields}
    if closed and any(key not in declared for key, _ in pairs):
        return False
    for key, required, spec in fields:
        values = [v for k, v in pairs if k == key]
        if (required and not values) or not all(is_type(v, spec) for v in values):
            return False
    return True


def _carries(value: Any, schema: Any) -> bool:
    """Whether value's metadata holds every property of schema (`is T {format: ...}`)."""
    if not isinstance(schema, Mapping):
        raise _fail("is with a schema", schema)
    metadata = getattr(value, "schema", None) if isinstance(value, Schemed) else None
    if metadata is None:
        return not schema
    return all(key in metadata and eq(metadata[key], v) for key, v in schema.items())


def default_try(left: Callable[[], Any], fallback: Any) -> Any:
    """`left default fallback` where left may fail the way `default` recovers from."""
    try:
        value = left()
    except _RECOVERABLE:
        return fallback
    return fallback if value is None else value


def default_try_lazy(left: Callable[[], Any], fallback: Callable[[], Any]) -> Any:
    """`default_try` evaluating the fallback only when needed."""
    try:
        value = left()
    except _RECOVERABLE:
        return fallback()
    return fallback() if value is None else value


def fix(make: Callable[[Callable[..., Any]], Callable[..., Any]]) -> Callable[..., Any]:
    """A recursive `fun`: make receives the function itself."""

    def recurse(*args: Any, **named: Any) -> Any:
        try:
            return function(*args, **named)
        except RecursionError:
            raise DataWeaveRuntimeError("function recursion too deep") from None

    function = make(recurse)
    return recurse


def fix_group(
    make: Callable[..., tuple[Callable[..., Any], ...]], count: int
) -> list[Callable[..., Any]]:
    """Mutually recursive `fun`s: make receives all of them and answers their bodies."""
    functions: list[Callable[..., Any]] = []

    def entry(at: int) -> Callable[..., Any]:
        def recurse(*args: Any, **named: Any) -> Any:
            try:
                return functions[at](*args, **named)
            except RecursionError:
                raise DataWeaveRuntimeError("function recursion too deep") from None

        return recurse

    entries = [entry(at) for at in range(count)]
    functions.extend(make(*entries))
    return entries


def guarded(function: Callable[..., Any]) -> Callable[..., Any]:
    """A `fun` that may recurse through other declarations: deep recursion is an error."""

    def recurse(*args: Any, **named: Any) -> Any:
        try:
            return function(*args, **named)
        except RecursionError:
            raise DataWeaveRuntimeError("function recursion too deep") from None

    return recurse


def letrec(
    make: Callable[[Callable[[int], Any]], tuple[Callable[[], Any], ...]],
    names: tuple[str, ...],
    body: Callable[[Callable[[int], Any]], Any],
) -> Any:
    """The declarations of one block that read later ones, as DataWeave scopes them: every
    name is visible everywhere in the block, each is initialized in order, and reading one
    before its initialization fails (`get(at)` reads declaration `at`)."""
    cells: list[Any] = [MISSING] * len(names)

    def get(at: int) -> Any:
        value = cells[at]
        if value is MISSING:
            raise DataWeaveRuntimeError(
                f"Variable: `{names[at]}` is not yet initialized"
            )
        return value

    for at, init in enumerate(make(get)):
        cells[at] = init()
    return body(get)


def _bind(kind: str, data: Any, value: Any) -> tuple[Any, ...] | None:
    """What a `case` pattern binds for value, or None when it does not match."""
    if kind in ("bind", "else"):
        return (value,)
    if kind == "literal":
        return (value,) if eq(value, data) else None
    if kind == "type":
        return (value,) if is_type(value, data) else None
    if kind == "regex":
        if not isinstance(data, re.Pattern):
            return None
        if _is_number(value) and not isinstance(value, bool):
            value = number_text(value)
        elif not isinstance(value, str):  # DataWeave's `matches` takes a String
            raise _fail("matches", value)
        found = data.fullmatch(value)
        if found is None:
            return None
        return (
            [found.group(0), *(g if g is not None else "" for g in found.groups())],
        )
    if kind == "array":
        if isinstance(value, list | tuple) and value:
            return (value[0], list(value[1:]))
        return None
    if isinstance(value, Mapping) and value:
        pairs = pairs_of(value)
        return (pairs[0][0], pairs[0][1], object_of(pairs[1:]))
    return None


def match_cases(value: Any, cases: tuple[tuple[str, Any, Any, Any], ...]) -> Any:
    """`value match { case ... }`: the body of the first case whose pattern and guard hold."""
    for kind, data, guard, body in cases:
        bound = _bind(kind, data, value)
        if bound is not None and (guard is None or truth(guard(*bound))):
            return body(*bound)
    raise DataWeaveRuntimeError(
        f"none of the match cases matched a value of type {type_name(value)}"
    )


Step = tuple[str, Any, bool]


def update_cases(
    value: Any, cases: tuple[tuple[tuple[Step, ...], Any, Callable[[Any], Any]], ...]
) -> Any:
    """`value update { case path -> new }`: a copy with each path's value replaced."""
    for steps, guard, body in cases:
        value = _update_at(value, steps, guard, body)
    return value


def _update_at(value: Any, steps: tuple[Step, ...], guard: Any, body: Any) -> Any:
    if not steps:
        if guard is None or truth(guard(value)):
            return body(value)
        return value
    (kind, key, upsert), rest = steps[0], steps[1:]
    creates = upsert or any(step[2] for step in rest)
    if isinstance(value, list | tuple) and kind != "index":
        return [_update_at(item, steps, guard, body) for item in value]
    if kind == "index":
        if not isinstance(value, list | tuple):
            return value
        position = _integer(key, "update [index]")
        position += len(value) if position < 0 else 0
        if not 0 <= position < len(value):
            return value
        items = list(value)
        items[position] = _update_at(items[position], rest, guard, body)
        return items
    if value is None and creates:
        value = {}
    if not isinstance(value, Mapping):
        return value
    if key not in value:
        if not creates:
            return value
        return object_of([*pairs_of(value), (key, _update_at(None, rest, guard, body))])
    updated: list[tuple[str, Any]] = []
    done = False
    for k, v in pairs_of(value):
        if k == key and (kind == "multi" or not done):
            updated.append((k, _update_at(v, rest, guard, body)))
            done = True
        else:
            updated.append((k, v))
    return object_of(updated)
