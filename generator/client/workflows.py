"""Compile Arazzo workflows into the Python source of the client engine's plans.

Expressions, criteria and values go through `generator.arazzo` (parsed, then emitted with every
spec string as a repr() literal). Step ids, action names and workflow ids reach the output only
through `encode.py_literal`. Anything journeygen cannot honour is a SpecError naming it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from .. import naming
from ..arazzo import (
    ArazzoSyntaxError,
    emit_check,
    emit_expression,
    parse_criterion,
    parse_expression,
)
from ..diagnostics import Diagnostic, Level, Location, SpecError, error
from ..encode import py_literal
from ..ir import Bundle, Operation, WorkflowIR, WorkflowStep
from ..schema.arazzo import (
    Criterion,
    FailureAction,
    Parameter,
    Reusable,
    SuccessAction,
)
from .loops import (
    check_loops,
    check_workflow_graph,
    parts_of,
    target_key,
    workflow_targets,
)
from .operations import OpView
from .requests import RequestCompiler, value
from .statuses import status_warnings

_OPERATION_PATH = re.compile(
    r"^\{\$sourceDescriptions\.([A-Za-z0-9_\-]+)\.url\}#(/paths/.+)$"
)
_COMPONENT = re.compile(
    r"^\$components\.(parameters|successActions|failureActions)\.(.+)$"
)
_JSON_MEDIA = re.compile(r"^application/([a-z0-9.+-]*\+)?json(\s*;.*)?$", re.IGNORECASE)


@dataclass(frozen=True)
class OutputField:
    """One field of a generated outputs model."""

    py_name: str
    wire: str


@dataclass(frozen=True)
class WorkflowView:
    """One workflow as the client template renders it."""

    ir: WorkflowIR
    method_name: str
    workflow_id: str
    key: str  # its plan's key in _WORKFLOWS
    inputs_model: str | None
    outputs_model: str
    outputs: tuple[OutputField, ...]
    plan: str  # Python source of a WorkflowPlan(...) call


class _Compiler:
    """Compiles the workflows of one bundle."""

    def __init__(self, bundle: Bundle, ops: dict[str, OpView]) -> None:
        assert bundle.arazzo is not None
        self.bundle = bundle
        self.parts = parts_of(bundle)
        self.ops = ops
        self.ids = {w.book_key for w in bundle.workflows}
        self.warnings: list[Diagnostic] = []
        self.use(0)

    def use(self, index: int) -> None:
        """Compile the workflows of Arazzo document `index` next (its components)."""
        self.index = index
        self.part = self.parts[index]
        components = self.part.document.components
        self.parameters = components.parameters if components else {}
        self.success_actions = components.successActions if components else {}
        self.failure_actions = components.failureActions if components else {}
        self.names: dict[str, str] = {}  # book key -> the name as written, per plan

    # -- values and criteria ------------------------------------------------------------------

    def value(self, raw: Any, where: Location, what: str) -> str:
        return value(raw, where, what)

    def expression(self, text: str, where: Location, what: str) -> str:
        try:
            return emit_expression(parse_expression(text))
        except ArazzoSyntaxError as exc:
            raise error(where, f"{what}: {exc}") from None

    def criteria(
        self, items: list[Criterion], where: Location, what: str
    ) -> str | None:
        if not items:
            return None
        parts = []
        for i, item in enumerate(items):
            kind = (
                item.type
                if not isinstance(item.type, BaseModel)
                else item.type.model_dump()
            )
            try:
                parsed = parse_criterion(
                    item.condition, type=kind, context=item.context
                )
            except ArazzoSyntaxError as exc:
                raise error(where, f"{what}[{i}]: {exc}") from None
            parts.append(emit_check(parsed, item.condition))
        return "(" + "".join(f"{part}, " for part in parts) + ")"

    def outputs(self, outputs: dict[str, str], where: Location, what: str) -> str:
        if not outputs:
            return "_flow.no_values"
        items = (
            f"{py_literal(k)}: {self.expression(v, where, f'{what} {k!r}')}"
            for k, v in outputs.items()
        )
        return "lambda ctx: {" + ", ".join(items) + "}"

    # -- reusable objects ---------------------------------------------------------------------

    def reusable(
        self, item: Any, table: dict[str, Any], kind: str, where: Location
    ) -> Any:
        if not isinstance(item, Reusable):
            return item
        match = _COMPONENT.match(item.reference)
        if match is None or match.group(1) != kind or match.group(2) not in table:
            raise error(
                where,
                f"reusable reference {item.reference!r} does not name a components.{kind} entry",
            )
        found = table[match.group(2)]
        if item.value is not None and isinstance(found, Parameter):
            return found.model_copy(update={"value": item.value})
        return found

    # -- parameters ---------------------------------------------------------------------------

    def parameters_of(
        self, step: WorkflowStep, workflow: WorkflowIR
    ) -> list[Parameter]:
        merged: dict[tuple[str, str | None], Parameter] = {}
        for raw in (*workflow.workflow.parameters, *step.step.parameters):
            param = self.reusable(raw, self.parameters, "parameters", step.location)
            merged[(param.name, param.in_)] = param
        return list(merged.values())

    def request(self, step: WorkflowStep, view: OpView, params: list[Parameter]) -> str:
        return RequestCompiler(self.warnings).request(step, view, params)

    # -- actions ------------------------------------------------------------------------------

    def actions(
        self, step: WorkflowStep, workflow: WorkflowIR, success: bool
    ) -> list[Any]:
        own = step.step.onSuccess if success else step.step.onFailure
        inherited = (
            workflow.workflow.successActions
            if success
            else workflow.workflow.failureActions
        )
        table = self.success_actions if success else self.failure_actions
        kind = "successActions" if success else "failureActions"
        resolved = [self.reusable(a, table, kind, step.location) for a in own]
        names = {a.name for a in resolved}
        for raw in inherited:
            action = self.reusable(raw, table, kind, workflow.location)
            if action.name not in names:
                resolved.append(action)
        return resolved

    def action(
        self,
        action: SuccessAction | FailureAction,
        step: WorkflowStep,
        workflow: WorkflowIR,
    ) -> str:
        where, sid = step.location, step.step.stepId
        what = f"step {sid!r} action {action.name!r}"
        fields = [f"name={py_literal(action.name)}", f"type={py_literal(action.type)}"]
        if action.type == "goto":
            fields.extend(self.goto(action, step, workflow))
        if isinstance(action, FailureAction) and action.type == "retry":
            fields.append(f"retry_after={action.retryAfter!r}")
            fields.append(
                f"retry_limit={1 if action.retryLimit is None else action.retryLimit}"
            )
        bound = _bound(action.extensions.get("x-maxIterations"), where, what)
        if bound is not None:
            fields.append(f"max_taken={bound}")
        criteria = self.criteria(action.criteria, where, f"{what} criteria")
        if criteria is not None:
            fields.append(f"criteria={criteria}")
        return f"_flow.ActionPlan({', '.join(fields)})"

    def goto(self, action: Any, step: WorkflowStep, workflow: WorkflowIR) -> list[str]:
        where, what = step.location, f"step {step.step.stepId!r} action {action.name!r}"
        if bool(action.stepId) == bool(action.workflowId):
            raise error(
                where, f"{what}: a goto needs exactly one of stepId or workflowId"
            )
        if action.workflowId is not None:
            return [
                f"workflow={py_literal(self.workflow_ref(action.workflowId, where, what))}"
            ]
        ids = [s.step.stepId for s in workflow.steps]
        if action.stepId not in ids:
            raise error(where, f"{what}: goto names unknown stepId {action.stepId!r}")
        return [f"step={ids.index(action.stepId)}"]

    def workflow_ref(self, ref: str, where: Location, what: str) -> str:
        """The book key of the workflow `ref` names in the current document."""
        key = target_key(self.parts, self.index, ref)
        if key is None:
            raise error(
                where,
                f"{what}: {ref!r} names no Arazzo sourceDescription of this document",
            )
        if key not in self.ids:
            raise error(where, f"{what}: unknown workflowId {ref!r}")
        if key != ref:
            self.names[key] = ref
        return key

    # -- steps and workflows ------------------------------------------------------------------

    def operation(self, step: WorkflowStep) -> Operation:
        if step.operation is not None:
            return step.operation
        path = step.step.operationPath
        if path is None:
            raise error(step.location, f"step {step.step.stepId!r} has no operation")
        found = self.by_path(path)
        if found is None:
            raise error(
                step.location,
                f"step {step.step.stepId!r}: operationPath {path!r} does not name an operation of a sourceDescription",
            )
        return found

    def by_path(self, text: str) -> Operation | None:
        match = _OPERATION_PATH.match(text)
        if match is None:
            return None
        source, pointer = match.groups()
        tokens = [
            t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]
        ]
        if len(tokens) != 3:
            return None
        _, path, method = tokens
        return next(
            (
                o
                for o in self.bundle.operations
                if o.source == source
                and o.path == path
                and o.http_method == method.upper()
            ),
            None,
        )

    def step(self, step: WorkflowStep, workflow: WorkflowIR) -> str:
        where, sid = step.location, step.step.stepId
        fields = [f"step_id={py_literal(sid)}"]
        params = self.parameters_of(step, workflow)
        if step.workflow_id is not None:
            target = self.workflow_ref(step.workflow_id, where, f"step {sid!r}")
            inputs = (
                f"{py_literal(p.name)}: {self.value(p.value, where, f'step {sid!r} parameter {p.name!r}')}"
                for p in params
            )
            fields += [
                f"workflow={py_literal(target)}",
                "workflow_inputs=lambda ctx: {" + ", ".join(inputs) + "}",
            ]
        elif step.raw is not None:
            compiler = RequestCompiler(self.warnings)
            fields.append(f"request={compiler.raw_request(step, params)}")
        else:
            view = self.ops[self.operation(step).method_name]
            fields.append(f"request={self.request(step, view, params)}")
            self.warnings += status_warnings(
                step.step.successCriteria, view.op, where, sid
            )
            if view.op.kind in ("status", "result"):
                fields.append(f"poll={py_literal(view.op.kind)}")
            if view.op.kind == "status" and (
                waits := self.submitted_later(step, workflow)
            ):
                fields.append(f"until_states={py_literal(tuple(waits))}")
            if view.guard_header:
                fields.append(f"guard_header={py_literal(view.guard_header)}")
        criteria = self.criteria(
            step.step.successCriteria, where, f"step {sid!r} successCriteria"
        )
        if criteria is not None:
            fields.append(f"criteria={criteria}")
        for key, success in (("on_success", True), ("on_failure", False)):
            actions = [
                self.action(a, step, workflow)
                for a in self.actions(step, workflow, success)
            ]
            if actions:
                fields.append(f"{key}=({''.join(a + ', ' for a in actions)})")
        fields.append(
            f"outputs={self.outputs(step.step.outputs, where, f'step {sid!r} output')}"
        )
        return f"_flow.StepPlan({', '.join(fields)})"

    def submitted_later(self, step: WorkflowStep, workflow: WorkflowIR) -> list[str]:
        """External-input states later steps of the workflow post to: a status poll before
        them ends once the journey waits at one (it would never become terminal first).
        A step endpoint no state takes is named after the state it would be."""
        journey = self.bundle.journey
        if journey is None:
            return []
        later = workflow.steps[workflow.steps.index(step) + 1 :]
        ops = [
            self.operation(s) for s in later if s.workflow_id is None and s.raw is None
        ]
        found = [
            journey.state_posted_by(op) or op.step_state
            for op in ops
            if op.kind == "step"
        ]
        return sorted({s for s in found if s})

    def plan(self, workflow: WorkflowIR) -> str:
        self.use(workflow.part)
        wf = workflow.workflow
        where = workflow.location
        depends = [
            self.workflow_ref(dep, where, f"workflow {wf.workflowId!r} dependsOn")
            for dep in wf.dependsOn
        ]
        steps = "".join(self.step(s, workflow) + ", " for s in workflow.steps)
        suffix = f"_{self.index}" if self.index else ""
        fields = [
            f"workflow_id={py_literal(wf.workflowId)}",
            f"steps=({steps})",
            f"outputs={self.outputs(wf.outputs, where, f'workflow {wf.workflowId!r} output')}",
            "depends_on=(" + "".join(py_literal(d) + ", " for d in depends) + ")",
            f"components=_COMPONENTS{suffix}",
            f"sources=_SOURCES{suffix}",
        ]
        if self.names:
            fields.append(f"names={py_literal(dict(sorted(self.names.items())))}")
        bound = _bound(
            wf.extensions.get("x-maxIterations"), where, f"workflow {wf.workflowId!r}"
        )
        if bound is not None:
            fields.append(f"max_steps={bound}")
        return f"_flow.WorkflowPlan({', '.join(fields)})"


def _bound(value: Any, where: Location, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise error(where, f"{what}: x-maxIterations must be a positive integer")
    return value


def _outputs_fields(workflow: WorkflowIR) -> tuple[OutputField, ...]:
    names = naming.assign(
        ((k, naming.field_name(k)) for k in workflow.workflow.outputs),
        reserved=("steps",),
    )
    return tuple(OutputField(names[k], k) for k in workflow.workflow.outputs)


def compile_workflows(
    bundle: Bundle, ops: dict[str, OpView], taken: naming.Scope
) -> tuple[list[WorkflowView], list[Diagnostic]]:
    """Compile every workflow of the bundle; one that cannot be generated is left out with
    located warnings (and so is every workflow that calls it)."""
    if bundle.arazzo is None or not bundle.workflows:
        return [], []
    check_workflow_graph(bundle)
    warnings: list[Diagnostic] = []
    for workflow in bundle.workflows:
        warnings.extend(check_loops(workflow, bundle))
    compiler = _Compiler(bundle, ops)
    plans: dict[str, tuple[WorkflowIR, str]] = {}
    for workflow in bundle.workflows:
        wf = workflow.workflow
        if wf.workflowId in compiler.parts[workflow.part].document.left_out:
            continue  # the validation's warnings say why
        before = len(compiler.warnings)
        try:
            plans[workflow.book_key] = (workflow, compiler.plan(workflow))
        except SpecError as exc:  # the first problem of every workflow, not only one
            del compiler.warnings[before:]
            warnings.extend(_left_out(d, wf.workflowId) for d in exc.diagnostics)
    warnings.extend(compiler.warnings)
    _drop_callers(plans, bundle, warnings)
    views = [
        WorkflowView(
            ir=workflow,
            method_name=workflow.method_name,
            workflow_id=workflow.workflow.workflowId,
            key=workflow.book_key,
            inputs_model=workflow.inputs_model,
            outputs_model=workflow.outputs_model
            or taken.claim(_outputs_prefix(workflow, bundle) + "Outputs"),
            outputs=_outputs_fields(workflow),
            plan=plan,
        )
        for workflow, plan in plans.values()
    ]
    return views, warnings


def _outputs_prefix(workflow: WorkflowIR, bundle: Bundle) -> str:
    """The class-name prefix of a workflow's outputs model: its workflowId's, or (for a
    workflow of another Arazzo document whose id the entry document also uses) its key's.
    """
    wid = workflow.workflow.workflowId
    clash = any(
        w.workflow.workflowId == wid and w.part < workflow.part
        for w in bundle.workflows
    )
    label = parts_of(bundle)[workflow.part].label
    return naming.class_prefix(f"{label}-{wid}" if clash and label else wid)


def _left_out(problem: Diagnostic, workflow_id: str) -> Diagnostic:
    """A workflow that cannot be generated is left out; the rest of the package is not."""
    return Diagnostic(
        problem.location,
        f"{problem.message}; workflow {workflow_id!r} is left out of the package "
        "(everything else is generated)",
        Level.WARNING,
    )


def _drop_callers(
    plans: dict[str, tuple[WorkflowIR, str]], bundle: Bundle, warnings: list[Diagnostic]
) -> None:
    """Leave out, in turn, every workflow that calls or depends on one left out."""
    changed = True
    while changed:
        changed = False
        for key, (workflow, _) in list(plans.items()):
            missing = sorted(
                t for t in workflow_targets(workflow, bundle) if t not in plans
            )
            if missing:
                del plans[key]
                changed = True
                warnings.append(
                    Diagnostic(
                        workflow.location,
                        f"workflow {key!r} calls or depends on workflow {missing[0]!r}, "
                        f"which is left out; so is {key!r}",
                        Level.WARNING,
                    )
                )
