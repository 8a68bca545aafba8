"""Rules of an Arazzo document that its JSON Schema cannot express, as located diagnostics.

Unique workflowIds in a document and stepIds in a workflow; `dependsOn`, step `workflowId`,
`goto` targets and `$components` references that exist; runtime expressions
`$steps.<step>.outputs.<name>`, `$workflows.<id>.outputs.<name>` and `$inputs.<name>` that
name a step, workflow, output or declared input that exists. Every unknown name comes with the
nearest known ones. The rules read the raw document defensively: shapes the schema refuses are
skipped here (the schema reports them).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from typing import Any

from ..diagnostics import Diagnostic, Level, did_you_mean
from ..load import Document, escape_pointer_token
from .criteria import parse_criterion
from .expressions import ArazzoSyntaxError, ContextRef, parse_expression, parse_value

_SOURCES = "$sourceDescriptions."
_COMPONENTS = "$components."
_OUTPUT_NAME = re.compile(r"[a-zA-Z0-9.\-_]+")
_ACTION_LISTS = (("onSuccess", "successActions"), ("onFailure", "failureActions"))


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _hint(name: str, known: list[str]) -> str:
    found = did_you_mean(name, known)
    if found:
        return f"; {found}"
    return f"; known: {', '.join(known)}" if known else ""


class _Checker:
    """Collects the problems of one document."""

    def __init__(self, document: Document, what: str) -> None:
        self.doc = document
        self.what = what
        self.problems: list[Diagnostic] = []
        data = _dict(document.data)
        self.workflows = [
            w for w in _list(data.get("workflows")) if isinstance(w, dict)
        ]
        self.workflow_ids = [
            w["workflowId"]
            for w in self.workflows
            if isinstance(w.get("workflowId"), str)
        ]
        self.by_id: dict[str, dict[str, Any]] = {}
        for workflow in self.workflows:
            wid = workflow.get("workflowId")
            if isinstance(wid, str):
                self.by_id.setdefault(wid, workflow)
        self.sources = {
            s["name"]: s.get("type")
            for s in _list(data.get("sourceDescriptions"))
            if isinstance(s, dict) and isinstance(s.get("name"), str)
        }
        self.components = _dict(data.get("components"))

    def report(self, pointer: str, message: str, level: Level = Level.ERROR) -> None:
        where = ".".join(
            p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]
        )
        self.problems.append(
            Diagnostic(
                self.doc.location(pointer), f"{self.what}: {where}: {message}", level
            )
        )

    # -- identifiers ---------------------------------------------------------------------------

    def unique(
        self, items: list[Any], key: str, base: str, kind: str, scope: str
    ) -> None:
        first: dict[str, int] = {}
        raw = _list(items)
        for i, item in enumerate(raw):
            value = _dict(item).get(key)
            if not isinstance(value, str):
                continue
            if value in first:
                line = self.doc.location(f"{base}/{first[value]}/{key}").line
                self.report(
                    f"{base}/{i}/{key}",
                    f"{kind} {value!r} is used twice (first at line {line}); {kind}s must "
                    f"be unique in {scope}: rename one",
                )
            else:
                first[value] = i

    def workflow_target(self, value: Any, pointer: str, what: str) -> None:
        """A workflowId in dependsOn, a step or a goto: local, or via an arazzo source."""
        if not isinstance(value, str):
            return
        if value.startswith(_SOURCES):
            source = value[len(_SOURCES) :].split(".", 1)[0]
            if source not in self.sources:
                self.report(
                    pointer,
                    f"{what} {value!r} names unknown sourceDescription {source!r}"
                    + _hint(source, sorted(self.sources)),
                )
            elif self.sources[source] not in (None, "arazzo"):
                self.report(
                    pointer,
                    f"{what} {value!r} names sourceDescription {source!r} of type "
                    f"{self.sources[source]}; workflows live in arazzo sources",
                )
            return
        if value not in self.by_id:
            self.report(
                pointer,
                f"{what} names unknown workflowId {value!r}"
                + _hint(value, self.workflow_ids),
            )

    def reusable(self, item: Any, pointer: str, kind: str) -> None:
        reference = _dict(item).get("reference")
        if not isinstance(reference, str):
            return
        prefix = f"{_COMPONENTS}{kind}."
        if not reference.startswith(prefix):
            self.report(
                f"{pointer}/reference",
                f"reference {reference!r} must name one of the components' {kind}: "
                f"write {prefix}<name>",
            )
            return
        name = reference[len(prefix) :]
        known = sorted(_dict(self.components.get(kind)))
        if name not in known:
            self.report(
                f"{pointer}/reference",
                f"reference {reference!r} names no entry of components.{kind}"
                + _hint(name, known),
            )

    def actions(
        self, items: Any, pointer: str, kind: str, steps: list[str] | None
    ) -> None:
        for i, action in enumerate(_list(items)):
            here = f"{pointer}/{i}"
            if "reference" in _dict(action):
                self.reusable(action, here, kind)
                continue
            self.action(action, here, steps)

    def action(self, action: Any, pointer: str, steps: list[str] | None) -> None:
        action = _dict(action)
        step = action.get("stepId")
        if isinstance(step, str) and steps is not None and step not in steps:
            self.report(
                f"{pointer}/stepId",
                f"goto names unknown stepId {step!r}" + _hint(step, steps),
            )
        if "workflowId" in action:
            self.workflow_target(action["workflowId"], f"{pointer}/workflowId", "goto")

    def output_names(self, outputs: Any, pointer: str) -> None:
        for name in _dict(outputs):
            if not _OUTPUT_NAME.fullmatch(name):
                self.report(
                    f"{pointer}/{escape_pointer_token(name)}",
                    f"output name {name!r} breaks the Arazzo rule for output names "
                    "(ASCII letters, digits, '.', '_' and '-' only); generated as written, "
                    "rename it to be portable",
                    Level.WARNING,
                )

    # -- runtime expressions -------------------------------------------------------------------

    def expressions(self, workflow: dict[str, Any], pointer: str) -> None:
        for where, ref in self.references(workflow, pointer):
            self.reference(ref, where, workflow)

    def references(
        self, workflow: dict[str, Any], pointer: str
    ) -> Iterator[tuple[str, ContextRef]]:
        for i, param in enumerate(_list(workflow.get("parameters"))):
            yield from self.values(
                _dict(param).get("value"), f"{pointer}/parameters/{i}/value"
            )
        for key in ("successActions", "failureActions"):
            for i, action in enumerate(_list(workflow.get(key))):
                yield from self.criteria(
                    _dict(action).get("criteria"), f"{pointer}/{key}/{i}/criteria"
                )
        for name, value in _dict(workflow.get("outputs")).items():
            yield from self.values(
                value, f"{pointer}/outputs/{escape_pointer_token(name)}"
            )
        for j, step in enumerate(_list(workflow.get("steps"))):
            step = _dict(step)
            base = f"{pointer}/steps/{j}"
            for i, param in enumerate(_list(step.get("parameters"))):
                yield from self.values(
                    _dict(param).get("value"), f"{base}/parameters/{i}/value"
                )
            body = _dict(step.get("requestBody"))
            if "payload" in body:
                yield from self.values(body["payload"], f"{base}/requestBody/payload")
            for i, replacement in enumerate(_list(body.get("replacements"))):
                yield from self.values(
                    _dict(replacement).get("value"),
                    f"{base}/requestBody/replacements/{i}/value",
                )
            yield from self.criteria(
                step.get("successCriteria"), f"{base}/successCriteria"
            )
            for key, _ in _ACTION_LISTS:
                for i, action in enumerate(_list(step.get(key))):
                    yield from self.criteria(
                        _dict(action).get("criteria"), f"{base}/{key}/{i}/criteria"
                    )
            for name, value in _dict(step.get("outputs")).items():
                yield from self.values(
                    value, f"{base}/outputs/{escape_pointer_token(name)}"
                )

    def values(self, value: Any, pointer: str) -> Iterator[tuple[str, ContextRef]]:
        """Every context reference in a value, at the pointer of the string holding it."""
        if isinstance(value, dict):
            for key, item in value.items():
                yield from self.values(
                    item, f"{pointer}/{escape_pointer_token(str(key))}"
                )
        elif isinstance(value, list):
            for i, item in enumerate(value):
                yield from self.values(item, f"{pointer}/{i}")
        elif isinstance(value, str) and "$" in value:
            try:
                parsed = parse_value(value)
            except ArazzoSyntaxError:
                return  # reported where the expression is compiled
            yield from ((pointer, ref) for ref in _context_refs(parsed))

    def criteria(self, items: Any, pointer: str) -> Iterator[tuple[str, ContextRef]]:
        for i, item in enumerate(_list(items)):
            item = _dict(item)
            condition, context = item.get("condition"), item.get("context")
            if isinstance(context, str):
                try:
                    parsed: Any = parse_expression(context)
                except ArazzoSyntaxError:
                    parsed = None
                yield from (
                    (f"{pointer}/{i}/context", r) for r in _context_refs(parsed)
                )
            if not isinstance(condition, str):
                continue
            kind = item.get("type")
            try:
                parsed = parse_criterion(
                    condition,
                    type=kind if isinstance(kind, str | dict) else None,
                    context=context if isinstance(context, str) else None,
                )
            except ArazzoSyntaxError:
                continue
            yield from (
                (f"{pointer}/{i}/condition", r)
                for r in _context_refs(getattr(parsed, "condition", None))
            )

    def reference(
        self, ref: ContextRef, pointer: str, workflow: dict[str, Any]
    ) -> None:
        names = [str(n) for n in ref.names]
        text = "$" + ".".join([ref.root, *names])
        if ref.root == "steps" and names:
            steps = {
                s["stepId"]: s
                for s in map(_dict, _list(workflow.get("steps")))
                if isinstance(s.get("stepId"), str)
            }
            if names[0] not in steps:
                self.report(
                    pointer,
                    f"{text!r} names unknown step {names[0]!r} (a $steps expression "
                    "names a step of its own workflow)"
                    + _hint(names[0], sorted(steps)),
                )
            elif len(names) >= 3 and names[1] == "outputs":
                self.output(
                    text, names[2:], steps[names[0]], f"step {names[0]!r}", pointer
                )
        elif ref.root == "workflows" and names:
            if names[0] not in self.by_id:
                self.report(
                    pointer,
                    f"{text!r} names unknown workflow {names[0]!r}"
                    + _hint(names[0], self.workflow_ids),
                )
            elif len(names) >= 3 and names[1] == "outputs":
                target = self.by_id[names[0]]
                self.output(text, names[2:], target, f"workflow {names[0]!r}", pointer)
        elif ref.root == "inputs" and names:
            self.input(text, names, workflow, pointer)
        elif ref.root == "components" and len(names) >= 2:
            known = sorted(_dict(self.components.get(names[0])))
            kinds = ("parameters", "inputs", "successActions", "failureActions")
            if names[0] in kinds and names[1] not in known:
                self.report(
                    pointer,
                    f"{text!r} names no entry of components.{names[0]}"
                    + _hint(names[1], known),
                )

    def output(
        self, text: str, rest: list[str], owner: dict[str, Any], what: str, pointer: str
    ) -> None:
        outputs = owner.get("outputs")
        known = sorted(_dict(outputs))
        # Output names may hold dots: `$steps.a.outputs.x.y` is output `x.y` or `x` + `.y`.
        if any(".".join(rest[:n]) in known for n in range(1, len(rest) + 1)):
            return
        if not known:
            self.report(pointer, f"{text!r}: {what} declares no outputs; add outputs")
            return
        self.report(
            pointer,
            f"{text!r}: {what} has no output {rest[0]!r}" + _hint(rest[0], known),
        )

    def input(
        self, text: str, names: list[str], workflow: dict[str, Any], pointer: str
    ) -> None:
        schema = workflow.get("inputs")
        ref = _dict(schema).get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/inputs/"):
            key = ref.rsplit("/", 1)[1].replace("~1", "/").replace("~0", "~")
            schema = _dict(self.components.get("inputs")).get(key)
        wid = workflow.get("workflowId")
        if schema is None:
            self.report(
                pointer,
                f"{text!r}: workflow {wid!r} declares no inputs; add inputs: "
                f"{{type: object, properties: {{{names[0]}: ...}}}}",
            )
            return
        schema = _dict(schema)
        properties = schema.get("properties")
        if not isinstance(properties, dict) or set(schema) - {
            "type",
            "properties",
            "required",
            "description",
            "title",
            "additionalProperties",
        }:
            return  # composed or open schemas: whatever they allow is not checked here
        if schema.get("additionalProperties", False) is not False:
            return
        # Input names may hold dots, as output names do: `$inputs.a.b` is `a.b` or `a` + `.b`.
        if not any(".".join(names[:n]) in properties for n in range(1, len(names) + 1)):
            self.report(
                pointer,
                f"{text!r}: workflow {wid!r} has no input {names[0]!r}"
                + _hint(names[0], sorted(properties)),
            )

    # -- the document --------------------------------------------------------------------------

    def run(self) -> list[Diagnostic]:
        data = _dict(self.doc.data)
        self.unique(
            _list(data.get("sourceDescriptions")),
            "name",
            "/sourceDescriptions",
            "sourceDescription name",
            "a document",
        )
        self.unique(
            _list(data.get("workflows")),
            "workflowId",
            "/workflows",
            "workflowId",
            "a document",
        )
        for i, workflow in enumerate(_list(data.get("workflows"))):
            if not isinstance(workflow, dict):
                continue
            base = f"/workflows/{i}"
            steps = _list(workflow.get("steps"))
            self.unique(steps, "stepId", f"{base}/steps", "stepId", "a workflow")
            step_ids = [
                s["stepId"]
                for s in map(_dict, steps)
                if isinstance(s.get("stepId"), str)
            ]
            for j, target in enumerate(_list(workflow.get("dependsOn"))):
                self.workflow_target(target, f"{base}/dependsOn/{j}", "dependsOn")
            for j, param in enumerate(_list(workflow.get("parameters"))):
                if "reference" in _dict(param):
                    self.reusable(param, f"{base}/parameters/{j}", "parameters")
            for key in ("successActions", "failureActions"):
                self.actions(workflow.get(key), f"{base}/{key}", key, step_ids)
            for j, step in enumerate(steps):
                step = _dict(step)
                here = f"{base}/steps/{j}"
                if "workflowId" in step:
                    self.workflow_target(
                        step["workflowId"], f"{here}/workflowId", "step"
                    )
                for k, param in enumerate(_list(step.get("parameters"))):
                    if "reference" in _dict(param):
                        self.reusable(param, f"{here}/parameters/{k}", "parameters")
                for key, kind in _ACTION_LISTS:
                    self.actions(step.get(key), f"{here}/{key}", kind, step_ids)
            self.output_names(workflow.get("outputs"), f"{base}/outputs")
            for j, step in enumerate(steps):
                self.output_names(
                    _dict(step).get("outputs"), f"{base}/steps/{j}/outputs"
                )
            self.expressions(workflow, base)
        for kind in ("successActions", "failureActions"):
            for name, action in _dict(self.components.get(kind)).items():
                self.action(
                    action, f"/components/{kind}/{escape_pointer_token(name)}", None
                )
        return self.problems


def _context_refs(node: Any) -> Iterator[ContextRef]:
    """Every ContextRef inside a parsed value, template or condition."""
    if isinstance(node, ContextRef):
        yield node
    elif isinstance(node, tuple):
        for item in node:
            yield from _context_refs(item)
    elif dataclasses.is_dataclass(node) and not isinstance(node, type):
        for f in dataclasses.fields(node):
            yield from _context_refs(getattr(node, f.name))


def semantic_problems(document: Document, what: str = "Arazzo") -> list[Diagnostic]:
    """The problems of `document` that the Arazzo JSON Schema cannot see."""
    return _Checker(document, what).run()
