"""dw::Core date functions and the dw::core::Periods and dw::core::Dates modules."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from decimal import ROUND_FLOOR, ROUND_HALF_UP
from typing import Any

from .coercion import _as_temporal
from .operators import default
from .sources import _SOURCES
from .temporal import (
    _NANOS,
    Date,
    DateTime,
    LocalTime,
    Period,
    Temporal,
    Time,
    TimeZone,
    _between,
    _jdiv,
    _jmod,
    _remake,
    _shift_months,
    make_date,
    make_datetime,
    make_duration,
    make_local_datetime,
    make_local_time,
    make_period,
    make_time,
    parse_temporal,
)
from .values import (
    Callback,
    DataWeaveRuntimeError,
    Live,
    _dec,
    _fail,
    _first,
    _integer,
    _is_live,
    _to_number,
)


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


def _zone_of(value: Any, operation: str) -> tzinfo:
    if isinstance(value, TimeZone) and value.live:
        return value.zone
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
