"""Generation-time loop checks: every backward goto needs a bound; workflows never recurse."""

from __future__ import annotations

from typing import Any

from ..diagnostics import Diagnostic, Level, Location, error
from ..ir import ArazzoPart, Bundle, WorkflowIR
from ..schema.arazzo import Reusable

BOUND = "x-maxIterations"
_SOURCES = "$sourceDescriptions."
# The runtime's cap on step executions of one workflow run (flow_plans.py DEFAULT_MAX_STEPS).
MAX_STEPS = 10_000


def parts_of(bundle: Bundle) -> tuple[ArazzoPart, ...]:
    """The Arazzo documents of a bundle, the entry one first."""
    if bundle.arazzo_parts:
        return bundle.arazzo_parts
    return (ArazzoPart(bundle.arazzo, ""),) if bundle.arazzo is not None else ()


def target_key(parts: tuple[ArazzoPart, ...], index: int, ref: str) -> str | None:
    """The book key of the workflow `ref` names in document `index`: a workflowId of that
    document, or `$sourceDescriptions.<name>.<workflowId>` of an Arazzo source it names
    (None: no such source)."""
    part = parts[index]
    if not ref.startswith(_SOURCES):
        return part.key(ref)
    name, _, wid = ref[len(_SOURCES) :].partition(".")
    target = dict(part.arazzo_sources).get(name)
    if target is None:
        return None
    ids = {w.workflowId for w in parts[target].document.workflows}
    if wid not in ids and wid.startswith("workflows.") and wid[10:] in ids:
        wid = wid[10:]  # Redocly's `$sourceDescriptions.<name>.workflows.<id>` (warned)
    return parts[target].key(wid)


def _resolve(item: Any, bundle: Bundle, part: int = 0) -> Any:
    parts = parts_of(bundle)
    components = parts[part].document.components if parts else None
    if not isinstance(item, Reusable) or components is None:
        return item
    name = item.reference.rsplit(".", 1)[-1]
    return (
        components.successActions.get(name)
        or components.failureActions.get(name)
        or item
    )


def _gotos(workflow: WorkflowIR, index: int, bundle: Bundle) -> list[Any]:
    step = workflow.steps[index].step
    wf = workflow.workflow
    items = [*step.onSuccess, *step.onFailure, *wf.successActions, *wf.failureActions]
    resolved = [_resolve(a, bundle, workflow.part) for a in items]
    return [
        a
        for a in resolved
        if not isinstance(a, Reusable) and a.type == "goto" and a.stepId
    ]


def check_loops(workflow: WorkflowIR, bundle: Bundle) -> list[Diagnostic]:
    """A goto back to the same or an earlier step loops. One guarded by criteria (a polling
    loop) is fine; an unguarded one runs until the run's step cap or deadline, so it is
    generated with a warning. Either way the runtime bounds it (`DEFAULT_MAX_STEPS`)."""
    ids = [s.step.stepId for s in workflow.steps]
    bounded_workflow = BOUND in workflow.workflow.extensions
    found: list[Diagnostic] = []
    for index, step in enumerate(workflow.steps):
        for action in _gotos(workflow, index, bundle):
            target = ids.index(action.stepId) if action.stepId in ids else None
            if target is None or target > index:
                continue
            if bounded_workflow or BOUND in action.extensions or action.criteria:
                continue
            found.append(
                Diagnostic(
                    step.location,
                    f"goto loop in workflow {workflow.workflow.workflowId!r}: step "
                    f"{step.step.stepId!r} action {action.name!r} jumps back to step "
                    f"{action.stepId!r} with no criteria, so only the run's step cap "
                    f"({MAX_STEPS} step executions) or its deadline ends it; guard it "
                    f"with criteria or add '{BOUND}: <n>'",
                    Level.WARNING,
                )
            )
    return found


def _edges(workflow: WorkflowIR, bundle: Bundle) -> list[str]:
    """The book keys of the workflows one depends on, calls or jumps to (a reference to no
    Arazzo source is left to the compiler, which reports it)."""
    wf = workflow.workflow
    targets = list(wf.dependsOn)
    for step in workflow.steps:
        if step.workflow_id:
            targets.append(step.workflow_id)
        items = [
            *step.step.onSuccess,
            *step.step.onFailure,
            *wf.successActions,
            *wf.failureActions,
        ]
        for action in (_resolve(a, bundle, workflow.part) for a in items):
            if (
                not isinstance(action, Reusable)
                and action.type == "goto"
                and action.workflowId
            ):
                targets.append(action.workflowId)
    parts = parts_of(bundle)
    keys = (target_key(parts, workflow.part, t) for t in targets)
    return [k for k in keys if k is not None]


def workflow_targets(workflow: WorkflowIR, bundle: Bundle) -> list[str]:
    """The book keys of the workflows one calls, depends on or jumps to."""
    return _edges(workflow, bundle)


def check_workflow_graph(bundle: Bundle) -> None:
    """Workflows calling (or depending on) themselves, directly or not, are an error."""
    graph = {w.book_key: _edges(w, bundle) for w in bundle.workflows}
    where = {w.book_key: w.location for w in bundle.workflows}
    done: set[str] = set()
    for start in graph:
        _visit(start, graph, where, [], done)


def _visit(
    node: str,
    graph: dict[str, list[str]],
    where: dict[str, Location],
    path: list[str],
    done: set[str],
) -> None:
    if node in path:
        cycle = " -> ".join([*path[path.index(node) :], node])
        raise error(where[path[0]], f"workflows call each other in a cycle: {cycle}")
    if node in done or node not in graph:
        return
    for target in graph[node]:
        _visit(target, graph, where, [*path, node], done)
    done.add(node)
