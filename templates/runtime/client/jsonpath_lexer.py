"""JSONPath (RFC 9535) lexing: the scanner the parsers are built on, with the tokens below
the grammar's expressions: whitespace, member-name characters, integers, string literals and
their escapes, and the nesting limit.
"""

from __future__ import annotations

import re

from .jsonpath_nodes import CompareOp, JsonPathError

MAX_INT = 2**53 - 1
MAX_DEPTH = 16

WS = " \t\r\n"
NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
NUMBER_LIKE = re.compile(r"[-+0-9.eE]+")
INT_LIKE = re.compile(r"-?[0-9]+")
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "/": "/", "\\": "\\"}
COMPARE_OPS: tuple[CompareOp, ...] = ("==", "!=", "<=", ">=", "<", ">")
_HEX = "0123456789abcdefABCDEF"
LITERALS: dict[str, bool | None] = {"true": True, "false": False, "null": None}


def is_name_first(ch: str) -> bool:
    code = ord(ch)
    return (
        ("a" <= ch <= "z")
        or ("A" <= ch <= "Z")
        or ch == "_"
        or 0x80 <= code <= 0xD7FF
        or 0xE000 <= code <= 0x10FFFF
    )


def is_name_char(ch: str) -> bool:
    return is_name_first(ch) or "0" <= ch <= "9"


def is_surrogate(ch: str) -> bool:
    return 0xD800 <= ord(ch) <= 0xDFFF


class Lexer:
    """A position in one query string and the tokens read from it (RFC 9535 §2 ABNF)."""

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
        while self.pos < len(self.text) and self.text[self.pos] in WS:
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

    def integer(self) -> int | None:
        start = self.pos
        match = INT_LIKE.match(self.text, self.pos)
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
            if ord(ch) < 0x20 or is_surrogate(ch):
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
