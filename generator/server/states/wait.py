"""`type: wait` (and `webhook`, which shares it): an ExternalInput at `/steps/<state>`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...schema.journey.states import WaitState, WebhookState
from ..ir import InputCode
from ..links import external
from ..scope import NotSupportedError, Scope

if TYPE_CHECKING:
    from ..compile import JourneyCompiler


def compile(c: JourneyCompiler, scope: Scope, state: str, body: WaitState) -> None:
    """Add the state's ExternalInput to its machine."""
    add_input(c, scope, state, body)


def add_input(
    c: JourneyCompiler, scope: Scope, state: str, body: WaitState | WebhookState
) -> None:
    """The ExternalInput of a wait or webhook state: linked step, next, timeout, guard."""
    found = _input(c, scope, state, body)
    if found is None:
        return
    if state in c.input_names:
        raise NotSupportedError(f"a second external-input state named {state!r}")
    c.input_names.add(state)
    scope.inputs.append(found)


def _input(
    c: JourneyCompiler, scope: Scope, state: str, body: WaitState | WebhookState
) -> InputCode | None:
    block = body.wait if isinstance(body, WaitState) else body.webhook
    ext = external(c, scope, state, body)
    nxt = body.next or block.default
    if ext is None or ext.input_model is None or nxt is None:
        raise NotSupportedError(f"{body.type} without input schema or next")
    c.plain_next(scope, state, nxt, "next")
    own = block.model_fields_set
    timeout = block.timeoutSec if "timeoutSec" in own else body.timeoutSec
    on_timeout = block.onTimeout if "onTimeout" in own else body.onTimeout
    if timeout is not None or on_timeout is not None:
        if (
            isinstance(timeout, bool) or not isinstance(timeout, int | float)
            or timeout < 0 or not isinstance(on_timeout, str)
        ):  # fmt: skip
            raise NotSupportedError(
                f"{body.type} timeoutSec without onTimeout", f"/{body.type}"
            )
        c.plain_next(scope, state, on_timeout, "onTimeout")
    guard = (
        (ext.guard_header, ext.guard_profile)
        if ext.guard_header and ext.guard_profile
        else None
    )
    var = block.response.outputVar if block.response is not None else None
    success = ext.operation.success if ext.operation else None
    route = ext.operation.step_state if ext.operation else None
    return InputCode(
        state, body.type, ext.input_model, nxt, guard, var,
        success.model if success else None,
        timeout, on_timeout if timeout is not None else None,
        route if route and route != state else None,
    )  # fmt: skip
