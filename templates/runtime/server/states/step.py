"""Internal states (task, choice, transform, succeed, fail, subjourney): one step function."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from ..dataweave import DataWeaveRuntimeError
from ..results import EXPRESSION_FAILED, Fail, StepResult

if TYPE_CHECKING:
    from ..definition import StepFn
    from ..driver import Driver
    from ..run import Run, Thread

__all__ = ["Step"]

H = TypeVar("H")
_logger = logging.getLogger("journeygen.server")


@dataclass(frozen=True)
class Step(Generic[H]):
    """A state whose step function decides what comes next."""

    name: str
    fn: StepFn[H]

    def enter(
        self, driver: Driver[H], run: Run, thread: Thread, path: tuple[str, ...]
    ) -> bool:
        """Call the step function and apply its result to the thread."""
        rc = driver.context_for(run, thread.context)
        result: StepResult
        try:
            result = self.fn(rc)
        except (DataWeaveRuntimeError, TypeError) as exc:
            _logger.warning(
                "state %r of %s failed: %s",
                self.name,
                run.journey_id,
                exc,
                exc_info=exc,
            )
            result = Fail(EXPRESSION_FAILED, f"state {self.name!r}: {exc}")
        finally:
            run.auth_codes.extend(rc.auth_codes)
        return driver.apply(run, thread, result)

    def resume_target(self, kind: str) -> str | None:
        """A step never pauses."""
        return None
