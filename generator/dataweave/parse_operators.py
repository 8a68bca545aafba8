"""The operator levels of the grammar: the precedence table of parser.py, loosest first, and
`as` coercions with their types."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from generator.dataweave import ast
from generator.dataweave.builtins import BUILTINS, MODULE_FUNCTIONS
from generator.dataweave.lexer import Token
from generator.dataweave.parse_base import (
    _ADDITIVE,
    _CHAIN_STOPS,
    _DECL_WORDS,
    _EQUALITY,
    _MULTIPLICATIVE,
    _RELATIONAL,
    INFIX_LANGUAGE,
    describe,
    did_you_mean,
)
from generator.dataweave.parse_types import TypeParser


class OperatorParser(TypeParser):
    """The operator levels of the grammar: the precedence table of parser.py, loosest first, and"""

    def whole(self) -> ast.Node:
        """An expression (optionally after header declarations and `---`) up to the end."""
        if self.tok.kind == "KEYWORD" and self.tok.text in _DECL_WORDS:
            start = self.tok
            decls = self.declarations(closing="")
            node: ast.Node = ast.Do(start.line, start.column, decls, self.body())
        else:
            node = self.body()
        if self.tok.kind != "EOF":
            raise self.error(
                f"unexpected {describe(self.tok)} after a complete expression"
            )
        return node

    def body(self) -> ast.Node:
        """A script or `do` body: an expression, or one `key: value` pair as an object."""
        if self._field_ahead():
            start = self.tok
            return ast.Object(start.line, start.column, (self._field(),))
        return self.expression()

    def expression(self) -> ast.Node:
        """Loosest level: `default`, infix calls, `match`, `update` (left-associative)."""
        return self.nested(self._legacy_or if self.legacy else self._chain)

    def _legacy_or(self) -> ast.Node:
        return self._left_assoc(self._legacy_and, frozenset({"or"}))

    def _legacy_and(self) -> ast.Node:
        return self._left_assoc(self._legacy_equality, frozenset({"and"}))

    def _legacy_equality(self) -> ast.Node:
        return self._left_assoc(self._legacy_relational, _EQUALITY)

    def _legacy_relational(self) -> ast.Node:
        return self._relational_ops(self._legacy_default)

    def _legacy_default(self) -> ast.Node:
        node = self._chain_ops(self._additive, only_calls=True)
        while self.at("default"):
            op = self.take()
            if self.at(":"):
                self.take()
            right = self._chain_ops(self._additive, only_calls=True)
            node = ast.Binary(op.line, op.column, "default", node, right)
        return node

    def _chain(self) -> ast.Node:
        return self._chain_ops(self._or, only_calls=False)

    def _chain_ops(self, operand: Callable[[], ast.Node], only_calls: bool) -> ast.Node:
        node = operand()
        while True:
            tok = self.tok
            if self.at("default") and not only_calls:
                self.take()
                if self.at(":"):
                    self.warn(
                        "`default:` is not DataWeave: write `default`", self.take()
                    )
                node = ast.Binary(tok.line, tok.column, "default", node, operand())
            elif self.at("++") or self.at("--"):
                self.take()
                node = ast.Binary(tok.line, tok.column, tok.text, node, operand())
            elif (
                tok.kind == "IDENT"
                and tok.text in ("match", "update")
                and self.at("{", 1)
            ):
                node = self._match(node) if tok.text == "match" else self._update(node)
            elif tok.kind == "IDENT" and self._is_infix(tok):
                name = self._qualified_name()
                node = ast.Binary(tok.line, tok.column, name, node, operand())
            else:
                return node

    def _is_infix(self, tok: Token) -> bool:
        """Whether the identifier after a complete operand is an infix function call."""
        name = tok.text
        if name in _CHAIN_STOPS and (name != "then" or self.in_condition):
            return False
        if name in BUILTINS or name in INFIX_LANGUAGE or name in self.local_functions:
            return True
        if (
            name in MODULE_FUNCTIONS
        ):  # an imported module function (the compiler checks)
            return True
        if self.at("::", 1):
            return True
        if self.open_declarations:
            return False
        if self.at(":", 1):
            raise self.error("expected `,` between object fields", tok)
        known = set(BUILTINS) | self.local_functions | INFIX_LANGUAGE
        raise self.error(
            f"unknown function `{name}` called infix (`a {name} b`)"
            + did_you_mean(name, known),
            tok,
        )

    def _not(self) -> ast.Node:
        """`not x`: x extends over comparisons (`not 1 == 2` is `not (1 == 2)`).

        DataWeave extends it over `and`/`or` too (`not a or b` is `not (a or b)`); journeys
        mean `(not a) or b` there, so that reading is compiled, with a warning.
        """
        op = self.take()
        operand = self.nested(self._not if self.at("not") else self._equality)
        if self.at("and") or self.at("or"):
            self.warn(
                f"DataWeave reads `not a {self.tok.text} b` as `not (a {self.tok.text} b)`; "
                f"compiled as `(not a) {self.tok.text} b`: write the parentheses you mean",
                op,
            )
        return ast.Unary(op.line, op.column, "not", operand)

    def _left_assoc(
        self, operand: Callable[[], ast.Node], ops: frozenset[str]
    ) -> ast.Node:
        node = operand()
        while self.tok.kind in ("OP", "KEYWORD") and self.tok.text in ops:
            op = self.take()
            node = ast.Binary(op.line, op.column, op.text, node, operand())
        return node

    def _or(self) -> ast.Node:
        return self._left_assoc(self._and, frozenset({"or"}))

    def _and(self) -> ast.Node:
        return self._left_assoc(self._equality, frozenset({"and"}))

    def _equality(self) -> ast.Node:
        return self._left_assoc(self._relational, _EQUALITY)

    def _relational(self) -> ast.Node:
        return self._relational_ops(self._additive)

    def _relational_ops(self, operand: Callable[[], ast.Node]) -> ast.Node:
        node = operand()
        while (self.tok.kind == "OP" and self.tok.text in _RELATIONAL) or self.at("is"):
            op = self.take()
            if op.text == "is":
                checked = self.type_expr()
                if self.at("{") and checked.kind == "name":  # `is String {format: ...}`
                    checked = dataclasses.replace(checked, schema=self._object())
                node = ast.Is(op.line, op.column, node, checked)
            else:
                node = ast.Binary(op.line, op.column, op.text, node, operand())
        return node

    def _additive(self) -> ast.Node:
        return self._left_assoc(self._multiplicative, _ADDITIVE)

    def _multiplicative(self) -> ast.Node:
        return self._left_assoc(self._unary, _MULTIPLICATIVE)

    def _unary(self) -> ast.Node:
        tok = self.tok
        if self.at("-") and self.peek(1).kind == "NUMBER":
            number = self.peek(1)
            if number.offset == tok.offset + 1:
                return self._coercion()
        if self.at("-") or self.at("!"):
            self.take()
            name = "-" if tok.text == "-" else "not"
            return ast.Unary(tok.line, tok.column, name, self.nested(self._unary))
        if self.at("not"):
            if self.legacy:
                op = self.take()
                return ast.Unary(op.line, op.column, "not", self.nested(self._unary))
            return self._not()
        return self._coercion()

    def _coercion(self) -> ast.Node:
        node = self._postfix(self._primary())
        while self.at("as"):
            op = self.take()
            target = self.type_expr()
            schema = self._object() if self.at("{") else None
            node = ast.Coerce(op.line, op.column, node, target, schema)
        return node
