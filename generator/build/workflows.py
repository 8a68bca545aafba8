"""Arazzo workflows -> `WorkflowIR`: each step linked to the operation it calls (by
operationId, qualified operationId or operationPath); a workflow that cannot be generated is
left out with located warnings, the rest of the package is not."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any
from urllib.parse import unquote

from .. import naming
from ..diagnostics import Diagnostic, Level, SpecError, did_you_mean
from ..ir import Operation, WorkflowIR, WorkflowStep
from ..load import Document
from ..schema.arazzo import tool_operation
from .context import BuildContext

_OPERATION_PATH = re.compile(
    r"^\{\$sourceDescriptions\.([A-Za-z0-9_\-]+)\.url\}#(/paths/.+)$"
)
_DIALECT_PATH = re.compile(r"^(\$sourceDescriptions\.)?([A-Za-z0-9_\-]+)#(/paths/.+)$")


def workflows(ctx: BuildContext, ops: list[Operation]) -> list[WorkflowIR]:
    """The workflows of every Arazzo document of the case, the entry document's first."""
    if ctx.arazzo is None or ctx.arazzo_doc is None:
        return []
    sources = {s.name for s in ctx.arazzo.sourceDescriptions}
    by_id: dict[tuple[str, str], Operation] = {
        (op.source, op.operation_id): op for op in ops
    }
    plain: dict[str, Operation] = {}
    for op in ops:
        plain.setdefault(op.operation_id, op)
    names = naming.assign(
        (w.workflowId, "run_" + naming.snake(w.workflowId, default="workflow"))
        for w in ctx.arazzo.workflows
    )
    result = _part_workflows(ctx, 0, names, sources, by_id, plain)
    taken = set(names.values())
    ids = {w.workflowId for w in ctx.arazzo.workflows}
    for index in range(1, len(ctx.arazzo_parts)):
        part = ctx.arazzo_parts[index]
        canonical = ctx.canonical_sources[index]
        # The part's operations under its own source names (steps name those).
        own = [
            replace(op, source=name)
            for name, source in canonical.items()
            for op in ops
            if op.source == source
        ]
        local = {(op.source, op.operation_id): op for op in own}
        unqualified: dict[str, Operation] = {}
        for op in own:
            unqualified.setdefault(op.operation_id, op)
        wanted = []
        for w in part.model.workflows:
            name = "run_" + naming.snake(w.workflowId, default="workflow")
            if name in taken:
                name = "run_" + naming.snake(f"{part.label}_{w.workflowId}")
            wanted.append((w.workflowId, name))
        part_names = naming.assign(wanted, reserved=sorted(taken))
        taken.update(part_names.values())
        result += _part_workflows(
            ctx, index, part_names, set(canonical), local, unqualified, ids
        )
        ids.update(w.workflowId for w in part.model.workflows)
    return result


def _part_workflows(
    ctx: BuildContext, index: int, names: dict[str, str], sources: set[str],
    by_id: dict[tuple[str, str], Operation], plain: dict[str, Operation],
    seen: set[str] | None = None,
) -> list[WorkflowIR]:  # fmt: skip
    part = ctx.arazzo_parts[index]
    model, label = part.model, part.label
    result = []
    for wi, workflow in enumerate(model.workflows):
        before = len(ctx.problems)
        try:
            built = _workflow(
                ctx, part.document, wi, workflow, names, sources, by_id, plain,
                prefix=label if seen and workflow.workflowId in seen else "",
            )  # fmt: skip
        except SpecError as exc:
            ctx.problems.extend(exc.diagnostics)
            built = None
        problems = ctx.problems[before:]
        del ctx.problems[before:]
        # A workflow that cannot be generated is left out; the rest of the package is not.
        ctx.warnings.extend(
            Diagnostic(
                d.location,
                f"{d.message}; workflow {workflow.workflowId!r} is left out of the "
                "package (everything else is generated)",
                Level.WARNING,
            )
            for d in problems
        )
        if built is not None and not problems:
            key = f"$sourceDescriptions.{label}.{workflow.workflowId}" if label else ""
            result.append(replace(built, part=index, key=key))
    return result


def _workflow(
    ctx: BuildContext, doc: Document, wi: int, workflow: Any, names: dict[str, str],
    sources: set[str], by_id: dict[tuple[str, str], Operation],
    plain: dict[str, Operation], prefix: str = "",
) -> WorkflowIR:  # fmt: skip
    base = f"/workflows/{wi}"
    inputs_model = None
    if workflow.inputs is not None:
        named = f"{prefix}-{workflow.workflowId}" if prefix else workflow.workflowId
        wanted = naming.class_prefix(named) + "Inputs"
        converted = ctx.schemas.model(doc, base + "/inputs", workflow.inputs, wanted)
        inputs_model = ctx.schemas.model_name(converted)
        if wanted in ctx.schemas.public_aliases:
            inputs_model = wanted
    step_names = naming.assign(
        (s.stepId, naming.snake(s.stepId, default="step")) for s in workflow.steps
    )
    steps = []
    for si, step in enumerate(workflow.steps):
        site = f"{base}/steps/{si}"
        raw = _tool_operation(ctx, doc, site, step)
        linked = (
            None
            if raw is not None
            else _link_step(ctx, doc, site, step, sources, by_id, plain)
        )
        steps.append(
            WorkflowStep(
                step, step_names[step.stepId], linked, step.workflowId,
                doc.location(site), raw,
            )
        )  # fmt: skip
    return WorkflowIR(
        workflow,
        names[workflow.workflowId],
        inputs_model,
        None,
        tuple(steps),
        doc.location(base),
        inputs_example=(
            None
            if workflow.inputs is None
            else ctx.example(doc, workflow.inputs, base + "/inputs")
        ),
    )

def _dialect_path(
    ctx: BuildContext, doc: Document, site: str, step: Any, sources: set[str],
    by_id: dict[tuple[str, str], Operation],
) -> Operation | None:  # fmt: skip
    """Tools' well-known shorthands for an operationPath: `<source>#/paths/...` as the
    operationPath, or `$sourceDescriptions.<source>#/paths/...` as the operationId.
    Their meaning is unambiguous: a warning spells out the standard form."""
    field, text = (
        ("operationPath", step.operationPath)
        if step.operationPath
        else ("operationId", step.operationId)
    )
    if not isinstance(text, str):
        return None
    match = _DIALECT_PATH.match(text)
    if match is None or match.group(2) not in sources:
        return None
    source, pointer = match.group(2), unquote(match.group(3))
    op = _by_path((o for o in by_id.values()), source, pointer)
    if op is None:
        return None
    standard = f"{{$sourceDescriptions.{source}.url}}#{match.group(3)}"
    ctx.warnings.append(
        Diagnostic(
            doc.location(f"{site}/{field}"),
            f"step {step.stepId!r}: {field} {text!r} is a tool's shorthand, not "
            f"Arazzo; read as operationPath {standard!r}: write that",
            Level.WARNING,
        )
    )
    return op

def _tool_operation(
    ctx: BuildContext, doc: Document, site: str, step: Any
) -> tuple[str, str] | None:
    """Redocly Respect's `x-operation: {url, method}` on a step naming no operation: its
    meaning is unambiguous, so it is called as written (untyped) with a warning."""
    if step.operationId or step.operationPath or step.workflowId:
        return None
    raw = tool_operation(step.extensions)
    if raw is None:
        return None
    method, url = raw
    ctx.warnings.append(
        Diagnostic(
            doc.location(f"{site}/x-operation"),
            f"step {step.stepId!r}: x-operation is Redocly's extension, not Arazzo; "
            f"generated as an untyped call of {method} {url} (no OpenAPI types, no "
            "server URL from the client): to make it portable, describe the endpoint "
            "in an OpenAPI sourceDescription and name it with operationId or operationPath",
            Level.WARNING,
        )
    )
    return raw


def _link_step(
    ctx: BuildContext, doc: Document, site: str, step: Any, sources: set[str],
    by_id: dict[tuple[str, str], Operation], plain: dict[str, Operation],
) -> Operation | None:  # fmt: skip
    dialect = _dialect_path(ctx, doc, site, step, sources, by_id)
    if dialect is not None:
        return dialect
    if step.operationPath is not None:
        standard = _OPERATION_PATH.match(step.operationPath)
        if standard is None or standard.group(1) not in sources:
            return None  # the compiler says what is wrong with it
        pointer = unquote(standard.group(2))
        return _by_path(by_id.values(), standard.group(1), pointer)
    if step.operationId is None:
        return None
    op_id: str = step.operationId
    source = step.extensions.get("x-source")
    qualified = re.match(r"^\$sourceDescriptions\.([^.]+)\.(.+)$", op_id)
    if qualified:
        source, op_id = qualified.group(1), qualified.group(2)
    if isinstance(source, str) and source not in sources:
        ctx.problems.append(
            Diagnostic(
                doc.location(site),
                f"step {step.stepId!r} names source {source!r}, which is not in sourceDescriptions",
            )
        )
        return None
    op = by_id.get((source, op_id)) if isinstance(source, str) else plain.get(op_id)
    if op is not None:
        return op
    dotted = re.match(r"^([A-Za-z0-9_\-]+)\.(.+)$", op_id)
    if source is None and dotted and (dotted[1], dotted[2]) in by_id:
        ctx.warnings.append(
            Diagnostic(
                doc.location(site + "/operationId"),
                f"step {step.stepId!r}: operationId {op_id!r} is a tool's shorthand "
                f"(Redocly's <source>.<operationId>), not Arazzo; read as operationId "
                f"'$sourceDescriptions.{dotted[1]}.{dotted[2]}': write that",
                Level.WARNING,
            )
        )
        return by_id[(dotted[1], dotted[2])]
    known = sorted(
        {o for (s, o) in by_id if not isinstance(source, str) or s == source}
    )
    folded = [o for o in known if o.casefold() == op_id.casefold()]
    at = doc.location(site + "/operationId")
    if len(folded) == 1:
        ctx.warnings.append(
            Diagnostic(
                at,
                f"step {step.stepId!r} calls operationId {op_id!r}, which matches "
                f"{folded[0]!r} only when case is ignored (operationIds are "
                f"case-sensitive); calling {folded[0]!r}: write it so",
                Level.WARNING,
            )
        )
        key = (source, folded[0]) if isinstance(source, str) else None
        return by_id[key] if key is not None else plain[folded[0]]
    hint = did_you_mean(op_id, known)
    ctx.problems.append(
        Diagnostic(
            at,
            f"step {step.stepId!r} calls unknown operationId {op_id!r}; it must match "
            "an operationId of the source's OpenAPI document"
            + (f"; {hint}" if hint else ""),
        )
    )
    return None


def _by_path(ops: Any, source: str, pointer: str) -> Operation | None:
    """The operation at `#/paths/<path>/<method>` of a source."""
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
    if len(tokens) != 3 or tokens[0] != "paths":
        return None
    _, path, method = tokens
    return next(
        (
            o
            for o in ops
            if o.source == source and o.path == path and o.http_method == method.upper()
        ),
        None,
    )
