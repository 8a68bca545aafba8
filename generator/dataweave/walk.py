"""Small pure helpers over the DataWeave AST shared by the compiler and its emitters."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import fields

from generator.dataweave import ast
from generator.dataweave.builtins import BUILTINS


def local(name: str) -> str:
    """The Python identifier for a DataWeave variable or parameter (never a keyword or dunder)."""
    return f"_v_{name}"


def children(node: ast.Node) -> list[ast.Node]:
    """The direct child nodes of node."""
    out: list[ast.Node] = []
    for item in fields(node):
        value = getattr(node, item.name)
        for child in value if isinstance(value, tuple) else (value,):
            if isinstance(child, ast.Node):
                out.append(child)
    return out


def descendants(
    node: ast.Node, prune: Callable[[ast.Node], bool] = lambda _: False
) -> Iterator[ast.Node]:
    """node and every node under it, pre-order, without recursion (trees may be deep);
    the children of a node for which prune holds are skipped."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if not prune(current):
            stack.extend(reversed(children(current)))


def _binds_dollar(node: ast.Node) -> bool:
    """Whether node gives its sub-expressions a `$` of their own."""
    if isinstance(node, ast.Lambda | ast.FilterSelect | ast.Match | ast.Update):
        return True
    if isinstance(node, ast.Binary):
        spec = BUILTINS.get(node.op)
        return spec is not None and spec.callback
    return False


def uses_dollar(node: ast.Node) -> bool:
    """Whether `$`/`$$`/`$$$` occur in node outside constructs that bind them anew."""
    for current in descendants(node, _binds_dollar):
        if isinstance(current, ast.Dollar):
            return True
        if current is not node and _binds_dollar(current):
            # `xs map $.a`: only the subject (`xs`) is read with the outer `$`.
            subject = _subject(current)
            if subject is not None and uses_dollar(subject):
                return True
    return isinstance(node, ast.Dollar) or (
        _binds_dollar(node)
        and (subject := _subject(node)) is not None
        and uses_dollar(subject)
    )


def _subject(node: ast.Node) -> ast.Node | None:
    if isinstance(node, ast.FilterSelect):
        return node.target
    if isinstance(node, ast.Match | ast.Update):
        return node.value
    if isinstance(node, ast.Binary):
        return node.left
    return None


def reads_names(
    node: ast.Node,
    names: set[str],
    prune: Callable[[ast.Node], bool] = lambda _: False,
) -> bool:
    """Whether node mentions any of names (a call, infix `a f b` included), outside the
    nodes prune skips."""
    for current in descendants(node, prune):
        if isinstance(current, ast.Name | ast.Call) and current.name in names:
            return True
        if isinstance(current, ast.Binary) and current.op in names:
            return True
    return False


def is_comparator(node: ast.Node) -> bool:
    """A two-parameter lambda whose body is `a <=> b`: an orderBy comparator, not a key."""
    return (
        isinstance(node, ast.Lambda)
        and len(node.params) == 2
        and isinstance(node.body, ast.Binary)
        and node.body.op == "<=>"
    )
