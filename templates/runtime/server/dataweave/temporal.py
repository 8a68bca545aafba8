"""Dates, DateTimes, LocalDateTimes, Times, TimeZones and Periods: parsing, printing, arithmetic."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal
from typing import Any

from .values import DataWeaveRuntimeError, Live, _live, _number
from .zones import fixed_offset

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
    iso: str = ""  # set when it prints with a format schema: its text for `as String`

    def dw_text(self) -> str:
        """Its ISO text (also when it prints with a `{format: ...}` schema)."""
        return self.iso or str(self)

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
    zone: tzinfo


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
    if (
        fixed_offset(moment.tzinfo) is None
    ):  # a zone with rules: a wall time in a gap moves on
        moment = moment.astimezone(UTC).astimezone(moment.tzinfo)
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
    made.offset, made.zone = offset, timezone(offset)
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
    if (
        moment.tzinfo is not None
    ):  # a duration moves the instant, whatever the zone's rules
        later = moment.astimezone(UTC) + timedelta(seconds=extra_seconds)
        return _remake(value, later.astimezone(moment.tzinfo), nano)
    return _remake(value, moment + timedelta(seconds=extra_seconds), nano)


def with_text(like: Temporal, text: str) -> Temporal:
    """like, printed as text (`as Date {format: ...}`); `as String` still gives ISO."""
    made: Temporal = _live(type(like), text)
    made.value, made.nano, made.iso = like.value, like.nano, like.dw_text()
    return made


def make_kind(kind: str, moment: Any, nano: int) -> Temporal:
    """A live value of kind from its moment (naive datetimes and times: UTC)."""
    if kind == "Date":
        return make_date(moment)
    if kind == "DateTime":
        return make_datetime(moment, nano)
    if kind == "LocalDateTime":
        return make_local_datetime(moment, nano)
    if kind == "Time":
        return make_time(moment, nano)
    return make_local_time(moment, nano)


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
            zone = second.zone
            if type(first) is LocalTime:  # a Time keeps an offset, not a zone's rules
                fixed = timezone(second.offset)
                return make_time(first.value.replace(tzinfo=fixed), first.nano)
            moment = first.value
            if type(first) is Date:
                moment = datetime.combine(moment, time())
            return make_datetime(moment.replace(tzinfo=zone), first.nano)
    return None
