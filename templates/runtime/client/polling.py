"""Polling with backoff and an overall deadline, shared by sync and async callers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from .errors import ApiError, ClientError, Conflict, DeadlineExceeded
from .retry import Timing

T = TypeVar("T")


@dataclass(frozen=True)
class PollSchedule:
    """Delays between polls (initial, growing by `multiplier` up to `max_interval`)."""

    initial: float = 1.0
    multiplier: float = 1.5
    max_interval: float = 15.0
    deadline: float = 300.0


def never_ready(error: ClientError) -> bool:
    """Default: every error ends the poll."""
    return False


def conflict_is_pending(error: ClientError) -> bool:
    """For result endpoints: 409 means "not terminal yet", keep polling."""
    return isinstance(error, Conflict)


@dataclass
class PollState(Generic[T]):
    """Bookkeeping of one poll loop: next delay, deadline, last value and status seen."""

    schedule: PollSchedule
    timing: Timing = field(default_factory=Timing)
    last_value: T | None = None
    last_status: int | None = None
    polls: int = 0

    def __post_init__(self) -> None:
        self._deadline_at = self.timing.monotonic() + self.schedule.deadline
        self._interval = self.schedule.initial

    def record(self, value: T) -> None:
        """Remember the latest value."""
        self.polls += 1
        self.last_value = value

    def record_pending(self, error: ClientError) -> None:
        """Remember an error that means "not ready yet"."""
        self.polls += 1
        if isinstance(error, ApiError):
            self.last_status = error.status

    def next_delay(self) -> float:
        """The delay before the next poll; raises DeadlineExceeded when none is left."""
        left = self._deadline_at - self.timing.monotonic()
        if left <= 0:
            raise self.expired()
        delay = min(self._interval, left)
        self._interval = min(
            self._interval * self.schedule.multiplier, self.schedule.max_interval
        )
        return delay

    def expired(self) -> DeadlineExceeded:
        """The error for an exhausted deadline, carrying the last value and status seen."""
        return DeadlineExceeded(
            f"not terminal after {self.polls} poll(s) in {self.schedule.deadline} s",
            last_status=self.last_status,
            last_value=self.last_value,
        )

    def check_deadline(self) -> None:
        """Raise DeadlineExceeded if the deadline has passed."""
        if self.timing.monotonic() >= self._deadline_at:
            raise self.expired()


def poll(
    fetch: Callable[[], T],
    is_terminal: Callable[[T], bool],
    schedule: PollSchedule | None = None,
    *,
    timing: Timing | None = None,
    pending: Callable[[ClientError], bool] = never_ready,
) -> T:
    """Call `fetch` until `is_terminal` accepts its value, sleeping between calls."""
    state: PollState[T] = PollState(schedule or PollSchedule(), timing or Timing())
    while True:
        try:
            value = fetch()
        except ClientError as error:
            if not pending(error):
                raise
            state.record_pending(error)
        else:
            state.record(value)
            if is_terminal(value):
                return value
        state.timing.sleep(state.next_delay())
        state.check_deadline()


async def apoll(
    fetch: Callable[[], Awaitable[T]],
    is_terminal: Callable[[T], bool],
    schedule: PollSchedule | None = None,
    *,
    timing: Timing | None = None,
    pending: Callable[[ClientError], bool] = never_ready,
) -> T:
    """Async `poll`: await `fetch` until `is_terminal` accepts its value."""
    state: PollState[T] = PollState(schedule or PollSchedule(), timing or Timing())
    while True:
        try:
            value = await fetch()
        except ClientError as error:
            if not pending(error):
                raise
            state.record_pending(error)
        else:
            state.record(value)
            if is_terminal(value):
                return value
        await state.timing.async_sleep(state.next_delay())
        state.check_deadline()
