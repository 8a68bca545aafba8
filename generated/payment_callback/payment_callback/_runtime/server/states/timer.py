"""timer states: a durable timer row due at ``now + duration`` (or ``until``), scaled."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..durations import DurationError, due_after, due_until
from ..results import Fail
from ..run import new_token
from .step import Leaf

if TYPE_CHECKING:
    from ..definition import Timer
    from ..driver import Driver
    from ..run import Run, Thread

__all__ = ["TIMER", "TimerState"]

TIMER = "timer"  # timers.kind of a timer state


@dataclass(frozen=True)
class TimerState(Leaf):
    """A timer state: pause until the scheduler fires its timer row."""

    spec: Timer[Any]

    def enter(
        self, driver: Driver[Any], run: Run, thread: Thread, path: tuple[str, ...]
    ) -> bool:
        """Compute the due time for this visit and pause (a bad duration fails the run)."""
        timer, now, scale = self.spec, driver.clock(), driver.settings.timer_scale
        rc = driver.context_for(run, thread.context)
        try:
            if timer.duration is not None:
                due = due_after(now, timer.duration(rc), scale)
            elif timer.until is not None:
                due = due_until(now, timer.until(rc), scale)
            else:
                raise DurationError("a timer needs a duration or until")
        except DurationError as exc:
            driver.end(thread, Fail("TIMER_INVALID", f"timer {timer.name!r}: {exc}"))
            return False
        thread.token = new_token()
        driver.add_timer(run, path, timer.name, thread.token, TIMER, due)
        return False

    def resume_target(self, kind: str) -> str | None:
        """The fired timer resumes at ``next``."""
        return self.spec.next if kind == TIMER else None
