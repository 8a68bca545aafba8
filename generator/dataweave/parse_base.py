"""The parser's state and token helpers, shared by the grammar levels (see parser.py)."""

from __future__ import annotations

import abc
import difflib
from collections.abc import Callable, Collection
from types import MappingProxyType
from typing import Final

from generator.dataweave import ast
from generator.dataweave.errors import DataWeaveError, DataWeaveWarning
from generator.dataweave.lexer import Token

MAX_DEPTH: Final = 32
_EQUALITY: Final = frozenset({"==", "!=", "~="})
_RELATIONAL: Final = frozenset({"<", "<=", ">", ">=", "<=>"})
_ADDITIVE: Final = frozenset({"+", "-", ">>", "<<"})
_MULTIPLICATIVE: Final = frozenset({"*", "/"})
# Words with a language meaning after an operand: never read as an infix function name.
_CHAIN_STOPS: Final = frozenset({"then", "at", "otherwise"})
# DataWeave's reserved words: never a variable, function or unquoted key name there.
RESERVED: Final = frozenset(
    {
        "if", "else", "unless", "using", "as", "is", "null", "true", "false", "default",
        "case", "fun", "input", "output", "ns", "type", "import", "var", "and", "or",
        "throw", "do", "for", "yield",
    }
)  # fmt: skip
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


def did_you_mean(name: str, candidates: Collection[str]) -> str:
    """`; did you mean `x`?` for the closest candidate names, or ''."""
    close = difflib.get_close_matches(name, sorted(candidates), n=3, cutoff=0.6)
    if not close:
        return ""
    return "; did you mean " + " or ".join(f"`{c}`" for c in close) + "?"


def describe(token: Token) -> str:
    """How an error message names a token."""
    if token.kind == "EOF":
        return "end of expression"
    return f"`{token.text}`" if len(token.text) <= 40 else f"`{token.text[:37]}...`"


class ParserBase(abc.ABC):
    """Holds the token list and position; one method per grammar level in the subclasses."""

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
        # Inside an `if` condition `then` ends it (JourneyForge's `if c then a else b`);
        # elsewhere `then` is dw::Core's infix function (`5 then $ + 1`).
        self.in_condition = 0

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
        if self.tok.text in RESERVED and what in ("a variable name", "a function name"):
            raise self.error(
                f"`{self.tok.text}` is a reserved word in DataWeave: choose another name"
            )
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

    # -- grammar levels defined by the subclasses (they call each other recursively) ---------

    @abc.abstractmethod
    def declarations(self, closing: str) -> tuple[ast.Decl, ...]:
        """Header or `do` declarations up to `---` (parser.Parser)."""

    @abc.abstractmethod
    def _postfix(self, node: ast.Node) -> ast.Node:
        """Selectors and calls after an operand (parse_terms)."""

    @abc.abstractmethod
    def _primary(self) -> ast.Node:
        """A literal, name, group, lambda, `if`, `do` (parse_terms)."""

    @abc.abstractmethod
    def _match(self, value: ast.Node) -> ast.Node:
        """`value match { case ... }` (parse_patterns)."""

    @abc.abstractmethod
    def _update(self, value: ast.Node) -> ast.Node:
        """`value update { case ... }` (parse_patterns)."""

    @abc.abstractmethod
    def _do(self) -> ast.Node:
        """`do { declarations --- body }` (parser.Parser)."""

    @abc.abstractmethod
    def _using(self) -> ast.Node:
        """`using (x = 1) body` (parser.Parser)."""

    @abc.abstractmethod
    def _array(self) -> ast.Node:
        """`[a, b]` (parser.Parser)."""

    @abc.abstractmethod
    def _field(self) -> ast.Field:
        """`key: value` (parser.Parser)."""

    def _field_ahead(self) -> bool:
        """Whether a `key: value` pair starts here (DataWeave's object without braces)."""
        return self.tok.kind in ("IDENT", "STRING", "TEMPLATE") and self.at(":", 1)

    @abc.abstractmethod
    def _object(self) -> ast.Object:
        """`{k: v}` (parser.Parser)."""
