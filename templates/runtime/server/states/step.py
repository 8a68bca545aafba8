"""Internal states (task, choice, transform, succeed, fail): one step function."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ..dataweave import DataWeaveRuntimeError
from ..results import EXPRESSION_FAILED, Fail, StepResult

if TYPE_CHECKING:
    from ..context import RunContext
    from ..definition import Machine, StepFn
    from ..driver import Driver
    from ..run import Run, Thread

__all__ = ["Leaf", "Step", "call_step"]

H = TypeVar("H")
R = TypeVar("R")
_logger = logging.getLogger("journeygen.server")


class Leaf:
    """A state that runs no thread of its own (no branches, no subjourney call)."""

    def children(
        self, driver: Driver[Any], thread: Thread
    ) -> list[tuple[str, Thread, Machine[Any]]]:
        """No child threads."""
        return []

    def rejoin(
        self,
        driver: Driver[Any],
        run: Run,
        thread: Thread,
        child: str,
        path: tuple[str, ...],
    ) -> bool:
        """Never called: there is no child thread to finish."""
        return False


@dataclass(frozen=True)
class Step(Leaf, Generic[H]):
    """A state whose step function decides what comes next."""

    name: str
    fn: StepFn[H]

    def enter(
        self, driver: Driver[H], run: Run, thread: Thread, path: tuple[str, ...]
    ) -> bool:
        """Call the step function and apply its result to the thread."""
        result: StepResult = call_step(driver, run, thread, self.name, self.fn)
        return driver.apply(run, thread, result)

    def resume_target(self, kind: str) -> str | None:
        """A step never pauses."""
        return None


def call_step(
    driver: Driver[H],
    run: Run,
    thread: Thread,
    name: str,
    fn: Callable[[RunContext[H]], R],
) -> R | Fail:
    """Call a state's function on the thread's context; an expression that fails on its
    data fails the thread (JOURNEY_EXPRESSION_FAILED), never the request."""
    rc = driver.context_for(run, thread.context)
    try:
        return fn(rc)
    except (DataWeaveRuntimeError, TypeError) as exc:
        _logger.warning(
            "state %r of %s failed: %s", name, run.journey_id, exc, exc_info=exc
        )
        return Fail(EXPRESSION_FAILED, f"state {name!r}: {exc}")
    finally:
        run.auth_codes.extend(rc.auth_codes)
