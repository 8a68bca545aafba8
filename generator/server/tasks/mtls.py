"""`mtlsValidate:v1`: the engine reads the client chain, a typed handler validates it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...schema.journey.tasks import MtlsValidate
from ..scope import NotSupportedError, Scope
from .jwt import auth_common

if TYPE_CHECKING:
    from ..compile import JourneyCompiler


def compile(
    c: JourneyCompiler, scope: Scope, state: str, task: MtlsValidate, pointer: str
) -> tuple[list[str], str]:
    """`ctx.validate_mtls(<call model>, <handler>, ..., policy=MtlsPolicy(...))`."""
    profile, var = auth_common(task)
    anchors = [a.pem for a in task.trustAnchors or []]
    if not all(isinstance(a, str) for a in anchors):
        raise NotSupportedError("trustAnchors without pem", "/task/trustAnchors")
    filters: dict[str, Any] = {}
    for key, found in (
        ("allowSubjects", task.allowSubjects), ("allowSerials", task.allowSerials),
    ):  # fmt: skip
        if found is not None:
            filters[key] = tuple(found)
    if task.allowSans is not None:
        pairs = []
        for entry in task.allowSans:
            if len(entry) != 1:
                raise NotSupportedError("allowSans entry", "/task/allowSans")
            ((kind, text),) = entry.items()
            if kind not in ("dns", "ip", "uri"):
                raise NotSupportedError("allowSans entry", "/task/allowSans")
            pairs.append((kind, text))
        filters["allowSans"] = tuple(pairs)
    policy = (
        f"MtlsPolicy(allow_subjects={filters.get('allowSubjects')!r}, "
        f"allow_sans={filters.get('allowSans')!r}, "
        f"allow_serials={filters.get('allowSerials')!r}, "
        f"allow_any_from_trusted={task.allowAnyFromTrusted!r})"
    )
    c.uses("auth", "MtlsPolicy")
    method = c.calls.mtls_method(state, profile, filters)
    c.methods.append(method)
    return [
        f"ctx.validate_mtls(handlers.{method.call_class}, ctx.handlers.{method.name}, "
        f"profile={profile!r}, trust_anchors={tuple(anchors)!r}, policy={policy}, "
        f"auth_var={var!r})"
    ], f"{state} (task {task.kind})"
