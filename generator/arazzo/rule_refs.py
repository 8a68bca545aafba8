"""The runtime-expression rules of an Arazzo document (see `rules`): every `$steps`,
`$workflows`, `$inputs` and `$components` reference of a workflow names something that exists.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..diagnostics import Level
from ..load import escape_pointer_token
from .criteria import jsonpath_comparison, parse_criterion
from .expressions import (
    ArazzoSyntaxError,
    ContextRef,
    dialect_notes,
    parse_expression,
    parse_value,
)

if TYPE_CHECKING:
    from .rules import _Checker

_ACTION_LISTS = (("onSuccess", "successActions"), ("onFailure", "failureActions"))


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


class References:
    """Checks the runtime expressions of one workflow of a document."""

    def __init__(self, checker: _Checker, workflow: dict[str, Any]) -> None:
        self.checker = checker
        self.workflow = workflow
        self.wid = workflow.get("workflowId")

    def report(self, pointer: str, message: str) -> None:
        self.checker.report(pointer, message, workflow=self.wid)

    # -- runtime expressions -------------------------------------------------------------------

    def check(self, pointer: str) -> None:
        for where, ref in self.references(self.workflow, pointer):
            self.reference(ref, where, self.workflow)

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
            self.dialect(value, pointer)
            try:
                parsed = parse_value(value)
            except ArazzoSyntaxError:
                return  # reported where the expression is compiled
            yield from ((pointer, ref) for ref in _context_refs(parsed))

    def criteria(self, items: Any, pointer: str) -> Iterator[tuple[str, ContextRef]]:
        for i, item in enumerate(_list(items)):
            item = _dict(item)
            self.version_beside_type(item, f"{pointer}/{i}")
            condition, context = item.get("condition"), item.get("context")
            for key in ("context", "condition"):
                if isinstance(item.get(key), str):
                    self.dialect(item[key], f"{pointer}/{i}/{key}")
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
            if kind == "jsonpath" and isinstance(context, str):
                simple = jsonpath_comparison(condition, context)
                if simple is not None:
                    self.checker.report(
                        f"{pointer}/{i}/condition",
                        f"jsonpath condition {condition!r} is a comparison, not an RFC 9535 "
                        "query (Redocly Respect's dialect); read as the simple condition "
                        f"{simple!r}: write that (without type: jsonpath)",
                        Level.WARNING,
                    )
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

    def dialect(self, text: str, pointer: str) -> None:
        """A located warning for each non-standard spelling read in its one meaning."""
        for note in dialect_notes(text):
            self.checker.report(pointer, note, Level.WARNING)

    def version_beside_type(self, item: dict[str, Any], pointer: str) -> None:
        kind, version = item.get("type"), item.get("version")
        if "version" in item and isinstance(kind, str):
            self.checker.report(
                f"{pointer}/version",
                "'version' is not a field of a criterion (the official JSON Schema lets "
                f"it pass); read as type: {{type: {kind}, version: {version}}}: write that",
                Level.WARNING,
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
                    + self.checker.hint(names[0], sorted(steps)),
                )
            elif len(names) >= 3 and names[1] == "outputs":
                self.output(
                    text, names[2:], steps[names[0]], f"step {names[0]!r}", pointer
                )
        elif ref.root == "workflows" and names:
            if names[0] not in self.checker.by_id:
                self.report(
                    pointer,
                    f"{text!r} names unknown workflow {names[0]!r}"
                    + self.checker.hint(names[0], self.checker.workflow_ids),
                )
            elif len(names) >= 3 and names[1] == "outputs":
                target = self.checker.by_id[names[0]]
                self.output(text, names[2:], target, f"workflow {names[0]!r}", pointer)
        elif ref.root == "inputs" and names:
            self.input(text, names, workflow, pointer)
        elif ref.root == "components" and len(names) >= 2:
            known = sorted(_dict(self.checker.components.get(names[0])))
            kinds = ("parameters", "inputs", "successActions", "failureActions")
            if names[0] in kinds and names[1] not in known:
                self.report(
                    pointer,
                    f"{text!r} names no entry of components.{names[0]}"
                    + self.checker.hint(names[1], known),
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
            self.report(
                pointer,
                f"{text!r}: {what} declares no outputs; add outputs: "
                f"{{{rest[0]}: <runtime expression>}} to {what}",
            )
            return
        self.report(
            pointer,
            f"{text!r}: {what} has no output {rest[0]!r}"
            + self.checker.hint(rest[0], known),
        )

    def input(
        self, text: str, names: list[str], workflow: dict[str, Any], pointer: str
    ) -> None:
        schema = workflow.get("inputs")
        ref = _dict(schema).get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/inputs/"):
            key = ref.rsplit("/", 1)[1].replace("~1", "/").replace("~0", "~")
            schema = _dict(self.checker.components.get("inputs")).get(key)
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
                + self.checker.hint(names[0], sorted(properties)),
            )


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
