"""The one JSON reader for every request body: strict RFC 8259 (I-JSON) or a located refusal.

``parse_strict`` accepts UTF-8 text holding exactly one JSON value and refuses, with a JSON
pointer to the offending value: invalid UTF-8 or a byte order mark, a lone surrogate (also as a
``\\ud800`` escape), a duplicate object key, ``NaN``/``Infinity``, a number outside the range
of a double (``1e400``, or ``1e-400`` which would silently become 0), and nesting deeper than
``max_depth``. Nothing of the refused value is echoed back.

``canonical_json`` writes a value in the form used to compare bodies by value: keys sorted, no
insignificant whitespace, numbers by value (``1``, ``1.0`` and ``1e0`` are one number, ``-0`` is
``0``), so a redelivery re-serialised by its sender is still recognised.
"""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal
from itertools import accumulate
from typing import Any

__all__ = ["JsonRefusal", "canonical_json", "parse_strict", "pointer"]

_SURROGATE = re.compile("[\ud800-\udfff]")
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},]', re.DOTALL)
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_DELTA = {"[": 1, "{": 1, "]": -1, "}": -1}
_NONZERO_DIGIT = re.compile(r"[1-9]")
_SUSPECT_NUMBER = re.compile(r"[eE][+-]?0*[1-9][0-9]{2}|[0-9]{300}")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF]")


class JsonRefusal(ValueError):
    """Why a body is not accepted: a slug, a human sentence and where (a JSON pointer)."""

    def __init__(
        self,
        reason: str,
        detail: str,
        at: str = "",
        *,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(f"{reason} at {at or '/'}: {detail}")
        self.reason = reason
        self.detail = detail
        self.pointer = at
        self.line = line
        self.column = column


class _Bad:
    """A number or constant refused during parsing, located by the walk afterwards."""

    __slots__ = ("reason", "text")

    def __init__(self, reason: str, text: str) -> None:
        self.reason = reason
        self.text = text


class _Parse:
    """One parse: the decoder hooks and what they found to refuse."""

    def __init__(self, numbers: bool) -> None:
        self.duplicates: dict[int, str] = {}  # id(object) -> its first repeated key
        self.bad = False
        # Checking every number costs a call each: done only when the text has a number
        # that could be out of range (a 3-digit exponent or a run of 300 digits).
        extra: dict[str, Any] = (
            {"parse_float": self._float, "parse_int": self._int} if numbers else {}
        )
        self.decoder = json.JSONDecoder(
            object_pairs_hook=self._pairs,
            parse_constant=self._constant,
            strict=True,
            **extra,
        )

    def _pairs(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        found = dict(pairs)
        if len(found) != len(pairs):
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    self.duplicates[id(found)] = key
                    break
                seen.add(key)
        return found

    def _constant(self, text: str) -> _Bad:
        self.bad = True
        return _Bad("non-finite-number", text)

    def _float(self, text: str) -> float | _Bad:
        value = float(text)
        if math.isinf(value) or (
            value == 0.0
            and _NONZERO_DIGIT.search(re.split("[eE]", text, maxsplit=1)[0])
        ):
            self.bad = True
            return _Bad("number-out-of-range", text)
        return value

    def _int(self, text: str) -> int | _Bad:
        # Beyond a double's range no JSON peer reads the number back (and Python refuses to
        # convert digit strings longer than 4300 from inside the parser).
        if len(text) > 310 or abs(int(text)) > _MAX_DOUBLE:
            self.bad = True
            return _Bad("number-out-of-range", text)
        return int(text)


_MAX_DOUBLE = int(1.7976931348623157e308)


def pointer(parts: tuple[str | int, ...]) -> str:
    """Return the RFC 6901 JSON pointer of a path."""
    return "".join(
        "/" + _shown(str(p)).replace("~", "~0").replace("/", "~1") for p in parts
    )


def _decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raise JsonRefusal(
            "byte-order-mark", "Send UTF-8 JSON without a byte order mark."
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise JsonRefusal(
            "invalid-utf8",
            f"The body is not UTF-8 (invalid byte at offset {exc.start}).",
        ) from None


def _depth_pointer(text: str, max_depth: int) -> str | None:
    """Scan the text outside strings; return where nesting first exceeds max_depth.

    An array's entry on the stack is the index of its current element (counted by commas), an
    object's is None; the key of an object member is the last string before its value.
    """
    stack: list[int | None] = []
    path: list[str | int] = []
    last_string: str | None = None
    for match in _TOKENS.finditer(text):
        lexeme = match.group()
        if lexeme.startswith('"'):
            last_string = lexeme
        elif lexeme == ",":
            if stack and stack[-1] is not None:
                stack[-1] += 1
        elif lexeme in "[{":
            if stack:
                path.append(_member(stack[-1], last_string))
            stack.append(0 if lexeme == "[" else None)
            if len(stack) > max_depth:
                return pointer(tuple(path))
        elif stack:
            stack.pop()
            if path:
                path.pop()
    return None


def _member(index: int | None, last_string: str | None) -> str | int:
    if index is not None:
        return index
    try:
        key: str = json.loads(last_string or '""')
    except ValueError:
        return ""
    return key


_Path = tuple[Any, str | int] | None  # (parent path, key): built in O(1) per node


def _parts(path: _Path) -> tuple[str | int, ...]:
    parts: list[str | int] = []
    while path is not None:
        path, key = path
        parts.append(key)
    return tuple(reversed(parts))


def _deeper_than(text: str, max_depth: int) -> bool:
    """Whether arrays and objects nest deeper than max_depth, read from the text in C loops."""
    if text.count("[") + text.count("{") <= max_depth:
        return False
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(map(_DELTA.__getitem__, brackets)), default=0) > max_depth


def _locate(value: Any, state: _Parse, max_depth: int, strings: bool) -> None:
    """Walk every value with its path and raise the refusal of the first offending one."""
    stack: list[tuple[Any, _Path, int]] = [(value, None, 1)]
    while stack:
        node, at, depth = stack.pop()
        if isinstance(node, dict | list) and depth > max_depth:
            raise _too_deep(max_depth, _parts(at))
        if isinstance(node, dict):
            repeated = state.duplicates.get(id(node))
            if repeated is not None:
                raise JsonRefusal(
                    "duplicate-key",
                    f"The object has the key {_shown(repeated)!r} more than once.",
                    pointer((*_parts(at), repeated)),
                )
            for key, item in node.items():
                if strings and _SURROGATE.search(key):
                    raise _surrogate("key", _parts(at))
                stack.append((item, (at, key), depth + 1))
        elif isinstance(node, list):
            stack.extend((v, (at, i), depth + 1) for i, v in enumerate(node))
        elif isinstance(node, _Bad):
            raise JsonRefusal(node.reason, _bad_detail(node), pointer(_parts(at)))
        elif strings and isinstance(node, str) and _SURROGATE.search(node):
            raise _surrogate("string", _parts(at))


def _shown(text: str) -> str:
    return _SURROGATE.sub("\ufffd", text)


def _surrogate(what: str, at: tuple[str | int, ...]) -> JsonRefusal:
    return JsonRefusal(
        "lone-surrogate",
        f"The {what} holds an unpaired UTF-16 surrogate; send valid Unicode text.",
        pointer(at),
    )


def _bad_detail(bad: _Bad) -> str:
    if bad.reason == "non-finite-number":
        return f"{bad.text} is not a JSON number."
    return "The number is outside the range of a double (about 1e-308 to 1e308)."


def _too_deep(max_depth: int, at: tuple[str | int, ...] | str) -> JsonRefusal:
    where = at if isinstance(at, str) else pointer(at)
    return JsonRefusal(
        "too-deep",
        f"The body nests arrays and objects more than {max_depth} levels deep.",
        where,
    )


def parse_strict(raw: bytes, *, max_depth: int) -> Any:
    """Parse a body strictly (see the module docstring); raise JsonRefusal when it is not."""
    text = _decode(raw)
    if _deeper_than(text, max_depth):
        raise _too_deep(max_depth, _depth_pointer(text, max_depth) or "")
    state = _Parse(numbers=_SUSPECT_NUMBER.search(text) is not None)
    try:
        value = state.decoder.decode(text)
    except json.JSONDecodeError as exc:
        raise JsonRefusal(
            "malformed-json",
            f"{exc.msg} at line {exc.lineno}, column {exc.colno}.",
            line=exc.lineno,
            column=exc.colno,
        ) from None
    except RecursionError:
        # Far deeper than any limit: locate the level where the limit was passed.
        raise _too_deep(max_depth, _depth_pointer(text, max_depth) or "") from None
    # UTF-8 decoding refuses encoded surrogates: a lone one can only come from an escape.
    strings = _SURROGATE_ESCAPE.search(text) is not None
    if state.bad or state.duplicates or strings:
        _locate(value, state, max_depth, strings)
    return value


def _number(value: int | float) -> str:
    if value == 0:
        return "0"
    decimal = Decimal(value) if isinstance(value, int) else Decimal(repr(value))
    sign, digits, exponent = decimal.normalize().as_tuple()
    assert isinstance(exponent, int)
    text = "".join(map(str, digits))
    return ("-" if sign else "") + text + (f"e{exponent}" if exponent else "")


# json.dumps(value, ensure_ascii=False) without building an encoder per string
_string = json.JSONEncoder(ensure_ascii=False).encode
_CONSTANTS = {True: "true", False: "false", None: "null"}


def _canonical(value: Any, out: list[str]) -> None:
    if isinstance(value, bool) or value is None:
        out.append(_CONSTANTS[value])
    elif isinstance(value, int | float):
        out.append(_number(value))
    elif isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, dict):
        out.append("{")
        for index, key in enumerate(sorted(value)):
            if index:
                out.append(",")
            out.append(_string(key) + ":")
            _canonical(value[key], out)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _canonical(item, out)
        out.append("]")
    else:
        raise TypeError(f"not a JSON value: {type(value).__name__}")


def canonical_json(value: Any) -> str:
    """Return the canonical text of a JSON value (see the module docstring)."""
    out: list[str] = []
    _canonical(value, out)
    return "".join(out)
