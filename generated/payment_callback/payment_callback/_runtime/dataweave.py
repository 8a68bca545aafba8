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
