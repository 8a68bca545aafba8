"""`type: timer`: a durable delay; the engine's Timer reads its duration or until."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...schema.journey.states import TimerState
from ..ir import StepCode, TimerCode
from ..scope import NotSupportedError, Scope, prelude

if TYPE_CHECKING:
    from ..compile import JourneyCompiler


def compile(c: JourneyCompiler, scope: Scope, state: str, body: TimerState) -> None:
    """A Timer(...) and the function computing its duration or until."""
    modes = [m for m in ("duration", "until") if m in body.timer.model_fields_set]
    if len(modes) != 1:
        raise NotSupportedError("timer without exactly one of duration/until", "/timer")
    mode = modes[0]
    raw = body.timer.duration if mode == "duration" else body.timer.until
    code = c.mapper(scope, raw, f"{scope.pointer(state)}/timer/{mode}")
    nxt = c.plain_next(scope, state, body.next, "next")
    function = c.function(scope, "timer", state)
    lines = (*prelude([code]), f"return {code.code}")
    c.functions.append(
        StepCode(state, function, f"{state} (timer {mode})", lines, returns="Any")
    )
    scope.timers.append(TimerCode(state, nxt, mode, function))
