"""black over a large module one definition at a time: black's bytes, in time linear in the size.

black formats each logical line on its own; what ties lines together is only the number of
blank lines black puts between them (its `EmptyLineTracker`). Between two sibling definitions
that number is fixed when the second one is a `def`, `async def`, `class` or decorator line,
the source has at least one blank line before it, and the line before those blank lines is
neither a comment nor a decorator nor a block header (ending in `:`): black then writes two
blank lines at module level and one inside a class, whatever came before. `split` cuts a module
only at such lines: at module level and directly inside a top-level class. Each piece is
formatted alone (a class member inside a stand-in `class _W:`, so it keeps its depth) and the
pieces are joined with those blank lines. A piece black cannot parse, or a module with
`fmt:`/`yapf:` pragmas, form feeds or carriage returns, is formatted whole instead
(`format_source` returns None), so what a cut cannot prove is never guessed.

A generated module repeats the same few definitions once per operation, differing only in
names and words. black's decisions depend on keywords, punctuation, whitespace, quotes,
backslashes and the width of every token, never on how an identifier or a word inside a plain
string is spelled. `shape` replaces each such identifier and word by a run of one placeholder
letter of the same length; pieces of equal shape are formatted once, and each gets its own
words back in order (a word count that does not match falls back to formatting the piece
itself). Keywords, numbers, f-strings, strings with backslashes and `type:` comments are kept
as written, so they are part of the shape.
"""

from __future__ import annotations

import hashlib
import keyword
import re
from collections.abc import Callable

# A letter black counts as one column wide, not used by the generated code (a piece that does
# contain it is formatted as written).
PLACEHOLDER = "\u019b"
_RUN = re.compile(PLACEHOLDER + "+")
_KEEP = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist)
_TOKEN = re.compile(
    r"""
     (?P<comment>\#[^\n]*)
    |(?P<string>(?P<prefix>[rRbBuUfFtT]{1,2})?
        (?:\"\"\"(?:[^"\\]|\\[\s\S]|"(?!""))*\"\"\"
          |'''(?:[^'\\]|\\[\s\S]|'(?!''))*'''
          |"(?:[^"\\\n]|\\[\s\S])*"
          |'(?:[^'\\\n]|\\[\s\S])*'))
    |(?P<number>\.?\d[\w.]*)
    |(?P<name>[^\W\d]\w*)
    """,
    re.VERBOSE,
)
_WORD = re.compile(r"[A-Za-z0-9_]+")
_CUT = re.compile(r"(?:@|def |async def |class )")
_UNSAFE = ("fmt:", "yapf:", "\f", "\r")
_WRAPPER = "class _W:\n"


def split(text: str) -> list[tuple[int, str]] | None:
    """The pieces of `text` as (depth of the definition that starts it, text); the first piece
    has depth -1. None when the module has no safe cut or must be formatted whole."""
    if any(marker in text for marker in _UNSAFE):
        return None
    lines = text.splitlines(keepends=True)
    pieces: list[tuple[int, str]] = []
    start, depth = 0, -1
    in_class = False
    blank_before = False
    last = ""  # the last non-blank line
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            blank_before = True
            continue
        top = not line[0].isspace()
        if top and line[0] not in ")]}#'\"":
            if line.startswith("class "):
                in_class = True
            elif not line.startswith("@"):
                in_class = False
        cut = -1
        if blank_before and _safe_after(last):
            if top and _CUT.match(line):
                cut = 0
            elif in_class and line.startswith("    ") and _CUT.match(line, 4):
                cut = 1
        if cut >= 0 and index > start:
            pieces.append((depth, "".join(lines[start:index])))
            start, depth = index, cut
        blank_before = False
        last = stripped
    if not pieces:
        return None
    pieces.append((depth, "".join(lines[start:])))
    return pieces


def _safe_after(last: str) -> bool:
    return bool(last) and last[0] not in "#@" and last[-1] not in ":\\,([{"


def shape(text: str) -> tuple[str, list[str]] | None:
    """`text` with every spelling black ignores replaced by placeholders, and the replaced
    words in order; None when `text` already holds the placeholder letter."""
    if PLACEHOLDER in text:
        return None
    words: list[str] = []

    def hide(word: str) -> str:
        words.append(word)
        return PLACEHOLDER * len(word)

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        kind = match.lastgroup
        if kind == "name":
            return token if token in _KEEP or len(token) < 2 else hide(token)
        if kind == "comment":
            return token if "type:" in token else _words(token, hide)
        if kind == "string":
            prefix = match.group("prefix") or ""
            if "\\" in token or any(c in prefix for c in "fFtT"):
                return token
            return prefix + _words(token[len(prefix) :], hide)
        return token

    return _TOKEN.sub(replace, text), words


def _words(token: str, hide: Callable[[str], str]) -> str:
    return _WORD.sub(lambda m: hide(m.group(0)), token)


def unshape(formatted: str, words: list[str]) -> str | None:
    """Put `words` back into a formatted shape; None if the placeholders do not match them."""
    runs = _RUN.findall(formatted)
    if len(runs) != len(words) or any(
        len(r) != len(w) for r, w in zip(runs, words, strict=True)
    ):
        return None
    it = iter(words)
    return _RUN.sub(lambda _: next(it), formatted)


class ShapeCache:
    """black results by piece shape, for the life of one formatter."""

    def __init__(self, black: Callable[[str], str]) -> None:
        self._black = black
        self._done: dict[str, str] = {}

    def piece(self, depth: int, text: str) -> str:
        """One piece formatted as black formats it inside the whole module, without the
        blank lines before it and the newline after it."""
        source = text.lstrip("\n")
        if depth == 1:
            source = _WRAPPER + source
        result = _literal_pieces(source, self.source) if depth <= 0 else None
        if result is None:
            result = self.source(source)
        if depth == 1:
            if not result.startswith(_WRAPPER):
                raise ValueError("the stand-in class was reformatted")
            result = result[len(_WRAPPER) :]
        return result.rstrip("\n")

    def source(self, source: str) -> str:
        """black over `source`, through its shape when it has one."""
        shaped = shape(source)
        if shaped is not None:
            key = hashlib.sha256(shaped[0].encode("utf-8")).hexdigest()
            formatted = self._done.get(key)
            if formatted is None:
                formatted = self._black(shaped[0])
                self._done[key] = formatted
            result = unshape(formatted, shaped[1])
            if result is not None:
                return result
        return self._black(source)


_CLOSER = {"{": "}", "[": "]", "(": ")"}
_MIN_ENTRIES = 4


def _literal(lines: list[str]) -> tuple[int, int, list[str]] | None:
    """The first module-level `NAME... = {` (or `[`, `(`) statement of `lines` written one
    entry per 4-space-indented line run, every entry ending in `,` (so black explodes it one
    entry per line whatever their number): (head index, closer index, entries)."""
    for i, line in enumerate(lines):
        opener = line.rstrip()[-1:]
        if opener not in _CLOSER or line[:1].isspace() or "=" not in line:
            continue
        j = i + 1
        while j < len(lines) and (lines[j][:1].isspace() or not lines[j].strip()):
            j += 1
        if j == len(lines) or lines[j].rstrip() != _CLOSER[opener]:
            continue
        entries: list[str] = []
        for body in lines[i + 1 : j]:
            if not body.strip():
                return None
            starts = body.startswith("    ") and not body[4].isspace()
            if starts and (not entries or entries[-1].rstrip().endswith(",")):
                entries.append(body)
            elif entries:
                entries[-1] += body
            else:
                return None
        if len(entries) >= _MIN_ENTRIES and entries[-1].rstrip().endswith(","):
            return i, j, entries
    return None


def _literal_pieces(source: str, black: Callable[[str], str]) -> str | None:
    """`source` formatted with its big literal (see `_literal`) formatted one entry at a time:
    black spends time quadratic in one long statement's length. None when it has none, or
    when black does not format each entry alone as one exploded entry."""
    lines = source.splitlines(keepends=True)
    found = _literal(lines)
    if found is None:
        return None
    i, j, entries = found
    head, closer = lines[i], lines[j]
    first_line: str | None = None
    middles: list[str] = []
    for entry in entries:
        try:
            out = black(head + entry + closer).splitlines(keepends=True)
        except ValueError:  # black's InvalidInput: an entry cut where it does not end
            return None
        if (
            len(out) < 3
            or out[-1] != closer.rstrip() + "\n"
            or not out[0].rstrip().endswith(head.rstrip()[-1])
            or (first_line is not None and out[0] != first_line)
            or not all(x.startswith("    ") for x in out[1:-1])
        ):
            return None
        first_line = first_line or out[0]
        middles.append("".join(out[1:-1]))
    if first_line is None:
        return None
    alone = first_line + middles[0] + closer.rstrip() + "\n"
    rest = black("".join([*lines[:i], head, entries[0], closer, *lines[j + 1 :]]))
    if rest.count(alone) != 1:
        return None
    return rest.replace(alone, first_line + "".join(middles) + closer.rstrip() + "\n")


def format_source(text: str, cache: ShapeCache) -> str | None:
    """`text` formatted piece by piece (see the module docstring), or None when it cannot be
    cut; raises what black raises for a piece it cannot parse."""
    pieces = split(text)
    if pieces is None:
        return None
    out: list[str] = []
    for depth, piece in pieces:
        if depth >= 0:
            out.append("\n" * (2 if depth == 0 else 1))
        out.append(cache.piece(depth, piece))
        out.append("\n")
    return "".join(out)
