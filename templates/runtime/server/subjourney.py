"""Local subjourneys (``spec.subjourneys``): a named subgraph run like a synchronous call.

A ``subjourney`` state evaluates its input mapper (the subjourney's initial context, ``{}``
without one), runs the subgraph's states from its ``start`` on that context until a
``succeed`` or ``fail``, and hands the result back to the calling step, which writes
``resultVar`` (the output, or the mini-outcome with ``resultKind: outcome``) and either fails
the run (``onFailure.behavior: propagate``) or continues (``capture``). The subgraph shares
the run's handlers, request and services; it has no journey id or endpoints of its own, and
its own transitions are not part of the journey's history.

Only internal states run inside a subjourney here (task, choice, transform, succeed, fail and
nested subjourney states); the generator refuses external-input, timer and parallel states in
a subjourney with a located warning.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, TypeVar

from .engine import DEFINITION_INVALID, Fail, Machine, Next, RunContext, Succeed

__all__ = ["SubjourneyResult", "run_subjourney"]

H = TypeVar("H")
MAX_STEPS = 1000


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


def run_subjourney(
    ctx: RunContext[H], machine: Machine[H], start: str, context: Any, name: str
) -> SubjourneyResult:
    """Run the subjourney ``name`` from ``start`` on a copy of ``context``; never raises for
    a failure the subgraph reports (it becomes a FAILED result)."""
    if not isinstance(context, dict):
        reason = f"the input of subjourney {name!r} must be an object"
        return SubjourneyResult(
            "FAILED", error={"code": "SUBJOURNEY_INPUT_INVALID", "reason": reason}
        )
    sub = RunContext(
        copy.deepcopy(context),
        ctx.handlers,
        ctx.headers,
        ctx.settings,
        meta=ctx.meta,
        services=ctx.services,
    )
    state = start
    try:
        for _ in range(MAX_STEPS):
            step = machine.steps.get(state)
            if step is None:
                reason = f"state {state!r} is not a state of subjourney {name!r}"
                return SubjourneyResult(
                    "FAILED", error={"code": DEFINITION_INVALID, "reason": reason}
                )
            result = step(sub)
            if isinstance(result, Next):
                state = result.state
            elif isinstance(result, Succeed):
                return SubjourneyResult(
                    "SUCCEEDED", output=copy.deepcopy(result.output)
                )
            elif isinstance(result, Fail):
                return SubjourneyResult(
                    "FAILED", error={"code": result.code, "reason": result.reason}
                )
            else:
                reason = f"subjourney {name!r} cannot leave to {result.state!r}"
                return SubjourneyResult(
                    "FAILED", error={"code": DEFINITION_INVALID, "reason": reason}
                )
    finally:
        ctx.auth_codes.extend(sub.auth_codes)
        ctx.auth_failed = ctx.auth_failed or sub.auth_failed
    raise RuntimeError(f"subjourney {name!r} exceeded {MAX_STEPS} steps")
