"""`httpCall:v1`: a typed handler call (`calls.CallBuilder`), its result in resultVar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...schema.journey.tasks import HttpCall
from ..scope import Scope, prelude

if TYPE_CHECKING:
    from ..compile import JourneyCompiler


def compile(
    c: JourneyCompiler, scope: Scope, state: str, task: HttpCall, pointer: str
) -> tuple[list[str], str]:
    """Build the call model from the task, call the handler through ctx.call."""
    call = c.calls.build(scope.exprs, state, task, pointer)
    c.methods.append(call.method)
    items = ", ".join(f"{name!r}: {code.code}" for name, code in call.entries)
    lines = prelude([code for _, code in call.entries])
    c.uses("engine", "TaskAnswer")
    lines += [
        "",
        "def run() -> TaskAnswer:",
        f"    call = handlers.{call.method.call_class}.model_validate({{{items}}})",
        *(["    ctx.pass_headers(call.headers)"] if c.passthrough else []),
        f"    return ctx.handlers.{call.method.name}(call)",
        "",
    ]
    var = task.resultVar
    lines.append(
        f"ctx.context[{var!r}] = ctx.call(run)" if var is not None else "ctx.call(run)"
    )
    return lines, f"{state} (task httpCall:v1 {call.method.target})"
