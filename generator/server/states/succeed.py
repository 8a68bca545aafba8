"""`type: succeed`: terminal success with `context.<outputVar>` or the whole context."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...schema.journey.states import SucceedState
from ..scope import Scope

if TYPE_CHECKING:
    from ..compile import JourneyCompiler


def compile(c: JourneyCompiler, scope: Scope, state: str, body: SucceedState) -> None:
    """One step: `return Succeed(ctx.output(outputVar))`."""
    arg = repr(body.outputVar) if body.outputVar is not None else "None"
    if scope.label == "":  # a top-level end: its outcome is the journey's (views.py)
        c.output_sites[state] = c.site(scope.pointer(state))
    c.step(scope, state, [f"return Succeed(ctx.output({arg}))"], f"{state} (succeed)")
