"""`apiKeyValidate:v1`: the engine compares the header with the profile's secret."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...schema.journey.tasks import ApiKeyValidate, KeySource
from ..scope import NotSupportedError, Scope

if TYPE_CHECKING:
    from ..compile import JourneyCompiler


def compile(
    c: JourneyCompiler, scope: Scope, state: str, task: ApiKeyValidate, pointer: str
) -> tuple[list[str], str]:
    """`ctx.validate_api_key(profile, header[, authVar])`."""
    source = task.source or KeySource()
    if source.location != "header" or source.name is None:
        raise NotSupportedError(
            "apiKeyValidate:v1 source other than a header", "/task/source"
        )
    profile = task.profile if task.profile is not None else "default"
    c.profiles.add(profile)
    args = f"{profile!r}, {source.name!r}"
    if task.authVar is not None:
        args += f", {task.authVar!r}"
    return [f"ctx.validate_api_key({args})"], f"{state} (task {task.kind})"
