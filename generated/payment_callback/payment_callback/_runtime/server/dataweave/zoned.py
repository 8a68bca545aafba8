"""Values in named zones: `"Europe/Paris" as TimeZone`, `dateTime >> zone`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from .temporal import DateTime, Temporal, TimeZone, make_datetime, parse_temporal
from .values import DataWeaveRuntimeError, Live, _live
from .zones import zone_named


def make_zone_id(name: str) -> TimeZone:
    """A live TimeZone with an IANA id (`"America/New_York" as TimeZone`)."""
    zone = zone_named(name)
    made: TimeZone = _live(TimeZone, name)
    made.zone = zone
    made.offset = zone.utcoffset(datetime(2000, 1, 1)) or timedelta(0)
    return made


def zone_value(value: Any, operation: str) -> tzinfo:
    """The zone a TimeZone, an offset text or a zone id text names."""
    if isinstance(value, TimeZone) and value.live:
        return value.zone
    if isinstance(value, str) and not (isinstance(value, Live) and value.live):
        parsed = parse_temporal(str(value))
        if isinstance(parsed, TimeZone):
            return parsed.zone
        return zone_named(str(value))
    raise DataWeaveRuntimeError(f"`{operation}` expects a TimeZone or a zone id")


def shift_zone(value: Temporal, zone_like: Any) -> DateTime:
    """`dateTime >> zone`: the same instant in another zone (a LocalDateTime is read as UTC)."""
    zone = zone_value(zone_like, ">>")
    moment = value.value if value.value.tzinfo else value.value.replace(tzinfo=UTC)
    return make_datetime(moment.astimezone(zone), value.nano)
