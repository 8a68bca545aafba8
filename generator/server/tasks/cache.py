"""`cache:v1` get and put (DSL §15)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...schema.journey.tasks import Cache
from ..scope import NotSupportedError, Scope, prelude

if TYPE_CHECKING:
    from ..compile import JourneyCompiler


def compile(
    c: JourneyCompiler, scope: Scope, state: str, task: Cache, pointer: str
) -> tuple[list[str], str]:
    """`ctx.context[resultVar] = ctx.cache_get(key)` or `ctx.cache_put(key, value, ttl)`."""
    summary = f"{state} (task {task.kind})"
    if task.key is None or (task.key.mapper is None and task.key.mapperRef is None):
        raise NotSupportedError("cache:v1 without key.mapper", "/task/key")
    key_code = c.mapper(scope, task.key, pointer + "/key")
    if task.operation == "get":
        if task.resultVar is None:
            raise NotSupportedError("cache:v1 get without resultVar", "/task")
        return [
            *prelude([key_code]),
            f"ctx.context[{task.resultVar!r}] = ctx.cache_get({key_code.code})",
        ], summary
    if "value" not in task.model_fields_set:
        raise NotSupportedError("cache:v1 put without value", "/task")
    value_code = c.mapper(scope, task.value, pointer + "/value")
    return [
        *prelude([key_code, value_code]),
        f"ctx.cache_put({key_code.code}, {value_code.code}, {task.ttlSeconds!r})",
    ], summary
