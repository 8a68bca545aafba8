"""`type: subjourney`: a synchronous call of a `spec.subjourneys` machine (DSL §5.8)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...diagnostics import error
from ...schema.journey.states import SubjourneyState
from ..expressions import Code
from ..scope import NotSupportedError, Scope, prelude

if TYPE_CHECKING:
    from ..compile import JourneyCompiler


def compile(
    c: JourneyCompiler, scope: Scope, state: str, body: SubjourneyState
) -> None:
    """One step: run the subjourney, store its result or outcome, propagate a failure."""
    where = scope.pointer(state) + "/subjourney"
    spec = body.subjourney
    ref = spec.ref
    if scope.subjourney == ref:
        raise NotSupportedError(f"subjourney {ref!r} calling itself", "/subjourney/ref")
    machine, start = c.subjourney_starts[ref]
    kind, behavior, var = spec.resultKind, spec.onFailure.behavior, spec.resultVar
    codes: list[Code] = []
    arg = "{}"
    if spec.input is not None:
        found = scope.exprs.mapper(where + "/input", spec.input)
        if found is None:
            raise error(
                c.doc.location(where + "/input"),
                "subjourney input needs a mapper or a mapperRef",
            )
        code = found
        codes.append(code)
        arg = code.code
    lines = [
        *prelude(codes),
        f"found = run_subjourney(ctx, {machine}, {start!r}, {arg}, {ref!r})",
    ]
    c.uses("states.subjourney", "run_subjourney")
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
    c.step(scope, state, lines, f"{state} (subjourney {ref})")
