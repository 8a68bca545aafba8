"""Run-time helpers for DataWeave expressions compiled to Python by journeygen.

Copied verbatim into every generated package; standard library only.

The value model. At rest (in the journey context, in HTTP bodies) every value is a plain JSON
value: dict, list, str, int, float, bool, None. That is what a JSON reader makes of DataWeave's
JSON output, so a run resumed from the store behaves as one that never stopped. While one
expression evaluates, values keep DataWeave's semantics:

- numbers: int, float, or `Num` (a float that also carries the exact `Decimal` DataWeave keeps,
  for results a double cannot hold, such as `1 / 3`). Arithmetic on non-integers is decimal
  (`0.1 + 0.2` is `0.3`), division keeps 34 significant digits as DataWeave does, integral
  results are ints (`1.5 + 1.5` is `3`);
- objects: dict; an object with a repeated key (`{a: 1} ++ {a: 2}`) is an `Obj`, a dict holding
  the last value of each key (what a JSON reader keeps) plus every pair in order for DataWeave:
  the selector takes the first, `pluck`/`mapObject`/`sizeOf`/`write` see all;
- Date, DateTime, LocalDateTime, LocalTime, Time, TimeZone and Period are `str` subclasses whose
  text is DataWeave's printed form, plus their parsed parts for selectors and arithmetic;
- `settle(value)` ends an evaluation: the objects and temporal values it made become plain
  (an `Obj` a dict with the last value of each key, a DateTime its text). The compiler wraps
  every expression whose result may hold such values.

Null: selectors on null give null; functions with a null overload in DataWeave give its answer
(`sizeOf(null)` and `upper(null)` are null, `isEmpty(null)` is true, `contains`/`startsWith` on
null are false); operators and functions DataWeave refuses on null raise DataWeaveRuntimeError,
which the generated engine turns into JOURNEY_EXPRESSION_FAILED. Deliberate differences: null
in a boolean position (`if`, `and`, `or`, `not`, filter callbacks) counts as false.
"""

from __future__ import annotations

import json
import logging
import math
import random as _random
import re
import threading
import uuid as _uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import (
    ROUND_CEILING,
    ROUND_FLOOR,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    InvalidOperation,
)
from functools import cmp_to_key
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


# -- values made during one evaluation -----------------------------------------------------------


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


# -- numbers -------------------------------------------------------------------------------------

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
    if isinstance(value, Period) and value.live:
        return value.as_number()
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


# -- dates, times and periods ---------------------------------------------------------------------

_NANOS = 1_000_000_000
_DAY_NANOS = 86_400 * _NANOS
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DATE_RE = r"(?P<y>[+-]?[0-9]{4,9})-(?P<mo>[0-9]{2})-(?P<d>[0-9]{2})"
_TIME_RE = (
    r"(?P<h>[0-9]{2}):(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2})(?:[.,](?P<f>[0-9]{1,9}))?)?"
)
_ZONE_RE = r"(?P<z>Z|[+-][0-9]{2}(?::?[0-9]{2}(?::?[0-9]{2})?)?)"
_TEMPORAL_FORMS = (
    ("DateTime", re.compile(f"{_DATE_RE}T{_TIME_RE}{_ZONE_RE}")),
    ("LocalDateTime", re.compile(f"{_DATE_RE}T{_TIME_RE}")),
    ("Date", re.compile(_DATE_RE)),
    ("Time", re.compile(f"{_TIME_RE}{_ZONE_RE}")),
    ("LocalTime", re.compile(_TIME_RE)),
    ("TimeZone", re.compile(_ZONE_RE)),
)
_PERIOD_RE = re.compile(
    r"(?P<neg>-)?P(?:(?P<y>[+-]?[0-9]+)Y)?(?:(?P<mo>[+-]?[0-9]+)M)?(?:(?P<d>[+-]?[0-9]+)D)?"
    r"(?:T(?:(?P<h>[+-]?[0-9]+)H)?(?:(?P<mi>[+-]?[0-9]+)M)?"
    r"(?:(?P<s>[+-]?[0-9]+(?:[.,][0-9]{0,9})?)S)?)?"
)


def _jdiv(a: int, b: int) -> int:
    """Java's integer division (truncates toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def _jmod(a: int, b: int) -> int:
    """Java's remainder (takes the sign of the dividend)."""
    return a - b * _jdiv(a, b)


def _fraction(nano: int) -> str:
    return "" if nano == 0 else "." + f"{nano:09d}".rstrip("0")


def _offset_text(offset: timedelta | None) -> str:
    total = int(offset.total_seconds()) if offset is not None else 0
    if total == 0:
        return "Z"
    sign = "-" if total < 0 else "+"
    hours, rest = divmod(abs(total), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else "")


def _date_text(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


def _clock_text(moment: datetime | time, nano: int) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}{_fraction(nano)}"


class Temporal(Live):
    """Base of the date and time values: `value` holds the moment with whole seconds."""

    value: Any
    nano: int

    def instant(self) -> tuple[Any, int]:
        """A key ordering values of one kind (by instant for zoned kinds)."""
        if isinstance(self.value, datetime) and self.value.tzinfo is not None:
            return (self.value.astimezone(UTC), self.nano)
        if isinstance(self.value, time):
            seconds = (
                self.value.hour * 3600 + self.value.minute * 60 + self.value.second
            )
            offset = self.value.utcoffset()
            shift = int(offset.total_seconds()) if offset is not None else 0
            return (seconds - shift, self.nano)
        return (self.value, self.nano)


class Date(Temporal):
    """A DataWeave Date (`|2020-10-05|`)."""

    kind = "Date"


class DateTime(Temporal):
    """A DataWeave DateTime (`|2020-10-05T10:00:00Z|`), with a fixed offset."""

    kind = "DateTime"


class LocalDateTime(Temporal):
    """A DataWeave LocalDateTime (`|2020-10-05T10:00:00|`)."""

    kind = "LocalDateTime"


class LocalTime(Temporal):
    """A DataWeave LocalTime (`|10:00:00|`)."""

    kind = "LocalTime"


class Time(Temporal):
    """A DataWeave Time (`|10:00:00Z|`), with a fixed offset."""

    kind = "Time"


class TimeZone(Live):
    """A DataWeave TimeZone (`|-05:00|`)."""

    kind = "TimeZone"
    offset: timedelta


class Period(Live):
    """A DataWeave Period: date-based (years, months, days) or a duration (seconds, nanos)."""

    kind = "Period"
    years: int
    months: int
    days: int
    total_nanos: int
    is_duration: bool

    def as_number(self) -> int | float:
        """The number DataWeave coerces a Period to: seconds, or months when date-based."""
        if self.is_duration:
            return _number(Decimal(self.total_nanos) / _NANOS)
        return self.years * 12 + self.months

    def part(self, key: str) -> Any:
        """A `.key` selector on the period."""
        if not self.is_duration:
            return {"years": self.years, "months": self.months, "days": self.days}.get(
                key
            )
        seconds = self.total_nanos // _NANOS
        if key == "days":
            return _jdiv(seconds, 86_400)
        if key == "hours":
            return _jmod(_jdiv(seconds, 3600), 24)
        if key == "minutes":
            return _jmod(_jdiv(seconds, 60), 60)
        return seconds if key == "seconds" else None


def make_date(day: date) -> Date:
    """A live Date."""
    made: Date = _live(Date, _date_text(day))
    made.value, made.nano = day, 0
    return made


def make_datetime(moment: datetime, nano: int = 0) -> DateTime:
    """A live DateTime (naive moments are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.replace(microsecond=0)
    text = f"{_date_text(moment)}T{_clock_text(moment, nano)}{_offset_text(moment.utcoffset())}"
    made: DateTime = _live(DateTime, text)
    made.value, made.nano = moment, nano
    return made


def make_local_datetime(moment: datetime, nano: int = 0) -> LocalDateTime:
    """A live LocalDateTime."""
    moment = moment.replace(microsecond=0, tzinfo=None)
    made: LocalDateTime = _live(
        LocalDateTime, f"{_date_text(moment)}T{_clock_text(moment, nano)}"
    )
    made.value, made.nano = moment, nano
    return made


def make_local_time(clock: time, nano: int = 0) -> LocalTime:
    """A live LocalTime."""
    clock = clock.replace(microsecond=0, tzinfo=None)
    made: LocalTime = _live(LocalTime, _clock_text(clock, nano))
    made.value, made.nano = clock, nano
    return made


def make_time(clock: time, nano: int = 0) -> Time:
    """A live Time (a local time with an offset; naive times are taken as UTC)."""
    clock = clock.replace(microsecond=0, tzinfo=clock.tzinfo or UTC)
    made: Time = _live(Time, _clock_text(clock, nano) + _offset_text(clock.utcoffset()))
    made.value, made.nano = clock, nano
    return made


def make_timezone(offset: timedelta) -> TimeZone:
    """A live TimeZone."""
    made: TimeZone = _live(TimeZone, _offset_text(offset))
    made.offset = offset
    return made


def make_period(years: int = 0, months: int = 0, days: int = 0) -> Period:
    """A live date-based Period (Java's Period)."""
    text = "P0D"
    if years or months or days:
        text = "P" + "".join(
            f"{n}{unit}" for n, unit in ((years, "Y"), (months, "M"), (days, "D")) if n
        )
    made: Period = _live(Period, text)
    made.years, made.months, made.days = years, months, days
    made.total_nanos, made.is_duration = 0, False
    return made


def make_duration(total_nanos: int) -> Period:
    """A live time-based Period (Java's Duration), printed as Java prints it (`PT1H30M`)."""
    made: Period = _live(Period, _duration_text(total_nanos))
    made.years = made.months = made.days = 0
    made.total_nanos, made.is_duration = total_nanos, True
    return made


def _duration_text(total_nanos: int) -> str:
    if total_nanos == 0:
        return "PT0S"
    seconds, nanos = divmod(total_nanos, _NANOS)
    effective = seconds + 1 if seconds < 0 and nanos > 0 else seconds
    hours, minutes = _jdiv(effective, 3600), _jmod(_jdiv(effective, 60), 60)
    secs = _jmod(effective, 60)
    text = "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    if secs == 0 and nanos == 0 and len(text) > 2:
        return text
    if seconds < 0 and nanos > 0:
        text += "-0" if secs == 0 else str(secs)
        fraction = _NANOS - nanos
    else:
        text += str(secs)
        fraction = nanos
    if fraction:
        text += "." + f"{fraction:09d}".rstrip("0")
    return text + "S"


def _zone(text: str) -> timezone:
    if text == "Z":
        return UTC
    digits = text[1:].replace(":", "")
    hours, minutes, secs = (
        int(digits[0:2]),
        int(digits[2:4] or 0),
        int(digits[4:6] or 0),
    )
    if hours > 18 or minutes > 59 or secs > 59:
        raise DataWeaveRuntimeError(f"invalid zone offset {text!r}")
    delta = timedelta(hours=hours, minutes=minutes, seconds=secs)
    return timezone(-delta if text[0] == "-" else delta)


def _nano(fraction: str | None) -> int:
    return int((fraction or "").ljust(9, "0")) if fraction else 0


def _build(kind: str, m: re.Match[str]) -> Live:
    parts = m.groupdict()
    if kind == "TimeZone":
        return make_timezone(_zone(parts["z"]).utcoffset(None))
    zone = _zone(parts["z"]) if parts.get("z") else None
    nano = _nano(parts.get("f"))
    if "y" in parts:
        day = date(int(parts["y"]), int(parts["mo"]), int(parts["d"]))
        if kind == "Date":
            return make_date(day)
        clock = time(int(parts["h"]), int(parts["mi"]), int(parts["s"] or 0))
        moment = datetime.combine(day, clock)
        if kind == "DateTime":
            return make_datetime(moment.replace(tzinfo=zone), nano)
        return make_local_datetime(moment, nano)
    clock = time(int(parts["h"]), int(parts["mi"]), int(parts["s"] or 0))
    if kind == "Time":
        return make_time(clock.replace(tzinfo=zone), nano)
    return make_local_time(clock, nano)


def parse_temporal(text: str) -> Live | None:
    """The date, time, zone or period text means, or None."""
    if "P" in text[:2]:
        return _parse_period(text)
    for kind, pattern in _TEMPORAL_FORMS:
        m = pattern.fullmatch(text)
        if m is not None:
            try:
                return _build(kind, m)
            except ValueError:
                return None
    return None


def _parse_period(text: str) -> Period | None:
    m = _PERIOD_RE.fullmatch(text)
    if m is None or text.rstrip("T").endswith(("P", "-P")) or text.endswith("T"):
        return None
    g = m.groupdict()
    sign = -1 if g["neg"] else 1
    years, months = int(g["y"] or 0), int(g["mo"] or 0)
    days = int(g["d"] or 0)
    if not any(g[k] for k in ("h", "mi", "s")):
        return make_period(sign * years, sign * months, sign * days)
    if years or months:
        return None
    seconds = Decimal((g["s"] or "0").replace(",", "."))
    total = days * 86_400 + int(g["h"] or 0) * 3600 + int(g["mi"] or 0) * 60
    return make_duration(sign * (total * _NANOS + int(seconds * _NANOS)))


def temporal(text: str) -> Live:
    """A `|...|` literal: a Date, DateTime, LocalDateTime, LocalTime, Time, TimeZone or Period."""
    value = parse_temporal(text)
    if value is None:
        raise DataWeaveRuntimeError(f"invalid date/time literal |{text}|")
    return value


def _temporal_field(value: Temporal, key: str) -> Any:
    moment = value.value
    if key in ("year", "month", "day", "dayOfWeek", "dayOfYear", "quarter"):
        if isinstance(moment, time):
            return None
        return {
            "year": moment.year,
            "month": moment.month,
            "day": moment.day,
            "dayOfWeek": moment.isoweekday(),
            "dayOfYear": moment.timetuple().tm_yday,
            "quarter": (moment.month - 1) // 3 + 1,
        }[key]
    if isinstance(moment, datetime | time):
        clock = {
            "hour": moment.hour,
            "minutes": moment.minute,
            "seconds": moment.second,
            "milliseconds": value.nano // 1_000_000,
            "nanoseconds": value.nano,
        }
        if key in clock:
            return clock[key]
        offset = moment.utcoffset()
        if offset is not None and key == "offsetSeconds":
            return int(offset.total_seconds())
        if offset is not None and key == "timezone":
            return make_timezone(offset)
    return None


def _shift_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = (date(year + (month == 11), (month + 1) % 12 + 1, 1) - timedelta(days=1)).day
    return day.replace(year=year, month=month + 1, day=min(day.day, last))


def _plus(value: Temporal, period: Period, sign: int, operation: str) -> Temporal:
    moment = value.value
    if not period.is_duration:
        if isinstance(moment, time):
            if period.years or period.months or period.days:
                raise DataWeaveRuntimeError(
                    f"invalid temporal {operation}: a time has no days, months or years"
                )
            return value
        months = sign * (period.years * 12 + period.months)
        shifted = _shift_months(moment, months) if months else moment
        shifted = shifted + timedelta(days=sign * period.days)
        return _remake(value, shifted, value.nano)
    if type(value) is Date:
        raise DataWeaveRuntimeError(
            f"invalid temporal {operation}: a Date has no hours, minutes or seconds"
        )
    extra_seconds, nano = divmod(value.nano + sign * period.total_nanos, _NANOS)
    if isinstance(moment, time):
        base = datetime.combine(date(2000, 1, 1), moment)
        return _remake(value, (base + timedelta(seconds=extra_seconds)).timetz(), nano)
    return _remake(value, moment + timedelta(seconds=extra_seconds), nano)


def _remake(like: Temporal, moment: Any, nano: int) -> Temporal:
    if type(like) is Date:
        return make_date(moment)
    if type(like) is DateTime:
        return make_datetime(moment, nano)
    if type(like) is LocalDateTime:
        return make_local_datetime(moment, nano)
    if type(like) is Time:
        return make_time(moment, nano)
    return make_local_time(moment, nano)


def _between(start: Temporal, end: Temporal) -> Period:
    """end - start as a duration (DataWeave's `-` on two values of one kind)."""
    a, b = start.instant(), end.instant()
    if isinstance(a[0], datetime):
        seconds = int((b[0] - a[0]).total_seconds())
    elif isinstance(a[0], date):
        seconds = (b[0] - a[0]).days * 86_400
    else:
        seconds = b[0] - a[0]
    return make_duration(seconds * _NANOS + b[1] - a[1])


def _combine(left: Live, right: Live) -> Live | None:
    """`++` of a date with a time or zone (either order), or None."""
    for first, second in ((left, right), (right, left)):
        if type(first) is Date and type(second) in (LocalTime, Time):
            assert isinstance(second, Temporal)
            moment = datetime.combine(first.value, second.value)
            if type(second) is Time:
                return make_datetime(moment, second.nano)
            return make_local_datetime(moment, second.nano)
        if type(second) is TimeZone and type(first) in (Date, LocalDateTime, LocalTime):
            assert isinstance(first, Temporal)
            zone = timezone(second.offset)
            if type(first) is LocalTime:
                return make_time(first.value.replace(tzinfo=zone), first.nano)
            moment = first.value
            if type(first) is Date:
                moment = datetime.combine(moment, time())
            return make_datetime(moment.replace(tzinfo=zone), first.nano)
    return None


# -- clock, ids and randomness (injectable) ------------------------------------------------------


def _system_now() -> datetime:
    return datetime.now(UTC)


def _system_uuid() -> str:
    return str(_uuid.uuid4())


_SOURCES: dict[str, Callable[[], Any]] = {
    "now": _system_now,
    "uuid": _system_uuid,
    "random": _random.random,
}


def _constant(value: Any) -> Callable[[], Any]:
    return lambda: value


@contextmanager
def pinned(
    now: datetime | None = None, uuid: str | None = None, random: float | None = None
) -> Iterator[None]:
    """Within the block `now()`, `uuid()` and `random()` answer the given values (tests)."""
    saved = dict(_SOURCES)
    for name, value in (("now", now), ("uuid", uuid), ("random", random)):
        if value is not None:
            _SOURCES[name] = _constant(value)
    try:
        yield
    finally:
        _SOURCES.update(saved)


# -- types ---------------------------------------------------------------------------------------


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
        return str(value)
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


# -- selectors -----------------------------------------------------------------------------------


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
    """`left ++ right`: arrays, objects (a repeated key is kept twice), text, date ++ time."""
    if type(left) is dict and type(right) is dict:
        merged = {**left, **right}
        if len(merged) == len(left) + len(right):
            return merged
        return _concat_objects(left, right)
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        return [*left, *right]
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        return _concat_objects(left, right)
    if _is_live(left) and _is_live(right):
        combined = _combine(left, right)
        if combined is not None:
            return combined
    if _is_textual(left) and _is_textual(right):
        return to_string(left) + to_string(right)
    raise _fail("++", left, right)


def eq(left: Any, right: Any) -> bool:
    """Type-strict DataWeave `==` (objects compare their pairs in order)."""
    kind = type(left)
    if kind is type(right) and (kind is str or kind is int):
        return bool(left == right)
    if _is_number(left) and _is_number(right):
        if kind is Num or type(right) is Num:
            return _dec(left) == _dec(right)
        return bool(left == right)
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    if isinstance(left, str) and isinstance(right, str):
        return _eq_text(left, right)
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        return len(left) == len(right) and all(
            eq(a, b) for a, b in zip(left, right, strict=True)
        )
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        a, b = pairs_of(left), pairs_of(right)
        return len(a) == len(b) and all(
            ka == kb and eq(va, vb) for (ka, va), (kb, vb) in zip(a, b, strict=True)
        )
    return left is None and right is None


def _eq_text(left: str, right: str) -> bool:
    live_left, live_right = _is_live(left), _is_live(right)
    if not live_left and not live_right:
        return str(left) == str(right)
    if type(left) is not type(right) or not (live_left and live_right):
        return False
    if isinstance(left, Temporal) and isinstance(right, Temporal):
        return left.instant() == right.instant()
    if isinstance(left, Period) and isinstance(right, Period):
        return (
            left.is_duration,
            left.total_nanos,
            left.years,
            left.months,
            left.days,
        ) == (
            right.is_duration,
            right.total_nanos,
            right.years,
            right.months,
            right.days,
        )
    if isinstance(left, TimeZone) and isinstance(right, TimeZone):
        return left.offset == right.offset
    return str(left) == str(right)


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
    """Three-way comparison (-1, 0, 1) of two numbers, strings, dates/times or booleans."""
    pair: tuple[Any, Any]
    if _is_number(left) and _is_number(right):
        if type(left) is Num or type(right) is Num:
            pair = (_dec(left), _dec(right))
        else:
            pair = (left, right)
    elif isinstance(left, bool) and isinstance(right, bool):
        pair = (left, right)
    elif isinstance(left, str) and isinstance(right, str):
        pair = _text_pair(left, right, operation)
    else:
        raise _fail(operation, left, right)
    return int(pair[0] > pair[1]) - int(pair[0] < pair[1])


def _text_pair(left: str, right: str, operation: str) -> tuple[Any, Any]:
    live_left, live_right = _is_live(left), _is_live(right)
    if (not live_left and not live_right) or Key in (type(left), type(right)):
        return (str(left), str(right))
    if (
        type(left) is type(right)
        and isinstance(left, Temporal)
        and isinstance(right, Temporal)
    ):
        return (left.instant(), right.instant())
    if type(left) is type(right) is TimeZone:
        assert isinstance(left, TimeZone) and isinstance(right, TimeZone)
        return (left.offset, right.offset)
    raise _fail(operation, left, right)


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


def _temporal_pair(left: Any, right: Any) -> tuple[Temporal, Period] | None:
    if isinstance(left, Temporal) and left.live and isinstance(right, Period):
        return (left, right) if right.live else None
    return None


def add(left: Any, right: Any) -> Any:
    """`left + right`: numbers, or a date/time plus a period."""
    if type(left) is int and type(right) is int:
        return left + right
    pair = _temporal_pair(left, right) or _temporal_pair(right, left)
    if pair is not None:
        return _plus(pair[0], pair[1], 1, "addition")
    a, b = _arith(left, right, "+")
    return _number(_EXACT.add(a, b))


def sub(left: Any, right: Any) -> Any:
    """`left - right`: numbers, dates/times, object minus key(s), array minus element."""
    if type(left) is int and type(right) is int:
        return left - right
    if isinstance(left, Mapping):
        return _without_keys(left, right)
    if isinstance(left, list | tuple):
        return [item for item in left if not eq(item, right)]
    if isinstance(left, Temporal) and left.live:
        if isinstance(right, Period) and right.live:
            return _plus(left, right, -1, "subtraction")
        if type(right) is type(left) and isinstance(right, Temporal) and right.live:
            return _between(right, left)
    a, b = _arith(left, right, "-")
    return _number(_EXACT.subtract(a, b))


def _without_keys(left: Mapping[str, Any], right: Any) -> dict[str, Any]:
    if isinstance(right, str):
        drop = {str(right)}
    elif isinstance(right, list | tuple) and all(isinstance(k, str) for k in right):
        drop = {str(k) for k in right}
    else:
        raise _fail("-", left, right)
    return obj([(k, v) for k, v in pairs_of(left) if k not in drop])


def mul(left: Any, right: Any) -> int | float:
    """`left * right`."""
    if type(left) is int and type(right) is int:
        return left * right
    a, b = _arith(left, right, "*")
    return _number(_EXACT.multiply(a, b))


def div(left: Any, right: Any) -> int | float:
    """`left / right`, to 34 significant digits as DataWeave divides."""
    a, b = _arith(left, right, "/")
    if b == 0:
        raise DataWeaveRuntimeError("division by zero")
    return _number(_DIVISION.divide(a, b))


def neg(value: Any) -> int | float:
    """Unary minus."""
    if type(value) is int:
        return -value
    return _number(-_dec(_to_number(value, "unary -")))


_TEMPORAL_TYPES = frozenset(
    {"DateTime", "Date", "LocalDateTime", "LocalTime", "Time", "TimeZone", "Period"}
)


def coerce(value: Any, target: str) -> Any:
    """`value as Target`; a failure is a CoercionError (`default` recovers from it)."""
    try:
        return _coerce(value, target)
    except CoercionError:
        raise
    except DataWeaveRuntimeError as exc:
        raise CoercionError(str(exc)) from None


def _coerce(value: Any, target: str) -> Any:
    if target == "Any":
        return value
    if target == "String":
        return to_string(value)
    if target == "Number":
        return _as_number(value)
    if target in _TEMPORAL_TYPES:
        return _as_temporal(value, target)
    return _coerce_structural(value, target)


def _as_number(value: Any) -> int | float:
    if isinstance(value, DateTime) and value.live:
        seconds = int((value.value - _EPOCH).total_seconds())
        return seconds
    if isinstance(value, bool):
        raise _fail("as Number", value)
    return _to_number(value, "as Number")


def _as_temporal(value: Any, target: str) -> Live:
    if target == "DateTime" and _is_number(value):
        return make_datetime(_EPOCH + timedelta(seconds=_integer(value, "as DateTime")))
    if not isinstance(value, str):
        raise _fail(f"as {target}", value)
    parsed = (
        value if isinstance(value, Live) and value.live else parse_temporal(str(value))
    )
    converted = _convert_temporal(parsed, target) if parsed is not None else None
    if converted is None:
        raise DataWeaveRuntimeError(f"cannot coerce {str(value)!r} to {target}")
    return converted


def _convert_temporal(value: Live, target: str) -> Live | None:
    if value.kind == target:
        return value
    if not isinstance(value, Temporal):
        return None
    moment, nano = value.value, value.nano
    if isinstance(moment, datetime):
        if target == "Date":
            return make_date(moment.date())
        if target == "LocalDateTime":
            return make_local_datetime(moment, nano)
        if target == "DateTime":
            return make_datetime(moment, nano)
        if target == "LocalTime":
            return make_local_time(moment.time(), nano)
        if target == "Time":
            return make_time(moment.timetz(), nano)
    if type(value) is Date and target in ("DateTime", "LocalDateTime"):
        midnight = datetime.combine(moment, time())
        if target == "DateTime":
            return make_datetime(midnight)
        return make_local_datetime(midnight)
    if type(value) is Time and target == "LocalTime":
        return make_local_time(moment, nano)
    if type(value) is LocalTime and target == "Time":
        return make_time(moment, nano)
    return None


def _coerce_structural(value: Any, target: str) -> Any:
    if target == "Boolean" and isinstance(value, bool):
        return value
    if target == "Boolean" and isinstance(value, str) and value in ("true", "false"):
        return value == "true"
    if target == "Regex" and isinstance(value, str):
        return regex(str(value))
    checks: dict[str, bool] = {
        "Object": isinstance(value, Mapping),
        "Array": isinstance(value, list | tuple),
        "Null": value is None,
        "Regex": isinstance(value, re.Pattern),
    }
    if checks.get(target, False):
        return value
    raise _fail(f"as {target}", value)


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
    return json.dumps(
        plain(value), ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )


def plain(value: Any) -> Any:
    """value as plain JSON data (what a JSON reader makes of DataWeave's output)."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    if type(value) is Num:
        return float(value)
    return value


# -- dw::Core: collections -----------------------------------------------------------------------


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
    if isinstance(value, str):
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


# -- dw::Core: strings ---------------------------------------------------------------------------

_JAVA_SPACE = "".join(chr(c) for c in range(33))


def _string_or_null(value: Any, operation: str) -> str | None:
    return None if value is None else _text(value, operation)


def upper(value: Any) -> Any:
    """`upper(text)`; null for null."""
    text = _string_or_null(value, "upper")
    return None if text is None else text.upper()


def lower(value: Any) -> Any:
    """`lower(text)`; null for null."""
    text = _string_or_null(value, "lower")
    return None if text is None else text.lower()


def trim(value: Any) -> Any:
    """`trim(text)`: spaces and control characters off both ends; null for null."""
    text = _string_or_null(value, "trim")
    return None if text is None else text.strip(_JAVA_SPACE)


def is_blank(value: Any) -> bool:
    """`isBlank(text)`: null, empty or only whitespace."""
    text = _string_or_null(value, "isBlank")
    return text is None or text.strip() == ""


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


def join_by(value: Any, separator: Any) -> Any:
    """`value joinBy separator`; null for null."""
    if value is None:
        return None
    parts = [_text(item, "joinBy") for item in _items(value, "joinBy")]
    return _text(separator, "joinBy").join(parts)


def _java_split(text: str, pattern: re.Pattern[str]) -> list[str]:
    """Java's String.split: no leading empty part for a zero-width first match, no trailing."""
    if text == "":
        return [""]
    parts: list[str] = []
    index = 0
    for m in pattern.finditer(text):
        if m.end() == 0:
            continue
        parts.append(text[index : m.start()])
        index = m.end()
    if not parts and index == 0:
        return [text]
    parts.append(text[index:])
    while parts and parts[-1] == "":
        parts.pop()
    return parts


def split_by(value: Any, separator: Any) -> Any:
    """`value splitBy separator` (a string or a regex); null for null."""
    if value is None:
        return None
    text = _text(value, "splitBy")
    if isinstance(separator, re.Pattern):
        return _java_split(text, separator)
    return _java_split(text, re.compile(re.escape(_text(separator, "splitBy"))))


def _regex_arg(value: Any, operation: str) -> re.Pattern[str]:
    if isinstance(value, re.Pattern):
        return value
    raise _fail(operation, value)


def match_(value: Any, pattern: Any) -> Any:
    """`text match /regex/`: the whole match and its groups when the regex matches it all."""
    if value is None:
        return None
    m = _regex_arg(pattern, "match").fullmatch(_text(value, "match"))
    return [] if m is None else [m.group(0), *(g for g in m.groups())]


def matches(value: Any, pattern: Any) -> bool:
    """`text matches /regex/`: whether the regex matches the whole text; false for null."""
    if value is None:
        return False
    regex_ = _regex_arg(pattern, "matches")
    return regex_.fullmatch(_text(value, "matches")) is not None


def scan(value: Any, pattern: Any) -> Any:
    """`text scan /regex/`: every match, each with its groups."""
    if value is None:
        return None
    found = _regex_arg(pattern, "scan").finditer(_text(value, "scan"))
    return [[m.group(0), *m.groups()] for m in found]


class _Replacement:
    """What `text replace matcher` answers: waits for `with` and its replacement."""

    __slots__ = ("matcher", "text")

    def __init__(self, text: str | None, matcher: Any) -> None:
        self.text = text
        self.matcher = matcher

    def __call__(self, replacer: Any) -> Any:
        if self.text is None:
            return None
        if isinstance(self.matcher, re.Pattern):
            pattern = self.matcher
        else:
            pattern = re.compile(re.escape(_text(self.matcher, "replace")))
        counter = iter(range(len(self.text) + 1))

        def one(m: re.Match[str]) -> str:
            if callable(replacer):
                groups = [m.group(0), *(g for g in m.groups())]
                return _text(replacer(groups, next(counter)), "replace")
            return _text(replacer, "replace")

        return pattern.sub(one, self.text)


def replace(value: Any, matcher: Any) -> _Replacement:
    """`text replace matcher`: completed by `with replacement`."""
    return _Replacement(_string_or_null(value, "replace"), matcher)


def with_(pending: Any, replacer: Any) -> Any:
    """`(text replace matcher) with replacement`: text or a callback(groups, index)."""
    if isinstance(pending, _Replacement):
        return pending(replacer)
    if callable(pending):
        return pending(replacer)
    raise _fail("with", pending, replacer)


# -- dw::Core: numbers ---------------------------------------------------------------------------


def abs_(value: Any) -> int | float:
    """`abs(number)`."""
    number = _to_number(value, "abs")
    return -number if number < 0 else number


def _rounded(value: Any, rounding: str, operation: str) -> int:
    return int(_dec(_to_number(value, operation)).to_integral_value(rounding=rounding))


def ceil(value: Any) -> int:
    """`ceil(number)`."""
    return _rounded(value, ROUND_CEILING, "ceil")


def floor(value: Any) -> int:
    """`floor(number)`."""
    return _rounded(value, ROUND_FLOOR, "floor")


def round_(value: Any) -> int:
    """`round(number)`: halves away from zero."""
    return _rounded(value, ROUND_HALF_UP, "round")


def sqrt(value: Any) -> int | float:
    """`sqrt(number)` (a double, as DataWeave computes it)."""
    number = _to_number(value, "sqrt")
    if number < 0:
        raise DataWeaveRuntimeError(
            f"sqrt of a negative number ({number_text(number)})"
        )
    root = math.sqrt(number)
    return int(root) if root.is_integer() else root


def pow_(base: Any, power: Any) -> int | float:
    """`pow(base, power)`: exact for whole powers, a double otherwise."""
    b, p = _to_number(base, "pow"), _to_number(power, "pow")
    if type(p) is int:
        if p < 0:
            raise DataWeaveRuntimeError(f"pow: negative exponent {p}")
        return _number(_EXACT.power(_dec(b), p))
    try:
        result = math.pow(b, p)
    except (OverflowError, ValueError) as exc:
        raise DataWeaveRuntimeError(f"pow: {exc}") from exc
    return int(result) if result.is_integer() else result


def mod(dividend: Any, divisor: Any) -> int | float:
    """`dividend mod divisor` (the sign of the dividend, as Java's remainder)."""
    a, b = _arith(dividend, divisor, "mod")
    if b == 0:
        raise DataWeaveRuntimeError("mod: division by zero")
    return _number(_EXACT.remainder(a, b))


def _is_integral(value: Any, operation: str) -> bool:
    exact = _dec(_to_number(value, operation))
    return exact == exact.to_integral_value()


def is_integer(value: Any) -> bool:
    """`isInteger(number)`: no fractional part."""
    return _is_integral(value, "isInteger")


def is_decimal(value: Any) -> bool:
    """`isDecimal(number)`: a fractional part."""
    return not _is_integral(value, "isDecimal")


def is_even(value: Any) -> bool:
    """`isEven(number)`."""
    return mod(value, 2) == 0


def is_odd(value: Any) -> bool:
    """`isOdd(number)`."""
    return mod(value, 2) != 0


def random() -> int | float:
    """`random()`: a number in [0, 1)."""
    return _number(_dec(float(_SOURCES["random"]())))


def random_int(upper_bound: Any) -> int:
    """`randomInt(n)`: a whole number in [0, n)."""
    bound = _to_number(upper_bound, "randomInt")
    return math.floor(float(_SOURCES["random"]()) * float(bound))


def uuid() -> str:
    """`uuid()`: a random UUID."""
    return str(_SOURCES["uuid"]())


# -- dw::Core: time, types and the rest ----------------------------------------------------------


def now() -> DateTime:
    """`now()`: the current date-time in UTC."""
    moment = _SOURCES["now"]()
    return make_datetime(moment, moment.microsecond * 1000)


def _day_of(value: Any, operation: str) -> date:
    if isinstance(value, str) and not _is_live(value):
        parsed = parse_temporal(str(value))
        value = parsed if parsed is not None else value
    if isinstance(value, Temporal) and value.live:
        moment = value.value
        if isinstance(moment, datetime):
            return moment.date()
        if isinstance(moment, date):
            return moment
    raise _fail(operation, value)


def days_between(start: Any, end: Any) -> int:
    """`daysBetween(from, to)`: whole days from one date to the other."""
    return (_day_of(end, "daysBetween") - _day_of(start, "daysBetween")).days


def is_leap_year(value: Any) -> bool:
    """`isLeapYear(date)`."""
    year = _day_of(value, "isLeapYear").year
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def type_of(value: Any) -> TypeValue:
    """`typeOf(value)`: the type's name as a Type value."""
    made: TypeValue = _live(TypeValue, type_name(value))
    return made


def then(value: Any, callback: Callback) -> Any:
    """`value then callback(value)`; null stays null."""
    return None if value is None else callback(value)


def on_null(value: Any, callback: Callback) -> Any:
    """`value onNull callback()`: callback's answer when value is null."""
    return callback() if value is None else value


def _log(level: int, prefix: Any, value: Any) -> Any:
    text = write(value, "application/json", {"indent": False})
    _logger.log(level, "%s%s", f"{to_string(prefix)} - " if prefix else "", text)
    return value


def log(prefix: Any, value: Any = _MISSING) -> Any:
    """`log([prefix,] value)`: logs value and answers it unchanged."""
    if value is _MISSING:
        return _log(logging.INFO, "", prefix)
    return _log(logging.INFO, prefix, value)


def log_with(level: Any, prefix: Any, value: Any) -> Any:
    """`logWith(level, prefix, value)`."""
    levels = {"Debug": 10, "Info": 20, "Warn": 30, "Error": 40}
    return _log(levels.get(to_string(level), logging.INFO), prefix, value)


def log_debug(prefix: Any, value: Any = _MISSING) -> Any:
    """`logDebug([prefix,] value)`."""
    if value is _MISSING:
        return _log(logging.DEBUG, "", prefix)
    return _log(logging.DEBUG, prefix, value)


def log_info(prefix: Any, value: Any = _MISSING) -> Any:
    """`logInfo([prefix,] value)`."""
    return log(prefix, value)


def log_warn(prefix: Any, value: Any = _MISSING) -> Any:
    """`logWarn([prefix,] value)`."""
    if value is _MISSING:
        return _log(logging.WARNING, "", prefix)
    return _log(logging.WARNING, prefix, value)


def log_error(prefix: Any, value: Any = _MISSING) -> Any:
    """`logError([prefix,] value)`."""
    if value is _MISSING:
        return _log(logging.ERROR, "", prefix)
    return _log(logging.ERROR, prefix, value)


_JSON_TYPES = ("application/json", "json")
_TEXT_TYPES = ("text/plain", "text")


def _options(value: Any) -> Mapping[str, Any]:
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return value
    raise _fail("writer options", value)


def write(
    value: Any, content_type: Any = "application/json", options: Any = None
) -> str:
    """`write(value, contentType, options)`: JSON (indented unless `indent: false`) or text."""
    mime = _text(content_type, "write")
    if mime in _TEXT_TYPES:
        return to_string(value)
    if mime not in _JSON_TYPES:
        raise DataWeaveRuntimeError(
            f"write: the {mime!r} format is not available in journeygen (JSON and text only)"
        )
    indent = _options(options).get("indent", True)
    return _json_text(value, "  " if indent is not False else None, "")


def _json_text(value: Any, indent: str | None, margin: str) -> str:
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if _is_number(value):
        return number_text(value)
    if isinstance(value, str):
        return json.dumps(str(value), ensure_ascii=False)
    if isinstance(value, Mapping):
        parts = [
            f"{json.dumps(k, ensure_ascii=False)}: {_json_text(v, indent, margin + (indent or ''))}"
            for k, v in pairs_of(value)
        ]
        return _json_block("{", "}", parts, indent, margin)
    if isinstance(value, list | tuple):
        inner = margin + (indent or "")
        return _json_block(
            "[", "]", [_json_text(v, indent, inner) for v in value], indent, margin
        )
    raise DataWeaveRuntimeError(f"cannot write a {type_name(value)} as JSON")


def _json_block(
    open_: str, close: str, parts: list[str], indent: str | None, margin: str
) -> str:
    if indent is None:
        return open_ + ", ".join(parts) + close
    inner = margin + indent
    body = (",\n").join(inner + p for p in parts) if parts else inner
    return f"{open_}\n{body}\n{margin}{close}"


def read(text: Any, content_type: Any = "application/json", options: Any = None) -> Any:
    """`read(text, contentType)`: JSON (numbers kept exactly) or text."""
    mime = _text(content_type, "read")
    _options(options)
    source = _text(text, "read")
    if mime in _TEXT_TYPES:
        return source
    if mime not in _JSON_TYPES:
        raise DataWeaveRuntimeError(
            f"read: the {mime!r} format is not available in journeygen (JSON and text only)"
        )
    try:
        return json.loads(
            source, parse_float=lambda t: _number(Decimal(t)), object_pairs_hook=obj
        )
    except ValueError as exc:
        raise DataWeaveRuntimeError(f"read: invalid JSON: {exc}") from exc


# -- dw::core::Periods and dw::core::Dates -------------------------------------------------------


def _nanos_of(amount: Any, unit_seconds: int, operation: str) -> int:
    exact = _dec(_to_number(amount, operation)) * unit_seconds * _NANOS
    return int(exact.to_integral_value(rounding=ROUND_FLOOR))


def duration(parts: Any) -> Period:
    """`duration({days, hours, minutes, seconds})`: a time-based Period."""
    if not isinstance(parts, Mapping):
        raise _fail("duration", parts)
    total = 0
    for unit, unit_seconds in (
        ("days", 86_400),
        ("hours", 3600),
        ("minutes", 60),
        ("seconds", 1),
    ):
        amount = _first(parts, unit)
        if amount is not None:
            total += _nanos_of(amount, unit_seconds, "duration")
    return make_duration(total)


def period(parts: Any) -> Period:
    """`period({years, months, days})`: a date-based Period."""
    if not isinstance(parts, Mapping):
        raise _fail("period", parts)
    whole = [
        _integer(default(_first(parts, unit), 0), "period")
        for unit in ("years", "months", "days")
    ]
    return make_period(*whole)


def years(amount: Any) -> Period:
    """`years(n)`."""
    return make_period(years=_integer(amount, "years"))


def months(amount: Any) -> Period:
    """`months(n)`."""
    return make_period(months=_integer(amount, "months"))


def days(amount: Any) -> Period:
    """`days(n)`: whole days are a date-based Period, fractions a duration."""
    number = _to_number(amount, "days")
    if type(number) is int:
        return make_period(days=number)
    return make_duration(_nanos_of(number, 86_400, "days"))


def hours(amount: Any) -> Period:
    """`hours(n)`."""
    return make_duration(_nanos_of(amount, 3600, "hours"))


def minutes(amount: Any) -> Period:
    """`minutes(n)`."""
    return make_duration(_nanos_of(amount, 60, "minutes"))


def seconds(amount: Any) -> Period:
    """`seconds(n)`."""
    return make_duration(_nanos_of(amount, 1, "seconds"))


def between(end: Any, start: Any) -> Period:
    """`between(endDateExclusive, startDateInclusive)`: a date-based Period (Java's rules)."""
    first, last = _day_of(start, "between"), _day_of(end, "between")
    total = (last.year * 12 + last.month) - (first.year * 12 + first.month)
    days_ = last.day - first.day
    if total > 0 and days_ < 0:
        total -= 1
        days_ = (last - _shift_months(first, total)).days
    elif total < 0 and days_ > 0:
        total += 1
        days_ -= (_shift_months(last.replace(day=1), 1) - last.replace(day=1)).days
    return make_period(_jdiv(total, 12), _jmod(total, 12), days_)


def duration_between(start: Any, end: Any) -> Period:
    """`durationBetween(start, end)` (JourneyForge): the duration from start to end."""
    first = _as_temporal(start, "DateTime")
    second = _as_temporal(end, "DateTime")
    assert isinstance(first, Temporal) and isinstance(second, Temporal)
    return _between(first, second)


def _parts(value: Any, names: tuple[str, ...], operation: str) -> list[int]:
    if not isinstance(value, Mapping):
        raise _fail(operation, value)
    out = []
    for name in names:
        part = _first(value, name)
        if part is None:
            raise DataWeaveRuntimeError(f"{operation}: missing field `{name}`")
        out.append(_integer(part, operation))
    return out


def _zone_of(value: Any, operation: str) -> timezone:
    if isinstance(value, TimeZone) and value.live:
        return timezone(value.offset)
    if isinstance(value, str):
        parsed = parse_temporal(str(value))
        if isinstance(parsed, TimeZone):
            return timezone(parsed.offset)
    raise _fail(operation, value)


def _guard(build: Callable[[], Live], operation: str) -> Live:
    try:
        return build()
    except ValueError as exc:
        raise DataWeaveRuntimeError(f"{operation}: {exc}") from exc


def date_(parts: Any) -> Live:
    """`date({year, month, day})`."""
    y, m, d = _parts(parts, ("year", "month", "day"), "date")
    return _guard(lambda: make_date(date(y, m, d)), "date")


def _clock_parts(parts: Mapping[str, Any], operation: str) -> tuple[time, int]:
    h, mi = _parts(parts, ("hour", "minutes"), operation)
    secs = _dec(_to_number(default(_first(parts, "seconds"), 0), operation))
    return time(h, mi, int(secs.to_integral_value(rounding=ROUND_HALF_UP))), 0


def date_time(parts: Any) -> Live:
    """`dateTime({year, month, day, hour, minutes, seconds, timeZone})`."""
    y, m, d = _parts(parts, ("year", "month", "day"), "dateTime")
    zone = _zone_of(_first(parts, "timeZone"), "dateTime")

    def build() -> Live:
        clock, nano = _clock_parts(parts, "dateTime")
        return make_datetime(datetime.combine(date(y, m, d), clock, zone), nano)

    return _guard(build, "dateTime")


def local_date_time(parts: Any) -> Live:
    """`localDateTime({year, month, day, hour, minutes, seconds})`."""
    y, m, d = _parts(parts, ("year", "month", "day"), "localDateTime")

    def build() -> Live:
        clock, nano = _clock_parts(parts, "localDateTime")
        return make_local_datetime(datetime.combine(date(y, m, d), clock), nano)

    return _guard(build, "localDateTime")


def local_time(parts: Any) -> Live:
    """`localTime({hour, minutes, seconds})`."""
    if not isinstance(parts, Mapping):
        raise _fail("localTime", parts)

    def build() -> Live:
        clock, nano = _clock_parts(parts, "localTime")
        return make_local_time(clock, nano)

    return _guard(build, "localTime")


def time_(parts: Any) -> Live:
    """`time({hour, minutes, seconds, timeZone})`."""
    if not isinstance(parts, Mapping):
        raise _fail("time", parts)
    zone = _zone_of(_first(parts, "timeZone"), "time")

    def build() -> Live:
        clock, nano = _clock_parts(parts, "time")
        return make_time(clock.replace(tzinfo=zone), nano)

    return _guard(build, "time")


def today() -> Date:
    """`today()`."""
    return make_date(_SOURCES["now"]().date())


def tomorrow() -> Date:
    """`tomorrow()`."""
    return make_date(_SOURCES["now"]().date() + timedelta(days=1))


def yesterday() -> Date:
    """`yesterday()`."""
    return make_date(_SOURCES["now"]().date() - timedelta(days=1))


def _start_of(value: Any, operation: str, cut: Callable[[datetime], datetime]) -> Live:
    if isinstance(value, Temporal) and value.live and isinstance(value.value, datetime):
        return _remake(value, cut(value.value), 0)
    if (
        isinstance(value, LocalTime | Time)
        and value.live
        and operation.endswith("Hour")
    ):
        return _remake(value, value.value.replace(minute=0, second=0), 0)
    if isinstance(value, Date) and value.live:
        day = cut(datetime.combine(value.value, time())).date()
        return make_date(day)
    raise _fail(operation, value)


def at_beginning_of_day(value: Any) -> Live:
    """`atBeginningOfDay(dateTime)`."""
    return _start_of(
        value, "atBeginningOfDay", lambda m: m.replace(hour=0, minute=0, second=0)
    )


def at_beginning_of_hour(value: Any) -> Live:
    """`atBeginningOfHour(dateTime)`."""
    return _start_of(
        value, "atBeginningOfHour", lambda m: m.replace(minute=0, second=0)
    )


def at_beginning_of_month(value: Any) -> Live:
    """`atBeginningOfMonth(dateTime)`."""
    return _start_of(
        value,
        "atBeginningOfMonth",
        lambda m: m.replace(day=1, hour=0, minute=0, second=0),
    )


def at_beginning_of_week(value: Any) -> Live:
    """`atBeginningOfWeek(dateTime)`: the Sunday before (or of) that day."""
    return _start_of(
        value,
        "atBeginningOfWeek",
        lambda m: m.replace(hour=0, minute=0, second=0)
        - timedelta(days=m.isoweekday() % 7),
    )


def at_beginning_of_year(value: Any) -> Live:
    """`atBeginningOfYear(dateTime)`."""
    return _start_of(
        value,
        "atBeginningOfYear",
        lambda m: m.replace(month=1, day=1, hour=0, minute=0, second=0),
    )


def adapt(function: Any, count: int) -> Callback:
    """A function value passed as a callback: called with as many arguments as it takes."""
    if not callable(function) or isinstance(function, type):
        raise _fail("a callback", function)
    code = getattr(function, "__code__", None)
    takes = code.co_argcount if code is not None else count
    if takes >= count:
        return function  # type: ignore[no-any-return]
    return lambda *args: function(*args[:takes])


# -- dw::core::Arrays ----------------------------------------------------------------------------


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


# -- dw::core::Strings ---------------------------------------------------------------------------


def _str_or_none(value: Any, operation: str) -> str | None:
    return None if value is None else _text(value, operation)


def _words_of(text: str) -> list[str]:
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", text)
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", spaced)
    return [w for w in re.split(r"[_\-\s]+", spaced) if w]


def strings_camelize(value: Any) -> Any:
    """`camelize(text)`: `customer_first_name` becomes `customerFirstName`."""
    text = _str_or_none(value, "camelize")
    if text is None:
        return None
    parts = [p for p in text.lstrip("_").split("_") if p]
    if not parts:
        return ""
    head = parts[0][:1].lower() + parts[0][1:]
    return head + "".join(p[:1].upper() + p[1:] for p in parts[1:])


def strings_capitalize(value: Any) -> Any:
    """`capitalize(text)`: every word capitalized, separated by spaces."""
    text = _str_or_none(value, "capitalize")
    if text is None:
        return None
    return " ".join(w[:1].upper() + w[1:].lower() for w in _words_of(text))


def strings_dasherize(value: Any) -> Any:
    """`dasherize(text)`: lower-case words joined by dashes."""
    text = _str_or_none(value, "dasherize")
    return None if text is None else "-".join(w.lower() for w in _words_of(text))


def strings_underscore(value: Any) -> Any:
    """`underscore(text)`: lower-case words joined by underscores."""
    text = _str_or_none(value, "underscore")
    return None if text is None else "_".join(w.lower() for w in _words_of(text))


def strings_ordinalize(value: Any) -> Any:
    """`ordinalize(n)`: `1st`, `2nd`, `11th`, ..."""
    if value is None:
        return None
    n = _integer(value, "ordinalize")
    suffix = "th"
    if abs(n) % 100 not in (11, 12, 13):
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(abs(n) % 10, "th")
    return f"{n}{suffix}"


_UNCOUNTABLE = frozenset(
    [
        "equipment",
        "information",
        "rice",
        "money",
        "species",
        "series",
        "fish",
        "sheep",
        "deer",
        "jeans",
        "police",
    ]
)
_IRREGULAR = {
    "person": "people",
    "man": "men",
    "woman": "women",
    "child": "children",
    "sex": "sexes",
    "move": "moves",
    "zombie": "zombies",
    "mouse": "mice",
    "louse": "lice",
    "goose": "geese",
    "tooth": "teeth",
    "foot": "feet",
    "ox": "oxen",
}
_PLURAL_RULES = [
    (r"(quiz)$", r"\1zes"),
    (r"^(oxen)$", r"\1"),
    (r"^(ox)$", r"\1en"),
    (r"(matr|vert|ind)(?:ix|ex)$", r"\1ices"),
    (r"(x|ch|ss|sh)$", r"\1es"),
    (r"([^aeiouy]|qu)y$", r"\1ies"),
    (r"(hive)$", r"\1s"),
    (r"(?:([^f])fe|([lr])f)$", r"\1\2ves"),
    (r"sis$", "ses"),
    (r"([ti])a$", r"\1a"),
    (r"([ti])um$", r"\1a"),
    (r"(buffal|tomat)o$", r"\1oes"),
    (r"(bu)s$", r"\1ses"),
    (r"(alias|status)$", r"\1es"),
    (r"(octop|vir)i$", r"\1i"),
    (r"(octop|vir)us$", r"\1i"),
    (r"^(ax|test)is$", r"\1es"),
    (r"s$", "s"),
    (r"$", "s"),
]
_SINGULAR_RULES = [
    (r"(database)s$", r"\1"),
    (r"(quiz)zes$", r"\1"),
    (r"(matr)ices$", r"\1ix"),
    (r"(vert|ind)ices$", r"\1ex"),
    (r"^(ox)en", r"\1"),
    (r"(alias|status)(es)?$", r"\1"),
    (r"(octop|vir)(us|i)$", r"\1us"),
    (r"^(a)x[ie]s$", r"\1xis"),
    (r"(cris|test)(is|es)$", r"\1is"),
    (r"(shoe)s$", r"\1"),
    (r"(o)es$", r"\1"),
    (r"(bus)(es)?$", r"\1"),
    (r"^(m|l)ice$", r"\1ouse"),
    (r"(x|ch|ss|sh)es$", r"\1"),
    (r"(m)ovies$", r"\1ovie"),
    (r"(s)eries$", r"\1eries"),
    (r"([^aeiouy]|qu)ies$", r"\1y"),
    (r"([lr])ves$", r"\1f"),
    (r"(tive)s$", r"\1"),
    (r"(hive)s$", r"\1"),
    (r"([^f])ves$", r"\1fe"),
    (r"(^analy)(sis|ses)$", r"\1sis"),
    (r"([ti])a$", r"\1um"),
    (r"(n)ews$", r"\1ews"),
    (r"(ss)$", r"\1"),
    (r"s$", ""),
]


def _inflect(text: str, table: dict[str, str], rules: list[tuple[str, str]]) -> str:
    lower = text.lower()
    if not text or lower in _UNCOUNTABLE:
        return text
    if lower in table:
        result = table[lower]
        return result[:1].upper() + result[1:] if text[:1].isupper() else result
    for pattern, replacement in rules:
        if re.search(pattern, text, re.IGNORECASE):
            return re.sub(pattern, replacement, text, count=1, flags=re.IGNORECASE)
    return text


def strings_pluralize(value: Any) -> Any:
    """`pluralize(word)` (English rules)."""
    text = _str_or_none(value, "pluralize")
    return None if text is None else _inflect(text, _IRREGULAR, _PLURAL_RULES)


def strings_singularize(value: Any) -> Any:
    """`singularize(word)` (English rules)."""
    text = _str_or_none(value, "singularize")
    singular = {v: k for k, v in _IRREGULAR.items()}
    return None if text is None else _inflect(text, singular, _SINGULAR_RULES)


def strings_char_code(value: Any) -> Any:
    """`charCode(text)`: the code of its first character."""
    text = _str_or_none(value, "charCode")
    if text is None:
        return None
    if not text:
        raise DataWeaveRuntimeError("charCode: unexpected empty string")
    return ord(text[0])


def strings_char_code_at(value: Any, position: Any) -> Any:
    """`charCodeAt(text, index)`."""
    text = _str_or_none(value, "charCodeAt")
    if text is None:
        return None
    index = _integer(position, "charCodeAt")
    if not 0 <= index < len(text):
        raise DataWeaveRuntimeError(f"charCodeAt: index {index} is out of bounds")
    return ord(text[index])


def strings_from_char_code(value: Any) -> Any:
    """`fromCharCode(code)`."""
    if value is None:
        return None
    code = _integer(value, "fromCharCode")
    if not 0 <= code <= 0x10FFFF:
        raise DataWeaveRuntimeError(f"fromCharCode: {code} is not a character code")
    return chr(code)


def _pad(value: Any, size: Any, pad: Any, left: bool, operation: str) -> Any:
    text = _str_or_none(value, operation)
    if text is None:
        return None
    missing = _integer(size, operation) - len(text)
    if missing <= 0:
        return text
    padding = _text(pad, operation) * missing
    return padding + text if left else text + padding


def strings_left_pad(value: Any, size: Any, pad: Any = " ") -> Any:
    """`leftPad(text, size, padText = " ")`."""
    return _pad(value, size, pad, True, "leftPad")


def strings_right_pad(value: Any, size: Any, pad: Any = " ") -> Any:
    """`rightPad(text, size, padText = " ")`."""
    return _pad(value, size, pad, False, "rightPad")


def strings_wrap_with(value: Any, wrapper: Any) -> Any:
    """`wrapWith(text, wrapper)`."""
    text = _str_or_none(value, "wrapWith")
    w = _text(wrapper, "wrapWith")
    return None if text is None else w + text + w


def strings_wrap_if_missing(value: Any, wrapper: Any) -> Any:
    """`wrapIfMissing(text, wrapper)`."""
    text = _str_or_none(value, "wrapIfMissing")
    if text is None:
        return None
    w = _text(wrapper, "wrapIfMissing")
    head = text if text.startswith(w) else w + text
    return head if head.endswith(w) else head + w


def strings_unwrap(value: Any, wrapper: Any) -> Any:
    """`unwrap(text, wrapper)`."""
    text = _str_or_none(value, "unwrap")
    if text is None:
        return None
    w = _text(wrapper, "unwrap")
    if not (text.startswith(w) and text.endswith(w)) or len(text) < 2:
        return text
    return text[1:-1]


def strings_prepend_if_missing(value: Any, prefix: Any) -> Any:
    """`prependIfMissing(text, prefix)`."""
    text = _str_or_none(value, "prependIfMissing")
    p = _text(prefix, "prependIfMissing")
    return None if text is None else (text if text.startswith(p) else p + text)


def strings_append_if_missing(value: Any, suffix: Any) -> Any:
    """`appendIfMissing(text, suffix)`."""
    text = _str_or_none(value, "appendIfMissing")
    s = _text(suffix, "appendIfMissing")
    return None if text is None else (text if text.endswith(s) else text + s)


def _substring_at(
    value: Any, separator: Any, operation: str, last: bool, after: bool
) -> Any:
    text = _str_or_none(value, operation)
    if text is None:
        return None
    sep = _text(separator, operation)
    if after and last and sep == "":
        return ""
    at = text.rfind(sep) if last else text.find(sep)
    if at < 0:
        return ""
    return text[at + len(sep) :] if after else text[:at]


def strings_substring_before(value: Any, separator: Any) -> Any:
    """`substringBefore(text, separator)`."""
    return _substring_at(value, separator, "substringBefore", False, False)


def strings_substring_before_last(value: Any, separator: Any) -> Any:
    """`substringBeforeLast(text, separator)`."""
    return _substring_at(value, separator, "substringBeforeLast", True, False)


def strings_substring_after(value: Any, separator: Any) -> Any:
    """`substringAfter(text, separator)`."""
    return _substring_at(value, separator, "substringAfter", False, True)


def strings_substring_after_last(value: Any, separator: Any) -> Any:
    """`substringAfterLast(text, separator)`."""
    return _substring_at(value, separator, "substringAfterLast", True, True)


def strings_repeat(value: Any, times: Any) -> Any:
    """`repeat(text, times)`."""
    text = _str_or_none(value, "repeat")
    return None if text is None else text * max(0, _integer(times, "repeat"))


def _char_test(value: Any, operation: str, test: Callable[[str], bool]) -> bool:
    text = _str_or_none(value, operation)
    return text is not None and test(text)


def strings_is_numeric(value: Any) -> bool:
    """`isNumeric(text)`: only digits."""
    return _char_test(value, "isNumeric", lambda t: t != "" and t.isdigit())


def strings_is_whitespace(value: Any) -> bool:
    """`isWhitespace(text)`: only whitespace (or empty)."""
    return _char_test(value, "isWhitespace", lambda t: t.strip() == "")


def strings_is_alpha(value: Any) -> bool:
    """`isAlpha(text)`: only letters."""
    return _char_test(value, "isAlpha", lambda t: t != "" and t.isalpha())


def strings_is_alphanumeric(value: Any) -> bool:
    """`isAlphanumeric(text)`: only letters and digits."""
    return _char_test(value, "isAlphanumeric", lambda t: t != "" and t.isalnum())


def strings_is_upper_case(value: Any) -> bool:
    """`isUpperCase(text)`: only upper-case letters."""
    return _char_test(
        value, "isUpperCase", lambda t: t != "" and all(c.isupper() for c in t)
    )


def strings_is_lower_case(value: Any) -> bool:
    """`isLowerCase(text)`: only lower-case letters."""
    return _char_test(
        value, "isLowerCase", lambda t: t != "" and all(c.islower() for c in t)
    )


def strings_with_max_size(value: Any, size: Any) -> Any:
    """`withMaxSize(text, maxLength)`."""
    text = _str_or_none(value, "withMaxSize")
    n = _integer(size, "withMaxSize")
    if n < 0:
        raise DataWeaveRuntimeError(
            "withMaxSize: maxLength should be a positive number"
        )
    return None if text is None else text[:n]


def strings_replace_all(value: Any, target: Any, replacement: Any) -> Any:
    """`replaceAll(text, target, replacement)`: every occurrence of target (plain text)."""
    text = _str_or_none(value, "replaceAll")
    old, new = _text(target, "replaceAll"), _text(replacement, "replaceAll")
    return None if text is None else text.replace(old, new)


def strings_reverse(value: Any) -> Any:
    """`reverse(text)`."""
    text = _str_or_none(value, "reverse")
    return None if text is None else text[::-1]


def strings_substring(value: Any, start: Any, end: Any) -> Any:
    """`substring(text, from, until)`."""
    text = _str_or_none(value, "substring")
    if text is None:
        return None
    first, last = max(0, _integer(start, "substring")), _integer(end, "substring")
    return text[first:last] if first < last else ""


def strings_substring_every(value: Any, amount: Any) -> Any:
    """`substringEvery(text, n)`: consecutive pieces of n characters."""
    text = _str_or_none(value, "substringEvery")
    if text is None:
        return None
    n = _integer(amount, "substringEvery")
    return [] if n <= 0 else [text[i : i + n] for i in range(0, len(text), n)]


def strings_substring_by(value: Any, callback: Callback) -> Any:
    """`substringBy(text, predicate(character, index))`: split where the predicate holds."""
    text = _str_or_none(value, "substringBy")
    if text is None:
        return None
    parts, current = [], ""
    for index, char in enumerate(text):
        if truth(callback(char, index)):
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]


def strings_collapse(value: Any) -> Any:
    """`collapse(text)`: runs of one repeated character."""
    text = _str_or_none(value, "collapse")
    if text is None:
        return None
    return [m.group(0) for m in re.finditer(r"(.)\1*", text, re.DOTALL)] or [""]


def strings_words(value: Any) -> Any:
    """`words(text)`: the pieces between whitespace."""
    text = _str_or_none(value, "words")
    return None if text is None else text.split()


def strings_lines(value: Any) -> Any:
    """`lines(text)`."""
    text = _str_or_none(value, "lines")
    return None if text is None else _java_split(text, re.compile(r"\r\n|\r|\n"))


def strings_first(value: Any, amount: Any) -> Any:
    """`first(text, n)`: the first n characters."""
    text = _str_or_none(value, "first")
    return None if text is None else text[: max(0, _integer(amount, "first"))]


def strings_last(value: Any, amount: Any) -> Any:
    """`last(text, n)`: the last n characters."""
    text = _str_or_none(value, "last")
    n = max(0, _integer(amount, "last"))
    return None if text is None else (text[-n:] if n else "")


def strings_count_matches(value: Any, pattern: Any) -> Any:
    """`countMatches(text, pattern)`: occurrences of a text or regex."""
    text = _str_or_none(value, "countMatches")
    if text is None:
        return None
    if isinstance(pattern, re.Pattern):
        return sum(1 for _ in pattern.finditer(text))
    needle = _text(pattern, "countMatches")
    return text.count(needle) if needle else 0


def strings_count_characters_by(value: Any, callback: Callback) -> Any:
    """`countCharactersBy(text, predicate)`."""
    text = _str_or_none(value, "countCharactersBy")
    return None if text is None else sum(1 for c in text if truth(callback(c)))


def strings_every_character(value: Any, callback: Callback) -> bool:
    """`everyCharacter(text, predicate)`; true for null."""
    text = _str_or_none(value, "everyCharacter")
    return text is None or all(truth(callback(c)) for c in text)


def strings_some_character(value: Any, callback: Callback) -> bool:
    """`someCharacter(text, predicate)`; false for null."""
    text = _str_or_none(value, "someCharacter")
    return text is not None and any(truth(callback(c)) for c in text)


def strings_remove(value: Any, target: Any) -> Any:
    """`remove(text, toRemove)`: every occurrence removed."""
    text = _str_or_none(value, "remove")
    return None if text is None else text.replace(_text(target, "remove"), "")


def strings_map_string(value: Any, callback: Callback) -> Any:
    """`mapString(text, mapper(character, index))`."""
    text = _str_or_none(value, "mapString")
    if text is None:
        return None
    return "".join(_text(callback(c, i), "mapString") for i, c in enumerate(text))


def strings_hamming_distance(left: Any, right: Any) -> Any:
    """`hammingDistance(a, b)`: null when the lengths differ."""
    a, b = _text(left, "hammingDistance"), _text(right, "hammingDistance")
    if len(a) != len(b):
        return None
    return sum(1 for x, y in zip(a, b, strict=True) if x != y)


def strings_levenshtein_distance(left: Any, right: Any) -> int:
    """`levenshteinDistance(a, b)`."""
    a, b = _text(left, "levenshteinDistance"), _text(right, "levenshteinDistance")
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            previous, row[j] = row[j], min(
                row[j] + 1, row[j - 1] + 1, previous + (x != y)
            )
    return row[-1]


# -- dw::core::Objects and dw::core::Numbers -----------------------------------------------------


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


_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def _radix_text(value: Any, radix: int, operation: str) -> Any:
    if value is None:
        return None
    n = _to_number(value, operation)
    if type(n) is not int:
        raise DataWeaveRuntimeError(
            f"{operation}: {number_text(n)} is not a whole number"
        )
    if not 2 <= radix <= 36:
        raise DataWeaveRuntimeError(f"{operation}: radix {radix} is not in 2..36")
    digits, rest = "", abs(n)
    while True:
        rest, digit = divmod(rest, radix)
        digits = _DIGITS[digit] + digits
        if rest == 0:
            break
    return ("-" if n < 0 else "") + digits


def _radix_number(value: Any, radix: int, operation: str) -> Any:
    if value is None:
        return None
    text = _text(value, operation)
    try:
        return int(text, radix)
    except ValueError as exc:
        raise DataWeaveRuntimeError(
            f"{operation}: {text!r} is not a number in radix {radix}"
        ) from exc


def numbers_to_hex(value: Any) -> Any:
    """`toHex(number)`."""
    return _radix_text(value, 16, "toHex")


def numbers_to_binary(value: Any) -> Any:
    """`toBinary(number)`."""
    return _radix_text(value, 2, "toBinary")


def numbers_to_radix_number(value: Any, radix: Any) -> Any:
    """`toRadixNumber(number, radix)`."""
    return _radix_text(value, _integer(radix, "toRadixNumber"), "toRadixNumber")


def numbers_from_hex(value: Any) -> Any:
    """`fromHex(text)`."""
    return _radix_number(value, 16, "fromHex")


def numbers_from_binary(value: Any) -> Any:
    """`fromBinary(text)`."""
    return _radix_number(value, 2, "fromBinary")


def numbers_from_radix_number(value: Any, radix: Any) -> Any:
    """`fromRadixNumber(text, radix)`."""
    return _radix_number(value, _integer(radix, "fromRadixNumber"), "fromRadixNumber")


# -- dw::core::Types (on the types `typeOf` answers) ---------------------------------------------


def _type_named(value: Any, operation: str) -> str:
    if isinstance(value, TypeValue) and value.live:
        return str(value)
    raise _fail(operation, value)


def _type_is(value: Any, name: str, operation: str) -> bool:
    return _type_named(value, operation) == name


def types_name_of(value: Any) -> str:
    """`nameOf(type)`."""
    return _type_named(value, "nameOf")


def types_base_type_of(value: Any) -> TypeValue:
    """`baseTypeOf(type)`: the type itself (`typeOf` answers base types)."""
    _type_named(value, "baseTypeOf")
    return value  # type: ignore[no-any-return]


def types_is_any_type(value: Any) -> bool:
    """`isAnyType(type)`."""
    return _type_is(value, "Any", "isAnyType")


def types_is_array_type(value: Any) -> bool:
    """`isArrayType(type)`."""
    return _type_is(value, "Array", "isArrayType")


def types_is_binary_type(value: Any) -> bool:
    """`isBinaryType(type)`."""
    return _type_is(value, "Binary", "isBinaryType")


def types_is_boolean_type(value: Any) -> bool:
    """`isBooleanType(type)`."""
    return _type_is(value, "Boolean", "isBooleanType")


def types_is_date_time_type(value: Any) -> bool:
    """`isDateTimeType(type)`."""
    return _type_is(value, "DateTime", "isDateTimeType")


def types_is_date_type(value: Any) -> bool:
    """`isDateType(type)`."""
    return _type_is(value, "Date", "isDateType")


def types_is_function_type(value: Any) -> bool:
    """`isFunctionType(type)`."""
    return _type_is(value, "Function", "isFunctionType")


def types_is_key_type(value: Any) -> bool:
    """`isKeyType(type)`."""
    return _type_is(value, "Key", "isKeyType")


def types_is_local_date_time_type(value: Any) -> bool:
    """`isLocalDateTimeType(type)`."""
    return _type_is(value, "LocalDateTime", "isLocalDateTimeType")


def types_is_local_time_type(value: Any) -> bool:
    """`isLocalTimeType(type)`."""
    return _type_is(value, "LocalTime", "isLocalTimeType")


def types_is_nothing_type(value: Any) -> bool:
    """`isNothingType(type)`."""
    return _type_is(value, "Nothing", "isNothingType")


def types_is_null_type(value: Any) -> bool:
    """`isNullType(type)`."""
    return _type_is(value, "Null", "isNullType")


def types_is_number_type(value: Any) -> bool:
    """`isNumberType(type)`."""
    return _type_is(value, "Number", "isNumberType")


def types_is_object_type(value: Any) -> bool:
    """`isObjectType(type)`."""
    return _type_is(value, "Object", "isObjectType")


def types_is_period_type(value: Any) -> bool:
    """`isPeriodType(type)`."""
    return _type_is(value, "Period", "isPeriodType")


def types_is_range_type(value: Any) -> bool:
    """`isRangeType(type)`."""
    return _type_is(value, "Range", "isRangeType")


def types_is_regex_type(value: Any) -> bool:
    """`isRegexType(type)`."""
    return _type_is(value, "Regex", "isRegexType")


def types_is_string_type(value: Any) -> bool:
    """`isStringType(type)`."""
    return _type_is(value, "String", "isStringType")


def types_is_time_type(value: Any) -> bool:
    """`isTimeType(type)`."""
    return _type_is(value, "Time", "isTimeType")


def types_is_time_zone_type(value: Any) -> bool:
    """`isTimeZoneType(type)`."""
    return _type_is(value, "TimeZone", "isTimeZoneType")


def types_is_type_type(value: Any) -> bool:
    """`isTypeType(type)`."""
    return _type_is(value, "Type", "isTypeType")


def types_is_uri_type(value: Any) -> bool:
    """`isUriType(type)`."""
    return _type_is(value, "Uri", "isUriType")


def types_is_union_type(value: Any) -> bool:
    """`isUnionType(type)`: never for what `typeOf` answers."""
    _type_named(value, "isUnionType")
    return False


def types_is_intersection_type(value: Any) -> bool:
    """`isIntersectionType(type)`: never for what `typeOf` answers."""
    _type_named(value, "isIntersectionType")
    return False


def types_is_literal_type(value: Any) -> bool:
    """`isLiteralType(type)`: never for what `typeOf` answers."""
    _type_named(value, "isLiteralType")
    return False


def types_is_reference_type(value: Any) -> bool:
    """`isReferenceType(type)`: never for what `typeOf` answers."""
    _type_named(value, "isReferenceType")
    return False


def types_is_namespace_type(value: Any) -> bool:
    """`isNamespaceType(type)`: never for what `typeOf` answers."""
    _type_named(value, "isNamespaceType")
    return False


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
        return actual in ("String", "Key")
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
