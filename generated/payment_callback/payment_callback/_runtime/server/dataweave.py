"""Run-time helpers for DataWeave expressions compiled to Python by journeygen.

Copied verbatim into every generated package; standard library only. Values are plain JSON
values (dict, list, str, int, float, bool, None) plus two `str` subclasses, `DateTime` and
`Duration`, which stay JSON-serialisable as their ISO-8601 text.

Null semantics (DataWeave 2 unless noted):
- selecting a key or index from null, from a scalar or out of range gives null;
  `.key` on an array selects `key` from every object element (multi-value selection);
- `a default b` gives `b` only when `a` is null;
- `==`/`!=` are type-strict (`1 == "1"` is false, `true == 1` is false, `null == null` is true);
- `<`, `<=`, `>`, `>=`, `<=>`, arithmetic, `++` and `as` raise DataWeaveRuntimeError on null or
  on mismatched types, as DataWeave does;
- `map`/`filter`/`orderBy` on null give null; `some`/`any` on null is false, `every`/`all` true;
  `contains`/`startsWith`/`endsWith` on null are false;
- deviations, chosen so that absent optional fields never crash a journey: null in a boolean
  position (`if`, `and`, `or`, `not`, filter/any/all callbacks, predicates) counts as false, and
  `sizeOf(null)` is 0;
- objects concatenated with `++` keep one value per key, the right-hand one winning (DataWeave
  keeps both duplicates; every JSON reader then keeps the last).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from functools import cmp_to_key
from typing import Any

Callback = Callable[[Any, Any], Any]

_NUMBER_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_DURATION_TEXT = re.compile(
    r"(-)?P(?:([0-9.]+)W)?(?:([0-9.]+)D)?(?:T(?:([0-9.]+)H)?(?:([0-9.]+)M)?(?:([0-9.]+)S)?)?"
)


class DataWeaveRuntimeError(Exception):
    """An expression failed where DataWeave itself fails (for example `null + 1`)."""


class InterpolationError(DataWeaveRuntimeError):
    """A `${...}` placeholder evaluated to null, which the DSL treats as an error."""


class DateTime(str):
    """An RFC 3339 date-time: its ISO text, plus the parsed moment for selectors and maths."""

    moment: datetime

    def __new__(cls, text: str, moment: datetime) -> DateTime:
        """Wrap text whose parsed value is moment."""
        obj = super().__new__(cls, text)
        obj.moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return obj

    def __reduce__(self) -> tuple[type[DateTime], tuple[str, datetime]]:
        """Copy and pickle with the moment (a parallel branch deep-copies the context)."""
        return (DateTime, (str(self), self.moment))

    @classmethod
    def of(cls, moment: datetime) -> DateTime:
        """A DateTime for moment, printed in UTC with millisecond precision."""
        utc = moment.astimezone(UTC)
        return cls(utc.isoformat(timespec="milliseconds").replace("+00:00", "Z"), utc)


class Duration(str):
    """An ISO-8601 duration: its text, plus the timedelta for selectors and maths."""

    delta: timedelta

    def __new__(cls, text: str, delta: timedelta) -> Duration:
        """Wrap text whose value is delta."""
        obj = super().__new__(cls, text)
        obj.delta = delta
        return obj

    def __reduce__(self) -> tuple[type[Duration], tuple[str, timedelta]]:
        """Copy and pickle with the timedelta."""
        return (Duration, (str(self), self.delta))

    @classmethod
    def of(cls, delta: timedelta) -> Duration:
        """A Duration for delta, printed as PT<seconds>S."""
        seconds = delta.total_seconds()
        text = str(int(seconds)) if seconds.is_integer() else repr(seconds)
        return cls(f"PT{text}S", delta)


# -- type helpers --------------------------------------------------------------------------------


def type_name(value: Any) -> str:
    """The DataWeave type name of a value, for error messages."""
    if value is None:
        return "Null"
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int | float):
        return "Number"
    if isinstance(value, DateTime):
        return "DateTime"
    if isinstance(value, Duration):
        return "Period"
    if isinstance(value, str):
        return "String"
    if isinstance(value, Mapping):
        return "Object"
    if isinstance(value, list | tuple):
        return "Array"
    return "Function" if callable(value) else type(value).__name__


def _fail(operation: str, *values: Any) -> DataWeaveRuntimeError:
    types = ", ".join(type_name(v) for v in values)
    return DataWeaveRuntimeError(f"cannot apply {operation} to ({types})")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_textual(value: Any) -> bool:
    return isinstance(value, str | bool) or _is_number(value)


def to_string(value: Any) -> str:
    """DataWeave `as String` for scalars; raises for null, objects and arrays."""
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return (
            str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
        )
    raise _fail("as String", value)


def _to_number(value: Any, operation: str) -> int | float:
    if _is_number(value):
        return value  # type: ignore[no-any-return]
    if isinstance(value, str) and _NUMBER_TEXT.fullmatch(value):
        number = float(value)
        return int(number) if number.is_integer() and "." not in value else number
    raise _fail(operation, value)


def _to_datetime(value: Any, operation: str) -> DateTime:
    if isinstance(value, DateTime):
        return value
    if isinstance(value, str):
        try:
            return DateTime(str(value), datetime.fromisoformat(value))
        except ValueError:
            pass
    raise _fail(operation, value)


def _to_duration(value: Any, operation: str) -> Duration:
    if isinstance(value, Duration):
        return value
    match = _DURATION_TEXT.fullmatch(value) if isinstance(value, str) else None
    if match is None or value in ("P", "PT", "-P", "-PT"):
        raise _fail(operation, value)
    weeks, days, hours, minutes, seconds = (float(g or 0) for g in match.groups()[1:])
    delta = timedelta(
        weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds
    )
    return Duration(str(value), -delta if match.group(1) else delta)


# -- selectors -----------------------------------------------------------------------------------


def sel(value: Any, key: str) -> Any:
    """Null-safe `value.key`."""
    if isinstance(value, Mapping):
        return value.get(key)
    if isinstance(value, list | tuple):
        return [
            item[key] for item in value if isinstance(item, Mapping) and key in item
        ]
    if isinstance(value, DateTime):
        return _datetime_field(value.moment, key)
    if isinstance(value, Duration):
        return _duration_field(value.delta, key)
    return None


def path(value: Any, *keys: str) -> Any:
    """Null-safe `value.k1.k2...`."""
    for key in keys:
        value = sel(value, key)
    return value


def _datetime_field(moment: datetime, key: str) -> Any:
    offset = moment.utcoffset()
    fields: dict[str, Any] = {
        "year": moment.year,
        "month": moment.month,
        "day": moment.day,
        "hour": moment.hour,
        "minutes": moment.minute,
        "seconds": moment.second,
        "milliseconds": moment.microsecond // 1000,
        "nanoseconds": moment.microsecond * 1000,
        "dayOfWeek": moment.isoweekday(),
        "dayOfYear": moment.timetuple().tm_yday,
        "quarter": (moment.month - 1) // 3 + 1,
        "offsetSeconds": int(offset.total_seconds()) if offset is not None else 0,
    }
    return fields.get(key)


def _duration_field(delta: timedelta, key: str) -> Any:
    seconds = delta.total_seconds()
    units = {
        "days": 86400,
        "hours": 3600,
        "minutes": 60,
        "seconds": 1,
        "milliseconds": 0.001,
    }
    return int(seconds // units[key]) if key in units else None


def idx(value: Any, index: Any) -> Any:
    """Null-safe `value[index]`: position in an array/string/object, or a key."""
    if isinstance(index, str):
        return sel(value, index)
    if isinstance(index, float) and index.is_integer():
        index = int(index)
    if isinstance(index, bool) or not isinstance(index, int):
        raise _fail("[index]", value, index)
    items: Any = list(value.values()) if isinstance(value, Mapping) else value
    if not isinstance(items, list | tuple | str):
        return None
    position = index + len(items) if index < 0 else index
    return items[position] if 0 <= position < len(items) else None


def dyn_key(key: Any) -> str:
    """The text of a dynamic object key `(expr): value`."""
    if _is_textual(key):
        return to_string(key)
    raise _fail("a dynamic key", key)


# -- operators -----------------------------------------------------------------------------------


def default(value: Any, fallback: Any) -> Any:
    """`value default fallback`."""
    return fallback if value is None else value


def default_lazy(value: Any, fallback: Callable[[], Any]) -> Any:
    """`value default fallback`, evaluating fallback only when needed."""
    return fallback() if value is None else value


def truth(value: Any) -> bool:
    """A value in boolean position: booleans as-is, null as false, anything else an error."""
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    raise DataWeaveRuntimeError(f"expected a Boolean, got {type_name(value)}")


def concat(left: Any, right: Any) -> Any:
    """`left ++ right` for arrays, objects and text (numbers/booleans coerce to text)."""
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        return [*left, *right]
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        return {**left, **right}
    if _is_textual(left) and _is_textual(right):
        return to_string(left) + to_string(right)
    raise _fail("++", left, right)


def eq(left: Any, right: Any) -> bool:
    """Type-strict DataWeave `==`."""
    if _is_number(left) and _is_number(right):
        return bool(left == right)
    if isinstance(left, DateTime) and isinstance(right, DateTime):
        return left.moment == right.moment
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    if isinstance(left, str) and isinstance(right, str):
        return str(left) == str(right)
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        return len(left) == len(right) and all(
            eq(a, b) for a, b in zip(left, right, strict=True)
        )
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        return left.keys() == right.keys() and all(eq(left[k], right[k]) for k in left)
    return left is None and right is None


def ne(left: Any, right: Any) -> bool:
    """DataWeave `!=`."""
    return not eq(left, right)


def similar(left: Any, right: Any) -> bool:
    """DataWeave `~=`: equal, or equal once both scalars are coerced to text."""
    if eq(left, right):
        return True
    return (
        _is_textual(left) and _is_textual(right) and to_string(left) == to_string(right)
    )


def cmp(left: Any, right: Any, operation: str = "<=>") -> int:
    """Three-way comparison (-1, 0, 1) of two numbers, strings, date-times or booleans."""
    pair: tuple[Any, Any]
    if _is_number(left) and _is_number(right):
        pair = (left, right)
    elif isinstance(left, DateTime) or isinstance(right, DateTime):
        pair = (
            _to_datetime(left, operation).moment,
            _to_datetime(right, operation).moment,
        )
    elif isinstance(left, Duration) and isinstance(right, Duration):
        pair = (left.delta, right.delta)
    elif isinstance(left, str) and isinstance(right, str):
        pair = (str(left), str(right))
    elif isinstance(left, bool) and isinstance(right, bool):
        pair = (left, right)
    else:
        raise _fail(operation, left, right)
    return _three_way(*pair)


def _three_way(left: Any, right: Any) -> int:
    return int(left > right) - int(left < right)


def lt(left: Any, right: Any) -> bool:
    """DataWeave `<`."""
    return cmp(left, right, "<") < 0


def le(left: Any, right: Any) -> bool:
    """DataWeave `<=`."""
    return cmp(left, right, "<=") <= 0


def gt(left: Any, right: Any) -> bool:
    """DataWeave `>`."""
    return cmp(left, right, ">") > 0


def ge(left: Any, right: Any) -> bool:
    """DataWeave `>=`."""
    return cmp(left, right, ">=") >= 0


def add(left: Any, right: Any) -> Any:
    """`left + right`: numbers, or a date-time/duration plus a duration."""
    if isinstance(left, DateTime) and isinstance(right, Duration):
        return DateTime.of(left.moment + right.delta)
    if isinstance(left, Duration) and isinstance(right, DateTime):
        return DateTime.of(right.moment + left.delta)
    if isinstance(left, Duration) and isinstance(right, Duration):
        return Duration.of(left.delta + right.delta)
    return _to_number(left, "+") + _to_number(right, "+")


def sub(left: Any, right: Any) -> Any:
    """`left - right`: numbers, date-times, object minus key(s), array minus element."""
    if isinstance(left, Mapping):
        drop = (
            {right}
            if isinstance(right, str)
            else set(right) if _all_text(right) else None
        )
        if drop is None:
            raise _fail("-", left, right)
        return {key: value for key, value in left.items() if key not in drop}
    if isinstance(left, list | tuple):
        return [item for item in left if not eq(item, right)]
    if isinstance(left, DateTime) and isinstance(right, Duration):
        return DateTime.of(left.moment - right.delta)
    if isinstance(left, DateTime) and isinstance(right, DateTime):
        return Duration.of(left.moment - right.moment)
    return _to_number(left, "-") - _to_number(right, "-")


def _all_text(value: Any) -> bool:
    return isinstance(value, list | tuple) and all(
        isinstance(item, str) for item in value
    )


def mul(left: Any, right: Any) -> int | float:
    """`left * right`."""
    return _to_number(left, "*") * _to_number(right, "*")


def div(left: Any, right: Any) -> int | float:
    """`left / right`; integral quotients of integers stay integers."""
    numerator, denominator = _to_number(left, "/"), _to_number(right, "/")
    if denominator == 0:
        raise DataWeaveRuntimeError("division by zero")
    both_int = isinstance(numerator, int) and isinstance(denominator, int)
    if both_int and numerator % denominator == 0:
        return int(numerator // denominator)
    return numerator / denominator


def neg(value: Any) -> int | float:
    """Unary minus."""
    return -_to_number(value, "unary -")


def coerce(value: Any, target: str) -> Any:
    """`value as Target` for the supported targets."""
    if target == "Any":
        return value
    if target == "String":
        return to_string(value)
    if target == "Number":
        return _to_number(value, "as Number")
    if target in ("DateTime", "Date"):
        return _to_datetime(value, f"as {target}")
    return _coerce_structural(value, target)


def _coerce_structural(value: Any, target: str) -> Any:
    if target == "Boolean" and isinstance(value, bool):
        return value
    if target == "Boolean" and value in ("true", "false"):
        return value == "true"
    checks: dict[str, bool] = {
        "Object": isinstance(value, Mapping),
        "Array": isinstance(value, list | tuple),
        "Null": value is None,
    }
    if checks.get(target, False):
        return value
    raise _fail(f"as {target}", value)


# -- collection functions ------------------------------------------------------------------------


def _items(value: Any, operation: str) -> list[Any]:
    if isinstance(value, list | tuple):
        return list(value)
    raise _fail(operation, value)


def map_(value: Any, callback: Callback) -> Any:
    """`value map callback(item, index)`."""
    if value is None:
        return None
    return [callback(item, index) for index, item in enumerate(_items(value, "map"))]


def filter_(value: Any, callback: Callback) -> Any:
    """`value filter callback(item, index)`."""
    if value is None:
        return None
    items = enumerate(_items(value, "filter"))
    return [item for index, item in items if truth(callback(item, index))]


def order_by(value: Any, callback: Callback) -> Any:
    """`value orderBy callback(item, index)` (ascending by the returned key, stable)."""
    if value is None:
        return None
    keyed = [
        (callback(item, index), item)
        for index, item in enumerate(_items(value, "orderBy"))
    ]
    keyed.sort(key=cmp_to_key(_compare_keys))
    return [item for _, item in keyed]


def _compare_keys(left: tuple[Any, Any], right: tuple[Any, Any]) -> int:
    return cmp(left[0], right[0], "orderBy")


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
    items = enumerate(_items(value, "any"))
    return any(truth(callback(item, index)) for index, item in items)


def all_(value: Any, callback: Callback) -> bool:
    """Whether callback(item, index) is true for every item; true for null."""
    if value is None:
        return True
    items = enumerate(_items(value, "all"))
    return all(truth(callback(item, index)) for index, item in items)


def contains(value: Any, element: Any) -> bool:
    """`value contains element`: substring for text, membership for arrays; false for null."""
    if value is None:
        return False
    if isinstance(value, str) and _is_textual(element):
        return to_string(element) in value
    if isinstance(value, list | tuple):
        return any(eq(item, element) for item in value)
    raise _fail("contains", value, element)


def starts_with(value: Any, prefix: Any) -> bool:
    """`value startsWith prefix`; false for null."""
    return value is not None and _text(value, "startsWith").startswith(
        _text(prefix, "startsWith")
    )


def ends_with(value: Any, suffix: Any) -> bool:
    """`value endsWith suffix`; false for null."""
    return value is not None and _text(value, "endsWith").endswith(
        _text(suffix, "endsWith")
    )


def _text(value: Any, operation: str) -> str:
    if _is_textual(value):
        return to_string(value)
    raise _fail(operation, value)


def join_by(value: Any, separator: Any) -> Any:
    """`value joinBy separator`; null for null."""
    if value is None:
        return None
    parts = [_text(item, "joinBy") for item in _items(value, "joinBy")]
    return _text(separator, "joinBy").join(parts)


def split_by(value: Any, separator: Any) -> Any:
    """`value splitBy separator`; null for null."""
    if value is None:
        return None
    return _text(value, "splitBy").split(_text(separator, "splitBy"))


def size_of(value: Any) -> int:
    """`sizeOf(value)` for arrays, objects and strings; 0 for null (see module docstring)."""
    if value is None:
        return 0
    if isinstance(value, list | tuple | str | Mapping):
        return len(value)
    raise _fail("sizeOf", value)


def is_empty(value: Any) -> bool:
    """`isEmpty(value)`; true for null."""
    return size_of(value) == 0


def upper(value: Any) -> Any:
    """`upper(value)`; null for null."""
    return None if value is None else _text(value, "upper").upper()


def lower(value: Any) -> Any:
    """`lower(value)`; null for null."""
    return None if value is None else _text(value, "lower").lower()


def trim(value: Any) -> Any:
    """`trim(value)`; null for null."""
    return None if value is None else _text(value, "trim").strip()


def abs_(value: Any) -> int | float:
    """`abs(value)`."""
    return abs(_to_number(value, "abs"))


# -- time ----------------------------------------------------------------------------------------


def now() -> DateTime:
    """`now()`: the current UTC date-time."""
    return DateTime.of(datetime.now(UTC))


def duration_between(start: Any, end: Any) -> Duration:
    """`durationBetween(start, end)`: a duration whose `.seconds` etc. are whole totals."""
    first = _to_datetime(start, "durationBetween")
    second = _to_datetime(end, "durationBetween")
    return Duration.of(second.moment - first.moment)


def duration(parts: Any) -> Duration:
    """`duration({days:, hours:, minutes:, seconds:})`."""
    if not isinstance(parts, Mapping):
        raise _fail("duration", parts)
    total = 0.0
    for unit, unit_seconds in (
        ("days", 86400),
        ("hours", 3600),
        ("minutes", 60),
        ("seconds", 1),
    ):
        total += _to_number(default(parts.get(unit), 0), "duration") * unit_seconds
    return Duration.of(timedelta(seconds=total))


def days(amount: Any) -> Duration:
    """`days(n)`."""
    return Duration.of(timedelta(days=_to_number(amount, "days")))


def hours(amount: Any) -> Duration:
    """`hours(n)`."""
    return Duration.of(timedelta(hours=_to_number(amount, "hours")))


def minutes(amount: Any) -> Duration:
    """`minutes(n)`."""
    return Duration.of(timedelta(minutes=_to_number(amount, "minutes")))


def seconds(amount: Any) -> Duration:
    """`seconds(n)`."""
    return Duration.of(timedelta(seconds=_to_number(amount, "seconds")))


def temporal(text: str) -> DateTime | Duration:
    """A `|...|` literal: a duration when it starts with P, else a date-time."""
    if text.lstrip("-").startswith("P"):
        return _to_duration(text, "a |...| literal")
    return _to_datetime(text, "a |...| literal")


# -- functions and interpolation -----------------------------------------------------------------


def call(function: Any, *args: Any) -> Any:
    """Call a local lambda; anything else is an error."""
    if callable(function) and not isinstance(function, type):
        return function(*args)
    raise _fail("a function call", function)


def hole(value: Any, placeholder: str) -> str:
    """The text of one `${...}` placeholder; null is an error, non-strings become JSON."""
    if value is None:
        raise InterpolationError(f"{placeholder} evaluated to null")
    if isinstance(value, str):
        return str(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


# --- language constructs (dwlang) ---------------------------------------------------------------
# Helpers the compiler emits for DataWeave language constructs (selectors, ranges, `match`,
# `update`, `default` recovery, `fun` recursion, `is`, interpolation, regex literals, object
# constructors). Values are those of the sections above; arithmetic and comparison go through
# their helpers.


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


def num(text: str) -> Any:
    """A number literal written with a fraction or an exponent."""
    return float(text)


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


def _integer(value: Any, operation: str) -> int:
    if _is_number(value) and float(value).is_integer():
        return int(value)
    raise _fail(operation, value)


def range_(start: Any, end: Any) -> list[int]:
    """`start to end`: the integers from start to end inclusive (descending if end < start)."""
    low, high = _integer(start, "to"), _integer(end, "to")
    if abs(high - low) > 10_000_000:
        raise DataWeaveRuntimeError("range too large")
    step = 1 if high >= low else -1
    return list(range(low, high + step, step))


def prepend(item: Any, items: Any) -> list[Any]:
    """`item >> items`."""
    return [item, *_items(items, ">>")]


def append(items: Any, item: Any) -> list[Any]:
    """`items << item`."""
    return [*_items(items, "<<"), item]


def remove(left: Any, right: Any) -> Any:
    """`left -- right`: an array without right's items, an object without right's keys."""
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        return [item for item in left if not any(eq(item, r) for r in right)]
    if isinstance(left, Mapping):
        keys = set(right.keys()) if isinstance(right, Mapping) else None
        if keys is None and _all_text(right):
            keys = set(right)
        if keys is not None:
            return {k: v for k, v in left.items() if k not in keys}
    if left is None or right is None:
        raise NullArgumentError(
            f"cannot apply -- to ({type_name(left)}, {type_name(right)})"
        )
    raise _fail("--", left, right)


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
        return [v for k, v in value.items() if k == key] if key in value else None
    if isinstance(value, list | tuple):
        found = [
            v
            for item in value
            if isinstance(item, Mapping)
            for k, v in item.items()
            if k == key
        ]
        return found
    return None


def sel_desc(value: Any, key: str) -> Any:
    """`value..key`: every value under key at any depth, parents before children."""
    found: list[Any] = []
    _descend(value, key, found, 0)
    return found if found or isinstance(value, Mapping | list | tuple) else None


def _descend(value: Any, key: str, found: list[Any], depth: int) -> None:
    if depth > 200:
        raise DataWeaveRuntimeError("value nested too deeply for `..`")
    if isinstance(value, Mapping):
        for k, v in value.items():
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
        return [
            {key: item[key]}
            for item in value
            if isinstance(item, Mapping) and key in item
        ]
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
    if value is None or isinstance(value, DateTime | Duration):
        return sel(value, key) is not None
    raise _fail(f".{key}?", value)


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
    return dict(pairs)


def spread_pairs(value: Any) -> list[tuple[str, Any]]:
    """The pairs an enclosed `{ (expr) }` contributes: an object's, or each object's."""
    if isinstance(value, Mapping):
        return list(value.items())
    if isinstance(value, list | tuple):
        pairs: list[tuple[str, Any]] = []
        for item in value:
            pairs.extend(spread_pairs(item))
        return pairs
    if value is None:
        return []
    raise _fail("an enclosed object expression `{ (...) }`", value)


_SIMPLE_TYPES = frozenset({"String", "Number", "Boolean", "DateTime", "Period"})


def is_type(value: Any, spec: Any) -> bool:
    """`value is Type` for a type spec the compiler built (name, union, Array<T>, literal)."""
    if isinstance(spec, tuple):
        kind, arg = spec
        if kind == "union":
            return any(is_type(value, member) for member in arg)
        if kind == "literal":
            return type_name(value) == type_name(arg) and eq(value, arg)
        return isinstance(value, list | tuple) and all(is_type(v, arg) for v in value)
    if spec == "Any":
        return True
    actual = type_name(value)
    if spec in ("Key", "String"):
        return actual == "String"
    if spec == "SimpleType":
        return actual in _SIMPLE_TYPES
    if spec == "Regex":
        return isinstance(value, re.Pattern)
    if spec == "Range":
        return isinstance(value, list) and all(type(v) is int for v in value)
    return bool(actual == spec)


def coerce_format(value: Any, target: str, schema: Any) -> Any:
    """`value as Target {format: ...}`: schema properties are not supported yet."""
    keys = ", ".join(sorted(schema)) if isinstance(schema, Mapping) else "?"
    raise DataWeaveRuntimeError(
        f"`as {target} {{{keys}}}`: coercion schema properties are not supported"
    )


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

    def recurse(*args: Any) -> Any:
        try:
            return function(*args)
        except RecursionError:
            raise DataWeaveRuntimeError("function recursion too deep") from None

    function = make(recurse)
    return recurse


def _bind(kind: str, data: Any, value: Any) -> tuple[Any, ...] | None:
    """What a `case` pattern binds for value, or None when it does not match."""
    if kind in ("bind", "else"):
        return (value,)
    if kind == "literal":
        return (value,) if eq(value, data) else None
    if kind == "type":
        return (value,) if is_type(value, data) else None
    if kind == "regex":
        if not isinstance(value, str) or not isinstance(data, re.Pattern):
            return None
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
        first = next(iter(value))
        rest = {k: v for i, (k, v) in enumerate(value.items()) if i}
        return (first, value[first], rest)
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
        return {**value, key: _update_at(None, rest, guard, body)}
    updated: dict[str, Any] = {}
    done = False
    for k, v in value.items():
        if k == key and (kind == "multi" or not done):
            updated[k] = _update_at(v, rest, guard, body)
            done = True
        else:
            updated[k] = v
    return updated
