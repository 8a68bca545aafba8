"""wait and webhook states: the run pauses until a step submission (or its timeout) arrives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from ..results import Fail
from ..run import new_token
from .step import Leaf

if TYPE_CHECKING:
    from ..definition import ExternalInput
    from ..driver import Driver
    from ..run import Run, Thread

__all__ = ["INPUT", "TIMEOUT", "Wait", "Webhook"]

INPUT = "input"  # a step submission resumes the state
TIMEOUT = "timeout"  # timers.kind of a wait/webhook timeoutSec


@dataclass(frozen=True)
class Wait(Leaf):
    """A wait state: pause for a step submission; ``timeoutSec`` is a durable timer."""

    spec: ExternalInput

    def enter(
        self, driver: Driver[Any], run: Run, thread: Thread, path: tuple[str, ...]
    ) -> bool:
        """Pause the thread here (a scheduled run cannot wait: it fails)."""
        ext = self.spec
        thread.context.pop("payload", None)
        if run.scheduled:
            reason = f"a scheduled run reached the external-input state {ext.name!r}"
            driver.end(thread, Fail("SCHEDULED_RUN_INTERACTIVE", reason))
            return False
        thread.token = new_token()
        if ext.timeout_sec is not None and ext.on_timeout is not None:
            delay = timedelta(seconds=ext.timeout_sec) * driver.settings.timer_scale
            due = driver.clock() + delay
            driver.add_timer(run, path, ext.name, thread.token, TIMEOUT, due)
        return False

    def resume_target(self, kind: str) -> str | None:
        """A submission resumes at ``next``, a timeout at ``onTimeout``."""
        if kind == INPUT:
            return self.spec.next
        return self.spec.on_timeout if kind == TIMEOUT else None


class Webhook(Wait):
    """A webhook state: a wait whose submission is the provider's (guarded) call."""
