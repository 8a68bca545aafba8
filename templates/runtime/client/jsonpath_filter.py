"""JSONPath (RFC 9535 §2.3.5) filter expressions: `||`, `&&`, `!`, parentheses, comparisons,
literals, existence tests and function calls, with the RFC's well-typedness rules.
"""

from __future__ import annotations

import difflib
import math

from .jsonpath_functions import FUNCTIONS, PARAMS, RESULT
from .jsonpath_lexer import COMPARE_OPS, LITERALS, NUMBER, NUMBER_LIKE, WORD
from .jsonpath_nodes import (
    And,
    Comparison,
    FilterExpr,
    FunctionCall,
    JsonPath,
    LiteralValue,
    Not,
    Or,
    is_singular,
)
from .jsonpath_query import QueryParser


class Parser(QueryParser):
    """The whole RFC 9535 grammar: queries (QueryParser) and the filters inside them."""

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
        op = next((o for o in COMPARE_OPS if self.peek(o)), None)
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
        if isinstance(expr, FunctionCall) and RESULT[expr.name] == "value":
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
        if isinstance(expr, FunctionCall) and RESULT[expr.name] != "value":
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
        word = WORD.match(self.text, self.pos)
        if word is None:
            raise self.fail(
                "expected a literal, a query ('@...' or '$...') or a function call "
                f"but found {self.found()}"
            )
        name = word.group()
        self.pos = word.end()
        if self.peek("("):
            return self.function(name, start)
        if name in LITERALS:
            return LiteralValue(LITERALS[name])
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
        loose = NUMBER_LIKE.match(self.text, self.pos)
        text = loose.group() if loose is not None else self.text[self.pos]
        if NUMBER.fullmatch(text) is None:
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
        params = PARAMS[name]
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
        more = any(self.peek(op) for op in (*COMPARE_OPS, "&&", "||"))
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
        if isinstance(arg, FunctionCall) and RESULT[arg.name] == "value":
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
        return f"{RESULT[expr.name]} from {expr.name}()"
    return "true/false test"
