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

import difflib
from collections.abc import Callable, Collection
from types import MappingProxyType
from typing import Final

from generator.dataweave import ast
from generator.dataweave.builtins import BUILTINS, MODULE_FUNCTIONS
from generator.dataweave.errors import DataWeaveError, DataWeaveWarning
from generator.dataweave.lexer import Token, lex_regex, tokenize

MAX_DEPTH: Final = 32
_EQUALITY: Final = frozenset({"==", "!=", "~="})
_RELATIONAL: Final = frozenset({"<", "<=", ">", ">=", "<=>"})
_ADDITIVE: Final = frozenset({"+", "-", ">>", "<<"})
_MULTIPLICATIVE: Final = frozenset({"*", "/"})
# Words with a language meaning after an operand: never read as an infix function name.
_CHAIN_STOPS: Final = frozenset({"then", "at", "otherwise"})
_DECL_WORDS: Final = frozenset({"var", "fun", "type", "import", "ns"})
_REJECTED_OPS: Final = MappingProxyType(
    {
        "@": "attribute selectors `@` are XML-only; JSON values have no attributes",
        "#": "namespace selectors `#` are XML-only; JSON values have no namespaces",
        "^": "the metadata selector `.^` reads schema properties of a value (`as T {class: "
        "...}`), which JSON input does not carry",
        "%": "script headers other than `import`, `var`, `fun`, `type` (`%dw 2.0`, `output ...`) "
        "are not part of an expression; write only the body",
        "---": "`---` separates declarations from the body: write `do { var a = 1 --- a }`",
        "~": "`~` is only allowed in `match` patterns: `case [head ~ tail] ->`",
    }
)
INFIX_LANGUAGE: Final = frozenset({"to", "++", "--"})


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


def did_you_mean(name: str, candidates: Collection[str]) -> str:
    """`; did you mean `x`?` for the closest candidate names, or ''."""
    close = difflib.get_close_matches(name, sorted(candidates), n=3, cutoff=0.6)
    if not close:
        return ""
    return "; did you mean " + " or ".join(f"`{c}`" for c in close) + "?"


class Parser:
    """Holds the token list and position; one method per grammar level."""

    def __init__(
        self,
        tokens: list[Token],
        source: str,
        warnings: list[DataWeaveWarning] | None = None,
    ) -> None:
        self.tokens = tokens
        self.source = source
        self.pos = 0
        self.depth = 0
        self.warnings: list[DataWeaveWarning] = [] if warnings is None else warnings
        # Functions and variables declared so far: they may be called infix (`3 add 4`).
        self.local_functions: set[str] = set()
        # Inside the declarations of a `do` block written without `---`, an unknown word after
        # a complete value starts the body instead of being an infix call.
        self.open_declarations = 0
        # JourneyForge's older grouping (infix functions tighter than comparisons, `not`
        # tight), used only to recover the meaning of an expression DataWeave reads as an error.
        self.legacy = False

    # -- token helpers -------------------------------------------------------------------------

    @property
    def tok(self) -> Token:
        """The current token."""
        return self.tokens[self.pos]

    def peek(self, offset: int) -> Token:
        """The token at pos+offset (EOF past the end)."""
        return self.tokens[min(self.pos + offset, len(self.tokens) - 1)]

    def at(self, text: str, offset: int = 0) -> bool:
        """Whether the token at pos+offset is an operator or keyword spelled `text`."""
        token = self.peek(offset)
        return token.kind in ("OP", "KEYWORD") and token.text == text

    def at_word(self, text: str, offset: int = 0) -> bool:
        """Whether the token at pos+offset is the identifier `text`."""
        token = self.peek(offset)
        return token.kind == "IDENT" and token.text == text

    def take(self) -> Token:
        """Consume and return the current token."""
        token = self.tok
        self.pos = min(self.pos + 1, len(self.tokens) - 1)
        return token

    def expect(self, text: str, context: str) -> Token:
        """Consume `text` or fail saying what was expected."""
        if not self.at(text):
            raise self.error(f"expected `{text}` {context}, found {describe(self.tok)}")
        return self.take()

    def expect_name(self, what: str) -> Token:
        """Consume an identifier or fail."""
        if self.tok.kind != "IDENT":
            raise self.error(f"expected {what}, found {describe(self.tok)}")
        return self.take()

    def error(self, message: str, token: Token | None = None) -> DataWeaveError:
        """An error positioned at token (default: the current one)."""
        where = token or self.tok
        return DataWeaveError(message, where.line, where.column)

    def warn(self, message: str, token: Token) -> None:
        """Record a JourneyForge spelling compiled with its unambiguous meaning."""
        self.warnings.append(DataWeaveWarning(message, token.line, token.column))

    def nested(self, parse: Callable[[], ast.Node]) -> ast.Node:
        """Run a recursive step, failing cleanly instead of exhausting the Python stack."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"expression nested deeper than {MAX_DEPTH} levels")
        try:
            return parse()
        finally:
            self.depth -= 1

    # -- whole expressions ---------------------------------------------------------------------

    def whole(self) -> ast.Node:
        """An expression (optionally after header declarations and `---`) up to the end."""
        if self.tok.kind == "KEYWORD" and self.tok.text in _DECL_WORDS:
            start = self.tok
            decls = self.declarations(closing="")
            node: ast.Node = ast.Do(start.line, start.column, decls, self.expression())
        else:
            node = self.expression()
        if self.tok.kind != "EOF":
            raise self.error(
                f"unexpected {describe(self.tok)} after a complete expression"
            )
        return node

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
        if name in _CHAIN_STOPS:
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
                node = ast.Is(op.line, op.column, node, self.type_expr())
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

    # -- types ---------------------------------------------------------------------------------

    def type_expr(self) -> ast.TypeRef:
        """A type: `Name`, `Name<T, ...>`, `A | B`, a literal type, `{...}` or `(A) -> B`."""
        first = self.tok
        members = [self._type_atom()]
        while self.at("|"):
            self.take()
            members.append(self._type_atom())
        if len(members) == 1:
            return members[0]
        return ast.TypeRef(first.line, first.column, "union", args=tuple(members))

    def _type_atom(self) -> ast.TypeRef:
        tok = self.tok
        if tok.kind == "STRING" or tok.kind == "NUMBER":
            self.take()
            value: ast.Scalar = str(tok.value)
            if tok.kind == "NUMBER":
                value = int(tok.text) if tok.text.isdigit() else tok.text
            return ast.TypeRef(tok.line, tok.column, "literal", value=value)
        if self.at("true") or self.at("false") or self.at("null"):
            self.take()
            literal = {"true": True, "false": False, "null": None}[tok.text]
            return ast.TypeRef(tok.line, tok.column, "literal", value=literal)
        if self.at("{"):
            self._skip_balanced("{", "}")
            return ast.TypeRef(tok.line, tok.column, "name", name="Object")
        if self.at("("):
            self._skip_balanced("(", ")")
            if self.at("->"):
                self.take()
                self.type_expr()
                return ast.TypeRef(tok.line, tok.column, "name", name="Function")
            raise self.error("expected `->` after function parameter types")
        if tok.kind != "IDENT":
            raise self.error(f"expected a type name, found {describe(tok)}")
        name = self._qualified_name()
        args: tuple[ast.TypeRef, ...] = ()
        if self.at("<"):
            args = self._type_arguments()
        return ast.TypeRef(tok.line, tok.column, "name", name=name, args=args)

    def _type_arguments(self) -> tuple[ast.TypeRef, ...]:
        self.take()
        args = [self.type_expr()]
        while self.at(","):
            self.take()
            args.append(self.type_expr())
        if self.at(">>"):
            # `Array<Array<T>>`: the lexer read both closing brackets as one `>>`.
            tok = self.tok
            self.tokens[self.pos] = Token(
                "OP", ">", None, tok.line, tok.column + 1, tok.offset + 1
            )
        else:
            self.expect(">", "to close the type arguments")
        return tuple(args)

    def _skip_balanced(self, open_: str, close: str) -> None:
        start = self.take()
        depth = 1
        while depth:
            if self.tok.kind == "EOF":
                raise self.error(f"unclosed `{open_}`", start)
            depth += self.at(open_) - self.at(close)
            self.take()

    def _qualified_name(self) -> str:
        """`name` or `dw::core::Strings::name`."""
        parts = [self.expect_name("a name").text]
        while self.at("::"):
            self.take()
            parts.append(self.expect_name("a name after `::`").text)
        return "::".join(parts)

    # -- selectors -----------------------------------------------------------------------------

    def _postfix(self, node: ast.Node) -> ast.Node:
        while True:
            tok = self.tok
            if self.at(".") or self.at(".."):
                node = self._selector(node)
            elif self.at("["):
                node = self._index(node)
            elif self.at("?"):
                self.take()
                node = ast.Exists(tok.line, tok.column, node)
            elif self.at("!") and isinstance(node, ast.Select | ast.Index):
                self.take()
                node = ast.Assert(tok.line, tok.column, node)
            elif self.at("(") and isinstance(node, ast.Name):
                node = ast.Call(node.line, node.column, node.name, self._arguments())
            elif self.at("(") and isinstance(node, ast.Call | ast.Lambda | ast.Apply):
                node = ast.Apply(tok.line, tok.column, node, self._arguments())
            elif self.at("@") or self.at("#") or self.at("^"):
                raise self.error(_REJECTED_OPS[tok.text])
            else:
                return node

    def _selector(self, target: ast.Node) -> ast.Node:
        dot = self.take()
        mode = "descendants" if dot.text == ".." else "single"
        if dot.text == "." and (self.at("*") or self.at("&")):
            mode = "multi" if self.take().text == "*" else "keyvalue"
        key = self.tok
        if key.kind in ("IDENT", "KEYWORD", "STRING"):
            self.take()
            return ast.Select(dot.line, dot.column, target, str(key.value), mode)
        if key.kind == "OP" and key.text in ("@", "^", "#"):
            raise self.error(_REJECTED_OPS[key.text], key)
        raise self.error(
            f"expected a field name after `{dot.text}`, found {describe(key)}", key
        )

    def _index(self, target: ast.Node) -> ast.Node:
        open_ = self.take()
        if self.at("?") and self.at("(", 1):
            self.take()
            self.take()
            condition = self.expression()
            self.expect(")", "to close the filter selector `[?( )]`")
            self.expect("]", "to close the filter selector `[?( )]`")
            return ast.FilterSelect(open_.line, open_.column, target, condition)
        if self.at("@") or self.at("^") or self.at("#"):
            raise self.error(_REJECTED_OPS[self.tok.text])
        index = self.expression()
        self.expect("]", "to close the index selector")
        return ast.Index(open_.line, open_.column, target, index)

    def _arguments(self) -> tuple[ast.Node, ...]:
        self.expect("(", "to start the argument list")
        args: list[ast.Node] = []
        while not self.at(")"):
            args.append(self.expression())
            if not self.at(")"):
                self.expect(",", "between arguments")
        self.take()
        return tuple(args)

    # -- primaries -----------------------------------------------------------------------------

    def _primary(self) -> ast.Node:
        tok = self.tok
        if tok.kind == "STRING":
            self.take()
            return ast.Literal(tok.line, tok.column, str(tok.value))
        if tok.kind == "NUMBER" or (tok.kind == "OP" and tok.text == "-"):
            return self._number()
        if tok.kind == "OP" and tok.text == "/":
            # After a name the lexer read `/` as a division; here an operand starts.
            self._relex_regex(tok)
            return self._primary()
        if tok.kind == "TEMPLATE":
            return self._template(self.take())
        if tok.kind == "REGEX":
            self.take()
            return ast.Regex(tok.line, tok.column, str(tok.value))
        if tok.kind == "TEMPORAL":
            self.take()
            return ast.Temporal(tok.line, tok.column, str(tok.value))
        if tok.kind == "KEYWORD":
            return self._keyword_primary(tok)
        if tok.kind == "IDENT":
            return ast.Name(tok.line, tok.column, self._qualified_name())
        return self._punctuation_primary(tok)

    def _relex_regex(self, tok: Token) -> None:
        end = self.tokens[-1].offset
        regex, after = lex_regex(self.source, tok.offset, end, (tok.line, tok.column))
        self.tokens[self.pos :] = [regex, *tokenize(self.source, after, end)]

    def _number(self) -> ast.Node:
        tok = self.take()
        sign = ""
        if tok.text == "-":
            sign, tok = "-", self.take()
        text = sign + tok.text
        if text.lstrip("-").isdigit():
            return ast.Literal(tok.line, tok.column, int(text))
        return ast.Number(tok.line, tok.column, text)

    def _template(self, tok: Token) -> ast.Node:
        assert isinstance(tok.value, tuple)
        parts: list[str | ast.Node] = []
        for part in tok.value:
            if isinstance(part, str):
                parts.append(part)
                continue
            inner = Parser(tokenize(self.source, *part), self.source, self.warnings)
            inner.local_functions = self.local_functions
            inner.depth = self.depth
            parts.append(inner.whole())
        return ast.Template(tok.line, tok.column, tuple(parts))

    def _keyword_primary(self, tok: Token) -> ast.Node:
        constants = {"true": True, "false": False, "null": None}
        if tok.text in constants:
            self.take()
            return ast.Literal(tok.line, tok.column, constants[tok.text])
        if tok.text in ("if", "unless"):
            return self._if()
        if tok.text == "do":
            return self._do()
        if tok.text == "using":
            return self._using()
        if tok.text in _DECL_WORDS:
            raise self.error(
                f"`{tok.text}` declarations belong at the start of the expression or of a "
                f"`do {{ ... --- body }}` block"
            )
        raise self.error(f"expected an expression, found keyword `{tok.text}`")

    def _punctuation_primary(self, tok: Token) -> ast.Node:
        if tok.kind == "OP" and tok.text in ("$", "$$", "$$$"):
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
        if tok.kind == "OP" and tok.text in _REJECTED_OPS:
            raise self.error(_REJECTED_OPS[tok.text])
        raise self.error(f"expected an expression, found {describe(tok)}")

    # -- lambdas and functions -----------------------------------------------------------------

    def _lambda_ahead(self) -> bool:
        """Whether the parenthesis at pos closes just before `->` (or `: Type ->`)."""
        depth, offset = 0, 0
        while True:
            token = self.peek(offset)
            if token.kind == "EOF":
                return False
            if token.kind == "OP" and token.text in ("(", "[", "{"):
                depth += 1
            elif token.kind == "OP" and token.text in (")", "]", "}"):
                depth -= 1
                if depth == 0:
                    break
            offset += 1
        if self.at("->", offset + 1):
            return True
        return (
            self.at(":", offset + 1)
            and self.peek(offset + 2).kind == "IDENT"
            and self.at("->", offset + 3)
        )

    def params(self) -> tuple[ast.Param, ...]:
        """`(name [: Type] [= default], ...)`; types are parsed and erased."""
        open_ = self.expect("(", "to start the parameters")
        params: list[ast.Param] = []
        while not self.at(")"):
            name = self.expect_name("a parameter name")
            if self.at(":"):
                self.take()
                self.type_expr()
            default = None
            if self.at("="):
                self.take()
                default = self.expression()
            params.append(ast.Param(name.line, name.column, name.text, default))
            if not self.at(")"):
                self.expect(",", "between parameters")
        self.take()
        names = [param.name for param in params]
        if len(set(names)) != len(names):
            raise self.error("duplicate parameter name", open_)
        return tuple(params)

    def _lambda(self) -> ast.Node:
        open_ = self.tok
        params = self.params()
        if self.at(":"):
            self.take()
            self.type_expr()
        self.expect("->", "after lambda parameters")
        return ast.Lambda(open_.line, open_.column, params, self.expression())

    # -- flow control --------------------------------------------------------------------------

    def _if(self) -> ast.Node:
        start = self.take()
        cond = self._condition(start)
        then = self.expression()
        self.expect("else", f"after the `{start.text}` branch (`else` is required)")
        otherwise = self.expression()
        if start.text == "unless":
            then, otherwise = otherwise, then
        return ast.If(start.line, start.column, cond, then, otherwise)

    def _condition(self, start: Token) -> ast.Node:
        """`(cond)`, or JourneyForge's `(cond) then` / `cond then` (with a warning)."""
        fix = f"`then` is not DataWeave: write `{start.text} (condition) a else b`"
        if not self.at("("):
            cond = self.expression()
            if not self.at_word("then"):
                raise self.error(
                    f"expected `(` after `{start.text}`: write `{start.text} (condition) "
                    "a else b`"
                )
            self.warn(fix, self.take())
            return cond
        mark = self.pos
        self.take()
        paren = self.expression()
        self.expect(")", f"to close the `{start.text}` condition")
        if self.at_word("then"):
            self.warn(fix, self.take())
            return paren
        after_paren = self.pos
        self.pos = mark
        saved = len(self.warnings)
        try:
            full: ast.Node | None = self.expression()
        except DataWeaveError:
            full = None
        if full is not None and self.at_word("then"):
            self.warn(fix, self.take())
            return full
        del self.warnings[saved:]
        self.pos = after_paren
        return paren

    def _match(self, value: ast.Node) -> ast.Node:
        start = self.take()
        self.expect("{", "after `match`")
        cases: list[ast.Case] = []
        while self.at("case"):
            case = self.take()
            pattern = self._pattern(case)
            guard = self._guard()
            self.expect("->", "after the `case` pattern")
            cases.append(
                ast.Case(case.line, case.column, pattern, guard, self.expression())
            )
        if self.at("else"):
            other = self.take()
            if self.at("->"):
                self.take()
            pattern = ast.Pattern(other.line, other.column, "else")
            cases.append(
                ast.Case(other.line, other.column, pattern, None, self.expression())
            )
        if not cases:
            raise self.error(
                "a `match` needs at least one `case pattern -> value`", start
            )
        self.expect("}", "to close `match` (expected `case`, `else` or `}`)")
        return ast.Match(start.line, start.column, value, tuple(cases))

    def _guard(self) -> ast.Node | None:
        """`if cond` of a case; `if (cond) ->` is a parenthesized condition, not a lambda."""
        if not self.at("if"):
            return None
        self.take()
        if self.at("(") and self._lambda_ahead():
            self.take()
            cond = self.expression()
            self.expect(")", "to close the `case` condition")
            return cond
        return self.expression()

    def _pattern(self, case: Token) -> ast.Pattern:
        tok = self.tok
        if self.at("is"):
            self.take()
            return ast.Pattern(tok.line, tok.column, "type", type=self.type_expr())
        if self.at_word("matches"):
            self.take()
            return ast.Pattern(
                tok.line, tok.column, "regex", value=self._regex_operand()
            )
        if tok.kind == "IDENT" and not self.at("::", 1):
            return self._named_pattern(tok)
        if self.at("[") and self.peek(1).kind == "IDENT" and self.at("~", 2):
            return self._array_pattern()
        if self.at("{") and self.peek(1).kind == "IDENT" and self.at(":", 2):
            return self._object_pattern()
        value = self._or()
        if isinstance(value, ast.Regex):
            raise self.error(
                "a regular expression pattern is written `case matches /.../ ->` "
                "(or `case name matches /.../ ->`)",
                tok,
            )
        return ast.Pattern(tok.line, tok.column, "literal", value=value)

    def _named_pattern(self, tok: Token) -> ast.Pattern:
        nxt = self.peek(1)
        if nxt.kind == "KEYWORD" and nxt.text == "is":
            self.take()
            self.take()
            return ast.Pattern(
                tok.line, tok.column, "type", binder=tok.text, type=self.type_expr()
            )
        if nxt.kind == "IDENT" and nxt.text == "matches":
            self.take()
            self.take()
            regex = self._regex_operand()
            return ast.Pattern(
                tok.line, tok.column, "regex", binder=tok.text, value=regex
            )
        if self.at("if", 1) or self.at("->", 1):
            self.take()
            return ast.Pattern(tok.line, tok.column, "bind", binder=tok.text)
        value = self._or()
        return ast.Pattern(tok.line, tok.column, "literal", value=value)

    def _regex_operand(self) -> ast.Node:
        node = self._or()
        if not isinstance(node, ast.Regex):
            raise self.error("expected a regular expression `/.../` after `matches`")
        return node

    def _array_pattern(self) -> ast.Pattern:
        open_ = self.take()
        head = self.take().text
        self.take()
        tail = self.expect_name("a name for the rest of the array").text
        self.expect("]", "to close the `[head ~ tail]` pattern")
        return ast.Pattern(open_.line, open_.column, "array", binder=head, rest=tail)

    def _object_pattern(self) -> ast.Pattern:
        open_ = self.take()
        key = self.take().text
        self.take()
        value = self.expect_name("a name for the first value").text
        self.expect("~", "in the `{key: value ~ rest}` pattern")
        rest = self.expect_name("a name for the rest of the object").text
        self.expect("}", "to close the `{key: value ~ rest}` pattern")
        return ast.Pattern(
            open_.line, open_.column, "object", binder=value, key_name=key, rest=rest
        )

    def _update(self, value: ast.Node) -> ast.Node:
        start = self.take()
        self.expect("{", "after `update`")
        cases: list[ast.UpdateCase] = []
        while self.at("case"):
            case = self.take()
            binder = None
            if self.tok.kind == "IDENT" and self.at_word("at", 1):
                binder = self.take().text
                self.take()
            path = self._update_path()
            guard = self._guard()
            self.expect("->", "after the `update` field path")
            body = self.expression()
            cases.append(
                ast.UpdateCase(case.line, case.column, binder, path, guard, body)
            )
        if not cases:
            raise self.error("an `update` needs at least one `case .path -> value`")
        self.expect("}", "to close `update` (expected `case` or `}`)")
        return ast.Update(start.line, start.column, value, tuple(cases))

    def _update_path(self) -> tuple[ast.PathStep, ...]:
        steps: list[ast.PathStep] = []
        while self.at(".") or self.at("["):
            tok = self.take()
            if tok.text == "[":
                if self.at("*"):
                    raise self.error("`[*]` is not an `update` path step; use `.*key`")
                index = self.expression()
                self.expect("]", "to close the index in the `update` path")
                steps.append(ast.PathStep(tok.line, tok.column, "index", index=index))
                continue
            kind = "key"
            if self.at("*"):
                self.take()
                kind = "multi"
            if self.at("@") or self.at("^") or self.at("#"):
                raise self.error(_REJECTED_OPS[self.tok.text])
            key = self.tok
            if key.kind not in ("IDENT", "KEYWORD", "STRING"):
                raise self.error(f"expected a field name, found {describe(key)}")
            self.take()
            upsert = self.at("!") and bool(self.take())
            steps.append(
                ast.PathStep(
                    tok.line, tok.column, kind, key=str(key.value), upsert=upsert
                )
            )
        if not steps:
            raise self.error(
                "expected a field path such as `.name`, `.items[0].price` after `case`"
            )
        return tuple(steps)

    # -- scopes --------------------------------------------------------------------------------

    def _do(self) -> ast.Node:
        start = self.take()
        self.expect("{", "after `do`")
        decls = self.declarations(closing="}")
        body = self.expression()
        self.expect("}", "to close the `do` block")
        return ast.Do(start.line, start.column, decls, body)

    def declarations(self, closing: str) -> tuple[ast.Decl, ...]:
        """Declarations up to and including `---` (JourneyForge may omit it inside `do`)."""
        decls: list[ast.Decl] = []
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
            self.expect("=", "after the type name")
            return ast.TypeDecl(tok.line, tok.column, name.text, self.type_expr())
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

    # -- constructors --------------------------------------------------------------------------

    def _array(self) -> ast.Node:
        open_ = self.take()
        items: list[ast.Node] = []
        while not self.at("]"):
            items.append(self.expression())
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
        if tok.kind not in ("IDENT", "KEYWORD", "STRING"):
            raise self.error(f"expected an object key, found {describe(tok)}")
        self.take()
        if self.at("@") or self.at("#"):
            raise self.error(_REJECTED_OPS[self.tok.text])
        self.expect(":", "after an object key")
        return ast.Field(tok.line, tok.column, str(tok.value), self.expression())


def describe(token: Token) -> str:
    """How an error message names a token."""
    if token.kind == "EOF":
        return "end of expression"
    return f"`{token.text}`" if len(token.text) <= 40 else f"`{token.text[:37]}...`"
