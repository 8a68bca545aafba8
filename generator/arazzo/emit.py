"""Turn parsed expressions and criteria into safe Python expression source.

The output calls the runtime facade (`<ns>` is `_runtime.client.arazzo` imported under a fixed name).
Identifiers come only from this module's fixed vocabulary; every spec string reaches the output
through `repr()` of a `str`, so spec text can only ever be a string constant.
"""

from __future__ import annotations

import dataclasses
import functools
import keyword
import math
from types import MappingProxyType
from typing import Any

from .criteria import (
    And,
    Compare,
    Condition,
    Criterion,
    JsonPathCriterion,
    Lit,
    Not,
    Or,
    RegexCriterion,
    SimpleCriterion,
)
from .expressions import (
    BuiltinRef,
    ContextRef,
    Expression,
    MessageRef,
    SourceRef,
    Template,
    Value,
    ValueList,
    ValueMap,
)
from .jsonpath import runtime_jsonpath

NS = "_az"
CTX = "ctx"


@functools.cache
def _jsonpath_classes() -> MappingProxyType[str, Any]:
    return MappingProxyType(
        {cls.__name__: cls for cls in runtime_jsonpath().NODE_CLASSES}
    )


def _check_identifier(name: str) -> str:
    if not name.isidentifier() or keyword.iskeyword(name) or not name.isascii():
        raise ValueError(f"{name!r} is not a plain Python identifier")
    return name


def literal(value: object) -> str:
    """Python source for a scalar or tuple of scalars; strings only through repr()."""
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, int):
        return repr(int(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("non-finite numbers cannot be emitted")
        return repr(float(value))
    if isinstance(value, tuple):
        return "(" + "".join(literal(item) + ", " for item in value) + ")"
    raise TypeError(f"cannot emit a literal of type {type(value).__name__}")


def emit_expression(expr: Expression, ns: str = NS, ctx: str = CTX) -> str:
    """Source evaluating a runtime expression against the run context."""
    ns, ctx = _check_identifier(ns), _check_identifier(ctx)
    source, names, pointer = _location(expr)
    args = [ctx, literal(source)]
    if names or pointer:
        args.append(literal(names))
    if pointer:
        args.append(literal(pointer))
    return f"{ns}.evaluate({', '.join(args)})"


def _location(expr: Expression) -> tuple[str, tuple[str | int, ...], tuple[str, ...]]:
    if isinstance(expr, BuiltinRef):
        return expr.name, (), ()
    if isinstance(expr, MessageRef):
        return f"{expr.message}.{expr.part}", expr.names, expr.pointer
    if isinstance(expr, ContextRef):
        return expr.root, expr.names, expr.pointer
    target = () if expr.target is None else (expr.target,)
    return "sourceDescriptions", (expr.source, *target), ()


def emit_value(value: Value, ns: str = NS, ctx: str = CTX) -> str:
    """Source building a parameter value or payload as data (never a JSON string template)."""
    if isinstance(value, BuiltinRef | MessageRef | ContextRef | SourceRef):
        return emit_expression(value, ns, ctx)
    if isinstance(value, Template):
        parts = [
            literal(p) if isinstance(p, str) else emit_expression(p, ns, ctx)
            for p in value.parts
        ]
        return f"{_check_identifier(ns)}.concat({', '.join(parts)})"
    if isinstance(value, ValueList):
        return "[" + ", ".join(emit_value(item, ns, ctx) for item in value.items) + "]"
    if isinstance(value, ValueMap):
        items = (f"{literal(k)}: {emit_value(v, ns, ctx)}" for k, v in value.items)
        return "{" + ", ".join(items) + "}"
    return literal(value)


def emit_condition(condition: Condition, ns: str = NS, ctx: str = CTX) -> str:
    """Source of a `simple` condition, evaluating to a bool."""
    if isinstance(condition, Compare | Not | And | Or):
        return _boolean(condition, ns, ctx)
    return f"{_check_identifier(ns)}.truthy({_operand(condition, ns, ctx)})"


def _boolean(node: Compare | Not | And | Or, ns: str, ctx: str) -> str:
    if isinstance(node, Compare):
        left, right = _operand(node.left, ns, ctx), _operand(node.right, ns, ctx)
        return f"{ns}.compare({literal(node.op)}, {left}, {right})"
    if isinstance(node, Not):
        return f"(not {emit_condition(node.operand, ns, ctx)})"
    joiner = " and " if isinstance(node, And) else " or "
    return f"({emit_condition(node.left, ns, ctx)}{joiner}{emit_condition(node.right, ns, ctx)})"


def _operand(node: Condition, ns: str, ctx: str) -> str:
    if isinstance(node, Lit):
        return literal(node.value)
    if isinstance(node, Compare | Not | And | Or):
        return _boolean(node, ns, ctx)
    return emit_expression(node, ns, ctx)


def emit_criterion(criterion: Criterion, ns: str = NS, ctx: str = CTX) -> str:
    """Source of one Criterion object, evaluating to a bool."""
    if isinstance(criterion, SimpleCriterion):
        return emit_condition(criterion.condition, ns, ctx)
    subject = emit_expression(criterion.context, ns, ctx)
    if isinstance(criterion, RegexCriterion):
        return f"{ns}.regex_matches({literal(criterion.pattern)}, {subject})"
    assert isinstance(criterion, JsonPathCriterion)
    return f"{ns}.jsonpath_matches({emit_jsonpath(criterion.query, ns)}, {subject})"


def emit_check(criterion: Criterion, text: str, ns: str = NS, ctx: str = CTX) -> str:
    """Source of one `Check`: the criterion as written (a string constant), its test, and the
    runtime expressions it reads, each with its text, so a failure can say what it saw.
    """
    ns, ctx = _check_identifier(ns), _check_identifier(ctx)
    seen = "".join(
        f"({literal(expression_text(e))}, {emit_expression(e, ns, ctx)}), "
        for e in _read_by(criterion)
    )
    observe = f", lambda {ctx}: ({seen})" if seen else ""
    return (
        f"{ns}.Check({literal(text)}, lambda {ctx}: "
        f"{emit_criterion(criterion, ns, ctx)}{observe})"
    )


def _read_by(criterion: Criterion) -> list[Expression]:
    """The distinct runtime expressions a criterion reads, in reading order."""
    if not isinstance(criterion, SimpleCriterion):
        return [criterion.context]
    found: list[Expression] = []

    def walk(node: Condition) -> None:
        if isinstance(node, Compare):
            walk(node.left)
            walk(node.right)
        elif isinstance(node, Not):
            walk(node.operand)
        elif isinstance(node, And | Or):
            walk(node.left)
            walk(node.right)
        elif not isinstance(node, Lit) and node not in found:
            found.append(node)

    walk(criterion.condition)
    return found


def expression_text(expr: Expression) -> str:
    """A runtime expression written back in the Arazzo syntax (dot paths, `#` pointers)."""
    if isinstance(expr, BuiltinRef):
        return f"${expr.name}"
    if isinstance(expr, SourceRef):
        return f"$sourceDescriptions.{expr.source}" + (
            f".{expr.target}" if expr.target is not None else ""
        )
    head = (
        f"${expr.message}.{expr.part}"
        if isinstance(expr, MessageRef)
        else f"${expr.root}"
    )
    path = "".join(f"[{n}]" if isinstance(n, int) else f".{n}" for n in expr.names)
    pointer = "".join(
        "/" + p.replace("~", "~0").replace("/", "~1") for p in expr.pointer
    )
    return head + path + (f"#{pointer}" if expr.pointer else "")


def emit_jsonpath(node: Any, ns: str = NS) -> str:
    """Source constructing a parsed JSONPath query from the runtime's node classes."""
    name = type(node).__name__
    if _jsonpath_classes().get(name) is not type(node):
        raise TypeError(f"not a JSONPath node: {name}")
    args = [
        f"{f.name}={_jsonpath_field(getattr(node, f.name), ns)}"
        for f in dataclasses.fields(node)
    ]
    return f"{_check_identifier(ns)}.jp.{name}({', '.join(args)})"


def _jsonpath_field(value: Any, ns: str) -> str:
    if isinstance(value, tuple):
        return "(" + "".join(_jsonpath_field(item, ns) + ", " for item in value) + ")"
    if dataclasses.is_dataclass(value):
        return emit_jsonpath(value, ns)
    return literal(value)
