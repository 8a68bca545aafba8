"""Typed AST for the supported DataWeave subset (frozen dataclasses with 1-based line/column)."""

from __future__ import annotations

from dataclasses import dataclass

Scalar = str | int | float | bool | None


@dataclass(frozen=True)
class Node:
    """Base of every AST node: the position of its first token."""

    line: int
    column: int


@dataclass(frozen=True)
class Literal(Node):
    """A string, number, boolean or null literal."""

    value: Scalar


@dataclass(frozen=True)
class Temporal(Node):
    """A `|...|` date, date-time or duration literal (text without the bars)."""

    text: str


@dataclass(frozen=True)
class Name(Node):
    """A reference to a binding, a local variable or a lambda parameter."""

    name: str


@dataclass(frozen=True)
class Dollar(Node):
    """The implicit lambda parameter `$` (depth 1) or `$$` (depth 2)."""

    depth: int


@dataclass(frozen=True)
class Select(Node):
    """Null-safe single-value selector `target.key`."""

    target: Node
    key: str


@dataclass(frozen=True)
class Index(Node):
    """Null-safe index selector `target[index]`."""

    target: Node
    index: Node


@dataclass(frozen=True)
class Call(Node):
    """A call `name(args...)` of a built-in function or a local lambda."""

    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Unary(Node):
    """Prefix operator: `-` or `not`."""

    op: str
    operand: Node


@dataclass(frozen=True)
class Binary(Node):
    """Infix operator or infix function call (`++`, `==`, `default`, `map`, ...)."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Coerce(Node):
    """Type coercion `value as Type`."""

    value: Node
    type_name: str


@dataclass(frozen=True)
class If(Node):
    """Conditional `if (cond) a else b` (also `if cond then a else b`)."""

    cond: Node
    then: Node
    otherwise: Node


@dataclass(frozen=True)
class Lambda(Node):
    """Anonymous function `(a, b) -> body`."""

    params: tuple[str, ...]
    body: Node


@dataclass(frozen=True)
class Field(Node):
    """One `key: value` pair of an object constructor; key is a Node when dynamic `(k): v`."""

    key: str | Node
    value: Node


@dataclass(frozen=True)
class Object(Node):
    """Object constructor `{ k: v, ... }`."""

    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Array(Node):
    """Array constructor `[a, b, ...]`."""

    items: tuple[Node, ...]


@dataclass(frozen=True)
class VarDecl(Node):
    """A `var name = value` declaration inside a `do` block."""

    name: str
    value: Node


@dataclass(frozen=True)
class Do(Node):
    """Scope block `do { var ... --- body }`."""

    decls: tuple[VarDecl, ...]
    body: Node
