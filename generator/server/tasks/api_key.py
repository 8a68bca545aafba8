"""`apiKeyValidate:v1`: the engine compares the key at the source with the profile's secret."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...schema.journey.tasks import ApiKeyValidate
from ..scope import NotSupportedError, Scope

if TYPE_CHECKING:
    from ..compile import JourneyCompiler


def compile(
    c: JourneyCompiler, scope: Scope, state: str, task: ApiKeyValidate, pointer: str
) -> tuple[list[str], str]:
    """`ctx.validate_api_key(profile, name[, authVar][, location="query"])`; without a
    source, name None: the profile's configured source (Settings.api_key_sources)."""
    source = task.source
    if source is not None and (
        source.location not in ("header", "query") or not source.name
    ):
        raise NotSupportedError("apiKeyValidate:v1 source", "/task/source")
    profile = task.profile if task.profile is not None else "default"
    c.profiles.add(profile)
    args = f"{profile!r}, {source.name if source else None!r}"
    if task.authVar is not None:
        args += f", {task.authVar!r}"
    if source is not None and source.location != "header":
        args += f", location={source.location!r}"
    return [f"ctx.validate_api_key({args})"], f"{state} (task {task.kind})"
