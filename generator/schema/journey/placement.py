"""Fields of a wait/webhook state written at the wrong level, read where they belong.

The DSL (§12.1, §12.2) puts `channel`, `input`, `response`, `timeoutSec` and `onTimeout` inside
the `wait:` / `webhook:` block and `next` beside it; the JourneyForge examples also write the
state's next as `default` inside the block. A journey that writes a block field beside the
block (or leaves the block empty and writes its content at the state level), or `default`
beside the block, has one unambiguous reading: the field where it belongs. `relocate` gives
that reading to the model; `misplaced` lists what moved, for the checker's warnings.
"""

from __future__ import annotations

from typing import Any

BLOCK_FIELDS = ("channel", "input", "response", "timeoutSec", "onTimeout")


def relocate(data: Any, block: str) -> Any:
    """The state `data` with its block fields inside `block` and `default` read as `next`."""
    if not isinstance(data, dict):
        return data
    moves = misplaced(data, block)
    if not moves:
        return {**data, block: {}} if block in data and data[block] is None else data
    inner = data.get(block)
    inner = dict(inner) if isinstance(inner, dict) else {}
    out = {k: v for k, v in data.items() if k not in moves and k != block}
    for key, wanted in moves.items():
        if wanted == "next":
            out["next"] = data[key]
        else:
            inner[key] = data[key]
    out[block] = inner
    return out


def misplaced(data: dict[str, Any], block: str) -> dict[str, str]:
    """State-level key -> where it is read (`wait.input`-style field name, or `next`)."""
    inner = data.get(block)
    if inner is not None and not isinstance(inner, dict):
        return {}
    inner = inner or {}
    moves = {
        key: key for key in BLOCK_FIELDS if key in data and key not in inner
    }
    if "default" in data and "next" not in data and "default" not in inner:
        moves["default"] = "next"
    return moves
