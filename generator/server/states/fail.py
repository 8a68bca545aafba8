"""`type: fail`: terminal failure with errorCode and reason."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...schema.journey.states import FailState
from ..scope import NotSupportedError, Scope

if TYPE_CHECKING:
    from ..compile import JourneyCompiler


def compile(c: JourneyCompiler, scope: Scope, state: str, body: FailState) -> None:
    """One step: `return Fail(code, reason)`."""
    code, reason = body.errorCode, body.reason
    if code is None or reason is None:
        raise NotSupportedError(
            "fail without string errorCode and reason", "/errorCode"
        )
    c.step(
        scope, state, [f"return Fail({code!r}, {reason!r})"], f"{state} (fail {code})"
    )
