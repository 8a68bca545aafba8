"""ISO-8601 durations and RFC 3339 timestamps for timers, wait timeouts and schedules.

Every delay goes through ``due_after``/``due_until`` so ``Settings.timer_scale`` applies in one
place: a scale of 1e-6 makes a 7-day timer due in about 0.6 s (tests and local development).
Timestamps are stored as fixed-width UTC strings (millisecond precision, ``Z``) so that
comparing them as text compares them in time.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

__all__ = [
    "DurationError",
    "due_after",
    "due_until",
    "format_instant",
    "parse_duration",
    "parse_instant",
]

_DURATION = re.compile(
    r"P(?!$)(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?"
    r"(?:(?P<days>\d+)D)?(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?"
    r"(?:(?P<seconds>\d+(?:[.,]\d+)?)S)?)?",
)


class DurationError(ValueError):
    """A duration or timestamp the engine cannot read."""


def parse_duration(text: Any, start: datetime) -> timedelta:
    """Return the length of an ISO-8601 duration counted from ``start`` (months in calendar)."""
    if not isinstance(text, str):
        raise DurationError(f"expected an ISO-8601 duration string, got {text!r}")
    match = _DURATION.fullmatch(text.strip().upper())
    if match is None:
        raise DurationError(f"not an ISO-8601 duration: {text!r}")
    parts = {k: v for k, v in match.groupdict().items() if v is not None}
    months = int(parts.get("years", 0)) * 12 + int(parts.get("months", 0))
    shifted = _add_months(start, months) if months else start
    rest = timedelta(
        weeks=int(parts.get("weeks", 0)),
        days=int(parts.get("days", 0)),
        hours=int(parts.get("hours", 0)),
        minutes=int(parts.get("minutes", 0)),
        seconds=float(parts.get("seconds", "0").replace(",", ".")),
    )
    return shifted - start + rest


def _add_months(start: datetime, months: int) -> datetime:
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    day = start.day
    while day > 28:
        try:
            return start.replace(year=year, month=month + 1, day=day)
        except ValueError:
            day -= 1
    return start.replace(year=year, month=month + 1, day=day)


def parse_instant(text: Any) -> datetime:
    """Return an RFC 3339 timestamp as an aware UTC datetime."""
    if not isinstance(text, str):
        raise DurationError(f"expected an RFC 3339 timestamp string, got {text!r}")
    raw = text.strip()
    if raw[-1:] in ("z", "Z"):
        raw = raw[:-1] + "+00:00"
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise DurationError(f"not an RFC 3339 timestamp: {text!r}") from None
    if value.tzinfo is None:
        raise DurationError(f"an RFC 3339 timestamp needs an offset: {text!r}")
    return value.astimezone(UTC)


def format_instant(value: datetime) -> str:
    """Return a UTC instant as text that sorts in time order (millisecond precision)."""
    utc = value.astimezone(UTC)
    return utc.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def due_after(now: datetime, duration: Any, scale: float) -> datetime:
    """Return ``now`` plus an ISO-8601 duration multiplied by ``scale``."""
    return now + parse_duration(duration, now) * scale


def due_until(now: datetime, until: Any, scale: float) -> datetime:
    """Return an RFC 3339 instant; a future one is brought closer by ``scale``."""
    target = parse_instant(until)
    if target <= now:
        return target
    return now + (target - now) * scale
