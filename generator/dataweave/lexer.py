"""Tokenizer for the supported DataWeave subset.

Strings: single or double quoted; the escapes n t r b f \\ " ' $ / and uXXXX (after a
backslash) are decoded; any other backslash sequence is kept verbatim, backslash included.
`$(` inside a double-quoted string (DataWeave string interpolation) is rejected.
Comments: `//` to end of line and `/* */`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from generator.dataweave.errors import DataWeaveError

KEYWORDS: Final = frozenset(
    {
        "and",
        "or",
        "not",
        "if",
        "else",
        "then",
        "default",
        "as",
        "do",
        "var",
        "true",
        "false",
        "null",
    }
)
# Words with a DataWeave meaning this subset does not implement; they fail with a clear message.
UNSUPPORTED_WORDS: Final = frozenset(
    {
        "fun",
        "import",
        "match",
        "case",
        "using",
        "unless",
        "otherwise",
        "is",
        "update",
        "at",
    }
)
# Longest first, so `<=>` wins over `<=` and `---` over `-`.
OPERATORS: Final = (
    "<=>", "---", "++", "--", "->", "==", "!=", "~=", "<=", ">=", "..", "$$",
    "<", ">", "+", "-", "*", "/", "(", ")", "{", "}", "[", "]", ",", ":", ".", "=", "!", "?",
    "$", "@", "#", "^", "&", "%",
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


@dataclass(frozen=True)
class Token:
    """One token: kind is IDENT, KEYWORD, STRING, NUMBER, TEMPORAL, OP or EOF."""

    kind: str
    text: str
    value: str | int | float | None
    line: int
    column: int


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
            tokens.append(Token("EOF", "", None, cur.line, cur.column))
            return tokens
        tokens.append(_next_token(cur))


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


def _next_token(cur: _Cursor) -> Token:
    char = cur.peek()
    line, column = cur.line, cur.column
    if char in "\"'":
        return _string(cur)
    if char == "|":
        return _temporal(cur)
    for regex, kind in ((_IDENT, "IDENT"), (_NUMBER, "NUMBER")):
        match = regex.match(cur.source, cur.pos, cur.end)
        if match:
            text = match.group()
            cur.advance(len(text))
            return _word(text, kind, line, column)
    for op in OPERATORS:
        if cur.source.startswith(op, cur.pos) and cur.pos + len(op) <= cur.end:
            cur.advance(len(op))
            return Token("OP", op, None, line, column)
    raise cur.error(f"unexpected character {char!r}")


def _word(text: str, kind: str, line: int, column: int) -> Token:
    if kind == "NUMBER":
        is_float = any(c in text for c in ".eE")
        return Token(
            "NUMBER", text, float(text) if is_float else int(text), line, column
        )
    return Token("KEYWORD" if text in KEYWORDS else "IDENT", text, text, line, column)


def _string(cur: _Cursor) -> Token:
    quote = cur.peek()
    line, column = cur.line, cur.column
    start = cur.pos
    cur.advance(1)
    parts: list[str] = []
    while True:
        char = cur.peek()
        if char == "":
            raise DataWeaveError("unterminated string literal", line, column)
        if char == quote:
            cur.advance(1)
            break
        if char == "\\":
            parts.append(_escape(cur))
            continue
        if quote == '"' and char == "$" and cur.peek(1) == "(":
            raise cur.error(
                "string interpolation $(...) inside a DataWeave string is not supported; "
                "use ++ to concatenate"
            )
        parts.append(char)
        cur.advance(1)
    return Token("STRING", cur.source[start : cur.pos], "".join(parts), line, column)


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
    line, column = cur.line, cur.column
    close = cur.source.find("|", cur.pos + 1, cur.end)
    if close < 0:
        raise cur.error("unterminated |...| date/time literal")
    text = cur.source[cur.pos + 1 : close]
    cur.advance(close + 1 - cur.pos)
    return Token("TEMPORAL", text, text, line, column)
