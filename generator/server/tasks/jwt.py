"""`jwtValidate:v1`: the engine reads the token, a typed handler verifies it (DSL §18.6)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...schema.journey.tasks import JwtValidate, key_source
from ..scope import NotSupportedError, Scope

if TYPE_CHECKING:
    from ..compile import JourneyCompiler


def auth_common(task: Any) -> tuple[str, str]:
    """(profile, authVar) of an auth task, with their defaults."""
    profile = task.profile if task.profile is not None else "default"
    var = task.authVar
    if var is not None and (not isinstance(var, str) or not var):
        raise NotSupportedError("authVar other than a name", "/task/authVar")
    return profile, var if isinstance(var, str) else "auth"


def compile(
    c: JourneyCompiler, scope: Scope, state: str, task: JwtValidate, pointer: str
) -> tuple[list[str], str]:
    """`ctx.validate_jwt(<call model>, <handler>, ...)`."""
    profile, var = auth_common(task)
    scopes = task.requiredScopes or []
    src = "None"
    source = key_source(task.source)
    if source is not None:
        if source.location not in ("header", "query", "cookie") or not source.name:
            raise NotSupportedError("jwtValidate:v1 source", "/task/source")
        src = f"JwtSource({source.location!r}, {source.name!r}, {source.scheme!r})"
        c.uses("auth", "JwtSource")
    method = c.calls.jwt_method(state, profile, tuple(scopes))
    c.methods.append(method)
    return [
        f"ctx.validate_jwt(handlers.{method.call_class}, ctx.handlers.{method.name}, "
        f"profile={profile!r}, source={src}, auth_var={var!r}, "
        f"required_scopes={tuple(scopes)!r})"
    ], f"{state} (task {task.kind})"
