"""`type: choice`: the first branch whose predicate holds, else `default`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...schema.journey.states import ChoiceState
from ..expressions import Code
from ..scope import NotSupportedError, Scope, prelude

if TYPE_CHECKING:
    from ..compile import JourneyCompiler


def compile(c: JourneyCompiler, scope: Scope, state: str, body: ChoiceState) -> None:
    """One step: `if <predicate>: return Next(...)` per branch, then the default."""
    branches: list[tuple[Code, str]] = []
    for i, choice in enumerate(body.choices):
        if choice.when is None or choice.when.predicate is None:
            raise NotSupportedError(
                "choice condition other than when.predicate", f"/choices/{i}"
            )
        pointer = f"{scope.pointer(state)}/choices/{i}/when/predicate"
        code = scope.exprs.dataweave(pointer, choice.when.predicate, predicate=True)
        branches.append((code, c.goto(scope, state, choice.next)))
    lines = prelude([code for code, _ in branches])
    for code, goto in branches:
        lines += [f"if {code.code}:", f"    {goto}"]
    lines.append(c.goto(scope, state, body.default, "default"))
    c.step(scope, state, lines, f"{state} (choice)")
