"""JSON text to plain data plus a JSON pointer -> (line, column) table.

The values come from the standard `json` module (exact RFC 8259 strings, surrogate-pair escapes
such as `"\\ud83d\\udd04"` included); one regular-expression pass over the tokens adds what it
does not give: the position of every value, duplicate keys and the nesting depth, all checked
before `json` recurses.
"""

from __future__ import annotations

import bisect
import json
import re
from typing import Any

from .diagnostics import Location, SpecError, error

# Strings, the six structural characters, and everything else up to the next one (a number,
# `true`, `false`, `null`, or garbage json.loads reports itself).
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+', re.DOTALL)
_LONE_SURROGATE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])|"
    r"(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


def _escape(lexeme: str) -> str:
    return lexeme.replace("~", "~0").replace("/", "~1")


class _Lines:
    """Offset -> 1-based (line, column)."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def at(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1


def parse_json(
    text: str, display: str, max_nesting: int
) -> tuple[Any, dict[str, tuple[int, int]]]:
    """Parse JSON text; every problem is a SpecError at its line and column."""
    lines = _Lines(text)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(
            Location(display, exc.lineno, exc.colno),
            f"malformed JSON: {exc.msg}; fix the syntax",
        ) from None
    except RecursionError:
        _positions(
            text, display, lines, max_nesting
        )  # reports the depth with its place
        raise error(Location(display, 1, 1), "the document nests too deeply") from None
    return data, _positions(text, display, lines, max_nesting)


def _positions(
    text: str, display: str, lines: _Lines, max_nesting: int
) -> dict[str, tuple[int, int]]:
    positions: dict[str, tuple[int, int]] = {}
    # One frame per open container: [pointer, keys seen (None for arrays), next index/key].
    stack: list[list[Any]] = []
    expect_key = False
    pending_key: str | None = None
    for match in _TOKEN.finditer(text):
        lexeme = match.group()
        if lexeme in (":", ","):
            if lexeme == "," and stack and stack[-1][1] is not None:
                expect_key = True
            continue
        if lexeme in ("}", "]"):
            stack.pop()
            expect_key = False
            continue
        if expect_key:  # an object key
            key = json.loads(lexeme)
            seen = stack[-1][1]
            if key in seen:
                raise error(
                    Location(display, *lines.at(match.start())),
                    f"duplicate key {key!r} in this object; JSON readers keep only one of "
                    "them, so remove or rename the other",
                )
            seen.add(key)
            pending_key, expect_key = key, False
            continue
        pointer = _value_pointer(stack, pending_key)
        pending_key = None
        positions.setdefault(pointer, lines.at(match.start()))
        if lexeme.startswith('"') and "\\u" in lexeme and _lone_surrogate(lexeme):
            raise error(
                Location(display, *lines.at(match.start())),
                "this string holds a lone UTF-16 surrogate escape (\\ud800-\\udfff "
                "without its pair), which is no Unicode text; escape the whole pair",
            )
        if lexeme in ("{", "["):
            if len(stack) >= max_nesting:
                raise error(
                    Location(display, *lines.at(match.start())),
                    f"the document nests more than {max_nesting} levels deep; flatten it "
                    "or use $ref",
                )
            stack.append([pointer, set() if lexeme == "{" else None, 0])
            expect_key = lexeme == "{"
    return positions


def _lone_surrogate(lexeme: str) -> bool:
    if not _LONE_SURROGATE.search(lexeme):
        return False
    return any(0xD800 <= ord(c) <= 0xDFFF for c in json.loads(lexeme))


def _value_pointer(stack: list[list[Any]], key: str | None) -> str:
    if not stack:
        return ""
    frame = stack[-1]
    if frame[1] is not None:
        return f"{frame[0]}/{_escape(key or '')}"
    index = frame[2]
    frame[2] += 1
    return f"{frame[0]}/{index}"


__all__ = ["SpecError", "parse_json"]
