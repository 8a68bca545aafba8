"""`type: parallel`: branches compiled as machines of their own, then a join (DSL §16)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ... import naming
from ...schema.journey.states import ParallelState
from ..ir import BranchCode, ParallelCode, StepCode
from ..scope import NotSupportedError, Scope, prelude

if TYPE_CHECKING:
    from ..compile import JourneyCompiler


def compile(c: JourneyCompiler, scope: Scope, state: str, body: ParallelState) -> None:
    """A Parallel(...) over one Machine per branch, and the join mapper's function."""
    spec = body.parallel
    if not spec.branches:
        raise NotSupportedError("parallel without branches", "/parallel")
    join = spec.join
    branches = []
    seen: set[str] = set()
    for i, branch in enumerate(spec.branches):
        where = f"{scope.pointer(state)}/parallel/branches/{i}"
        name, states, start = branch.name, branch.states, branch.start
        if name is None or name in seen or states is None or start not in states:
            raise NotSupportedError(
                "branch without a unique name, states and start",
                where[len(scope.pointer(state)) :],
            )
        seen.add(name)
        label = "_".join(
            w for w in (scope.label, naming.snake(name, default="branch")) if w
        )
        child = Scope(states, where + "/states", label, scope.exprs, parent=scope)
        machine = c.names.claim("BRANCH_" + label.upper())
        c.branch_machines.append(c.machine(child, machine))
        branches.append(BranchCode(name, str(start), machine))
    join_fn = None
    code = scope.exprs.mapper(
        f"{scope.pointer(state)}/parallel/join", join, extra=frozenset({"branches"})
    )
    if code is not None:
        join_fn = c.function(scope, "join", state)
        lines = (*prelude([code]), f"return {code.code}")
        c.functions.append(
            StepCode(state, join_fn, f"{state} (parallel join)", lines,
                     params="ctx: Ctx, branches: dict[str, Any]", returns="Any")
        )  # fmt: skip
    nxt = (
        c.plain_next(scope, state, body.next, "next")
        if "next" in body.model_fields_set
        else None
    )
    parallel_code = ParallelCode(
        state, tuple(branches), join.strategy, join.errorPolicy, join_fn,
        join.resultVar, nxt,
    )  # fmt: skip
    scope.parallels.append(parallel_code)
