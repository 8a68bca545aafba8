"""`type: subjourney`: a call of a `spec.subjourneys` machine (DSL §5.8), which may pause."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...diagnostics import error
from ...schema.journey.states import SubjourneyState
from ..ir import CallCode, StepCode
from ..scope import NotSupportedError, Scope, prelude

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
    cycle = _cycle(c, scope, ref)
    if cycle is not None and len(cycle) == 2:
        raise NotSupportedError(f"subjourney {ref!r} calling itself", "/subjourney/ref")
    if cycle is not None:
        path = " -> ".join(cycle)
        raise NotSupportedError(f"a subjourney call cycle ({path})", "/subjourney/ref")
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


def _cycle(c: JourneyCompiler, scope: Scope, ref: str) -> list[str] | None:
    """The subjourney calls leading from the subjourney this state is in, through `ref`, back
    to it (`[own, ref, ..., own]`), or None: the engine runs no recursive call."""
    owner: Scope | None = scope
    while owner is not None and owner.subjourney is None:
        owner = owner.parent  # a parallel branch inside a subjourney
    if owner is None or owner.subjourney is None:
        return None
    own, subjourneys = owner.subjourney, c.spec.subjourneys or {}
    paths, todo = {ref: [own, ref]}, [ref]
    while todo:
        name = todo.pop(0)
        if name == own:
            return paths[name]
        found = subjourneys.get(name)
        for called in _calls(found.states if found is not None else {}):
            if called not in paths:
                paths[called] = [*paths[name], called]
                todo.append(called)
    return None


def _calls(states: Any) -> list[str]:
    """The subjourney ids a machine's states (and their parallel branches) call."""
    found: list[str] = []
    for body in (states or {}).values():
        if isinstance(body, SubjourneyState) and body.subjourney.ref:
            found.append(body.subjourney.ref)
        for branch in getattr(getattr(body, "parallel", None), "branches", None) or []:
            found += _calls(branch.states)
    return found
