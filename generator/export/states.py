"""Where a journey's states sit, as the export rules read them: every `states` map (top level,
parallel branches, subjourneys, compensation), its external-input states (`wait`, `webhook`)
and whether, and where, a run can pause before any input (DSL §2.2.1, §2.7, §12.4).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from generator.load import escape_pointer_token

PAUSING = ("wait", "webhook", "timer")
EXTERNAL = ("wait", "webhook")


@dataclass(frozen=True)
class ExternalState:
    """A `wait`/`webhook` state, wherever it sits, with its step schemas."""

    state_id: str
    type: str
    body: Mapping[str, Any]

    @property
    def input_schema(self) -> Mapping[str, Any] | None:
        schema = (self.body.get("input") or {}).get("schema")
        return schema if isinstance(schema, Mapping) else None

    @property
    def response_schema(self) -> Mapping[str, Any] | None:
        schema = (self.body.get("response") or {}).get("schema")
        return schema if isinstance(schema, Mapping) else None


def state_maps(
    spec: Mapping[str, Any], compensation: bool = True
) -> Iterator[Mapping[str, Any]]:
    """Every `states` map of a journey: top level, parallel branches, subjourneys and (unless
    `compensation` is False) spec.compensation."""
    pending: list[Any] = [spec.get("states")]
    for sub in (spec.get("subjourneys") or {}).values():
        if isinstance(sub, Mapping):
            pending.append(sub.get("states"))
    found = spec.get("compensation")
    if compensation and isinstance(found, Mapping):
        pending.append(found.get("states"))
    while pending:
        states = pending.pop(0)
        if not isinstance(states, Mapping):
            continue
        yield states
        for state in states.values():
            if isinstance(state, Mapping) and state.get("type") == "parallel":
                for branch in (state.get("parallel") or {}).get("branches") or []:
                    if isinstance(branch, Mapping):
                        pending.append(branch.get("states"))


def states_of(
    spec: Mapping[str, Any], compensation: bool = True
) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for states in state_maps(spec, compensation):
        for state_id, state in states.items():
            if isinstance(state, Mapping):
                yield str(state_id), state


def external_states(
    spec: Mapping[str, Any], compensation: bool = True
) -> list[ExternalState]:
    """The journey's external-input states in the order the definition lists them (those of
    spec.compensation only when `compensation`)."""
    found: list[ExternalState] = []
    seen: set[str] = set()
    for state_id, state in states_of(spec, compensation):
        kind = state.get("type")
        if kind in EXTERNAL and state_id not in seen:
            seen.add(state_id)
            body = state.get(str(kind))
            found.append(
                ExternalState(
                    state_id, str(kind), body if isinstance(body, Mapping) else {}
                )
            )
    return found


def pauses(spec: Mapping[str, Any]) -> bool:
    """Whether a run can stop before a terminal state (an external input or a durable timer)."""
    return any(state.get("type") in PAUSING for _, state in states_of(spec))


def timer_before_input(spec: Mapping[str, Any]) -> str | None:
    """The JSON pointer of a timer state a run can reach from `spec.start` before any
    external input or terminal state (through choices, parallel branches and subjourneys),
    None when there is none: there a synchronous start answers the JourneyStatus of a run
    paused at the timer, not its outcome (DSL §2.2.1, §2.7: a poor fit for sync start).
    """
    subjourneys = spec.get("subjourneys")
    subs = subjourneys if isinstance(subjourneys, Mapping) else {}
    seen: set[str] = set()

    def walk(states: Any, start: Any, at: str) -> str | None:
        pending = [start]
        while pending:
            state_id = pending.pop()
            if not isinstance(states, Mapping) or not isinstance(state_id, str):
                continue
            pointer = f"{at}/{escape_pointer_token(state_id)}"
            state = states.get(state_id)
            if pointer in seen or not isinstance(state, Mapping):
                continue
            seen.add(pointer)
            kind = state.get("type")
            if kind == "timer":
                return pointer
            if kind in EXTERNAL:
                continue  # the start hands back here
            found = None
            if kind == "parallel":
                block = state.get("parallel")
                branches = block.get("branches") if isinstance(block, Mapping) else None
                for i, branch in enumerate(
                    branches if isinstance(branches, list) else []
                ):
                    if isinstance(branch, Mapping) and found is None:
                        found = walk(
                            branch.get("states"),
                            branch.get("start"),
                            f"{pointer}/parallel/branches/{i}/states",
                        )
            elif kind == "subjourney":
                block = state.get("subjourney")
                ref = block.get("ref") if isinstance(block, Mapping) else None
                sub = subs.get(ref) if isinstance(ref, str) else None
                if isinstance(sub, Mapping):
                    found = walk(
                        sub.get("states"),
                        sub.get("start"),
                        f"/spec/subjourneys/{escape_pointer_token(str(ref))}/states",
                    )
            if found is not None:
                return found
            pending.append(state.get("next"))
            pending.append(state.get("default"))
            choices = state.get("choices")
            for choice in choices if isinstance(choices, list) else []:
                if isinstance(choice, Mapping):
                    pending.append(choice.get("next"))
        return None

    return walk(spec.get("states"), spec.get("start"), "/spec/states")
