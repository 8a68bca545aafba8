"""`schedule:v1`: a durable schedule binding of future runs from `start`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...schema.journey.tasks import Schedule
from ..expressions import Code
from ..scope import NotSupportedError, Scope, prelude

if TYPE_CHECKING:
    from ..compile import JourneyCompiler


def compile(
    c: JourneyCompiler, scope: Scope, state: str, task: Schedule, pointer: str
) -> tuple[list[str], str]:
    """`failure = ctx.schedule(start, interval=..., max_runs=..., ...)`."""
    if task.start not in c.states:
        raise NotSupportedError("schedule:v1 start that is not a state", "/task/start")
    given = task.model_fields_set
    if "interval" not in given or "maxRuns" not in given:
        raise NotSupportedError("schedule:v1 without interval and maxRuns", "/task")
    codes: dict[str, Code] = {
        "interval": c.mapper(scope, task.interval, pointer + "/interval"),
        "max_runs": c.mapper(scope, task.maxRuns, pointer + "/maxRuns"),
    }
    for key, arg, raw in (
        ("startAt", "start_at", task.startAt), ("subjectId", "subject_id", task.subjectId),
        ("context", "context", task.context),
    ):  # fmt: skip
        if key in given:
            codes[arg] = c.mapper(scope, raw, f"{pointer}/{key}")
    args = ", ".join(f"{k}={code.code}" for k, code in codes.items())
    return [
        *prelude(list(codes.values())),
        f"failure = ctx.schedule({task.start!r}, {args}, on_existing={task.onExisting!r})",
        "if failure is not None:",
        "    return failure",
    ], f"{state} (task {task.kind})"
