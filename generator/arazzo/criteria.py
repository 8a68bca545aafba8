"""Arazzo Criterion objects: `simple` condition AST and parser, `regex` and `jsonpath` checks.

Grammar of a simple condition (Arazzo 1.0.1, Criterion Object):
    or      := and ('||' and)*
    and     := unary ('&&' unary)*
    unary   := '!' unary | compare
    compare := operand (('==' | '!=' | '<' | '<=' | '>' | '>=') operand)?
    operand := '(' or ')' | number | 'string' (with '' for a quote) | true | false | null
             | runtime expression
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

from .expressions import ArazzoSyntaxError, Expression, parse_expression
from .jsonpath import runtime_jsonpath

Operator: TypeAlias = Literal["==", "!=", "<", "<=", ">", ">="]
OPERATORS: tuple[Operator, ...] = ("==", "!=", "<=", ">=", "<", ">")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_EXPRESSION_STOP = re.compile(r"\s|\)|==|!=|<|>|&&|\|\|")
CRITERION_TYPES = ("simple", "regex", "jsonpath")


@dataclass(frozen=True)
class Lit:
    """A literal: number, string, boolean or null."""

    value: str | int | float | bool | None


@dataclass(frozen=True)
class Compare:
    """`left op right`."""

    op: Operator
    left: Condition
    right: Condition


@dataclass(frozen=True)
class Not:
    """`!operand`."""

    operand: Condition


@dataclass(frozen=True)
class And:
    """`left && right`."""

    left: Condition
    right: Condition


@dataclass(frozen=True)
class Or:
    """`left || right`."""

    left: Condition
    right: Condition


Condition: TypeAlias = "Lit | Expression | Compare | Not | And | Or"


@dataclass(frozen=True)
class SimpleCriterion:
    """A `simple` criterion (the default type)."""

    condition: Condition


@dataclass(frozen=True)
class RegexCriterion:
    """A `regex` criterion: the pattern must be found in the context value."""

    context: Expression
    pattern: str


@dataclass(frozen=True)
class JsonPathCriterion:
    """A `jsonpath` criterion: true when the query selects a node of the context value."""

    context: Expression
    query: Any  # runtime_jsonpath.JsonPath (loaded from the runtime file)
    text: str


Criterion: TypeAlias = SimpleCriterion | RegexCriterion | JsonPathCriterion


class _ConditionParser:
    """Recursive-descent parser for one simple condition."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, message: str, at: int | None = None) -> ArazzoSyntaxError:
        return ArazzoSyntaxError(self.text, self.pos if at is None else at, message)

    def skip_ws(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def eat(self, token: str) -> bool:
        self.skip_ws()
        if self.text.startswith(token, self.pos):
            self.pos += len(token)
            return True
        return False

    def parse(self) -> Condition:
        if not self.text.strip():
            raise self.fail("empty condition")
        result = self.disjunction()
        self.skip_ws()
        if self.pos < len(self.text):
            found = self.text[self.pos : self.pos + 10]
            raise self.fail(
                f"unexpected {found!r}; expected an operator, '&&', '||' or the end"
            )
        return result

    def disjunction(self) -> Condition:
        left = self.conjunction()
        while self.eat("||"):
            left = Or(left, self.conjunction())
        return left

    def conjunction(self) -> Condition:
        left = self.unary()
        while self.eat("&&"):
            left = And(left, self.unary())
        return left

    def unary(self) -> Condition:
        self.skip_ws()
        if self.text.startswith("!", self.pos) and not self.text.startswith(
            "!=", self.pos
        ):
            self.pos += 1
            return Not(self.unary())
        return self.comparison()

    def comparison(self) -> Condition:
        left = self.operand()
        self.skip_ws()
        op = next((o for o in OPERATORS if self.text.startswith(o, self.pos)), None)
        if op is None:
            return left
        self.pos += len(op)
        return Compare(op, left, self.operand())

    def operand(self) -> Condition:
        self.skip_ws()
        if self.pos >= len(self.text):
            raise self.fail(
                "expected a literal, a runtime expression or '(' but the text ended"
            )
        if self.eat("("):
            inner = self.disjunction()
            if not self.eat(")"):
                raise self.fail("expected ')'")
            return inner
        ch = self.text[self.pos]
        if ch == "'":
            return Lit(self.string())
        if ch == "$":
            return self.expression()
        return self.word()

    def string(self) -> str:
        start = self.pos
        self.pos += 1
        out: list[str] = []
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            self.pos += 1
            if ch != "'":
                out.append(ch)
            elif self.text.startswith("'", self.pos):
                out.append("'")
                self.pos += 1
            else:
                return "".join(out)
        raise self.fail(
            "unterminated string literal (strings use single quotes, '' escapes)", start
        )

    def expression(self) -> Expression:
        start = self.pos
        stop = _EXPRESSION_STOP.search(self.text, start)
        end = stop.start() if stop else len(self.text)
        self.pos = end
        return parse_expression(self.text[start:end], offset=start, whole=self.text)

    def word(self) -> Lit:
        for word, value in (("true", True), ("false", False), ("null", None)):
            if re.compile(word + r"\b").match(self.text, self.pos):
                self.pos += len(word)
                return Lit(value)
        match = _NUMBER.match(self.text, self.pos)
        if match is None:
            raise self.fail(
                "expected a literal (number, 'string', true, false, null), "
                "a runtime expression ($...) or '('"
            )
        self.pos = match.end()
        return Lit(_number(match.group(), self, match.start()))


def _number(text: str, parser: _ConditionParser, at: int) -> int | float:
    if not any(c in text for c in ".eE"):
        return int(text)
    value = float(text)
    if not math.isfinite(value):
        raise parser.fail(f"number {text} is out of range", at)
    return value


def parse_condition(text: str) -> Condition:
    """Parse a `simple` criterion condition into an AST."""
    return _ConditionParser(text).parse()


def parse_criterion(
    condition: str,
    *,
    type: str | Mapping[str, Any] | None = None,
    context: str | None = None,
) -> Criterion:
    """Parse and validate a Criterion object (condition, optional type and context)."""
    kind = _criterion_type(type, condition)
    if kind == "simple":
        return SimpleCriterion(parse_condition(condition))
    if context is None:
        raise ArazzoSyntaxError(
            condition, 0, f"a {kind} criterion needs a 'context' expression"
        )
    subject = parse_expression(context)
    if kind == "regex":
        return RegexCriterion(subject, _check_regex(condition))
    jsonpath = runtime_jsonpath()
    try:
        query = jsonpath.parse(condition)
    except jsonpath.JsonPathError as exc:
        simple = jsonpath_comparison(condition, context)
        if simple is not None:  # a dialect, warned where the document is checked
            return SimpleCriterion(parse_condition(simple))
        raise ArazzoSyntaxError(condition, exc.column, exc.message) from None
    return JsonPathCriterion(subject, query, condition)


_JSONPATH_COMPARE = re.compile(
    r"^\s*\$((?:\.[A-Za-z_][A-Za-z0-9_\-]*|\[(?:0|[1-9][0-9]*)\])+)\s*"
    r"(==|!=|<=|>=|<|>)\s*(.+?)\s*$"
)


def jsonpath_comparison(condition: str, context: str) -> str | None:
    """A jsonpath criterion written as a comparison (`$.name == 'x'`, Redocly Respect's
    dialect; RFC 9535 has no such query) in its one meaning: the simple condition
    `<context>#/name == 'x'` (None: not of that form)."""
    match = _JSONPATH_COMPARE.match(condition)
    if match is None:
        return None
    try:
        right = parse_condition(match[3])
    except ArazzoSyntaxError:
        return None
    if not isinstance(right, Lit):
        return None
    tokens = re.findall(r"\.([A-Za-z_][A-Za-z0-9_\-]*)|\[([0-9]+)\]", match[1])
    pointer = "".join("/" + (name or index) for name, index in tokens)
    base = context if "#" in context else context + "#"
    simple = f"{base}{pointer} {match[2]} {match[3]}"
    try:
        parse_condition(simple)
    except ArazzoSyntaxError:
        return None
    return simple


def _criterion_type(kind: str | Mapping[str, Any] | None, condition: str) -> str:
    if isinstance(kind, Mapping):
        name, version = kind.get("type"), kind.get("version")
        message = (
            f"criterion expression type {name!r} version {version!r} is not supported"
        )
        raise ArazzoSyntaxError(
            condition, 0, message + "; use type: jsonpath (RFC 9535)"
        )
    if kind is None or kind == "simple":
        return "simple"
    if kind not in CRITERION_TYPES:
        allowed = ", ".join(CRITERION_TYPES)
        raise ArazzoSyntaxError(
            condition,
            0,
            f"criterion type {kind!r} is not supported; allowed: {allowed}",
        )
    return kind


def _check_regex(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ArazzoSyntaxError(
            pattern, exc.pos or 0, f"invalid regex: {exc.msg}"
        ) from None
    return pattern
