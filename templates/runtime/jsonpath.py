"""RFC 9535 JSONPath subset: typed AST, parser and evaluator.

Self-contained (stdlib only, no relative imports) so journeygen can load this same file to
validate queries at generation time. Supported: `$`/`@`, `.name`, `['name']`, `[0]`, `[-1]`, `*`,
slices, `..` descendants, filters `[?...]` with comparisons, `&&`, `||`, `!`, parentheses,
existence tests and the functions length, count, match, search and value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal, TypeAlias

CompareOp: TypeAlias = Literal["==", "!=", "<", "<=", ">", ">="]
FUNCTIONS = ("length", "count", "match", "search", "value")


class JsonPathError(ValueError):
    """A JSONPath query is malformed or uses something outside the supported subset."""

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


# ---------------------------------------------------------------- parser

_WS = " \t\r\n"
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
_ESCAPES = MappingProxyType(
    {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "/": "/", "\\": "\\"}
)
_COMPARE_OPS: tuple[CompareOp, ...] = ("==", "!=", "<=", ">=", "<", ">")


def _is_name_first(ch: str) -> bool:
    return (ch.isascii() and (ch.isalpha() or ch == "_")) or (
        not ch.isascii() and ch.isprintable()
    )


class _Parser:
    """Recursive-descent parser over one query string."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, message: str, at: int | None = None) -> JsonPathError:
        return JsonPathError(self.text, self.pos if at is None else at, message)

    def peek(self, token: str) -> bool:
        return self.text.startswith(token, self.pos)

    def eat(self, token: str) -> bool:
        if self.peek(token):
            self.pos += len(token)
            return True
        return False

    def expect(self, token: str, what: str) -> None:
        if not self.eat(token):
            found = self.text[self.pos : self.pos + 10] or "end of query"
            raise self.fail(f"expected {what} but found {found!r}")

    def skip_ws(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in _WS:
            self.pos += 1

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    # queries and segments

    def query(self) -> JsonPath:
        relative = self.peek("@")
        if not (self.eat("$") or self.eat("@")):
            raise self.fail("a JSONPath query must start with '$'")
        segments: list[Segment] = []
        while True:
            mark = self.pos
            self.skip_ws()
            if not (self.peek(".") or self.peek("[")):
                self.pos = mark
                return JsonPath(tuple(segments), relative)
            segments.append(self.segment())

    def segment(self) -> Segment:
        if self.eat(".."):
            if self.peek("["):
                return Segment(self.bracketed(), descendant=True)
            return Segment((self.dot_member(),), descendant=True)
        if self.eat("."):
            return Segment((self.dot_member(),))
        return Segment(self.bracketed())

    def dot_member(self) -> Selector:
        if self.eat("*"):
            return WildcardSelector()
        start = self.pos
        if self.at_end() or not _is_name_first(self.text[self.pos]):
            raise self.fail("expected a member name or '*' after '.'")
        while not self.at_end() and (
            _is_name_first(self.text[self.pos]) or self.text[self.pos].isdigit()
        ):
            self.pos += 1
        return NameSelector(self.text[start : self.pos])

    def bracketed(self) -> tuple[Selector, ...]:
        self.expect("[", "'['")
        selectors = [self.selector()]
        while True:
            self.skip_ws()
            if self.eat("]"):
                return tuple(selectors)
            self.expect(",", "',' or ']'")
            selectors.append(self.selector())

    def selector(self) -> Selector:
        self.skip_ws()
        if self.peek("'") or self.peek('"'):
            return NameSelector(self.string())
        if self.eat("*"):
            return WildcardSelector()
        if self.eat("?"):
            self.skip_ws()
            return FilterSelector(self.logical())
        return self.index_or_slice()

    def index_or_slice(self) -> Selector:
        start = self.optional_int()
        self.skip_ws()
        if not self.eat(":"):
            if start is None:
                raise self.fail(
                    "expected a name, index, slice, '*' or filter in brackets"
                )
            return IndexSelector(start)
        self.skip_ws()
        end = self.optional_int()
        self.skip_ws()
        step = None
        if self.eat(":"):
            self.skip_ws()
            step = self.optional_int()
        return SliceSelector(start, end, step)

    def optional_int(self) -> int | None:
        match = _INT.match(self.text, self.pos)
        if match is None:
            return None
        self.pos = match.end()
        return int(match.group())

    def string(self) -> str:
        quote = self.text[self.pos]
        start = self.pos
        self.pos += 1
        out: list[str] = []
        while not self.at_end():
            ch = self.text[self.pos]
            self.pos += 1
            if ch == quote:
                return "".join(out)
            out.append(self.escape() if ch == "\\" else ch)
        raise self.fail("unterminated string literal", at=start)

    def escape(self) -> str:
        ch = self.text[self.pos : self.pos + 1]
        self.pos += 1
        if ch in _ESCAPES:
            return _ESCAPES[ch]
        if ch in ("'", '"'):
            return ch
        if ch == "u":
            digits = self.text[self.pos : self.pos + 4]
            if len(digits) == 4 and all(c in "0123456789abcdefABCDEF" for c in digits):
                self.pos += 4
                return chr(int(digits, 16))
        raise self.fail(f"invalid escape '\\{ch}' in string literal", at=self.pos - 2)

    # filter expressions

    def logical(self) -> FilterExpr:
        items = [self.conjunction()]
        while self.ws_eat("||"):
            items.append(self.conjunction())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def conjunction(self) -> FilterExpr:
        items = [self.basic()]
        while self.ws_eat("&&"):
            items.append(self.basic())
        return items[0] if len(items) == 1 else And(tuple(items))

    def ws_eat(self, token: str) -> bool:
        self.skip_ws()
        return self.eat(token)

    def basic(self) -> FilterExpr:
        self.skip_ws()
        start = self.pos
        if self.eat("!"):
            self.skip_ws()
            return Not(self.basic())
        if self.eat("("):
            inner = self.logical()
            self.skip_ws()
            self.expect(")", "')'")
            return inner
        left = self.comparable()
        self.skip_ws()
        op = next((o for o in _COMPARE_OPS if self.peek(o)), None)
        if op is None:
            return self.as_test(left, start)
        self.pos += len(op)
        self.skip_ws()
        right_start = self.pos
        right = self.comparable()
        self.check_comparable(left, start)
        self.check_comparable(right, right_start)
        return Comparison(op, left, right)

    def as_test(self, expr: FilterExpr, start: int) -> FilterExpr:
        if isinstance(expr, JsonPath):
            return expr
        if isinstance(expr, FunctionCall) and expr.name in ("match", "search"):
            return expr
        raise self.fail(
            "expected a comparison, an existence test or match()/search()", at=start
        )

    def check_comparable(self, expr: FilterExpr, at: int) -> None:
        if isinstance(expr, JsonPath) and not _is_singular(expr):
            raise self.fail(
                "only singular queries (names and indexes) can be compared", at=at
            )
        if isinstance(expr, FunctionCall) and expr.name in ("match", "search"):
            raise self.fail(
                f"{expr.name}() gives true/false and cannot be compared", at=at
            )

    def comparable(self) -> FilterExpr:
        if self.peek("$") or self.peek("@"):
            return self.query()
        if self.peek("'") or self.peek('"'):
            return LiteralValue(self.string())
        for word, value in (("true", True), ("false", False), ("null", None)):
            if self.eat(word):
                return LiteralValue(value)
        number = _NUMBER.match(self.text, self.pos)
        if number is not None:
            self.pos = number.end()
            text = number.group()
            is_int = not any(c in text for c in ".eE")
            return LiteralValue(int(text) if is_int else float(text))
        return self.function()

    def function(self) -> FunctionCall:
        start = self.pos
        match = re.compile(r"[a-z][a-z0-9_]*").match(self.text, self.pos)
        if match is None or not self.text.startswith("(", match.end()):
            raise self.fail(
                "expected a literal, a query ('@' or '$') or a function call"
            )
        name = match.group()
        if name not in FUNCTIONS:
            raise self.fail(
                f"unsupported function {name}(); allowed: {', '.join(FUNCTIONS)}",
                at=start,
            )
        self.pos = match.end() + 1
        args = self.arguments()
        _check_arity(self, name, args, start)
        return FunctionCall(name, args)

    def argument(self) -> FilterExpr:
        start = self.pos
        if self.peek("!") or self.peek("("):
            return self.logical()
        expr = self.comparable()
        self.skip_ws()
        if any(self.peek(op) for op in (*_COMPARE_OPS, "&&", "||")):
            self.pos = start
            return self.logical()
        return expr

    def arguments(self) -> tuple[FilterExpr, ...]:
        args: list[FilterExpr] = []
        self.skip_ws()
        if self.eat(")"):
            return ()
        while True:
            self.skip_ws()
            args.append(self.argument())
            self.skip_ws()
            if self.eat(")"):
                return tuple(args)
            self.expect(",", "',' or ')'")


_ARITY = MappingProxyType(
    {"length": 1, "count": 1, "value": 1, "match": 2, "search": 2}
)


def _check_arity(
    parser: _Parser, name: str, args: tuple[FilterExpr, ...], at: int
) -> None:
    if len(args) != _ARITY[name]:
        raise parser.fail(
            f"{name}() takes {_ARITY[name]} argument(s), got {len(args)}", at=at
        )
    if name in ("count", "value") and not isinstance(args[0], JsonPath):
        raise parser.fail(f"{name}() needs a query argument", at=at)


def _is_singular(path: JsonPath) -> bool:
    return all(
        not seg.descendant
        and len(seg.selectors) == 1
        and isinstance(seg.selectors[0], NameSelector | IndexSelector)
        for seg in path.segments
    )


def parse(text: str) -> JsonPath:
    """Parse a JSONPath query (must start with `$`), raising JsonPathError when malformed."""
    parser = _Parser(text)
    if not text.startswith("$"):
        raise parser.fail("a JSONPath query must start with '$'")
    result = parser.query()
    parser.skip_ws()
    if not parser.at_end():
        raise parser.fail(f"unexpected {text[parser.pos :][:10]!r} after the query")
    return result


# ---------------------------------------------------------------- evaluator


class _Nothing:
    """The empty result of a comparable (no node selected)."""

    def __repr__(self) -> str:
        return "Nothing"


NOTHING = _Nothing()


def select(path: JsonPath, root: Any, current: Any = NOTHING) -> list[Any]:
    """Return the values of the nodes the query selects (empty when none)."""
    nodes = [current if path.relative else root]
    for segment in path.segments:
        nodes = [
            value
            for node in nodes
            for target in (_descendants(node) if segment.descendant else (node,))
            for selector in segment.selectors
            for value in _apply(selector, target, root)
        ]
    return nodes


def matches(path: JsonPath, root: Any) -> bool:
    """True when the query selects at least one node."""
    return bool(select(path, _jsonable(root)))


def _jsonable(value: Any) -> Any:
    dump = getattr(value, "model_dump", None)
    return dump(mode="json", by_alias=True) if callable(dump) else value


def _descendants(node: Any) -> Iterator[Any]:
    yield node
    for child in _children(node):
        yield from _descendants(child)


def _children(node: Any) -> list[Any]:
    if isinstance(node, Mapping):
        return list(node.values())
    if _is_array(node):
        return list(node)
    return []


def _is_array(node: Any) -> bool:
    return isinstance(node, Sequence) and not isinstance(node, str | bytes)


def _apply(selector: Selector, node: Any, root: Any) -> list[Any]:
    if isinstance(selector, NameSelector):
        if isinstance(node, Mapping) and selector.name in node:
            return [node[selector.name]]
        return []
    if isinstance(selector, IndexSelector):
        return _index(node, selector.index)
    if isinstance(selector, WildcardSelector):
        return _children(node)
    if isinstance(selector, SliceSelector):
        return _slice(node, selector)
    return [child for child in _children(node) if _truth(selector.expr, root, child)]


def _index(node: Any, index: int) -> list[Any]:
    if not _is_array(node):
        return []
    size = len(node)
    real = index + size if index < 0 else index
    return [node[real]] if 0 <= real < size else []


def _slice(node: Any, sel: SliceSelector) -> list[Any]:
    if not _is_array(node) or sel.step == 0:
        return []
    return list(node[slice(sel.start, sel.end, sel.step)])


def _truth(expr: FilterExpr, root: Any, current: Any) -> bool:
    if isinstance(expr, Or):
        return any(_truth(item, root, current) for item in expr.items)
    if isinstance(expr, And):
        return all(_truth(item, root, current) for item in expr.items)
    if isinstance(expr, Not):
        return not _truth(expr.expr, root, current)
    if isinstance(expr, JsonPath):
        return bool(select(expr, root, current))
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
        nodes = select(expr, root, current)
        return nodes[0] if len(nodes) == 1 else NOTHING
    if isinstance(expr, FunctionCall):
        return _call(expr, root, current)
    return _truth(expr, root, current)


def _call(call: FunctionCall, root: Any, current: Any) -> Any:
    if call.name == "count":
        return len(select(_as_path(call.args[0]), root, current))
    if call.name == "value":
        nodes = select(_as_path(call.args[0]), root, current)
        return nodes[0] if len(nodes) == 1 else NOTHING
    subject = _value(call.args[0], root, current)
    if call.name == "length":
        return _length(subject)
    pattern = _value(call.args[1], root, current)
    return _regex(call.name, subject, pattern)


def _as_path(expr: FilterExpr) -> JsonPath:
    assert isinstance(expr, JsonPath)  # guaranteed by the parser's arity check
    return expr


def _length(value: Any) -> Any:
    if isinstance(value, str | Mapping) or _is_array(value):
        return len(value)
    return NOTHING


def _regex(name: str, subject: Any, pattern: Any) -> bool:
    if not isinstance(subject, str) or not isinstance(pattern, str):
        return False
    try:
        compiled = re.compile(pattern)
    except re.error:
        return False
    found = compiled.fullmatch(subject) if name == "match" else compiled.search(subject)
    return found is not None


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


def _equal(left: Any, right: Any) -> bool:
    if left is NOTHING or right is NOTHING:
        return left is right
    if _is_number(left) and _is_number(right):
        return bool(left == right)
    if type(left) is not type(right) and not (_is_array(left) and _is_array(right)):
        return False
    return _canonical(left) == _canonical(right)


def _less(left: Any, right: Any) -> bool:
    if _is_number(left) and _is_number(right):
        return bool(left < right)
    if isinstance(left, str) and isinstance(right, str):
        return left < right
    return False


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)
