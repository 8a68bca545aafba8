"""MuleSoft's DataWeave engine (`dataweave-native`, test-only) as the oracle for journeygen's compiler.

`Oracle.run(expr, header=..., payload=..., context=...)` runs one DataWeave expression with JSON
inputs and answers what the engine printed as JSON (`OracleResult.value`, decoded with numbers as
`Decimal` so precision is compared, not rounded) or its error message. Inputs are given either as
Python values (dumped as JSON) or as `RawJson` text, so duplicate keys and exact number spellings
reach the engine as written.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

try:  # The engine ships for x86_64 only; tests that need it skip loudly elsewhere.
    from dataweave import DataWeave
except ImportError:  # pragma: no cover - depends on the platform
    DataWeave = None


@dataclass(frozen=True)
class RawJson:
    """JSON text handed to the engine as written (duplicate keys, number spellings kept)."""

    text: str


@dataclass(frozen=True)
class OracleResult:
    ok: bool
    value: Any = None
    text: str = ""
    error: str = ""


def _input(value: Any) -> dict[str, str]:
    text = value.text if isinstance(value, RawJson) else json.dumps(value)
    return {"content": text, "mimeType": "application/json"}


class Oracle:
    """One engine for a test session; `run` is cheap (about 3 ms a call)."""

    def __init__(self) -> None:
        if DataWeave is None:
            raise RuntimeError("dataweave-native is not installed (x86_64 only)")
        self._engine = DataWeave()
        self._engine.initialize()

    def close(self) -> None:
        self._engine.cleanup()

    def run(self, expression: str, *, header: str = "", **inputs: Any) -> OracleResult:
        """Run `expression` (the body after `---`) with `header` directives and JSON inputs."""
        script = f"%dw 2.0\n{header}\noutput application/json\n---\n{expression}"
        result = self._engine.run(
            script, inputs={name: _input(value) for name, value in inputs.items()}
        )
        if not result.success:
            return OracleResult(ok=False, error=str(result.error))
        text = base64.b64decode(result.result).decode("utf-8")
        return OracleResult(
            ok=True, value=json.loads(text, parse_float=Decimal), text=text
        )
