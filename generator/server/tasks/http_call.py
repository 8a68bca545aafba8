"""`httpCall:v1`: a typed handler call (`calls.CallBuilder`), its result in resultVar.

The handler method defaults to the HTTP call the server makes itself (runtime `outbound`);
`errorMapping` (DSL §5.1) runs its mapper on a result with `ok: false`, `payload` bound to
that result, and writes it where its target says (a transform's rules).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...schema.journey.tasks import HttpCall
from ..scope import Scope, prelude
from ..states.transform import write_to

if TYPE_CHECKING:
    from ..compile import JourneyCompiler


def compile(
    c: JourneyCompiler, scope: Scope, state: str, task: HttpCall, pointer: str
) -> tuple[list[str], str]:
    """Build the call model from the task, call the handler through ctx.call."""
    call = c.calls.build(scope.exprs, state, task, pointer)
    c.methods.append(call.method)
    items = ", ".join(f"{name!r}: {code.code}" for name, code in call.entries)
    mapping = task.errorMapping if task.mode != "notify" else None
    mapper = (
        scope.exprs.mapper(pointer + "/errorMapping", mapping)
        if mapping is not None
        else None
    )
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
    if mapper is None or mapping is None:
        lines.append(
            f"ctx.context[{var!r}] = ctx.call(run)"
            if var is not None
            else "ctx.call(run)"
        )
        return lines, f"{state} (task httpCall:v1 {call.method.target})"
    lines.append("answer = ctx.call(run)")
    if var is not None:
        lines.append(f"ctx.context[{var!r}] = answer")
    target = write_to(
        mapping.resultVar, mapping.target, pointer + "/errorMapping/target"
    )
    used = mapper.bindings
    lines += [
        'if answer.get("ok") is False:  # errorMapping when: nonOk (DSL §5.1)',
        *(["    context = ctx.context"] if "context" in used else []),
        *(["    payload = answer"] if "payload" in used else []),
        *(["    platform = ctx.platform"] if "platform" in used else []),
        f"    result = {mapper.code}",
        *(f"    {line}" for line in target),
    ]
    return lines, f"{state} (task httpCall:v1 {call.method.target})"
