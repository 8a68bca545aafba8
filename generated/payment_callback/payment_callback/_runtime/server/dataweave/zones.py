"""Time zone ids (`|2020-01-01T00:00:00Z| >> "America/New_York"`, `"Europe/Paris" as
TimeZone`): the IANA database of the machine (Python's zoneinfo), rules kept for arithmetic.
"""

from __future__ import annotations

import re
from datetime import timedelta, tzinfo
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .values import DataWeaveRuntimeError

_ID = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+)*")


@lru_cache(maxsize=128)
def zone_named(name: str) -> tzinfo:
    """The zone with IANA id name (`UTC`, `CET`, `America/New_York`)."""
    if _ID.fullmatch(name) is None:
        raise DataWeaveRuntimeError(f"invalid time zone id {name!r}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise DataWeaveRuntimeError(f"unknown time zone id {name!r}") from None


def is_zone_id(text: str) -> bool:
    """Whether text reads as a zone id (not an offset such as `-05:00`)."""
    return _ID.fullmatch(text) is not None and text != "Z"


def fixed_offset(zone: Any) -> timedelta | None:
    """The offset of a fixed zone; None for a zone with rules."""
    if isinstance(zone, ZoneInfo):
        return None
    offset: timedelta | None = zone.utcoffset(None)
    return offset
