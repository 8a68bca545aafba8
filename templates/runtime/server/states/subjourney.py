"""Local subjourneys (``spec.subjourneys``): a named subgraph run like a synchronous call.

A ``subjourney`` state evaluates its input mapper (the subjourney's initial context, ``{}``
without one), runs the subgraph's states from its ``start`` on that context until a
``succeed`` or ``fail``, and hands the result back to the calling step, which writes
``resultVar`` (the output, or the mini-outcome with ``resultKind: outcome``) and either fails
the run (``onFailure.behavior: propagate``) or continues (``capture``). The subgraph shares
the run's handlers, request and services; it has no journey id or endpoints of its own, and
its own transitions are not part of the journey's history. It runs on the run's one
interpreter (``Driver.run_thread``): its states count against the journey's ``max_steps`` and
stop once the run's ``spec.execution`` deadline has passed, like every other state.

Only internal states run inside a subjourney here (task, choice, transform, succeed, fail and
nested subjourney states); the generator refuses external-input, timer and parallel states in
a subjourney with a located warning.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ..results import DEFINITION_INVALID, FAILED, SUCCEEDED, Fail
from ..run import Thread

if TYPE_CHECKING:
    from ..context import RunContext
    from ..definition import Machine

__all__ = ["Subjourney", "SubjourneyResult", "run_subjourney"]

H = TypeVar("H")


@dataclass(frozen=True)
class SubjourneyResult:
    """How a subjourney ended: its phase, output (on success) and error (on failure)."""

    phase: str  # "SUCCEEDED" | "FAILED"
    output: Any = None
    error: dict[str, str] | None = None

    @property
    def failed(self) -> bool:
        """True when the subjourney ended with phase FAILED."""
        return self.phase == "FAILED"

    def fail(self) -> Fail:
        """The failure the calling state ends the run with (``propagate``)."""
        error = self.error or {}
        return Fail(
            error.get("code", "SUBJOURNEY_FAILED"),
            error.get("reason", "subjourney failed"),
        )

    def outcome(self) -> dict[str, Any]:
        """The mini-outcome written by ``resultKind: outcome``."""
        error = self.error or {}
        return {
            "phase": self.phase,
            "terminationKind": "Fail" if self.failed else "Success",
            "output": None if self.failed else copy.deepcopy(self.output),
            "error": {"code": error.get("code"), "reason": error.get("reason")},
        }


@dataclass(frozen=True)
class Subjourney(Generic[H]):
    """One local subjourney: its states and start, run as a call from a step function."""

    name: str
    machine: Machine[H]
    start: str

    def run(self, ctx: RunContext[H], context: Any) -> SubjourneyResult:
        """Run on a copy of ``context``; a failure the subgraph reports (or the deadline)
        becomes a FAILED result, never an exception."""
        if not isinstance(context, dict):
            reason = f"the input of subjourney {self.name!r} must be an object"
            return _failed("SUBJOURNEY_INPUT_INVALID", reason)
        interpret = ctx.services.interpret
        if interpret is None:
            raise RuntimeError(
                f"subjourney {self.name!r} runs only inside a journey run"
            )
        thread = Thread(self.start, copy.deepcopy(context), recorded=False)
        interpret(self.machine, thread)
        if thread.status == SUCCEEDED:
            return SubjourneyResult("SUCCEEDED", output=copy.deepcopy(thread.output))
        if thread.status == FAILED:
            error = thread.error or {}
            return _failed(error.get("code", ""), error.get("reason", ""))
        if thread.leave is not None:
            reason = f"subjourney {self.name!r} cannot leave to {thread.leave!r}"
        else:
            reason = f"subjourney {self.name!r} paused at {thread.state!r}"
        return _failed(DEFINITION_INVALID, reason)


def _failed(code: str, reason: str) -> SubjourneyResult:
    return SubjourneyResult("FAILED", error={"code": code, "reason": reason})


def run_subjourney(
    ctx: RunContext[H], machine: Machine[H], start: str, context: Any, name: str
) -> SubjourneyResult:
    """Run the subjourney ``name`` from ``start`` on a copy of ``context``."""
    return Subjourney(name, machine, start).run(ctx, context)
