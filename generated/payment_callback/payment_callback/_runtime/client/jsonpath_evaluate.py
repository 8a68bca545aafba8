"""JSONPath (RFC 9535) evaluation: the nodes a parsed query selects in a JSON document, their
normalized paths (§2.7), filter truth and the comparison semantics (§2.3.5.2.2).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .jsonpath_functions import PARAMS, call_function
from .jsonpath_nodes import (
    NOTHING,
    And,
    CompareOp,
    Comparison,
    FilterExpr,
    FunctionCall,
    IndexSelector,
    JsonPath,
    LiteralValue,
    Location,
    NameSelector,
    Node,
    Not,
    Or,
    Selector,
    SliceSelector,
    WildcardSelector,
    is_array,
)


def select(path: JsonPath, root: Any, current: Any = NOTHING) -> list[Any]:
    """Return the values of the nodes the query selects (empty when none)."""
    return [value for _, value in _nodes(path, root, current)]


def locate(path: JsonPath, root: Any) -> list[tuple[str, Any]]:
    """Return (normalized path, value) of every node the query selects, in order."""
    return [(normalized_path(loc), value) for loc, value in _nodes(path, root, root)]


def matches(path: JsonPath, root: Any) -> bool:
    """True when the query selects at least one node."""
    return bool(select(path, _jsonable(root)))


def normalized_path(location: Location) -> str:
    """RFC 9535 §2.7 normalized path of a node: `$['a'][0]`."""
    parts = ["$"]
    for key in location:
        if isinstance(key, int):
            parts.append(f"[{key}]")
        else:
            parts.append("['" + "".join(_path_char(ch) for ch in str(key)) + "']")
    return "".join(parts)


_PATH_ESCAPES = {
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "'": "\\'",
    "\\": "\\\\",
}


def _path_char(ch: str) -> str:
    if ch in _PATH_ESCAPES:
        return _PATH_ESCAPES[ch]
    if ord(ch) < 0x20:
        return f"\\u{ord(ch):04x}"
    return ch


def _jsonable(value: Any) -> Any:
    dump = getattr(value, "model_dump", None)
    return dump(mode="json", by_alias=True) if callable(dump) else value


def _nodes(path: JsonPath, root: Any, current: Any) -> list[Node]:
    nodes: list[Node] = [((), current if path.relative else root)]
    for segment in path.segments:
        out: list[Node] = []
        for node in nodes:
            targets = _descendants(node) if segment.descendant else [node]
            for target in targets:
                for selector in segment.selectors:
                    out.extend(_apply(selector, target, root))
        nodes = out
    return nodes


def _descendants(node: Node) -> list[Node]:
    """The node and all its descendants, each before its children (no recursion)."""
    out = [node]
    stack: list[Iterator[Node]] = [iter(_children(node))]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        out.append(child)
        stack.append(iter(_children(child)))
    return out


def _children(node: Node) -> list[Node]:
    loc, value = node
    if isinstance(value, Mapping):
        return [((*loc, key), child) for key, child in value.items()]
    if is_array(value):
        return [((*loc, i), child) for i, child in enumerate(value)]
    return []


def _apply(selector: Selector, node: Node, root: Any) -> list[Node]:
    loc, value = node
    if isinstance(selector, NameSelector):
        if isinstance(value, Mapping) and selector.name in value:
            return [((*loc, selector.name), value[selector.name])]
        return []
    if isinstance(selector, IndexSelector):
        if not is_array(value):
            return []
        size = len(value)
        real = selector.index + size if selector.index < 0 else selector.index
        return [((*loc, real), value[real])] if 0 <= real < size else []
    if isinstance(selector, WildcardSelector):
        return _children(node)
    if isinstance(selector, SliceSelector):
        if not is_array(value) or selector.step == 0:
            return []
        bounds = slice(selector.start, selector.end, selector.step)
        return [((*loc, i), value[i]) for i in range(*bounds.indices(len(value)))]
    return [child for child in _children(node) if _truth(selector.expr, root, child[1])]


def _truth(expr: FilterExpr, root: Any, current: Any) -> bool:
    if isinstance(expr, Or):
        return any(_truth(item, root, current) for item in expr.items)
    if isinstance(expr, And):
        return all(_truth(item, root, current) for item in expr.items)
    if isinstance(expr, Not):
        return not _truth(expr.expr, root, current)
    if isinstance(expr, JsonPath):
        return bool(_nodes(expr, root, current))
    if isinstance(expr, Comparison):
        left = _value(expr.left, root, current)
        return compare(expr.op, left, _value(expr.right, root, current))
    if isinstance(expr, FunctionCall):
        return _call(expr, root, current) is True
    return False


def _value(expr: FilterExpr, root: Any, current: Any) -> Any:
    if isinstance(expr, LiteralValue):
        return expr.value
    if isinstance(expr, JsonPath):
        nodes = _nodes(expr, root, current)
        return nodes[0][1] if len(nodes) == 1 else NOTHING
    if isinstance(expr, FunctionCall):
        return _call(expr, root, current)
    return _truth(expr, root, current)


def _call(call: FunctionCall, root: Any, current: Any) -> Any:
    args = [
        (
            _argument_nodes(arg, root, current)
            if param == "nodes"
            else _value(arg, root, current)
        )
        for arg, param in zip(call.args, PARAMS[call.name], strict=True)
    ]
    return call_function(call.name, args)


def _argument_nodes(arg: FilterExpr, root: Any, current: Any) -> list[Node]:
    assert isinstance(arg, JsonPath)  # guaranteed by the parser's type check
    return _nodes(arg, root, current)


def compare(op: CompareOp, left: Any, right: Any) -> bool:
    """RFC 9535 comparison semantics (Nothing equals only Nothing; `<` needs like types)."""
    if op == "==":
        return _equal(left, right)
    if op == "!=":
        return not _equal(left, right)
    if op == "<":
        return _less(left, right)
    if op == ">":
        return _less(right, left)
    if op == "<=":
        return _less(left, right) or _equal(left, right)
    return _less(right, left) or _equal(left, right)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if _is_number(value):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if is_array(value):
        return "array"
    return "other"


def _equal(left: Any, right: Any) -> bool:
    """Deep JSON equality (1 == 1.0, true != 1), without recursion."""
    if left is NOTHING or right is NOTHING:
        return left is right
    pending = [(left, right)]
    while pending:
        a, b = pending.pop()
        kind = _kind(a)
        if kind != _kind(b):
            return False
        if kind == "array":
            if len(a) != len(b):
                return False
            pending.extend(zip(a, b, strict=True))
        elif kind == "object":
            if set(a.keys()) != set(b.keys()):
                return False
            pending.extend((a[key], b[key]) for key in a)
        elif a != b:
            return False
    return True


def _less(left: Any, right: Any) -> bool:
    if _is_number(left) and _is_number(right):
        return bool(left < right)
    if isinstance(left, str) and isinstance(right, str):
        return left < right
    return False
