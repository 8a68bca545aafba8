"""Find every `Any` in the generated models and client (AST) and explain it from the spec.

Each `Any` is aligned with the spec schema at the same place (`list[X]` with `items`,
`dict[str, X]` with `additionalProperties`, `X | None` with the schema itself) and gets the reason
the spec gives for it. An `Any` the spec does not explain (it gave a type there) has reason None:
that is a generator bug and fails the conformance test.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.conformance.spec import (
    Located,
    ObjectSchema,
    SpecOperation,
    deref,
    untyped_reason,
)

FREE_FORM = "the spec gives a free-form object (type: object, no properties)"
NO_ITEMS = "the spec gives an array without items"
MAPPING_INPUTS = (
    "run_<workflow>() also takes a plain mapping besides its typed inputs model"
)
NO_INPUTS = "the Arazzo workflow declares no inputs schema"
ARAZZO_OUTPUT = "an Arazzo output is a runtime expression, which has no schema"


@dataclass(frozen=True)
class AnyUse:
    """One `Any` in generated code and why it is there (None: unexplained)."""

    package: str
    file: str
    line: int
    where: str
    annotation: str
    reason: str | None


def _members(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _members(node.left) + _members(node.right)
    return [node]


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def count_any(node: ast.AST) -> int:
    """How many times `Any` occurs in an annotation."""
    return sum(
        1
        for n in ast.walk(node)
        if isinstance(n, ast.Name | ast.Attribute) and _name(n) == "Any"
    )


def classify(node: ast.expr, schema: Located | None) -> list[str | None]:
    """One entry per `Any` inside `node`: the spec's reason for it, or None."""
    if count_any(node) == 0:
        return []
    if isinstance(node, ast.Name | ast.Attribute) and _name(node) == "Any":
        return [untyped_reason(schema)]
    members = [m for m in _members(node) if not _is_none(m)]
    if len(members) > 1:
        resolved = deref(schema) if schema is not None else None
        value = resolved.value if resolved is not None else None
        branches = None
        if isinstance(value, dict):
            branches = value.get("oneOf") or value.get("anyOf")
        if isinstance(branches, list) and len(branches) == len(members):
            assert resolved is not None
            return [
                r
                for m, b in zip(members, branches, strict=True)
                for r in classify(m, Located(resolved.file, b))
            ]
        return [r for m in members for r in classify(m, schema)]
    node = members[0]
    if isinstance(node, ast.Name | ast.Attribute) and _name(node) == "Any":
        return [untyped_reason(schema)]
    if not isinstance(node, ast.Subscript):
        return [None] * count_any(node)
    head = _name(node.value)
    args = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    if head == "Annotated":
        return classify(args[0], schema)
    resolved = deref(schema) if schema is not None else None
    value = resolved.value if resolved is not None else None
    if head in ("dict", "Mapping") and len(args) == 2:
        if untyped_reason(schema) is not None:
            return [untyped_reason(schema)] * count_any(args[1])
        extra = value.get("additionalProperties") if isinstance(value, dict) else None
        if isinstance(extra, dict) and extra and resolved is not None:
            return classify(args[1], Located(resolved.file, extra))
        if isinstance(value, dict) and not value.get("properties"):
            return [FREE_FORM] * count_any(args[1])
        return [None] * count_any(args[1])
    if head in ("list", "Sequence") and len(args) == 1:
        if untyped_reason(schema) is not None:
            return [untyped_reason(schema)] * count_any(args[0])
        items = value.get("items") if isinstance(value, dict) else None
        if items is None or items is True:
            return [NO_ITEMS] * count_any(args[0])
        assert resolved is not None
        return classify(args[0], Located(resolved.file, items))
    if head == "ApiResponse":
        return classify(args[0], schema)
    return [None] * count_any(node)


def classify_any_of(node: ast.expr, schemas: list[Located]) -> list[str | None]:
    """Like `classify`, for a property several `allOf` branches define: if any branch types
    the value, an `Any` there is unexplained."""
    results = [classify(node, s) for s in schemas] or [classify(node, None)]
    merged: list[str | None] = []
    for i in range(len(results[0])):
        column = [r[i] if i < len(r) else None for r in results]
        merged.append(None if any(c is None for c in column) else column[0])
    return merged


def _text(source: str, node: ast.AST) -> str:
    return " ".join((ast.get_source_segment(source, node) or "").split())


def model_anys(
    package: str,
    path: Path,
    classes: dict[str, Any],
    schemas: list[ObjectSchema],
) -> Iterator[AnyUse]:
    """Every `Any` in a models module; each class is matched to the spec schema with exactly
    its properties (by the fields' JSON names)."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    for cls in tree.body:
        if not isinstance(cls, ast.ClassDef):
            continue
        model = classes.get(cls.name)
        if model is not None and hasattr(model, "model_rebuild"):
            model.model_rebuild()  # resolve forward references before reading the fields
        fields = getattr(model, "model_fields", {})
        wire = {name: info.alias or name for name, info in fields.items()}
        matches = [s for s in schemas if set(s.properties) == set(wire.values())]
        for stmt in cls.body:
            if not (
                isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)
            ):
                continue
            if count_any(stmt.annotation) == 0:
                continue
            name = stmt.target.id
            key = wire.get(name, name)
            # Several spec schemas may have these property names (the journey's output and
            # the OpenAPI's copy of it); the class is explained if one of them explains it.
            candidates = [
                classify_any_of(stmt.annotation, s.properties[key])
                for s in matches
                if s.properties.get(key)
            ] or [[None] * count_any(stmt.annotation)]
            reasons = next((c for c in candidates if None not in c), candidates[0])
            for reason in reasons:
                yield AnyUse(
                    package,
                    path.name,
                    stmt.lineno,
                    f"{cls.name}.{name}",
                    _text(source, stmt.annotation),
                    reason,
                )


@dataclass(frozen=True)
class ClientContext:
    """What the client's methods stand for, found by calling them (see the conformance test)."""

    operations: dict[str, SpecOperation]  # method name -> the operation it sends
    journey_method: str | None
    journey_start: Located | None
    journey_inputs: dict[
        str, Located
    ]  # run_<journey> keyword -> the state's input schema
    workflow_inputs: dict[str, Located | None]  # run_<workflow> -> its inputs schema


def _norm(name: str) -> str:
    return "".join(c for c in name.lower() if c.isalnum())


def _argument_schema(op: SpecOperation, arg: str) -> tuple[bool, Located | None]:
    if arg == "body":
        return True, op.body
    for param in op.params:
        if _norm(param.value["name"]) == _norm(arg):
            schema = param.value.get("schema")
            return True, Located(param.file, schema) if schema is not None else None
    return False, None


def client_anys(package: str, path: Path, context: ClientContext) -> Iterator[AnyUse]:
    """Every `Any` in the public surface of a client module (classes and their methods)."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)

    def use(line: int, where: str, node: ast.expr, reasons: list[str | None]) -> Any:
        return (
            AnyUse(package, path.name, line, where, _text(source, node), r)
            for r in reasons
        )

    for cls in tree.body:
        if not isinstance(cls, ast.ClassDef):
            continue
        outputs_model = cls.name.endswith("Outputs")
        for stmt in cls.body:
            if (
                isinstance(stmt, ast.AnnAssign)
                and isinstance(stmt.target, ast.Name)
                and count_any(stmt.annotation)
            ):
                reason = ARAZZO_OUTPUT if outputs_model else None
                yield from use(
                    stmt.lineno,
                    f"{cls.name}.{stmt.target.id}",
                    stmt.annotation,
                    [reason] * count_any(stmt.annotation),
                )
            if not isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if stmt.name.startswith("_"):
                continue
            op = context.operations.get(stmt.name)
            annotated = [
                (a.arg, a.annotation)
                for a in (*stmt.args.args, *stmt.args.kwonlyargs)
                if a.annotation is not None and a.arg != "self"
            ]
            if stmt.returns is not None:
                annotated.append(("return", stmt.returns))
            for arg, node in annotated:
                if not count_any(node):
                    continue
                where = f"{cls.name}.{stmt.name}({arg})"
                reasons: list[str | None]
                if op is not None and arg == "return":
                    reasons = classify(node, op.success)
                elif op is not None:
                    known, schema = _argument_schema(op, arg)
                    reasons = (
                        classify(node, schema) if known else [None] * count_any(node)
                    )
                elif stmt.name == context.journey_method and arg == "start":
                    reasons = classify(node, context.journey_start)
                elif (
                    stmt.name == context.journey_method
                    and arg in context.journey_inputs
                ):
                    reasons = classify(node, context.journey_inputs[arg])
                elif stmt.name in context.workflow_inputs and arg == "inputs":
                    reasons = _inputs_reasons(node, context.workflow_inputs[stmt.name])
                else:
                    reasons = [None] * count_any(node)
                yield from use(stmt.lineno, where, node, reasons)


def _inputs_reasons(node: ast.expr, schema: Located | None) -> list[str | None]:
    """`Model | Mapping[str, Any] | None`: the mapping is an alternative to a typed model;
    a bare mapping only when the workflow declares no inputs."""
    members = [m for m in _members(node) if not _is_none(m)]
    if any(count_any(m) == 0 for m in members):
        return [MAPPING_INPUTS] * count_any(node)
    if schema is None:
        return [NO_INPUTS] * count_any(node)
    return [r for m in members for r in classify(m, schema)]
