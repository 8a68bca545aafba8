"""`type: task`: the task's compiler (by kind, `tasks.TASKS`) and the transition to `next`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...schema.journey.states import TaskState
from ..scope import NotSupportedError, Scope
from ..tasks import TASKS

if TYPE_CHECKING:
    from ..compile import JourneyCompiler


def compile(c: JourneyCompiler, scope: Scope, state: str, body: TaskState) -> None:
    """One step: the task's lines, then `return Next(next)`."""
    kind = body.task.kind
    compile_task = TASKS.get(str(kind))
    if compile_task is None:
        raise NotSupportedError(f"task kind {kind!r}", "/task/kind")
    pointer = scope.pointer(state) + "/task"
    lines, summary = compile_task(c, scope, state, body.task, pointer)
    c.step(scope, state, [*lines, c.goto(scope, state, body.next)], summary)
