"""What a state needs before any engine can run it, where a field type cannot say it.

A `fail` without its code or reason, a `parallel` without branches or a branch without its
name, start and states, a `transform` or a `cache:v1` key without a mapper, a put without a
value, a var target without resultVar, a target path with an empty segment: the reference
requires each (DSL §5.5, §14, §15, §16), so each is a located error saying what to write,
never a state compiled to fail at run time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .check import walk_states
from .states import FailState, ParallelState, TaskState, TransformState
from .tasks import Cache

if TYPE_CHECKING:
    from .check import Checker

MAPPER = "{mapper: {lang: dataweave, expr: ...}} or {mapperRef: <id>}"


def check(c: Checker) -> None:
    for pointer, state in walk_states(c.journey.spec):
        if isinstance(state, FailState):
            fail(c, pointer, state)
        elif isinstance(state, ParallelState):
            parallel(c, pointer, state)
        elif isinstance(state, TransformState):
            transform(c, pointer, state)
        elif isinstance(state, TaskState) and isinstance(state.task, Cache):
            cache(c, pointer + "/task", state.task)


def fail(c: Checker, pointer: str, state: FailState) -> None:
    """DSL §5.5: a fail state is `errorCode` (a stable identifier) and `reason` (a summary)."""
    for field, what in (
        ("errorCode", "a stable identifier of the error, e.g. ORDER_REJECTED"),
        ("reason", "a short human summary of the failure"),
    ):
        if getattr(state, field) is None:
            c.report(pointer, f"a fail state needs {field} ({what}) (DSL §5.5); add {field}: <string>")  # fmt: skip


def parallel(c: Checker, pointer: str, state: ParallelState) -> None:
    """DSL §16: one or more branches, each with a unique name, a start and its states."""
    branches = state.parallel.branches
    if not branches:
        c.report(pointer + "/parallel", "a parallel state needs branches: a list of {name, start, states} (DSL §16); add at least one branch")  # fmt: skip
        return
    seen: set[str] = set()
    for i, branch in enumerate(branches):
        at = f"{pointer}/parallel/branches/{i}"
        missing = [f for f in ("name", "start", "states") if not getattr(branch, f)]
        if missing:
            c.report(at, f"parallel branch {i} needs {', '.join(missing)} (DSL §16: each branch is a name, the state it starts at and its own states map); add {': ..., '.join(missing)}: ...")  # fmt: skip
        if branch.name is not None and branch.name in seen:
            c.report(at + "/name", f"parallel branch name {branch.name!r} is used twice; the join reads each branch as branches.<name> (DSL §16): give every branch its own name")  # fmt: skip
        if branch.name is not None:
            seen.add(branch.name)


def transform(c: Checker, pointer: str, state: TransformState) -> None:
    """DSL §14: the mapper computes the value; target.path is a dot-path in context."""
    block = state.transform
    if (block.mapper, block.mapperRef, block.normaliserRef) == (None, None, None):
        c.report(pointer + "/transform", f"a transform needs the mapper that computes its value (DSL §14); write transform: {MAPPER}")  # fmt: skip
    target = block.target
    if (
        target is not None
        and target.kind == "var"
        and not (block.resultVar or state.resultVar)
    ):
        c.report(pointer + "/transform/target/kind", "transform target kind: var stores the value at context.<resultVar> (DSL §14); add resultVar: <name> to the transform")  # fmt: skip
    path = target.path if target is not None and target.kind == "context" else None
    if path and not all(path.split(".")):
        fixed = ".".join(k for k in path.split(".") if k)
        c.report(pointer + "/transform/target/path", f"transform target.path {path!r} has an empty segment; it is a dot-path in context such as data.enriched (DSL §14)" + (f": write path: {fixed}" if fixed else ""))  # fmt: skip


def cache(c: Checker, pointer: str, task: Cache) -> None:
    """DSL §15: key.mapper computes the key; a put needs value."""
    if task.key is None or (task.key.mapper is None and task.key.mapperRef is None):
        c.report(pointer + ("/key" if task.key is not None else ""), f"cache:v1 needs key: the mapper computing the cache key (DSL §15); write key: {MAPPER}")  # fmt: skip
    if task.operation == "put" and "value" not in task.model_fields_set:
        c.report(pointer, f"cache:v1 put needs value: the mapper computing what is stored (DSL §15); write value: {MAPPER}")  # fmt: skip


__all__ = ["check"]
