"""`type: subjourney`: a call of a `spec.subjourneys` machine (DSL §5.8), which may pause and
may call itself, directly or through others (each call its own frame, the depth bounded at run
time by the server's max_subjourney_depth)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...diagnostics import error
from ...schema.journey.states import SubjourneyState
from ..ir import CallCode, StepCode
from ..scope import Scope, prelude

if TYPE_CHECKING:
    from ..compile import JourneyCompiler


def compile(
    c: JourneyCompiler, scope: Scope, state: str, body: SubjourneyState
) -> None:
    """A SubjourneyCall(...): the input function (the subjourney's initial context) and the
    finish function (store its result or outcome, propagate a failure, go to next)."""
    where = scope.pointer(state) + "/subjourney"
    spec = body.subjourney
    ref = spec.ref
    _, start = c.subjourney_starts[ref]
    kind, behavior, var = spec.resultKind, spec.onFailure.behavior, spec.resultVar
    input_fn = None
    if spec.input is not None:
        code = scope.exprs.mapper(where + "/input", spec.input)
        if code is None:
            raise error(
                c.doc.location(where + "/input"),
                "subjourney input needs a mapper or a mapperRef",
            )
        input_fn = c.function(scope, "input", state)
        c.functions.append(
            StepCode(state, input_fn, f"{state} (subjourney {ref} input)",
                     (*prelude([code]), f"return {code.code}"), returns="Any")
        )  # fmt: skip
    lines: list[str] = []
    if var is not None and kind == "outcome":
        lines.append(f"ctx.context[{var!r}] = found.outcome()")
    if behavior == "propagate":
        lines += ["if found.failed:", "    return found.fail()"]
    if var is not None and kind == "output":
        value = (
            "found.output"
            if behavior == "propagate"
            else ("None if found.failed else found.output")
        )
        lines.append(f"ctx.context[{var!r}] = {value}")
    lines.append(c.goto(scope, state, body.next))
    finish = c.function(scope, "finish", state)
    c.functions.append(
        StepCode(state, finish, f"{state} (subjourney {ref} result)", tuple(lines),
                 params="ctx: Ctx, found: SubjourneyResult")
    )  # fmt: skip
    scope.calls.append(CallCode(state, ref, str(start), finish, input_fn))
