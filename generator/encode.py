"""The only way spec text enters generated code: one encoder per output context.

Every filter here is registered in the Jinja environment; templates never paste spec strings raw.
"""

from __future__ import annotations

import json
import re
from typing import Any

# Characters that end a line for the Python tokenizer or for editors (str.splitlines splits on
# all of them): a bare `\r` in a comment would end it and let the rest run as code.
_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def py_literal(value: Any) -> str:
    """A Python literal for a JSON-like value (str, int, float, bool, None, list, dict)."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, str):
        text = repr(value)
        if text[0] == "'" and '"' not in value:
            # No quote inside: the same literal in black's double quotes, so the format
            # stage has less to change (black would rewrite it to exactly this).
            return '"' + text[1:-1] + '"'
        return text
    if isinstance(value, int):
        return repr(value)
    if isinstance(value, float):
        return (
            repr(value)
            if value == value and value not in (float("inf"), float("-inf"))
            else f"float({str(value)!r})"
        )
    if isinstance(value, list | tuple):
        return "[" + ", ".join(py_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(
                f"{py_literal(str(k))}: {py_literal(v)}" for k, v in value.items()
            )
            + "}"
        )
    raise TypeError(f"cannot encode {type(value).__name__} as a literal")


def _plain_lines(text: str) -> list[str]:
    return [_CONTROL.sub(" ", line).rstrip() for line in str(text).splitlines()]


def docstring(text: str | None, indent: str = "    ") -> str:
    """A safe docstring body: no quotes can close it, no backslash escapes, no control chars."""
    if not text:
        return ""
    lines = _plain_lines(text)
    cleaned = [line.replace("\\", "\\\\").replace('"""', '\\"\\"\\"') for line in lines]
    while cleaned and not cleaned[-1]:
        cleaned.pop()
    if not cleaned:
        return ""
    body = ("\n" + indent).join(cleaned)
    if body.endswith('"'):
        body += " "
    return body


def comment(text: str | None) -> str:
    """Text safe inside a `#` comment: one line, no line terminators of any kind."""
    if not text:
        return ""
    return " ".join(line.strip() for line in _plain_lines(text) if line.strip())


def markdown(text: str | None) -> str:
    """Spec text for the generated README: control characters dropped."""
    return "\n".join(_plain_lines(text or ""))


def json_text(value: Any) -> str:
    """Deterministic JSON (for data files and README examples)."""
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
