"""Tokenizer for DataWeave 2 expressions.

Strings: single or double quoted; the escapes n t r b f \\ " ' $ / ` and uXXXX (after a
backslash) are decoded; any other backslash sequence is kept verbatim, backslash included.
`$(expr)` and `$name` inside a string are interpolations (a TEMPLATE token; `\\$` is a plain
dollar). `/.../` is a regular expression where an operand is expected and a division elsewhere.
Comments: `//` to end of line and `/* */`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from generator.dataweave.builtins import BUILTINS
from generator.dataweave.errors import DataWeaveError

KEYWORDS: Final = frozenset(
    {
        "and",
        "or",
        "not",
        "if",
        "else",
        "unless",
        "default",
        "as",
        "is",
        "do",
        "var",
        "fun",
        "type",
        "import",
        "ns",
        "case",
        "using",
        "true",
        "false",
        "null",
    }
)
# Longest first, so `<=>` wins over `<=` and `---` over `-`.
OPERATORS: Final = (
    "<=>", "---", "$$$", "++", "--", "->", "==", "!=", "~=", "<=", ">=", "..", "$$", "::", ">>",
    "<<", "<", ">", "+", "-", "*", "/", "(", ")", "{", "}", "[", "]", ",", ":", ".", "=", "!",
    "?", "$", "@", "#", "^", "&", "%", "~", "|",
)  # fmt: skip
_IDENT: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER: Final = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_SPACE: Final = re.compile(r"[ \t\r\n\f\v]+")
_SIMPLE_ESCAPES: Final = MappingProxyType(
    {
    "n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f",
    "\\": "\\", '"': '"', "'": "'", "$": "$", "/": "/", "`": "`",
    }
)  # fmt: skip
# After these a `/` divides; anywhere else it starts a regular expression literal.
_OPERAND_END_KINDS: Final = frozenset(
    {"IDENT", "NUMBER", "STRING", "TEMPLATE", "TEMPORAL", "REGEX"}
)
_OPERAND_END_TEXT: Final = frozenset(
    {")", "]", "}", "$", "$$", "$$$", "?", "!", "true", "false", "null"}
)

# A TEMPLATE token's parts: literal text, or (start, end) offsets of an embedded expression.
TemplatePart = str | tuple[int, int]


@dataclass(frozen=True)
class Token:
    """One token: IDENT, KEYWORD, STRING, TEMPLATE, NUMBER, TEMPORAL, REGEX, OP or EOF."""

    kind: str
    text: str
    value: str | tuple[TemplatePart, ...] | None
    line: int
    column: int
    offset: int = 0

    def _moved(self, cur: _Cursor) -> Token:
        """This token, with cur moved past its text."""
        cur.advance(len(self.text))
        return self


class _Cursor:
    """Tracks offset and 1-based line/column while scanning a slice of the source."""

    def __init__(
        self, source: str, start: int, end: int, origin: tuple[int, int]
    ) -> None:
        self.source = source
        self.pos = start
        self.end = end
        self.line, self.column = origin

    def peek(self, offset: int = 0) -> str:
        """The character at pos+offset, or '' past the end."""
        at = self.pos + offset
        return self.source[at] if at < self.end else ""

    def advance(self, count: int) -> None:
        """Move forward, keeping line/column in step."""
        for _ in range(count):
            if self.source[self.pos] == "\n":
                self.line += 1
                self.column = 1
            else:
                self.column += 1
            self.pos += 1

    def error(self, message: str) -> DataWeaveError:
        """An error at the current position."""
        return DataWeaveError(message, self.line, self.column)


def position_of(source: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of an offset in source."""
    line = source.count("\n", 0, offset) + 1
    return line, offset - (source.rfind("\n", 0, offset) + 1) + 1


def tokenize(source: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Split source[start:end] into tokens (positions relative to the whole source)."""
    cur = _Cursor(
        source, start, len(source) if end is None else end, position_of(source, start)
    )
    tokens: list[Token] = []
    while True:
        _skip_trivia(cur)
        if cur.pos >= cur.end:
            tokens.append(Token("EOF", "", None, cur.line, cur.column, cur.pos))
            return tokens
        tokens.append(_next_token(cur, tokens[-1] if tokens else None))


def _skip_trivia(cur: _Cursor) -> None:
    while cur.pos < cur.end:
        match = _SPACE.match(cur.source, cur.pos, cur.end)
        if match:
            cur.advance(match.end() - cur.pos)
        elif cur.peek() == "/" and cur.peek(1) == "/":
            while cur.pos < cur.end and cur.peek() != "\n":
                cur.advance(1)
        elif cur.peek() == "/" and cur.peek(1) == "*":
            close = cur.source.find("*/", cur.pos + 2, cur.end)
            if close < 0:
                raise cur.error("unterminated /* comment")
            cur.advance(close + 2 - cur.pos)
        else:
            return


def _operand_ended(previous: Token | None) -> bool:
    if previous is None:
        return False
    if previous.kind == "IDENT" and previous.text in BUILTINS:
        return False  # `text splitBy /-/`: a function name is followed by its argument
    if previous.kind in _OPERAND_END_KINDS:
        return True
    return previous.kind in ("OP", "KEYWORD") and previous.text in _OPERAND_END_TEXT


def _next_token(cur: _Cursor, previous: Token | None) -> Token:
    char = cur.peek()
    line, column, offset = cur.line, cur.column, cur.pos
    if char in "\"'":
        return _string(cur)
    if char == "|" and not _operand_ended(previous):
        return _temporal(cur)
    if char == "/" and not _operand_ended(previous):
        try:
            return lex_regex(cur.source, cur.pos, cur.end, (line, column))[0]._moved(
                cur
            )
        except DataWeaveError:
            # Not a regex after all (`a splitBy /-/` is lexed as division first; the
            # parser re-reads a regex where an operand is expected and reports it there).
            cur.advance(1)
            return Token("OP", "/", None, line, column, offset)
    for regex, kind in ((_IDENT, "IDENT"), (_NUMBER, "NUMBER")):
        match = regex.match(cur.source, cur.pos, cur.end)
        if match:
            text = match.group()
            cur.advance(len(text))
            if kind == "IDENT" and text in KEYWORDS:
                kind = "KEYWORD"
            return Token(kind, text, text, line, column, offset)
    for op in OPERATORS:
        if cur.source.startswith(op, cur.pos) and cur.pos + len(op) <= cur.end:
            cur.advance(len(op))
            return Token("OP", op, None, line, column, offset)
    raise cur.error(f"unexpected character {char!r}")


def _string(cur: _Cursor) -> Token:
    quote = cur.peek()
    line, column, start = cur.line, cur.column, cur.pos
    cur.advance(1)
    parts: list[TemplatePart] = []
    text: list[str] = []
    while True:
        char = cur.peek()
        if char == "":
            raise DataWeaveError("unterminated string literal", line, column)
        if char == quote:
            cur.advance(1)
            break
        if char == "\\":
            text.append(_escape(cur))
            continue
        if char == "$":  # `$(expr)`, `$name`, and `$`/`$$`/`$$$` themselves
            if text:
                parts.append("".join(text))
                text = []
            parts.append(_interpolation(cur))
            continue
        text.append(char)
        cur.advance(1)
    raw = cur.source[start : cur.pos]
    if not any(isinstance(part, tuple) for part in parts):
        return Token("STRING", raw, "".join(text), line, column, start)
    if text:
        parts.append("".join(text))
    return Token("TEMPLATE", raw, tuple(parts), line, column, start)


def _interpolation(cur: _Cursor) -> tuple[int, int]:
    """Offsets of the expression of `$(expr)` or `$name` at the cursor (which moves past it)."""
    line, column = cur.line, cur.column
    cur.advance(1)
    if cur.peek() != "(" and not _IDENT.match(cur.peek()):
        begin = cur.pos - 1
        while cur.peek() == "$" and cur.pos - begin < 3:
            cur.advance(1)
        return begin, cur.pos
    if cur.peek() != "(":
        match = _IDENT.match(cur.source, cur.pos, cur.end)
        assert match is not None
        begin = cur.pos
        cur.advance(match.end() - cur.pos)
        return begin, cur.pos
    cur.advance(1)
    begin, depth, quote = cur.pos, 0, ""
    while True:
        char = cur.peek()
        if char == "":
            raise DataWeaveError("unterminated `$(` interpolation", line, column)
        if quote:
            if char == "\\":
                cur.advance(1)
            elif char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                end = cur.pos
                cur.advance(1)
                if not cur.source[begin:end].strip():
                    raise DataWeaveError("empty `$()` interpolation", line, column)
                return begin, end
            depth -= 1
        cur.advance(1)


def _escape(cur: _Cursor) -> str:
    nxt = cur.peek(1)
    if nxt in _SIMPLE_ESCAPES:
        cur.advance(2)
        return _SIMPLE_ESCAPES[nxt]
    hex_digits = cur.source[cur.pos + 2 : cur.pos + 6]
    if (
        nxt == "u"
        and re.fullmatch(r"[0-9A-Fa-f]{4}", hex_digits)
        and cur.pos + 6 <= cur.end
    ):
        cur.advance(6)
        return chr(int(hex_digits, 16))
    # Unknown escape: keep the backslash as text rather than guessing a meaning.
    cur.advance(1)
    return "\\"


def _temporal(cur: _Cursor) -> Token:
    line, column, start = cur.line, cur.column, cur.pos
    close = cur.source.find("|", cur.pos + 1, cur.end)
    if close < 0:
        raise cur.error("unterminated |...| date/time literal")
    text = cur.source[cur.pos + 1 : close]
    cur.advance(close + 1 - cur.pos)
    return Token("TEMPORAL", text, text, line, column, start)


def lex_regex(
    source: str, start: int, end: int, origin: tuple[int, int]
) -> tuple[Token, int]:
    """The regular expression literal at start, and the offset after it."""
    cur = _Cursor(source, start, end, origin)
    token = _regex(cur)
    return token, cur.pos


def _regex(cur: _Cursor) -> Token:
    line, column, start = cur.line, cur.column, cur.pos
    cur.advance(1)
    pattern: list[str] = []
    while True:
        char = cur.peek()
        if char in ("", "\n"):
            raise DataWeaveError(
                "unterminated regular expression `/.../` (write `\\/` for a slash)",
                line,
                column,
            )
        if char == "/":
            cur.advance(1)
            break
        if char == "\\" and cur.peek(1) == "/":
            pattern.append("/")
            cur.advance(2)
            continue
        if char == "\\" and cur.peek(1):
            pattern.append(char + cur.peek(1))
            cur.advance(2)
            continue
        pattern.append(char)
        cur.advance(1)
    raw = cur.source[start : cur.pos]
    return Token("REGEX", raw, "".join(pattern), line, column, start)
