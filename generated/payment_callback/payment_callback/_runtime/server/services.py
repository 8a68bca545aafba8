"""What the engine lends a run (identity, clock, cache, schedule requests)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .cache import Cache
from .store import JourneyStore, StoreTransaction

__all__ = ["COOKIES", "ScheduleRequest", "Services", "utc_clock"]

COOKIES = "cookies"  # runtime key of the run's cookie jar (JourneyRecord.runtime)


def utc_clock() -> datetime:
    """The engine's default clock."""
    return datetime.now(UTC)


@dataclass
class Services:
    """What the engine lends a run: identity, clock, cache, schedule requests."""

    journey_name: str
    journey_version: str
    journey_id: str
    started_at: str
    now: Callable[[], datetime]
    cache: Cache
    default_ttl: float
    platform_config: Mapping[str, Any]
    tx: StoreTransaction | None = None
    store: JourneyStore | None = None
    schedules: list[ScheduleRequest] = field(default_factory=list)
    passthrough: dict[str, str] = field(default_factory=dict)
    outcome: dict[str, Any] | None = None  # the compensation states' `outcome` binding
    # the run's attributes once read (attributes.py), and those this burst wrote
    attributes: dict[str, str] | None = None
    attributes_written: dict[str, str] = field(default_factory=dict)
    # the run's cookie jar (spec.cookies, DSL §22) as stored with the instance; None: not
    # loaded in this burst (outbound_policies.journey loads it on the first call)
    cookies: dict[str, Any] | None = None


@dataclass(frozen=True)
class ScheduleRequest:
    start: str
    next_run_at: str
    interval: str
    max_runs: int
    subject_id: str | None
    context: dict[str, Any]
    on_existing: str
