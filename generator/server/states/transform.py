"""`type: transform`: a DataWeave mapper whose result goes where `target` says (DSL §14)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...schema.journey.base import Target
from ...schema.journey.states import TransformState
from ..scope import NotSupportedError, Scope, prelude

if TYPE_CHECKING:
    from ..compile import JourneyCompiler


def compile(c: JourneyCompiler, scope: Scope, state: str, body: TransformState) -> None:
    """One step: `result = <mapper>`, the write, then `return Next(next)`."""
    code = scope.exprs.mapper(scope.pointer(state) + "/transform", body.transform)
    if code is None:
        raise NotSupportedError("transform without a mapper or mapperRef", "/transform")
    lines = [*prelude([code]), f"result = {code.code}"]
    target = body.transform.target
    if target is not None and target.kind == "attributes":
        c.uses("attributes", "write_attributes")  # write-once: a Fail when a key is set
        lines += [
            "failure = write_attributes(ctx, result)",
            "if failure is not None:",
            "    return failure",
        ]
    else:
        lines += write(body)
    lines.append(c.goto(scope, state, body.next))
    c.step(scope, state, lines, f"{state} (transform)")


def write(body: TransformState) -> list[str]:
    """Where a transform's result goes (DSL §14).

    `kind: var` (or a resultVar without a target) stores it under context.<resultVar>; a
    context target with a `path` writes it at that dot-path, creating objects on the way;
    neither path nor resultVar replaces the whole context. A path given but empty (`""`)
    names the context root without replacing it: the result's keys are written into the
    context, which is what the corpus's `path: ""` transforms rely on.
    """
    return write_to(body.transform.resultVar or body.resultVar, body.transform.target)


def write_to(
    var: str | None, target: Target | None, at: str = "/transform/target"
) -> list[str]:
    """The write of a result to `target`/`var` (transform's rules; also errorMapping's)."""
    if target is None:
        kind, has_path, path = ("var" if var is not None else "context"), False, None
    else:
        kind, has_path, path = (
            target.kind,
            "path" in target.model_fields_set,
            target.path,
        )
    if kind == "var" and var is not None:
        return [f"ctx.context[{var!r}] = result"]
    if kind == "context" and not has_path:
        return ["replace_context(ctx, result)"]
    if kind == "context" and path in ("", None):
        return ["merge_context(ctx, result)"]
    if kind == "context" and path is not None:
        keys = path.split(".")
        if all(keys):
            return [f"write_context(ctx, {tuple(keys)!r}, result)"]
    raise NotSupportedError(f"transform target {kind!r} {path!r}", at)
