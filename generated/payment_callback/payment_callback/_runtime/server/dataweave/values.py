"""The value model: errors, the values one evaluation makes (`Obj`, `Live`), numbers, type names."""

from __future__ import annotations

import logging
import math
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation
from typing import Any

Callback = Callable[..., Any]


_logger = logging.getLogger("journeygen.dataweave")


class DataWeaveRuntimeError(Exception):
    """An expression failed where DataWeave itself fails (for example `null + 1`)."""


class InterpolationError(DataWeaveRuntimeError):
    """A `${...}` placeholder evaluated to null, which the DSL treats as an error."""


def _fail(operation: str, *values: Any) -> DataWeaveRuntimeError:
    types = ", ".join(type_name(v) for v in values)
    # A null argument is an error `default` recovers from (dwlang: see NullArgumentError).
    kind = NullArgumentError if None in values else DataWeaveRuntimeError
    return kind(f"cannot apply {operation} to ({types})")


class _Made(threading.local):
    """Per thread: the live values made by the evaluation running on it (never interleaved)."""

    def __init__(self) -> None:
        self.values: list[Obj | Live] = []


_MADE = _Made()


def settle(value: Any) -> Any:
    """End one evaluation: the values it made become plain JSON values; returns value."""
    made = _MADE.values
    if made:
        for item in made:
            item.settle()
        made.clear()
    return value


class Obj(dict[str, Any]):
    """An object with a repeated key: the dict keeps each key's last value (what a JSON reader
    keeps); `firsts` the first value of each repeated key, `parts` every pair in order.
    """

    __slots__ = ("firsts", "parts")
    firsts: dict[str, Any] | None
    parts: tuple[Mapping[str, Any] | list[tuple[str, Any]], ...]

    def settle(self) -> None:
        """Become the plain object a JSON reader makes of it."""
        self.firsts = None
        self.parts = ()

    def __reduce__(self) -> tuple[type[dict[str, Any]], tuple[dict[str, Any]]]:
        """Copies and pickles are plain dicts."""
        return (dict, (dict(self),))


def _made_obj(
    plain: dict[str, Any] | Obj,
    firsts: dict[str, Any],
    parts: tuple[Mapping[str, Any] | list[tuple[str, Any]], ...],
) -> Obj:
    made = plain if type(plain) is Obj else Obj(plain)
    made.firsts, made.parts = firsts, parts
    _MADE.values.append(made)
    return made


def obj(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """An object from key/value pairs in order: a dict, or an `Obj` when a key repeats."""
    items = pairs if isinstance(pairs, list) else list(pairs)
    plain = dict(items)
    if len(plain) == len(items):
        return plain
    firsts: dict[str, Any] = {}
    seen: set[str] = set()
    for key, value in items:
        if key in seen:
            continue
        seen.add(key)
        firsts[key] = value
    return _made_obj(
        plain, {k: v for k, v in firsts.items() if plain[k] is not v}, (items,)
    )


def _concat_objects(
    left: Mapping[str, Any], right: Mapping[str, Any]
) -> dict[str, Any]:
    made = Obj(left)
    made.update(right)
    if len(made) == len(left) + len(right) and type(left) is dict:
        return {**left, **right}
    firsts = {k: _first(left, k) for k in right if k in left}
    if type(left) is Obj and left.firsts:
        firsts.update((k, v) for k, v in left.firsts.items() if k not in firsts)
    return _made_obj(made, firsts, (left, right))


def pairs_of(value: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """Every key/value pair of an object, repeated keys included, in order."""
    if type(value) is Obj and value.parts:
        out: list[tuple[str, Any]] = []
        for part in value.parts:
            out.extend(part if isinstance(part, list) else pairs_of(part))
        return out
    return list(value.items())


def _first(value: Mapping[str, Any], key: str) -> Any:
    if type(value) is Obj and value.firsts:
        found = value.firsts.get(key, _MISSING)
        if found is not _MISSING:
            return found
    return value.get(key)


_MISSING: Any = object()


class Live(str):
    """A DataWeave value printed as text in JSON (a date, a period, a type) while it is live."""

    live: bool
    kind: str = "String"

    def settle(self) -> None:
        """Become the plain text it prints as."""
        self.live = False

    def dw_text(self) -> str:
        """Its text for `as String` and `++` (a formatted date prints apart from it)."""
        return str(self)

    def as_number(self) -> int | float | None:
        """The number `as Number` makes of it while live; None for most (a Period has one)."""
        return None

    def __reduce__(self) -> tuple[type[str], tuple[str]]:
        """Copies and pickles are plain text."""
        return (str, (str(self),))


def _live(cls: type[Any], text: str) -> Any:
    made = str.__new__(cls, text)
    made.live = True
    _MADE.values.append(made)
    return made


def _is_live(value: Any) -> bool:
    return isinstance(value, Live) and value.live


_EXACT = Context(prec=1000, rounding=ROUND_HALF_EVEN, Emax=99999, Emin=-99999)


_DIVISION = Context(prec=34, rounding=ROUND_HALF_EVEN, Emax=99999, Emin=-99999)


_NUMBER_TEXT = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


class Num(float):
    """A number with more digits than a double holds: the nearest double plus the exact value."""

    __slots__ = ("exact",)
    exact: Decimal

    def __new__(cls, exact: Decimal) -> Num:
        """The Num for exact."""
        made = super().__new__(cls, float(exact))
        made.exact = exact
        return made

    def __reduce__(self) -> tuple[type[float], tuple[float]]:
        """Copies and pickles are plain doubles (what JSON keeps)."""
        return (float, (float(self),))


def _is_number(value: Any) -> bool:
    kind = type(value)
    return kind is int or kind is float or kind is Num


def _dec(value: int | float) -> Decimal:
    if type(value) is int:
        return Decimal(value)
    if type(value) is Num:
        return value.exact
    if not math.isfinite(value):
        raise DataWeaveRuntimeError(f"{value!r} is not a DataWeave number")
    return Decimal(repr(value))


def _number(exact: Decimal) -> int | float:
    """The runtime number for a decimal result: int when integral, else float or Num."""
    if not exact.is_finite():
        raise DataWeaveRuntimeError("numeric result out of range")
    if exact == exact.to_integral_value():
        return int(exact)
    near = float(exact)
    if not math.isfinite(near):
        raise DataWeaveRuntimeError("numeric result out of range")
    return near if Decimal(repr(near)) == exact else Num(exact)


def number_text(value: int | float) -> str:
    """How DataWeave prints a number (`3.10` as `3.1`, `1e2` as `1E+2`)."""
    if type(value) is int:
        return str(value)
    exact = _dec(value)
    if exact == 0:
        return "0"
    text = str(exact)
    if "E" not in text and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _parse_number(text: str) -> int | float | None:
    if not _NUMBER_TEXT.fullmatch(text):
        return None
    try:
        return _number(Decimal(text))
    except InvalidOperation:
        return None


def _to_number(value: Any, operation: str) -> int | float:
    if _is_number(value):
        return value  # type: ignore[no-any-return]
    if type(value) is str or (isinstance(value, str) and not _is_live(value)):
        parsed = _parse_number(value)
        if parsed is not None:
            return parsed
    if _is_live(value):
        number: int | float | None = value.as_number()
        if number is not None:
            return number
    raise _fail(operation, value)


def _arith(left: Any, right: Any, operation: str) -> tuple[Decimal, Decimal]:
    return _dec(_to_number(left, operation)), _dec(_to_number(right, operation))


def _integer(value: Any, operation: str) -> int:
    number = _to_number(value, operation)
    if type(number) is int:
        return number
    if float(number).is_integer():
        return int(number)
    raise DataWeaveRuntimeError(
        f"{operation} expects an integer, got {number_text(number)}"
    )


class TypeValue(Live):
    """What `typeOf` answers: a type, printed as its name."""

    kind = "Type"


class Key(Live):
    """An object key handed to a callback or listed by `keysOf`: text, but not a String
    (`k == "a"` is false in DataWeave; `k ~= "a"` and `(k as String) == "a"` are true).
    """

    kind = "Key"


def _key(name: str) -> Key:
    made: Key = _live(Key, name)
    return made


class Schemed(str):
    """A String made by `as String {...}`: it keeps the schema properties as metadata, as
    DataWeave does (`("a" as T) is T` is true, `"a" is T` false); any operation on it makes a
    plain String."""

    schema: dict[str, Any]

    def __reduce__(self) -> tuple[type[str], tuple[str]]:
        """Copies and pickles are plain text."""
        return (str, (str(self),))


def schemed(text: str, schema: Mapping[str, Any]) -> Schemed:
    """text carrying schema as its metadata."""
    made = Schemed(text)
    made.schema = dict(schema)
    return made


class Range(list[int]):
    """`a to b`: an array of numbers that `typeOf` calls Range."""


def type_name(value: Any) -> str:
    """The DataWeave type name of a value."""
    if value is None:
        return "Null"
    if isinstance(value, bool):
        return "Boolean"
    if _is_number(value):
        return "Number"
    if isinstance(value, str):
        return value.kind if isinstance(value, Live) and value.live else "String"
    if isinstance(value, Mapping):
        return "Object"
    if isinstance(value, list | tuple):
        return "Range" if isinstance(value, Range) else "Array"
    if isinstance(value, re.Pattern):
        return "Regex"
    return "Function" if callable(value) else type(value).__name__


def _is_textual(value: Any) -> bool:
    return isinstance(value, str | bool) or _is_number(value)


def to_string(value: Any) -> str:
    """DataWeave `as String` for scalars; raises for null, objects and arrays."""
    if isinstance(value, str):
        return value.dw_text() if isinstance(value, Live) and value.live else str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if _is_number(value):
        return number_text(value)
    if isinstance(value, re.Pattern):
        return str(value.pattern)
    raise _fail("as String", value)


def _text(value: Any, operation: str) -> str:
    if _is_textual(value):
        return to_string(value)
    raise _fail(operation, value)


class NullArgumentError(DataWeaveRuntimeError):
    """A function or operator got null where it needs a value (`default` recovers from it)."""


class CoercionError(DataWeaveRuntimeError):
    """An `as` coercion failed (`default` recovers from it)."""


class _Missing:
    """The marker of a parameter whose default reads other parameters."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing()


_RECOVERABLE = (NullArgumentError, CoercionError)


_REGEX_CACHE: dict[str, re.Pattern[str]] = {}
