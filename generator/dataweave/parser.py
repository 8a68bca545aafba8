"""Recursive-descent parser for DataWeave 2 expressions.

Precedence, loosest first, as MuleSoft's engine parses (checked with it; each binary level is
left-associative):

====  =============================================================  =========================
 1    `default`, infix function calls (`a map f`, `a ++ b`,             one level: `x default 5
      `1 to 3`, `a contains b`, any function of 2 parameters),          ++ "a"` is `(x default 5)
      `match { }`, `update { }`                                         ++ "a"`
 2    `or`
 3    `and`
 4    `not x` (its operand extends over comparisons)                    see below
 5    `==`, `!=`, `~=`
 6    `<`, `<=`, `>`, `>=`, `is Type`
 7    `+`, `-`, `>>`, `<<`
 8    `*`, `/`
 9    unary `-x`, `!x`                                                  `-x as String` is
                                                                        `-(x as String)`
10    `x as Type {schema}`
11    selectors `.k .*k ..k .&k [i] [a to b] [?(c)] ? !`, calls `f(x)`
12    literals, names, `$ $$ $$$`, `( )`, `{ }`, `[ ]`, `if`/`unless`, `do`, lambdas (their
      bodies and `else` branches extend as far right as possible)
====  =============================================================  =========================

So `payload filter $.price > 5` filters by `$.price > 5`, `x.n default 0 == 0` is
`x.n default (0 == 0)` and `not 1 == 2` is `not (1 == 2)`.

One deliberate difference: DataWeave's `not` also covers a following `and`/`or`
(`not a or b` is `not (a or b)` there); journeys mean `(not a) or b`, which is compiled, with a
warning asking for parentheses.

JourneyForge spellings that DataWeave rejects but whose meaning is unambiguous are parsed with a
DataWeaveWarning: `if (c) then a else b` / `if c then a else b`, `default:` and a `do { }` block
without `---`.
"""

from __future__ import annotations

import dataclasses

from generator.dataweave import ast
from generator.dataweave.errors import DataWeaveWarning
from generator.dataweave.lexer import Token, tokenize
from generator.dataweave.parse_base import (
    _DECL_WORDS,
    _REJECTED_OPS,
    RESERVED,
    describe,
)
from generator.dataweave.parse_patterns import PatternParser

# Type names DataWeave reserves for itself (a `type` declaration of one is refused).
_SYSTEM_TYPES = frozenset(
    {
        "Any", "Nothing", "Null", "String", "Number", "Boolean", "Object", "Array", "Key",
        "Regex", "Function", "Range", "Date", "DateTime", "LocalDateTime", "LocalTime", "Time",
        "TimeZone", "Period", "Type", "Uri", "Binary", "Namespace", "Name",
    }
)  # fmt: skip


def parse(source: str) -> ast.Node:
    """Parse a whole DataWeave expression."""
    return parse_tokens(tokenize(source), source)


def parse_with_warnings(source: str) -> tuple[ast.Node, tuple[DataWeaveWarning, ...]]:
    """Parse a whole expression; also the JourneyForge spellings it used."""
    parser = Parser(tokenize(source), source)
    return parser.whole(), tuple(parser.warnings)


def parse_tokens(tokens: list[Token], source: str) -> ast.Node:
    """Parse one expression that must consume every token."""
    return Parser(tokens, source).whole()


class Parser(PatternParser):
    """The whole grammar: blocks, declarations, arrays and objects on top of the levels below."""

    def _do(self) -> ast.Node:
        start = self.take()
        self.expect("{", "after `do`")
        decls = self.declarations(closing="}")
        body = self.body()
        self.expect("}", "to close the `do` block")
        return ast.Do(start.line, start.column, decls, body)

    def declarations(self, closing: str) -> tuple[ast.Decl, ...]:
        """Declarations up to and including `---` (JourneyForge may omit it inside `do`)."""
        decls: list[ast.Decl] = []
        self.local_functions.update(self._declared_ahead())
        self.open_declarations += 1
        try:
            while self.tok.kind == "KEYWORD" and self.tok.text in _DECL_WORDS:
                decls.append(self._declaration())
        finally:
            self.open_declarations -= 1
        if self.at("---"):
            self.take()
        elif closing and decls:
            self.warn(
                "a `do` block needs `---` between its declarations and its body: "
                "write `do { var a = 1 --- a }`",
                self.tok,
            )
        elif closing == "":
            raise self.error("expected `---` between the declarations and the body")
        return tuple(decls)

    def _declared_ahead(self) -> set[str]:
        """The `fun` names this block declares (a function may call a later one infix)."""
        names: set[str] = set()
        depth, at = 0, self.pos
        while at < len(self.tokens) - 1:
            token = self.tokens[at]
            if token.kind == "OP" and token.text in ("(", "[", "{"):
                depth += 1
            elif token.kind == "OP" and token.text in (")", "]", "}"):
                depth -= 1
                if depth < 0:
                    break
            elif depth == 0 and token.text == "---":
                break
            elif depth == 0 and token.kind == "KEYWORD" and token.text == "fun":
                following = self.tokens[at + 1]
                if following.kind == "IDENT":
                    names.add(following.text)
            at += 1
        return names

    def _declaration(self) -> ast.Decl:
        tok = self.take()
        if tok.text == "var":
            name = self.expect_name("a variable name")
            if self.at(":"):
                self.take()
                self.type_expr()
            self.expect("=", "after the variable name")
            value = self.expression()
            self.local_functions.add(name.text)
            return ast.VarDecl(tok.line, tok.column, name.text, value)
        if tok.text == "fun":
            name = self.expect_name("a function name")
            self.local_functions.add(name.text)
            params = self.params()
            if self.at(":"):
                self.take()
                self.type_expr()
            self.expect("=", "after the function parameters")
            body = self.expression()
            return ast.FunDecl(tok.line, tok.column, name.text, params, body)
        if tok.text == "type":
            name = self.expect_name("a type name")
            if name.text in _SYSTEM_TYPES:
                raise self.error(
                    f"`{name.text}` is one of DataWeave's own types and cannot be declared: "
                    "choose another type name",
                    name,
                )
            self.expect("=", "after the type name")
            declared = self.type_expr()
            if self.at("{") and declared.kind == "name":  # schema properties
                declared = dataclasses.replace(declared, schema=self._object())
            return ast.TypeDecl(tok.line, tok.column, name.text, declared)
        if tok.text == "import":
            return self._import(tok)
        raise self.error("namespaces (`ns`) are XML-only; JSON has no namespaces", tok)

    def _import(self, tok: Token) -> ast.Decl:
        if self.at("*"):
            self.take()
            self._expect_from()
            return ast.ImportDecl(tok.line, tok.column, self._qualified_name(), None)
        first = self._qualified_name()
        if "::" in first:
            return ast.ImportDecl(tok.line, tok.column, first, (), whole=True)
        names = [first]
        while self.at(","):
            self.take()
            names.append(self.expect_name("a function name to import").text)
        self._expect_from()
        module = self._qualified_name()
        return ast.ImportDecl(tok.line, tok.column, module, tuple(names))

    def _expect_from(self) -> None:
        if not self.at_word("from"):
            raise self.error(
                f"expected `from` in the import, found {describe(self.tok)}: "
                "write `import * from dw::core::Strings`"
            )
        self.take()

    def _using(self) -> ast.Node:
        start = self.take()
        self.expect("(", "after `using`")
        decls: list[ast.Decl] = []
        while not self.at(")"):
            name = self.expect_name("a variable name")
            self.expect("=", "after the variable name")
            decls.append(
                ast.VarDecl(name.line, name.column, name.text, self.expression())
            )
            if not self.at(")"):
                self.expect(",", "between `using` variables")
        self.take()
        return ast.Do(start.line, start.column, tuple(decls), self.expression())

    def _array(self) -> ast.Node:
        open_ = self.take()
        items: list[ast.Node] = []
        while not self.at("]"):
            item = self.expression()
            if self.at("if"):  # `(item) if condition`: kept only when it holds
                cond = self.take()
                item = ast.CondItem(cond.line, cond.column, item, self.expression())
            items.append(item)
            if not self.at("]"):
                self.expect(",", "between array items")
        self.take()
        return ast.Array(open_.line, open_.column, tuple(items))

    def _object(self) -> ast.Object:
        open_ = self.take()
        fields: list[ast.Field | ast.Spread] = []
        while not self.at("}"):
            fields.append(self._member())
            if not self.at("}"):
                self.expect(",", "between object fields")
        self.take()
        return ast.Object(open_.line, open_.column, tuple(fields))

    def _member(self) -> ast.Field | ast.Spread:
        tok = self.tok
        if not self.at("("):
            return self._field()
        nxt = self.peek(1)
        if nxt.kind in ("IDENT", "KEYWORD", "STRING") and self.at(":", 2):
            self.take()
            field = self._field()
            self.expect(")", "to close the conditional field `(key: value) if cond`")
            cond = self._member_condition()
            return ast.Field(field.line, field.column, field.key, field.value, cond)
        self.take()
        inner = self.expression()
        self.expect(")", "to close the parenthesis")
        if self.at(":"):
            self.take()
            return ast.Field(tok.line, tok.column, inner, self.expression())
        return ast.Spread(tok.line, tok.column, inner, self._member_condition())

    def _member_condition(self) -> ast.Node | None:
        if not self.at("if"):
            return None
        self.take()
        return self.expression()

    def _field(self) -> ast.Field:
        tok = self.tok
        if tok.kind not in ("IDENT", "KEYWORD", "STRING", "TEMPLATE"):
            raise self.error(f"expected an object key, found {describe(tok)}")
        if tok.kind in ("IDENT", "KEYWORD") and tok.text in RESERVED:
            self.warn(
                f"`{tok.text}` is a reserved word in DataWeave, which refuses it as an "
                f'unquoted key: write `"{tok.text}": ...`',
                tok,
            )
        self.take()
        # `"$(name)": v` / `"$$": v`: an interpolated key is computed.
        key: str | ast.Node = (
            self._template(tok) if tok.kind == "TEMPLATE" else str(tok.value)
        )
        if self.at("@") or self.at("#"):
            raise self.error(_REJECTED_OPS[self.tok.text])
        self.expect(":", "after an object key")
        return ast.Field(tok.line, tok.column, key, self.expression())
