"""`xmlDecode:v1`: the XML string at context.<sourceVar>, decoded where `target` says."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...schema.journey.tasks import XmlDecode
from ..scope import NotSupportedError, Scope

if TYPE_CHECKING:
    from ..compile import JourneyCompiler


def write(task: XmlDecode) -> str:
    """The write of the decoded value (DSL §5.3), as a transform writes its result (§14):
    `kind: var` (or a resultVar without a target) stores it under context.<resultVar>, a
    context path writes it there, no path replaces the whole context (the decoded document is
    always an object, `{<root element>: ...}`)."""
    target = task.target
    kind = target.kind if target is not None else "context"
    if target is None and task.resultVar is not None:
        kind = "var"
    if kind == "var" and task.resultVar is not None:
        return f"ctx.context[{task.resultVar!r}] = decoded"
    path = target.path if target is not None else None
    if kind == "context" and path is None:
        return "replace_context(ctx, decoded)"
    if kind == "context" and path == "":
        return "merge_context(ctx, decoded)"
    if kind == "context" and path is not None and all(path.split(".")):
        return f"write_context(ctx, {tuple(path.split('.'))!r}, decoded)"
    raise NotSupportedError(f"xmlDecode:v1 target {kind!r} {path!r}", "/task/target")


def compile(
    c: JourneyCompiler, scope: Scope, state: str, task: XmlDecode, pointer: str
) -> tuple[list[str], str]:
    """`decoded = xml_decode(ctx.context, sourceVar)`; its Fail ends the journey."""
    c.uses("tasks.xml", "xml_decode")
    c.uses("engine", "Fail")
    return [
        f"decoded = xml_decode(ctx.context, {task.sourceVar!r})",
        "if isinstance(decoded, Fail):",
        "    return decoded",
        write(task),
    ], f"{state} (task {task.kind} {task.sourceVar})"
