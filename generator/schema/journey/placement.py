"""Fields of a wait/webhook state written at the wrong level, read where they belong.

The DSL (§12.1, §12.2) puts `channel`, `input`, `response`, `timeoutSec` and `onTimeout` inside
the `wait:` / `webhook:` block and `next` beside it; the JourneyForge examples also write the
state's next as `default` inside the block. A journey that writes a block field beside the
block (or leaves the block empty and writes its content at the state level), or `default`
beside the block, or (the block's content written one level out) `default` inside a state-level
`input`, has one unambiguous reading: the field where it belongs. `relocate` gives
that reading to the model; `misplaced` lists what moved, for the checker's warnings;
`repair` gives the same reading to the stages that read the document itself.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator
from typing import Any

from ...load import Document
from .blocks import ATTRIBUTE_SOURCES, attribute_source

SOURCE_LISTS = frozenset(ATTRIBUTE_SOURCES.values())
BLOCK_FIELDS = ("channel", "input", "response", "timeoutSec", "onTimeout")
NESTED_DEFAULT = "input/default"  # a `default` written inside a state-level `input`


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
        if key == NESTED_DEFAULT:
            inner["input"] = {k: v for k, v in data["input"].items() if k != "default"}
            out["next"] = data["input"]["default"]
        elif wanted == "next":
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
    moves = {key: key for key in BLOCK_FIELDS if key in data and key not in inner}
    if "default" in data and "next" not in data and "default" not in inner:
        moves["default"] = "next"
    written = data.get("input")
    if (
        "input" in moves
        and isinstance(written, dict)
        and isinstance(written.get("default"), str)
        and "next" not in data
        and "default" not in moves
        and "default" not in inner
    ):  # the block's content written one level out: its default lands inside input
        moves[NESTED_DEFAULT] = "next"
    return moves


def repair(document: Document) -> Document:
    """The document as it is read: every misplaced field where it belongs (`relocate`), and
    its source positions moved with it, so later stages reading the document see the same
    journey the model does and still point into the file. States indented under another
    state are moved out first (`outdent.py`)."""
    from .outdent import outdent  # it imports the state models, which import this

    document = outdent(document)[0]
    data = document.data
    if not isinstance(data, dict) or not isinstance(data.get("spec"), dict):
        return document
    data = copy.deepcopy(data)
    positions = dict(document.positions)
    moved = False
    for pointer, state in _raw_states(data):
        kind = state.get("type")
        if kind not in ("wait", "webhook"):
            continue
        moves = misplaced(state, kind)
        if not moves and not (kind in state and state[kind] is None):
            continue
        for key, wanted in moves.items():
            target = "next" if wanted == "next" else f"{kind}/{key}"
            _move(positions, f"{pointer}/{key}", f"{pointer}/{target}")
        fixed = relocate(state, kind)
        state.clear()
        state.update(fixed)
        moved = True
    spec = data["spec"]
    attributes = ((spec.get("metadata") or {}).get("bindings") or {}).get("attributes")
    if isinstance(attributes, dict):
        at = "/spec/metadata/bindings/attributes"
        for key, value in list(attributes.items()):
            where = attribute_source(value) if key not in SOURCE_LISTS else None
            listed = attributes.get(where) if where else None
            if where is None or (listed is not None and not isinstance(listed, dict)):
                continue
            if key in (listed or {}):
                continue
            attributes[where] = {**(listed or {}), key: attributes.pop(key)}
            _move(positions, f"{at}/{key}", f"{at}/{where}/{key}")
            moved = True
    if not moved:
        return document
    return dataclasses.replace(document, data=data, positions=positions)


def _move(positions: dict[str, tuple[int, int]], old: str, new: str) -> None:
    for key in [k for k in positions if k == old or k.startswith(old + "/")]:
        positions.setdefault(new + key[len(old) :], positions[key])


def _raw_states(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    spec = data["spec"]
    yield from _machine(spec.get("states"), "/spec/states")
    for ref, sub in (spec.get("subjourneys") or {}).items():
        if isinstance(sub, dict):
            yield from _machine(
                sub.get("states"), f"/spec/subjourneys/{_token(ref)}/states"
            )
    comp = spec.get("compensation")
    if isinstance(comp, dict):
        yield from _machine(comp.get("states"), "/spec/compensation/states")


def _machine(states: Any, pointer: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if not isinstance(states, dict):
        return
    for name, state in states.items():
        if not isinstance(state, dict):
            continue
        here = f"{pointer}/{_token(name)}"
        yield here, state
        parallel = state.get("parallel")
        branches = parallel.get("branches") if isinstance(parallel, dict) else None
        for i, branch in enumerate(branches if isinstance(branches, list) else []):
            if isinstance(branch, dict):
                yield from _machine(
                    branch.get("states"), f"{here}/parallel/branches/{i}/states"
                )


def _token(key: Any) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")
