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
    c.step(scope, state, [f"return Succeed(ctx.output({arg}))"], f"{state} (succeed)")
