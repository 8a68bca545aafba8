"""Polling: backoff schedule, terminal detection, 409 as pending, deadline with last value."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest
from jg_runtime.client.errors import Conflict, DeadlineExceeded, NotFound
from jg_runtime.client.polling import PollSchedule, apoll, conflict_is_pending, poll
from jg_runtime.client.retry import Timing


class FakeClock:
    """A clock that only moves when someone sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)

    def timing(self) -> Timing:
        return Timing(
            monotonic=lambda: self.now, sleep=self.sleep, async_sleep=self.async_sleep
        )


def sequence(*items: object) -> Callable[[], str]:
    it = iter(items)

    def fetch() -> str:
        item = next(it)
        if isinstance(item, Exception):
            raise item
        assert isinstance(item, str)
        return item

    return fetch


SCHEDULE = PollSchedule(initial=1.0, multiplier=2.0, max_interval=3.0, deadline=100.0)


def test_polls_with_growing_capped_intervals_until_terminal() -> None:
    clock = FakeClock()
    fetch = sequence("RUNNING", "RUNNING", "RUNNING", "RUNNING", "SUCCEEDED")
    result = poll(fetch, lambda v: v == "SUCCEEDED", SCHEDULE, timing=clock.timing())
    assert result == "SUCCEEDED"
    assert clock.sleeps == [1.0, 2.0, 3.0, 3.0]


def test_deadline_carries_the_last_value_seen() -> None:
    clock = FakeClock()
    schedule = PollSchedule(initial=1.0, multiplier=1.0, max_interval=1.0, deadline=3.5)
    with pytest.raises(DeadlineExceeded) as info:
        poll(lambda: "RUNNING", lambda v: False, schedule, timing=clock.timing())
    assert info.value.last_value == "RUNNING"
    assert clock.now == pytest.approx(3.5)


def test_conflict_is_pending_for_result_polls() -> None:
    conflict = Conflict(409, headers=httpx.Headers())
    clock = FakeClock()
    fetch = sequence(conflict, conflict, "DONE")
    result = poll(
        fetch,
        lambda v: True,
        SCHEDULE,
        timing=clock.timing(),
        pending=conflict_is_pending,
    )
    assert result == "DONE"


def test_conflict_is_an_error_by_default_and_other_errors_always() -> None:
    conflict = Conflict(409, headers=httpx.Headers())
    with pytest.raises(Conflict):
        poll(sequence(conflict), lambda v: True, SCHEDULE, timing=FakeClock().timing())
    missing = NotFound(404, headers=httpx.Headers())
    with pytest.raises(NotFound):
        poll(
            sequence(missing),
            lambda v: True,
            SCHEDULE,
            timing=FakeClock().timing(),
            pending=conflict_is_pending,
        )


def test_pending_deadline_reports_last_status() -> None:
    conflict = Conflict(409, headers=httpx.Headers())

    def fetch() -> str:
        raise conflict

    schedule = PollSchedule(initial=1.0, deadline=2.0)
    with pytest.raises(DeadlineExceeded) as info:
        poll(
            fetch,
            lambda v: True,
            schedule,
            timing=FakeClock().timing(),
            pending=conflict_is_pending,
        )
    assert info.value.last_status == 409


def test_async_poll() -> None:
    clock = FakeClock()
    values = iter(["A", "B", "DONE"])

    async def fetch() -> str:
        return next(values)

    result = asyncio.run(
        apoll(fetch, lambda v: v == "DONE", SCHEDULE, timing=clock.timing())
    )
    assert result == "DONE" and clock.sleeps == [1.0, 2.0]
