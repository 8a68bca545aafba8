"""Retry policy shared by the sync and async transports (pure decisions, no I/O)."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"})
IDEMPOTENCY_HEADER = "idempotency-key"


@dataclass(frozen=True)
class RetryPolicy:
    """How many times, after which failures and how long to wait between attempts."""

    max_attempts: int = 3
    initial_backoff: float = 0.5
    multiplier: float = 2.0
    max_backoff: float = 8.0
    max_retry_after: float = 60.0
    retry_statuses: frozenset[int] = frozenset({429, 502, 503, 504})

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")


NO_RETRY = RetryPolicy(max_attempts=1)


@dataclass(frozen=True)
class Timing:
    """Injectable clocks, sleeps and randomness, so tests never really wait."""

    monotonic: Callable[[], float] = time.monotonic
    wall: Callable[[], float] = time.time
    random: Callable[[], float] = field(default=random.random)
    sleep: Callable[[float], None] = time.sleep
    async_sleep: Callable[[float], Awaitable[None]] = asyncio.sleep


@dataclass(frozen=True)
class Decision:
    """Outcome of a retry decision: wait `delay` seconds and retry, or give up."""

    retry: bool
    delay: float = 0.0
    reason: str = ""


GIVE_UP = Decision(retry=False)


def is_replayable(method: str, headers: Mapping[str, str]) -> bool:
    """True when sending the request twice is safe (idempotent, or keyed POST)."""
    if method.upper() in IDEMPOTENT_METHODS:
        return True
    return any(name.lower() == IDEMPOTENCY_HEADER for name in headers)


def backoff_delay(
    policy: RetryPolicy, attempt: int, rand: Callable[[], float]
) -> float:
    """Capped exponential backoff with full jitter for the given 1-based attempt."""
    ceiling = min(
        policy.max_backoff, policy.initial_backoff * policy.multiplier ** (attempt - 1)
    )
    return ceiling * rand()


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Parse Retry-After (delta-seconds or HTTP-date) into seconds; negatives become 0."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text)) if _is_number(text) else _date_delay(text, now)
    except (TypeError, ValueError, OverflowError):
        return None


def _is_number(text: str) -> bool:
    return text.lstrip("-").replace(".", "", 1).isdigit()


def _date_delay(text: str, now: float) -> float:
    return max(0.0, parsedate_to_datetime(text).timestamp() - now)


def decide_status(
    policy: RetryPolicy,
    *,
    attempt: int,
    replayable: bool,
    status: int,
    retry_after: float | None,
    remaining: float | None,
    rand: Callable[[], float],
) -> Decision:
    """Decide whether a response with `status` is retried and after how long."""
    if status not in policy.retry_statuses or not replayable:
        return GIVE_UP
    if attempt >= policy.max_attempts:
        return GIVE_UP
    if retry_after is not None:
        delay = min(retry_after, policy.max_retry_after)
    else:
        delay = backoff_delay(policy, attempt, rand)
    if remaining is not None and delay >= remaining:
        return Decision(
            retry=False, delay=delay, reason="retry delay exceeds the deadline"
        )
    return Decision(retry=True, delay=delay, reason=f"status {status}")


def decide_exception(
    policy: RetryPolicy,
    *,
    attempt: int,
    replayable: bool,
    connect_failed: bool,
    remaining: float | None,
    rand: Callable[[], float],
) -> Decision:
    """Decide whether a transport failure is retried.

    A connect failure means nothing reached the server, so it is retried for every method;
    other failures (reset, read timeout) only for replayable requests.
    """
    if attempt >= policy.max_attempts or not (connect_failed or replayable):
        return GIVE_UP
    delay = backoff_delay(policy, attempt, rand)
    if remaining is not None and delay >= remaining:
        return GIVE_UP
    return Decision(retry=True, delay=delay, reason="transport failure")
