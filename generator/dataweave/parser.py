"""Recursive-descent parser for the DataWeave subset used by JourneyForge journeys.

Precedence, tightest first (each level is left-associative):

====  =========================================================  ==============================
 1    primary: literal, name, `$`/`$$`, `( )`, `{ }`, `[ ]`,        `if`, `do` and lambdas extend
      `f(args)`, `|temporal|`, `if`, `do { }`, `(x) -> body`        as far right as possible
 2    selectors: `.key`, `."key"`, `[index]`                       null-safe
 3    unary: `-x`, `not x`, `!x`                                   `not a or b` is `(not a) or b`
 4    `as Type`                                                    DataWeave: tighter than `*`
 5    `*`, `/`
 6    `+`, `-`
 7    `++` and infix functions (`map`, `filter`, `orderBy`,        one level, as in DataWeave
      `any`, `all`, `some`, `every`, `contains`, `startsWith`,     where `++` is a function
      `endsWith`, `joinBy`, `splitBy`)
 8    `default` (also `default:`, a corpus spelling)               looser than `++`, tighter
                                                                   than comparisons
 9    `<`, `<=`, `>`, `>=`, `<=>`
10    `==`, `!=`, `~=`
11    `and`
12    `or`
====  =========================================================  ==============================

So `a ++ b default c == d` is `((a ++ b) default c) == d`, and `x default 0 + 1` is
`x default (0 + 1)`; write parentheses when you mean otherwise (the corpus does).

Accepted JourneyForge spellings that plain DataWeave 2 lacks: `if cond then a else b`
(`then` optional), a `do { var ... }` block without `---`, `default:` and `<=>` (three-way
comparison, used by `orderBy` comparators).
"""

from __future__ import annotations

from collections.abc import Callable
from types import MappingProxyType
from typing import Final

from generator.dataweave import ast
from generator.dataweave.builtins import COERCION_TYPES, INFIX_FUNCTIONS
from generator.dataweave.errors import DataWeaveError
from generator.dataweave.lexer import UNSUPPORTED_WORDS, Token, tokenize

MAX_DEPTH: Final = 32
_EQUALITY: Final = frozenset({"==", "!=", "~="})
_RELATIONAL: Final = frozenset({"<", "<=", ">", ">=", "<=>"})
_UNSUPPORTED_OPS: Final = MappingProxyType(
    {
        "--": "object/array removal `--` is not supported; use `-`",
        "..": "the descendants selector `..` is not supported; use `.key` selectors",
        "?": "the existence selector `?` is not supported; compare with `!= null`",
        "@": "attribute selectors `@` are not supported (JSON only)",
        "#": "namespaces `#` are not supported (JSON only)",
        "^": "metadata selectors `^` are not supported",
        "&": "key-value pair selectors `&` are not supported",
        "%": "script headers (`%dw 2.0`, `output ...`) are not supported; write only the body",
        "---": "`---` is only allowed inside a `do { }` block",
    }
)


def parse(source: str) -> ast.Node:
    """Parse a whole DataWeave expression."""
    return parse_tokens(tokenize(source))


def parse_tokens(tokens: list[Token]) -> ast.Node:
    """Parse one expression that must consume every token."""
    parser = _Parser(tokens)
    node = parser.expression()
    parser.expect_eof()
    return node


class _Parser:
    """Holds the token list and position; one method per grammar level."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    # -- token helpers -------------------------------------------------------------------------

    @property
    def tok(self) -> Token:
        """The current token."""
        return self.tokens[self.pos]

    def at(self, text: str, offset: int = 0) -> bool:
        """Whether the token at pos+offset is an operator or keyword spelled `text`."""
        token = self._peek(offset)
        return token.kind in ("OP", "KEYWORD") and token.text == text

    def take(self) -> Token:
        """Consume and return the current token."""
        token = self.tok
        self.pos = min(self.pos + 1, len(self.tokens) - 1)
        return token

    def expect(self, text: str, context: str) -> Token:
        """Consume `text` or fail saying what was expected."""
        if not self.at(text):
            raise self.error(
                f"expected `{text}` {context}, found {_describe(self.tok)}"
            )
        return self.take()

    def expect_eof(self) -> None:
        """Fail unless every token was consumed."""
        if self.tok.kind != "EOF":
            raise self.error(
                f"unexpected {_describe(self.tok)} after a complete expression"
            )

    def error(self, message: str, token: Token | None = None) -> DataWeaveError:
        """An error positioned at token (default: the current one)."""
        where = token or self.tok
        return DataWeaveError(message, where.line, where.column)

    # -- binary levels -------------------------------------------------------------------------

    def expression(self) -> ast.Node:
        """Lowest precedence: `or`."""
        return self._nested(lambda: self._left_assoc(self._and, frozenset({"or"})))

    def _nested(self, parse: Callable[[], ast.Node]) -> ast.Node:
        """Run a recursive step, failing cleanly instead of exhausting the Python stack."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"expression nested deeper than {MAX_DEPTH} levels")
        try:
            return parse()
        finally:
            self.depth -= 1

    def _and(self) -> ast.Node:
        return self._left_assoc(self._equality, frozenset({"and"}))

    def _equality(self) -> ast.Node:
        return self._left_assoc(self._relational, _EQUALITY)

    def _relational(self) -> ast.Node:
        return self._left_assoc(self._default, _RELATIONAL)

    def _default(self) -> ast.Node:
        node = self._infix()
        while self.at("default"):
            op = self.take()
            if self.at(":"):
                self.take()
            node = ast.Binary(op.line, op.column, "default", node, self._infix())
        return node

    def _infix(self) -> ast.Node:
        node = self._additive()
        while self.at("++") or (
            self.tok.kind == "IDENT" and self.tok.text in INFIX_FUNCTIONS
        ):
            op = self.take()
            right = self._lambda() if self._lambda_ahead() else self._additive()
            node = ast.Binary(op.line, op.column, op.text, node, right)
        return node

    def _additive(self) -> ast.Node:
        return self._left_assoc(self._multiplicative, frozenset({"+", "-"}))

    def _multiplicative(self) -> ast.Node:
        return self._left_assoc(self._coercion, frozenset({"*", "/"}))

    def _left_assoc(
        self, operand: Callable[[], ast.Node], ops: frozenset[str]
    ) -> ast.Node:
        node = operand()
        while self.tok.kind in ("OP", "KEYWORD") and self.tok.text in ops:
            op = self.take()
            node = ast.Binary(op.line, op.column, op.text, node, operand())
        return node

    def _coercion(self) -> ast.Node:
        node = self._unary()
        while self.at("as"):
            op = self.take()
            type_token = self.take()
            if type_token.kind != "IDENT" or type_token.text not in COERCION_TYPES:
                supported = ", ".join(sorted(COERCION_TYPES))
                raise self.error(
                    f"unsupported coercion target {_describe(type_token)}; supported: {supported}",
                    type_token,
                )
            if self.at("{"):
                raise self.error(
                    "coercion format properties `as T {format: ...}` are not supported"
                )
            node = ast.Coerce(op.line, op.column, node, type_token.text)
        return node

    def _unary(self) -> ast.Node:
        if self.at("-") or self.at("not") or self.at("!"):
            op = self.take()
            name = "-" if op.text == "-" else "not"
            return ast.Unary(op.line, op.column, name, self._nested(self._unary))
        callable_ = self.tok.kind == "IDENT"
        return self._postfix(self._primary(), callable_)

    # -- selectors -----------------------------------------------------------------------------

    def _postfix(self, node: ast.Node, callable_: bool) -> ast.Node:
        while True:
            if self.at("."):
                node = self._selector(node)
            elif self.at("["):
                open_ = self.take()
                index = self.expression()
                self.expect("]", "to close the index selector")
                node = ast.Index(open_.line, open_.column, node, index)
            elif self.at("(") and callable_ and isinstance(node, ast.Name):
                node = ast.Call(node.line, node.column, node.name, self._arguments())
            elif self.tok.kind == "OP" and self.tok.text in ("?", "@", "#", "^", "&"):
                raise self.error(_UNSUPPORTED_OPS[self.tok.text])
            else:
                return node

    def _selector(self, target: ast.Node) -> ast.Node:
        dot = self.take()
        key = self.take()
        if key.kind in ("IDENT", "KEYWORD") or key.kind == "STRING":
            return ast.Select(dot.line, dot.column, target, str(key.value))
        if key.kind == "OP" and key.text in ("*", "@", "^", "#", "&"):
            raise self.error(
                f"selector `.{key.text}` is not supported; use `.key`", key
            )
        raise self.error(
            f"expected a field name after `.`, found {_describe(key)}", key
        )

    def _arguments(self) -> tuple[ast.Node, ...]:
        self.expect("(", "to start the argument list")
        args: list[ast.Node] = []
        while not self.at(")"):
            args.append(self._lambda() if self._lambda_ahead() else self.expression())
            if not self.at(")"):
                self.expect(",", "between arguments")
        self.take()
        return tuple(args)

    # -- primaries -----------------------------------------------------------------------------

    def _primary(self) -> ast.Node:
        tok = self.tok
        if tok.kind in ("STRING", "NUMBER"):
            self.take()
            return ast.Literal(tok.line, tok.column, tok.value)
        if tok.kind == "TEMPORAL":
            self.take()
            return ast.Temporal(tok.line, tok.column, str(tok.value))
        if tok.kind == "KEYWORD":
            return self._keyword_primary(tok)
        if tok.kind == "IDENT":
            return self._name(tok)
        return self._punctuation_primary(tok)

    def _name(self, tok: Token) -> ast.Node:
        if tok.text in UNSUPPORTED_WORDS:
            raise self.error(f"`{tok.text}` is not supported in this DataWeave subset")
        self.take()
        return ast.Name(tok.line, tok.column, tok.text)

    def _keyword_primary(self, tok: Token) -> ast.Node:
        constants = {"true": True, "false": False, "null": None}
        if tok.text in constants:
            self.take()
            return ast.Literal(tok.line, tok.column, constants[tok.text])
        if tok.text == "if":
            return self._if()
        if tok.text == "do":
            return self._do()
        raise self.error(f"expected an expression, found keyword `{tok.text}`")

    def _punctuation_primary(self, tok: Token) -> ast.Node:
        if tok.kind == "OP" and tok.text in ("$", "$$"):
            self.take()
            return ast.Dollar(tok.line, tok.column, len(tok.text))
        if self.at("("):
            if self._lambda_ahead():
                return self._lambda()
            self.take()
            node = self.expression()
            self.expect(")", "to close the parenthesis")
            return node
        if self.at("{"):
            return self._object()
        if self.at("["):
            return self._array()
        if tok.kind == "OP" and tok.text in _UNSUPPORTED_OPS:
            raise self.error(_UNSUPPORTED_OPS[tok.text])
        raise self.error(f"expected an expression, found {_describe(tok)}")

    def _lambda_ahead(self) -> bool:
        """Whether the tokens at pos spell `( [name (, name)*] ) ->`."""
        if not self.at("("):
            return False
        offset = 1
        if self._peek(offset).kind == "IDENT":
            offset += 1
            while self.at(",", offset) and self._peek(offset + 1).kind == "IDENT":
                offset += 2
        return self.at(")", offset) and self.at("->", offset + 1)

    def _peek(self, offset: int) -> Token:
        return self.tokens[min(self.pos + offset, len(self.tokens) - 1)]

    def _lambda(self) -> ast.Node:
        open_ = self.expect("(", "to start lambda parameters")
        params: list[str] = []
        while not self.at(")"):
            params.append(self.take().text)
            if self.at(","):
                self.take()
        self.take()
        self.expect("->", "after lambda parameters")
        if len(set(params)) != len(params):
            raise self.error("duplicate lambda parameter name", open_)
        return ast.Lambda(open_.line, open_.column, tuple(params), self.expression())

    def _if(self) -> ast.Node:
        start = self.take()
        cond = self._condition()
        then = self.expression()
        self.expect("else", "after the `if` branch (`else` is required)")
        return ast.If(start.line, start.column, cond, then, self.expression())

    def _condition(self) -> ast.Node:
        """`(cond)` as in DataWeave, or `cond then` as JourneyForge also writes it."""
        if not self.at("("):
            cond = self.expression()
            self.expect("then", "after an `if` condition without parentheses")
            return cond
        mark = self.pos
        self.take()
        paren = self.expression()
        self.expect(")", "to close the `if` condition")
        if self.at("then"):
            self.take()
            return paren
        after_paren = self.pos
        self.pos = mark
        try:
            full = self.expression()
        except DataWeaveError:
            full = None
        if full is not None and self.at("then"):
            self.take()
            return full
        self.pos = after_paren
        return paren

    def _do(self) -> ast.Node:
        start = self.take()
        self.expect("{", "after `do`")
        decls: list[ast.VarDecl] = []
        while self.at("var"):
            var = self.take()
            name = self.take()
            if name.kind != "IDENT":
                raise self.error(
                    f"expected a variable name, found {_describe(name)}", name
                )
            self.expect("=", "after the variable name")
            decls.append(
                ast.VarDecl(var.line, var.column, name.text, self.expression())
            )
        if self.tok.kind == "IDENT" and self.tok.text in (
            "fun",
            "type",
            "ns",
            "import",
        ):
            raise self.error(
                f"`{self.tok.text}` declarations are not supported; use `var`"
            )
        if self.at("---"):
            self.take()
        body = self.expression()
        self.expect("}", "to close the `do` block")
        return ast.Do(start.line, start.column, tuple(decls), body)

    def _array(self) -> ast.Node:
        open_ = self.take()
        items: list[ast.Node] = []
        while not self.at("]"):
            items.append(self.expression())
            if not self.at("]"):
                self.expect(",", "between array items")
        self.take()
        return ast.Array(open_.line, open_.column, tuple(items))

    def _object(self) -> ast.Node:
        open_ = self.take()
        fields: list[ast.Field] = []
        while not self.at("}"):
            fields.append(self._field())
            if not self.at("}"):
                self.expect(",", "between object fields")
        self.take()
        return ast.Object(open_.line, open_.column, tuple(fields))

    def _field(self) -> ast.Field:
        tok = self.tok
        key: str | ast.Node
        if tok.kind in ("IDENT", "KEYWORD", "STRING"):
            self.take()
            key = str(tok.value)
        elif self.at("("):
            self.take()
            key = self.expression()
            self.expect(")", "to close a dynamic key")
            if not self.at(":"):
                raise self.error(
                    "object spreading `{ (expr) }` is not supported; use `++`", tok
                )
        else:
            raise self.error(f"expected an object key, found {_describe(tok)}")
        if self.at("@") or self.at("#"):
            raise self.error(_UNSUPPORTED_OPS[self.tok.text])
        self.expect(":", "after an object key")
        return ast.Field(tok.line, tok.column, key, self.expression())


def _describe(token: Token) -> str:
    if token.kind == "EOF":
        return "end of expression"
    return f"`{token.text}`" if len(token.text) <= 40 else f"`{token.text[:37]}...`"
