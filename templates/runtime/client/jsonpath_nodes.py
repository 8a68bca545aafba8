"""JSONPath (RFC 9535) syntax tree: the node classes a parsed query is made of, the error an
invalid query raises, and the values evaluation passes around (`NOTHING`, node locations).

Generated workflow code builds queries from these classes directly (`_az.jp.<NodeClass>`), so
NODE_CLASSES lists every one of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

CompareOp: TypeAlias = Literal["==", "!=", "<", "<=", ">", ">="]


class JsonPathError(ValueError):
    """A JSONPath query is not valid RFC 9535 JSONPath."""

    def __init__(self, text: str, column: int, message: str) -> None:
        self.text = text
        self.column = column
        self.message = message
        super().__init__(f"{message} (at column {column} of JSONPath {text!r})")


@dataclass(frozen=True)
class NameSelector:
    """`.name` or `['name']`."""

    name: str


@dataclass(frozen=True)
class IndexSelector:
    """`[3]` or `[-1]`."""

    index: int


@dataclass(frozen=True)
class WildcardSelector:
    """`*`: every member value or array element."""


@dataclass(frozen=True)
class SliceSelector:
    """`[start:end:step]`."""

    start: int | None
    end: int | None
    step: int | None


@dataclass(frozen=True)
class FilterSelector:
    """`[?expr]`: children for which `expr` holds."""

    expr: FilterExpr


Selector: TypeAlias = (
    NameSelector | IndexSelector | WildcardSelector | SliceSelector | FilterSelector
)


@dataclass(frozen=True)
class Segment:
    """One child (`.x`, `[..]`) or descendant (`..x`, `..[..]`) segment."""

    selectors: tuple[Selector, ...]
    descendant: bool = False


@dataclass(frozen=True)
class JsonPath:
    """A query from the root (`$`) or, inside filters, from the current node (`@`)."""

    segments: tuple[Segment, ...]
    relative: bool = False


@dataclass(frozen=True)
class LiteralValue:
    """A JSON literal inside a filter."""

    value: str | int | float | bool | None


@dataclass(frozen=True)
class FunctionCall:
    """One of the RFC 9535 functions."""

    name: str
    args: tuple[FilterExpr, ...]


@dataclass(frozen=True)
class Comparison:
    """`left op right` between literals, singular queries or function results."""

    op: CompareOp
    left: FilterExpr
    right: FilterExpr


@dataclass(frozen=True)
class Not:
    """`!expr`."""

    expr: FilterExpr


@dataclass(frozen=True)
class And:
    """`a && b && ...`."""

    items: tuple[FilterExpr, ...]


@dataclass(frozen=True)
class Or:
    """`a || b || ...`."""

    items: tuple[FilterExpr, ...]


FilterExpr: TypeAlias = (
    JsonPath | LiteralValue | FunctionCall | Comparison | Not | And | Or
)

NODE_CLASSES = (
    NameSelector,
    IndexSelector,
    WildcardSelector,
    SliceSelector,
    FilterSelector,
    Segment,
    JsonPath,
    LiteralValue,
    FunctionCall,
    Comparison,
    Not,
    And,
    Or,
)


def is_singular(path: JsonPath) -> bool:
    """True when the query selects at most one node (names and indexes only)."""
    return all(
        not seg.descendant
        and len(seg.selectors) == 1
        and isinstance(seg.selectors[0], NameSelector | IndexSelector)
        for seg in path.segments
    )


class _Nothing:
    """The empty result of a comparable (no node selected)."""

    def __repr__(self) -> str:
        return "Nothing"


NOTHING = _Nothing()
Location: TypeAlias = tuple[str | int, ...]
Node: TypeAlias = tuple[Location, Any]


def is_array(value: Any) -> bool:
    """A JSON array: any sequence but a string."""
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)
