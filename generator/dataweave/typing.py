"""What the compiler knows statically about types: type names, boolean-valued nodes."""

from __future__ import annotations

from typing import Final

from generator.dataweave import ast
from generator.dataweave.errors import DataWeaveError

# Type names `is`, `as` and `case is` accept (JSON values, plus DataWeave's temporal types).
TYPE_NAMES: Final = frozenset(
    {
        "Any",
        "Nothing",
        "Null",
        "String",
        "Number",
        "Boolean",
        "Object",
        "Array",
        "Key",
        "Regex",
        "Function",
        "Range",
        "Date",
        "DateTime",
        "LocalDateTime",
        "LocalTime",
        "Time",
        "TimeZone",
        "Period",
        "Binary",
        "Uri",
        "SimpleType",
    }
)
_BOOL_OPS: Final = frozenset(
    {
        "==",
        "!=",
        "~=",
        "<",
        "<=",
        ">",
        ">=",
        "and",
        "or",
        "contains",
        "any",
        "all",
        "some",
        "every",
        "startsWith",
        "endsWith",
        "matches",
    }
)
_NON_BOOLEAN_OPS: Final = frozenset(
    {"<=>", "++", "+", "-", "*", "/", "map", "filter", "orderBy", "to", ">>", "<<"}
)


def yields_bool(node: ast.Node) -> bool:
    """Whether the compiled node always returns a Python bool."""
    if isinstance(node, ast.Binary):
        return node.op in _BOOL_OPS
    if isinstance(node, ast.Unary):
        return node.op == "not"
    if isinstance(node, ast.Is | ast.Exists):
        return True
    return isinstance(node, ast.Literal) and isinstance(node.value, bool)


def yields_plain(node: ast.Node) -> bool:
    """Whether the node's value can hold nothing made while evaluating it (no settle needed):
    literals, bindings and selectors on them, scalar coercions, booleans."""
    if isinstance(node, ast.Literal | ast.Number | ast.Name):
        return True
    if isinstance(node, ast.Select | ast.Index):
        base: ast.Node = node
        while isinstance(base, ast.Select | ast.Index):
            if isinstance(base, ast.Index) and not isinstance(base.index, ast.Literal):
                return False
            base = base.target
        return isinstance(base, ast.Name)
    if isinstance(node, ast.Coerce) and node.schema is None:
        return node.type_name in ("String", "Number", "Boolean")
    return yields_bool(node)


def check_boolean(node: ast.Node) -> None:
    """Fail on predicates that can never be booleans."""
    never = isinstance(
        node,
        ast.Object
        | ast.Array
        | ast.Temporal
        | ast.Lambda
        | ast.Number
        | ast.Template
        | ast.Regex,
    )
    never |= isinstance(node, ast.Literal) and not isinstance(node.value, bool)
    never |= isinstance(node, ast.Binary) and node.op in _NON_BOOLEAN_OPS
    never |= isinstance(node, ast.Coerce) and node.type_name not in ("Boolean", "Any")
    if never:
        raise DataWeaveError(
            "a predicate must evaluate to a boolean (use a comparison, `and`/`or`/`not`, "
            "`contains`, `any`/`all`, or a boolean field)",
            node.line,
            node.column,
        )


_LOGIC: Final = frozenset({"and", "or"})
_BOOLEAN_MAKERS: Final = frozenset(
    {"and", "or", "==", "!=", "~=", "<", "<=", ">", ">=", "<=>"}
)
# Infix operators that accept a Boolean on their left (so a Boolean there is no misreading).
_BOOLEAN_FRIENDLY: Final = frozenset(
    _BOOLEAN_MAKERS | {"default", "++", "+", "-", "*", "/", ">>", "<<"}
)


def _never_boolean(node: ast.Node) -> bool:
    if isinstance(node, ast.Literal):
        return not isinstance(node.value, bool) and node.value is not None
    return isinstance(node, ast.Number | ast.Template | ast.Array | ast.Object)


def _boolean_valued(node: ast.Node) -> bool:
    if isinstance(node, ast.Binary):
        return node.op in _BOOLEAN_MAKERS
    return isinstance(node, ast.Unary | ast.Is) and (
        not isinstance(node, ast.Unary) or node.op == "not"
    )


def misread(node: ast.Node) -> ast.Node | None:
    """The first node DataWeave's grouping makes a certain type error, or None.

    `a contains "x" and b contains "y"` groups as `a contains ("x" and b) contains "y"` in
    DataWeave (a String operand of `and`), and `p and xs all f` as `(p and xs) all f` (a
    Boolean where `all` needs an Array): JourneyForge authors mean the other grouping.
    """
    from generator.dataweave.walk import descendants

    for current in descendants(node):
        if _misread_here(current):
            return current
    return None


def _misread_here(node: ast.Node) -> bool:
    if isinstance(node, ast.Binary):
        if node.op in _LOGIC and (
            _never_boolean(node.left) or _never_boolean(node.right)
        ):
            return True
        return node.op not in _BOOLEAN_FRIENDLY and _boolean_valued(node.left)
    return (
        isinstance(node, ast.Unary)
        and node.op == "not"
        and _never_boolean(node.operand)
    )
