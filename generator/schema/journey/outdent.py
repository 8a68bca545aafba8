"""States written one level too deep, read as states of the states map they sit in.

A state indented under the state before it (`patientDecision:` two spaces deeper than
`normaliseAppointments:`) is, to YAML, an unknown field of that state. Its reading is
unambiguous when all of these hold: the key is no field of the state (in any case, and not an
`x-` extension), its value is a mapping whose `type` names a state type, no state of the
enclosing states map (and no other state's field) has that name, and a transition of that
states map (a `next`, `default`, `onTimeout` or the machine's `start`) names it. `outdent`
gives that reading to the document, moving the source positions with it, and lists each state
it moved for the checker's located warning. Anything else (a name that collides, a value with
no state type, a name no transition uses) stays the unknown-field warning.
"""

from __future__ import annotations

import copy
import dataclasses
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ...load import Document
from .base import case_match, known_fields
from .placement import BLOCK_FIELDS
from .states import STATE_MODELS

NAMING_KEYS = ("next", "default", "onTimeout")


@dataclass(frozen=True)
class Outdented:
    """One state written under another state and read as a state of the enclosing map."""

    name: str
    parent: str  # the state it is written under
    written: str  # its pointer as written (under the parent)
    machine: str  # the pointer of the states map it is read in


def outdent(document: Document) -> tuple[Document, list[Outdented]]:
    """The document with every state indented under another state moved out to the states
    map around it, and the states moved (none: the document itself)."""
    data = document.data
    if not isinstance(data, dict) or not isinstance(data.get("spec"), dict):
        return document, []
    data = copy.deepcopy(data)
    positions = dict(document.positions)
    moved: list[Outdented] = []
    for states, pointer, start in _machines(data["spec"]):
        _lift(states, pointer, start, positions, moved)
    if not moved:
        return document, []
    return dataclasses.replace(document, data=data, positions=positions), moved


def _machines(spec: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str, Any]]:
    """(states map, its pointer, the machine's start) of every machine; a map is yielded
    before its branches are read, so branches of states moved out of it are found too.
    """
    yield from _machine(spec.get("states"), "/spec/states", spec.get("start"))
    subjourneys = spec.get("subjourneys")
    for ref, sub in (subjourneys.items() if isinstance(subjourneys, dict) else ()):
        if isinstance(sub, dict):
            yield from _machine(
                sub.get("states"),
                f"/spec/subjourneys/{_token(ref)}/states",
                sub.get("start"),
            )
    comp = spec.get("compensation")
    if isinstance(comp, dict):
        yield from _machine(
            comp.get("states"), "/spec/compensation/states", comp.get("start")
        )


def _machine(
    states: Any, pointer: str, start: Any
) -> Iterator[tuple[dict[str, Any], str, Any]]:
    if not isinstance(states, dict):
        return
    yield states, pointer, start
    for name, state in states.items():
        parallel = state.get("parallel") if isinstance(state, dict) else None
        branches = parallel.get("branches") if isinstance(parallel, dict) else None
        for i, branch in enumerate(branches if isinstance(branches, list) else []):
            if isinstance(branch, dict):
                yield from _machine(
                    branch.get("states"),
                    f"{pointer}/{_token(name)}/parallel/branches/{i}/states",
                    branch.get("start"),
                )


def _lift(
    states: dict[str, Any],
    pointer: str,
    start: Any,
    positions: dict[str, tuple[int, int]],
    moved: list[Outdented],
) -> None:
    """Move the indented states of one states map out into it, in place (a moved state's
    own indented states are moved in the next round)."""
    for _ in range(len(states) + 8):
        named = set(_names(states))
        if isinstance(start, str):
            named.add(start)
        found = {name: _indented(state) for name, state in states.items()}
        counts = Counter(key for keys in found.values() for key in keys)
        lifts = {
            parent: [
                k for k in keys if k not in states and counts[k] == 1 and k in named
            ]
            for parent, keys in found.items()
        }
        if not any(lifts.values()):
            return
        rebuilt: dict[str, Any] = {}
        for parent, state in states.items():
            rebuilt[parent] = state
            for key in lifts.get(parent, []):
                rebuilt[key] = state.pop(key)
                written = f"{pointer}/{_token(parent)}/{_token(key)}"
                _move(positions, written, f"{pointer}/{_token(key)}")
                moved.append(Outdented(key, parent, written, pointer))
        states.clear()
        states.update(rebuilt)


def _indented(state: Any) -> list[str]:
    """The fields of a written state that are states written one level too deep."""
    if not isinstance(state, dict) or state.get("type") not in STATE_MODELS:
        return []
    model = STATE_MODELS[state["type"]]
    known = set(known_fields(model))
    if state["type"] in ("wait", "webhook"):
        known.update(BLOCK_FIELDS)  # read inside the block (placement.py)
    return [
        key
        for key, value in state.items()
        if isinstance(key, str)
        and key not in known
        and not key.startswith("x-")
        and case_match(model, key) is None
        and isinstance(value, dict)
        and isinstance(value.get("type"), str)
        and value["type"] in STATE_MODELS
    ]


def _names(node: Any) -> Iterator[str]:
    """Every state name a transition under `node` writes."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in NAMING_KEYS and isinstance(value, str):
                yield value
            else:
                yield from _names(value)
    elif isinstance(node, list):
        for item in node:
            yield from _names(item)


def _move(positions: dict[str, tuple[int, int]], old: str, new: str) -> None:
    for key in [k for k in positions if k == old or k.startswith(old + "/")]:
        positions.setdefault(new + key[len(old) :], positions[key])


def _token(key: Any) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")
