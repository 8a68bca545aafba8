"""RFC 9535 JSONPath: typed AST, parser, evaluator and I-Regexp (RFC 9485) for match/search.

Self-contained (stdlib only, no relative imports) so journeygen can load this same file to
validate queries at generation time. The whole of RFC 9535: `$`/`@`, `.name`, `['name']`,
`[0]`, `[-1]`, `*`, slices, `..` descendants, filters `[?...]` with comparisons, `&&`, `||`,
`!`, parentheses, existence tests and the functions length, count, match, search and value,
with the RFC's well-typedness rules. Invalid queries raise JsonPathError with the column
(0-based offset) of the problem. Queries nest at most MAX_DEPTH levels (filters, parentheses,
`!` and function calls), so no query and no document depth can exhaust the stack.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

CompareOp: TypeAlias = Literal["==", "!=", "<", "<=", ">", ">="]
FUNCTIONS = ("length", "count", "match", "search", "value")
MAX_INT = 2**53 - 1
MAX_DEPTH = 16


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


# ---------------------------------------------------------------- parser

_WS = " \t\r\n"
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_NUMBER_LIKE = re.compile(r"[-+0-9.eE]+")
_INT_LIKE = re.compile(r"-?[0-9]+")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "/": "/", "\\": "\\"}
_COMPARE_OPS: tuple[CompareOp, ...] = ("==", "!=", "<=", ">=", "<", ">")
_HEX = "0123456789abcdefABCDEF"
_LITERALS: dict[str, bool | None] = {"true": True, "false": False, "null": None}

# Function signatures (RFC 9535 §2.4): parameter types and result type.
_PARAMS = {
    "length": ("value",),
    "count": ("nodes",),
    "match": ("value", "value"),
    "search": ("value", "value"),
    "value": ("nodes",),
}
_RESULT = {
    "length": "value",
    "count": "value",
    "match": "logical",
    "search": "logical",
    "value": "value",
}


def _is_name_first(ch: str) -> bool:
    code = ord(ch)
    return (
        ("a" <= ch <= "z")
        or ("A" <= ch <= "Z")
        or ch == "_"
        or 0x80 <= code <= 0xD7FF
        or 0xE000 <= code <= 0x10FFFF
    )


def _is_name_char(ch: str) -> bool:
    return _is_name_first(ch) or "0" <= ch <= "9"


def _is_surrogate(ch: str) -> bool:
    return 0xD800 <= ord(ch) <= 0xDFFF


class _Parser:
    """Recursive-descent parser over one query string (RFC 9535 §2 ABNF)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.depth = 0

    def fail(self, message: str, at: int | None = None) -> JsonPathError:
        return JsonPathError(self.text, self.pos if at is None else at, message)

    def peek(self, token: str) -> bool:
        return self.text.startswith(token, self.pos)

    def eat(self, token: str) -> bool:
        if self.peek(token):
            self.pos += len(token)
            return True
        return False

    def found(self) -> str:
        rest = self.text[self.pos : self.pos + 10]
        return repr(rest) if rest else "the end of the query"

    def expect(self, token: str, what: str) -> None:
        if not self.eat(token):
            raise self.fail(f"expected {what} but found {self.found()}")

    def skip_ws(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in _WS:
            self.pos += 1

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    def enter(self, at: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(
                f"the query nests more than {MAX_DEPTH} levels deep (filters, "
                "parentheses, '!' and function calls); simplify it",
                at,
            )

    def leave(self) -> None:
        self.depth -= 1

    # queries and segments

    def query(self) -> JsonPath:
        relative = self.peek("@")
        self.pos += 1  # '$' or '@', checked by the caller
        segments: list[Segment] = []
        while True:
            mark = self.pos
            self.skip_ws()
            if self.eat(".."):
                segments.append(self.descendant())
            elif self.eat("."):
                segments.append(Segment((self.shorthand("."),)))
            elif self.peek("["):
                segments.append(Segment(self.bracketed()))
            else:
                self.pos = mark
                return JsonPath(tuple(segments), relative)

    def descendant(self) -> Segment:
        if self.peek("["):
            return Segment(self.bracketed(), descendant=True)
        return Segment((self.shorthand(".."),), descendant=True)

    def shorthand(self, after: str) -> Selector:
        if self.eat("*"):
            return WildcardSelector()
        start = self.pos
        if self.at_end() or not _is_name_first(self.text[self.pos]):
            raise self.fail(
                f"expected a member name or '*' right after {after!r} (no spaces); "
                "for other names write ['name']"
            )
        while not self.at_end() and _is_name_char(self.text[self.pos]):
            self.pos += 1
        return NameSelector(self.text[start : self.pos])

    def bracketed(self) -> tuple[Selector, ...]:
        self.pos += 1  # '['
        selectors = [self.selector()]
        while True:
            self.skip_ws()
            if self.eat("]"):
                return tuple(selectors)
            if not self.eat(","):
                raise self.fail(
                    f"expected ',' or ']' after a selector but found {self.found()}"
                )
            selectors.append(self.selector())

    def selector(self) -> Selector:
        self.skip_ws()
        if self.peek("'") or self.peek('"'):
            return NameSelector(self.string())
        if self.eat("*"):
            return WildcardSelector()
        start = self.pos
        if self.eat("?"):
            self.enter(start)
            self.skip_ws()
            expr = self.logical()
            self.leave()
            return FilterSelector(expr)
        return self.index_or_slice()

    def index_or_slice(self) -> Selector:
        start = self.integer()
        self.skip_ws()
        if not self.eat(":"):
            if start is None:
                raise self.fail(
                    "expected a 'name' in quotes, an index, a slice, '*' or a filter "
                    f"'?...' in brackets but found {self.found()}"
                )
            return IndexSelector(start)
        self.skip_ws()
        end = self.integer()
        self.skip_ws()
        step = None
        if self.eat(":"):
            self.skip_ws()
            step = self.integer()
        return SliceSelector(start, end, step)

    def integer(self) -> int | None:
        start = self.pos
        match = _INT_LIKE.match(self.text, self.pos)
        if match is None:
            if self.peek("+") or self.peek("-"):
                raise self.fail(
                    "an index is digits with an optional '-' right before them"
                )
            return None
        text = match.group()
        self.pos = match.end()
        if self.peek(".") or self.peek("e") or self.peek("E"):
            raise self.fail(
                "indexes and slice bounds are integers; write 1, not 1.0", at=start
            )
        if text == "-0":
            raise self.fail("'-0' is not an index; write 0", at=start)
        if text.lstrip("-").startswith("0") and len(text.lstrip("-")) > 1:
            raise self.fail(
                f"leading zeros are not allowed in {text!r}; write {int(text)}",
                at=start,
            )
        value = int(text)
        if abs(value) > MAX_INT:
            raise self.fail(
                f"{text[:24]}{'...' if len(text) > 24 else ''} is out of range: "
                "indexes and slice bounds lie between -(2^53-1) and 2^53-1",
                at=start,
            )
        return value

    def string(self) -> str:
        quote = self.text[self.pos]
        start = self.pos
        self.pos += 1
        out: list[str] = []
        while not self.at_end():
            ch = self.text[self.pos]
            if ch == quote:
                self.pos += 1
                return "".join(out)
            if ch == "\\":
                out.append(self.escape(quote))
                continue
            if ord(ch) < 0x20 or _is_surrogate(ch):
                raise self.fail(
                    f"character U+{ord(ch):04X} must be escaped in a string literal "
                    f"(write \\u{ord(ch):04x})"
                )
            out.append(ch)
            self.pos += 1
        raise self.fail("unterminated string literal", at=start)

    def escape(self, quote: str) -> str:
        at = self.pos
        ch = self.text[self.pos + 1 : self.pos + 2]
        self.pos += 2
        if ch in _ESCAPES:
            return _ESCAPES[ch]
        if ch == quote:
            return ch
        if ch == "u":
            high = self.hex4(at)
            if 0xDC00 <= high <= 0xDFFF:
                raise self.fail(
                    "a low surrogate \\u escape must follow a high surrogate", at=at
                )
            if 0xD800 <= high <= 0xDBFF:
                low_at = self.pos
                if not self.eat("\\u"):
                    raise self.fail(
                        "a high surrogate \\u escape must be followed by a low "
                        "surrogate \\uDC00-\\uDFFF",
                        at=at,
                    )
                low = self.hex4(low_at)
                if not 0xDC00 <= low <= 0xDFFF:
                    raise self.fail(
                        "a high surrogate \\u escape must be followed by a low "
                        "surrogate \\uDC00-\\uDFFF",
                        at=low_at,
                    )
                return chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
            return chr(high)
        allowed = "\\b \\f \\n \\r \\t \\/ \\\\ \\uXXXX or \\" + quote
        shown = repr(ch) if ch else "the end of the query"
        raise self.fail(
            f"invalid escape: '\\' followed by {shown}; allowed: {allowed}", at=at
        )

    def hex4(self, at: int) -> int:
        digits = self.text[self.pos : self.pos + 4]
        if len(digits) != 4 or any(c not in _HEX for c in digits):
            raise self.fail("\\u must be followed by four hex digits", at=at)
        self.pos += 4
        return int(digits, 16)

    # filter expressions

    def logical(self, first: tuple[FilterExpr, int] | None = None) -> FilterExpr:
        items = [self.conjunction(first)]
        while self.operator("||"):
            items.append(self.conjunction())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def conjunction(self, first: tuple[FilterExpr, int] | None = None) -> FilterExpr:
        items = [self.basic(first)]
        while self.operator("&&"):
            items.append(self.basic())
        return items[0] if len(items) == 1 else And(tuple(items))

    def operator(self, token: str) -> bool:
        mark = self.pos
        self.skip_ws()
        if self.eat(token):
            self.skip_ws()
            return True
        self.pos = mark
        return False

    def basic(self, first: tuple[FilterExpr, int] | None = None) -> FilterExpr:
        if first is None:
            start = self.pos
            if self.eat("!"):
                self.enter(start)
                self.skip_ws()
                if self.peek("("):
                    inner = self.paren()
                else:
                    at = self.pos
                    inner = self.operand()
                    self.check_test(inner, at)
                self.leave()
                return Not(inner)
            if self.peek("("):
                return self.paren()
            left = self.operand()
        else:
            left, start = first
        mark = self.pos
        self.skip_ws()
        op = next((o for o in _COMPARE_OPS if self.peek(o)), None)
        if op is None:
            self.pos = mark
            self.check_test(left, start)
            return left
        self.check_comparable(left, start)
        self.pos += len(op)
        self.skip_ws()
        right_start = self.pos
        right = self.operand()
        self.check_comparable(right, right_start)
        return Comparison(op, left, right)

    def paren(self) -> FilterExpr:
        start = self.pos
        self.pos += 1  # '('
        self.enter(start)
        self.skip_ws()
        inner = self.logical()
        self.skip_ws()
        self.expect(")", "')'")
        self.leave()
        return inner

    def check_test(self, expr: FilterExpr, at: int) -> None:
        if isinstance(expr, LiteralValue):
            raise self.fail(
                "a literal on its own is not a test; compare it (e.g. @.flag == true)",
                at=at,
            )
        if isinstance(expr, FunctionCall) and _RESULT[expr.name] == "value":
            raise self.fail(
                f"{expr.name}() gives a value, not true/false; compare it "
                f"(e.g. {expr.name}(...) > 0)",
                at=at,
            )

    def check_comparable(self, expr: FilterExpr, at: int) -> None:
        if isinstance(expr, JsonPath) and not is_singular(expr):
            raise self.fail(
                "only singular queries (names and indexes, no '*', '..', slices, "
                "filters or lists) can be compared",
                at=at,
            )
        if isinstance(expr, FunctionCall) and _RESULT[expr.name] != "value":
            raise self.fail(
                f"{expr.name}() gives true/false and cannot be compared; use it on "
                "its own (or with '!')",
                at=at,
            )

    def operand(self) -> FilterExpr:
        """A literal, a query or a function call."""
        if self.peek("$") or self.peek("@"):
            return self.query()
        if self.peek("'") or self.peek('"'):
            return LiteralValue(self.string())
        if not self.at_end() and self.text[self.pos] in "-0123456789.+":
            return self.number()
        start = self.pos
        word = _WORD.match(self.text, self.pos)
        if word is None:
            raise self.fail(
                "expected a literal, a query ('@...' or '$...') or a function call "
                f"but found {self.found()}"
            )
        name = word.group()
        self.pos = word.end()
        if self.peek("("):
            return self.function(name, start)
        if name in _LITERALS:
            return LiteralValue(_LITERALS[name])
        mark = self.pos
        self.skip_ws()
        if name in FUNCTIONS and self.peek("("):
            raise self.fail(
                f"no space is allowed between {name} and '('; write {name}(...)",
                at=mark,
            )
        self.pos = mark
        near = difflib.get_close_matches(name.lower(), ("true", "false", "null"), 1)
        hint = f"; did you mean {near[0]!r}?" if near else ""
        raise self.fail(
            f"unknown name {name!r}: expected a literal (true, false, null, a number "
            f"or a 'string'), a query ('@...' or '$...') or a function call{hint}",
            at=start,
        )

    def number(self) -> LiteralValue:
        start = self.pos
        loose = _NUMBER_LIKE.match(self.text, self.pos)
        text = loose.group() if loose is not None else self.text[self.pos]
        if _NUMBER.fullmatch(text) is None:
            shown = text
            raise self.fail(
                f"{shown!r} is not a JSON number: an optional '-', digits without "
                "leading zeros, then optionally '.digits' and 'e[+-]digits' "
                "(e.g. 0.5, -3, 1e3)",
                at=start,
            )
        self.pos += len(text)
        if not any(c in text for c in ".eE"):
            return LiteralValue(int(text))
        value = float(text)
        if not math.isfinite(value):
            raise self.fail(f"the number {text!r} is out of range", at=start)
        return LiteralValue(value)

    def function(self, name: str, start: int) -> FunctionCall:
        if name not in FUNCTIONS:
            near = difflib.get_close_matches(name, FUNCTIONS, 1)
            hint = f"; did you mean {near[0]}()?" if near else ""
            raise self.fail(
                f"unknown function {name}(); the functions are "
                f"{', '.join(FUNCTIONS)}{hint}",
                at=start,
            )
        self.pos += 1  # '('
        self.enter(start)
        self.skip_ws()
        args: list[tuple[FilterExpr, int]] = []
        if not self.eat(")"):
            while True:
                self.skip_ws()
                at = self.pos
                args.append((self.argument(), at))
                self.skip_ws()
                if self.eat(")"):
                    break
                if not self.eat(","):
                    raise self.fail(
                        f"expected ',' or ')' in {name}() but found {self.found()}"
                    )
        self.leave()
        params = _PARAMS[name]
        if len(args) != len(params):
            raise self.fail(
                f"{name}() takes {len(params)} argument"
                f"{'s' if len(params) > 1 else ''}, got {len(args)}",
                at=start,
            )
        for (arg, at), param in zip(args, params, strict=True):
            self.check_argument(name, arg, param, at)
        return FunctionCall(name, tuple(arg for arg, _ in args))

    def argument(self) -> FilterExpr:
        if self.peek("!") or self.peek("("):
            return self.logical()
        start = self.pos
        first = self.operand()
        mark = self.pos
        self.skip_ws()
        more = any(self.peek(op) for op in (*_COMPARE_OPS, "&&", "||"))
        self.pos = mark
        return self.logical((first, start)) if more else first

    def check_argument(self, name: str, arg: FilterExpr, param: str, at: int) -> None:
        if param == "nodes":
            if not isinstance(arg, JsonPath):
                raise self.fail(
                    f"{name}() takes a query (like @.items[*]), not a "
                    f"{_describe(arg)}",
                    at=at,
                )
            return
        if isinstance(arg, LiteralValue):
            return
        if isinstance(arg, JsonPath):
            if not is_singular(arg):
                raise self.fail(
                    f"{name}() takes a single value: use a singular query (names and "
                    "indexes only, like @.name or @[0]) or wrap the query in value()",
                    at=at,
                )
            return
        if isinstance(arg, FunctionCall) and _RESULT[arg.name] == "value":
            return
        raise self.fail(
            f"{name}() takes a value (a literal, a singular query or a function "
            f"giving a value), not a {_describe(arg)}",
            at=at,
        )


def _describe(expr: FilterExpr) -> str:
    if isinstance(expr, LiteralValue):
        return "literal"
    if isinstance(expr, FunctionCall):
        return f"{_RESULT[expr.name]} from {expr.name}()"
    return "true/false test"


def is_singular(path: JsonPath) -> bool:
    """True when the query selects at most one node (names and indexes only)."""
    return all(
        not seg.descendant
        and len(seg.selectors) == 1
        and isinstance(seg.selectors[0], NameSelector | IndexSelector)
        for seg in path.segments
    )


def parse(text: str) -> JsonPath:
    """Parse a JSONPath query (must start with `$`), raising JsonPathError when invalid."""
    parser = _Parser(text)
    if not text.startswith("$"):
        raise parser.fail("a JSONPath query must start with '$' (no spaces before it)")
    result = parser.query()
    if not parser.at_end():
        if text[parser.pos :].strip(_WS) == "":
            raise parser.fail("whitespace after the query is not allowed; remove it")
        raise parser.fail(f"unexpected {text[parser.pos :][:10]!r} after the query")
    return result


# ---------------------------------------------------------------- evaluator


class _Nothing:
    """The empty result of a comparable (no node selected)."""

    def __repr__(self) -> str:
        return "Nothing"


NOTHING = _Nothing()
Location: TypeAlias = tuple[str | int, ...]
Node: TypeAlias = tuple[Location, Any]


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
    if _is_array(value):
        return [((*loc, i), child) for i, child in enumerate(value)]
    return []


def _is_array(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)


def _apply(selector: Selector, node: Node, root: Any) -> list[Node]:
    loc, value = node
    if isinstance(selector, NameSelector):
        if isinstance(value, Mapping) and selector.name in value:
            return [((*loc, selector.name), value[selector.name])]
        return []
    if isinstance(selector, IndexSelector):
        if not _is_array(value):
            return []
        size = len(value)
        real = selector.index + size if selector.index < 0 else selector.index
        return [((*loc, real), value[real])] if 0 <= real < size else []
    if isinstance(selector, WildcardSelector):
        return _children(node)
    if isinstance(selector, SliceSelector):
        if not _is_array(value) or selector.step == 0:
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
    if call.name in ("count", "value"):
        arg = call.args[0]
        assert isinstance(arg, JsonPath)  # guaranteed by the parser's type check
        nodes = _nodes(arg, root, current)
        if call.name == "count":
            return len(nodes)
        return nodes[0][1] if len(nodes) == 1 else NOTHING
    subject = _value(call.args[0], root, current)
    if call.name == "length":
        if isinstance(subject, str | Mapping) or _is_array(subject):
            return len(subject)
        return NOTHING
    pattern = _value(call.args[1], root, current)
    if not isinstance(subject, str) or not isinstance(pattern, str):
        return False
    compiled = iregexp(pattern)
    if compiled is None:
        return False
    if call.name == "match":
        return compiled.fullmatch(subject) is not None
    return compiled.search(subject) is not None


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
    if _is_array(value):
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


# ---------------------------------------------------------------- I-Regexp (RFC 9485)

_SINGLE_ESCAPES = "()*+-.?[\\]^nrt{|}"
_ESCAPED_AS = {"n": "\n", "r": "\r", "t": "\t"}
_CATEGORIES = frozenset(
    (
        "L",
        "Lu",
        "Ll",
        "Lt",
        "Lm",
        "Lo",
        "M",
        "Mn",
        "Mc",
        "Me",
        "N",
        "Nd",
        "Nl",
        "No",
        "P",
        "Pc",
        "Pd",
        "Ps",
        "Pe",
        "Pi",
        "Pf",
        "Po",
        "Z",
        "Zs",
        "Zl",
        "Zp",
        "S",
        "Sm",
        "Sc",
        "Sk",
        "So",
        "C",
        "Cc",
        "Cf",
        "Co",
        "Cn",
    )
)
_QUANTIFIER = re.compile(r"\{([0-9]+)(,([0-9]*))?\}")
_Ranges: TypeAlias = list[tuple[int, int]]


class _NotIRegexp(Exception):
    """The pattern is not an I-Regexp."""


@functools.lru_cache(maxsize=1)
def _category_table() -> dict[str, tuple[tuple[int, int], ...]]:
    """Code point ranges of every general category and major class, from unicodedata."""
    runs: list[tuple[str, int, int]] = []
    category = unicodedata.category
    previous, start = "Cc", 0
    for code in range(0x110000):
        current = category(chr(code))
        if current != previous:
            runs.append((previous, start, code - 1))
            previous, start = current, code
    runs.append((previous, start, 0x10FFFF))
    spans: dict[str, _Ranges] = {}
    for name, low, high in runs:
        for key in (name, name[0]):
            ranges = spans.setdefault(key, [])
            if ranges and ranges[-1][1] == low - 1:
                ranges[-1] = (ranges[-1][0], high)
            else:
                ranges.append((low, high))
    return {name: tuple(ranges) for name, ranges in spans.items()}


def _category(name: str, negated: bool) -> _Ranges:
    ranges = list(_category_table().get(name, ()))
    if not negated:
        return ranges
    out: _Ranges = []
    low = 0
    for start, end in ranges:
        if start > low:
            out.append((low, start - 1))
        low = end + 1
    if low <= 0x10FFFF:
        out.append((low, 0x10FFFF))
    return out


def _class_source(ranges: _Ranges, negated: bool) -> str:
    if not ranges:
        return "[\\s\\S]" if negated else "(?!)"
    body = "".join(
        f"\\U{a:08x}" if a == b else f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges
    )
    return f"[{'^' if negated else ''}{body}]"


class _RegexpTranslator:
    """Translates an I-Regexp into Python `re` source with the same meaning."""

    def __init__(self, pattern: str) -> None:
        self.text = pattern
        self.pos = 0

    def translate(self) -> str:
        out: list[str] = []
        depth = 0
        quantifiable = False
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            self.pos += 1
            if ch == "|":
                out.append("|")
                quantifiable = False
            elif ch == "(":
                depth += 1
                out.append("(?:")
                quantifiable = False
            elif ch == ")":
                if depth == 0:
                    raise _NotIRegexp()
                depth -= 1
                out.append(")")
                quantifiable = True
            elif ch in "*+?{":
                if not quantifiable:
                    raise _NotIRegexp()
                out.append(self.quantifier(ch))
                quantifiable = False
            elif ch == ".":
                out.append("[^\\n\\r]")
                quantifiable = True
            elif ch == "^":  # the compliance suite reads these as anchors
                out.append("\\A")
                quantifiable = False
            elif ch == "$":
                out.append("\\Z")
                quantifiable = False
            elif ch == "[":
                out.append(self.char_class())
                quantifiable = True
            elif ch == "\\":
                ranges, negated = self.escape()
                out.append(_class_source(ranges, negated))
                quantifiable = True
            elif ch in "]}" or _is_surrogate(ch):
                raise _NotIRegexp()
            else:
                out.append(re.escape(ch))
                quantifiable = True
        if depth:
            raise _NotIRegexp()
        return "".join(out)

    def quantifier(self, ch: str) -> str:
        if ch != "{":
            return ch
        found = _QUANTIFIER.match(self.text, self.pos - 1)
        if found is None:
            raise _NotIRegexp()
        self.pos = found.end()
        low = int(found.group(1))
        high = found.group(3)
        if high and int(high) < low:
            raise _NotIRegexp()
        return found.group()

    def escape(self) -> tuple[_Ranges, bool]:
        """After '\\': a single-character escape or \\p{..} / \\P{..}."""
        ch = self.text[self.pos : self.pos + 1]
        self.pos += 1
        if ch in ("p", "P"):
            found = re.compile(r"\{([A-Za-z]+)\}").match(self.text, self.pos)
            if found is None or found.group(1) not in _CATEGORIES:
                raise _NotIRegexp()
            self.pos = found.end()
            return _category(found.group(1), ch == "P"), False
        if ch == "" or ch not in _SINGLE_ESCAPES:
            raise _NotIRegexp()
        code = ord(_ESCAPED_AS.get(ch, ch))
        return [(code, code)], False

    def class_char(self) -> int | None:
        """One CCchar (plain or single escape); None for \\p{..} / \\P{..}."""
        ch = self.text[self.pos : self.pos + 1]
        if ch == "\\":
            nxt = self.text[self.pos + 1 : self.pos + 2]
            if nxt in ("p", "P"):
                return None
            self.pos += 1
            ranges, _ = self.escape()
            return ranges[0][0]
        if ch == "" or ch in "[]-" or _is_surrogate(ch):
            raise _NotIRegexp()
        self.pos += 1
        return ord(ch)

    def char_class(self) -> str:
        negated = self.text.startswith("^", self.pos)
        if negated:
            self.pos += 1
        ranges: _Ranges = []
        if self.text.startswith("-", self.pos):
            ranges.append((0x2D, 0x2D))
            self.pos += 1
        while True:
            if self.text.startswith("]", self.pos):
                if not ranges:
                    raise _NotIRegexp()
                self.pos += 1
                return _class_source(sorted(ranges), negated)
            if self.text.startswith("-]", self.pos) and ranges:
                ranges.append((0x2D, 0x2D))
                self.pos += 1
                continue
            low = self.class_char()
            if low is None:
                self.pos += 1  # '\\'
                category, _ = self.escape()
                ranges.extend(category)
                continue
            high = low
            if self.text.startswith("-", self.pos) and not self.text.startswith(
                "-]", self.pos
            ):
                self.pos += 1
                upper = self.class_char()
                if upper is None or upper < low:
                    raise _NotIRegexp()
                high = upper
            ranges.append((low, high))


@functools.lru_cache(maxsize=256)
def iregexp(pattern: str) -> re.Pattern[str] | None:
    """The compiled Python form of an I-Regexp (RFC 9485), or None when it is not one.

    `.` matches any character but line feed and carriage return, `\\p{..}`/`\\P{..}` are
    Unicode general categories, there are no back-references, lookarounds or flags.
    """
    try:
        source = _RegexpTranslator(pattern).translate()
        return re.compile(source)
    except (_NotIRegexp, re.error, OverflowError, RecursionError):
        return None
