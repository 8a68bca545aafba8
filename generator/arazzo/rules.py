"""Rules of an Arazzo document that its JSON Schema cannot express, as located diagnostics.

Unique workflowIds in a document and stepIds in a workflow; `dependsOn`, step `workflowId`,
`goto` targets and `$components` references that exist; runtime expressions
`$steps.<step>.outputs.<name>`, `$workflows.<id>.outputs.<name>` and `$inputs.<name>` that
name a step, workflow, output or declared input that exists. Every unknown name comes with the
nearest known ones. The rules read the raw document defensively: shapes the schema refuses are
skipped here (the schema reports them).

A problem inside one workflow (a name it uses that does not exist) leaves that workflow out of
the package: `check_document` returns those per workflowId, beside the document's own problems
(duplicate ids, broken components), which refuse it. A step, goto or dependsOn naming
`$sourceDescriptions.<name>.<workflowId>` is checked against the workflows of that Arazzo
source when its document is known (`external`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..diagnostics import Diagnostic, Level, did_you_mean
from ..load import Document, escape_pointer_token
from .rule_refs import References

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


@dataclass
class Checked:
    """The rule problems of one document: its own (it is refused) and those of each
    workflow (that workflow is left out)."""

    problems: list[Diagnostic] = field(default_factory=list)
    left_out: dict[str, list[Diagnostic]] = field(default_factory=dict)

    def all(self) -> list[Diagnostic]:
        return [*self.problems, *(d for ds in self.left_out.values() for d in ds)]


class _Checker:
    """Collects the problems of one document."""

    def __init__(
        self,
        document: Document,
        what: str,
        external: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.doc = document
        self.what = what
        self.external = external or {}
        self.found = Checked()
        self.current: str | None = None  # the workflowId being checked
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

    def report(
        self,
        pointer: str,
        message: str,
        level: Level = Level.ERROR,
        workflow: Any = None,
    ) -> None:
        """Record a problem; one inside workflow `workflow` (default: the one being
        checked) leaves that workflow out."""
        where = ".".join(
            p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]
        )
        found = Diagnostic(
            self.doc.location(pointer), f"{self.what}: {where}: {message}", level
        )
        owner = workflow if workflow is not None else self.current
        if level is Level.ERROR and isinstance(owner, str):
            self.found.left_out.setdefault(owner, []).append(found)
        else:
            self.found.problems.append(found)

    @staticmethod
    def hint(name: str, known: list[str]) -> str:
        return _hint(name, known)

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
            elif source in self.external:
                self.external_target(value, source, pointer, what)
            return
        if value not in self.by_id:
            self.report(
                pointer,
                f"{what} names unknown workflowId {value!r}"
                + _hint(value, self.workflow_ids),
            )

    def external_target(self, value: str, source: str, pointer: str, what: str) -> None:
        wid = value[len(_SOURCES) + len(source) + 1 :]
        known = sorted(self.external[source])
        if not wid:
            self.report(
                pointer,
                f"{what} {value!r} names no workflow; write "
                f"$sourceDescriptions.{source}.<workflowId>" + _hint("", known),
            )
        elif wid not in known and wid.startswith("workflows.") and wid[10:] in known:
            self.report(
                pointer,
                f"{what} {value!r} is a tool's dialect (Redocly), not Arazzo; read as "
                f"'$sourceDescriptions.{source}.{wid[10:]}': write that",
                Level.WARNING,
            )
        elif wid not in known:
            self.report(
                pointer,
                f"{what} {value!r}: Arazzo source {source!r} has no workflow {wid!r}"
                + _hint(wid, known),
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

    # -- the document --------------------------------------------------------------------------

    def run(self) -> Checked:
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
            wid = workflow.get("workflowId")
            self.current = wid if isinstance(wid, str) else None
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
            References(self, workflow).check(base)
            self.current = None
        for kind in ("successActions", "failureActions"):
            for name, action in _dict(self.components.get(kind)).items():
                self.action(
                    action, f"/components/{kind}/{escape_pointer_token(name)}", None
                )
        return self.found


def check_document(
    document: Document,
    what: str = "Arazzo",
    external: Mapping[str, Sequence[str]] | None = None,
) -> Checked:
    """The problems of `document` that the Arazzo JSON Schema cannot see; `external` maps
    an arazzo sourceDescription name to the workflowIds of its document."""
    return _Checker(document, what, external).run()


def semantic_problems(document: Document, what: str = "Arazzo") -> list[Diagnostic]:
    """Every problem of `document` the Arazzo JSON Schema cannot see, in one list."""
    return check_document(document, what).all()
