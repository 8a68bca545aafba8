"""Every transition of a journey names a state of its own state machine (DSL §2.2, §5, §12, §16).

A machine is `spec.states`, a subjourney's or compensation's `states`, or a parallel branch's
`states`; a branch may also leave to a state of the machine around it (the parallel state ends
there). A `next` (choice `default`, `onTimeout`, schedule `start`) naming no state is a located
error with the nearest state names; one naming a state of a subjourney says that subjourney
states are entered only through a `type: subjourney` state.

A state indented one level too deep inside a state of the same machine is read as a state of
that machine before this runs (`outdent.py`, a warning). One deviation is left to the server
compiler's warning: a target that exists only as such a field when its reading is ambiguous
(its name is also a state's, or two states hold it; the unknown-field warning says so); the run
fails there with JOURNEY_DEFINITION_INVALID, as before.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...diagnostics import did_you_mean
from .states import (
    STATE_MODELS,
    ChoiceState,
    FailState,
    ParallelState,
    SucceedState,
    TaskState,
    WaitState,
    WebhookState,
)
from .tasks import Schedule

if TYPE_CHECKING:
    from .check import Checker


@dataclass(frozen=True)
class Machine:
    """One states map: where it is, what it is called, the machine a branch may leave to."""

    pointer: str
    label: str
    states: Mapping[str, Any]
    outer: Machine | None = None

    def has(self, name: str) -> bool:
        return name in self.states or (self.outer is not None and self.outer.has(name))

    def names(self) -> list[str]:
        return [*self.states, *(self.outer.names() if self.outer else [])]


# States that end a machine; every other state needs a next (a parallel's may be its branches').
_TERMINAL = (SucceedState, FailState, ChoiceState, ParallelState)


def check(c: Checker) -> None:
    spec = c.journey.spec
    top = Machine("/spec/states", "spec.states", spec.states)
    subjourney_states = {
        name: ref
        for ref, sub in (spec.subjourneys or {}).items()
        for name in sub.states
    }
    machines = [top]
    for ref, sub in (spec.subjourneys or {}).items():
        machines.append(
            Machine(
                f"/spec/subjourneys/{_token(ref)}/states",
                f"subjourney {ref!r}",
                sub.states,
            )
        )
    if spec.compensation is not None:
        machines.append(
            Machine("/spec/compensation/states", "spec.compensation.states", spec.compensation.states)
        )  # fmt: skip
    every = list(_with_branches(c, machines))
    for machine in every:
        nested = _nested_states(c.doc.data, machine)
        for name, state in machine.states.items():
            here = f"{machine.pointer}/{_token(name)}"
            for pointer, key, target in _targets(c, here, state):
                if target is None:
                    c.report(
                        here,
                        f"state {name!r} ({state.type}) needs a next naming the state "
                        f"that follows it; add next: <state> (DSL §5)",
                    )
                elif not machine.has(target) and target not in nested:
                    _unknown(c, machine, name, pointer, key, target, subjourney_states)
    for pointer, state in _tasks(every):
        if isinstance(state.task, Schedule) and state.task.start is not None:
            target = state.task.start
            if target not in spec.states:
                _unknown(
                    c, top, pointer.rsplit("/", 1)[-1], pointer + "/task/start",
                    "schedule start", target, subjourney_states,
                )  # fmt: skip


def _unknown(
    c: Checker, machine: Machine, name: str, pointer: str, key: str, target: str,
    subjourney_states: Mapping[str, str],
) -> None:  # fmt: skip
    where = f"state {name!r}: {key} {target!r}"
    if machine.label == "spec.states" and target in subjourney_states:
        c.report(
            pointer,
            f"{where} is a state of subjourney {subjourney_states[target]!r}; a "
            "subjourney's states are entered only through a type: subjourney state "
            "(DSL §2.2, §5.8)",
        )
        return
    hint = did_you_mean(target, machine.names())
    c.report(
        pointer,
        f"{where} is not a state of {machine.label}; "
        + (hint or f"name one of: {', '.join(machine.names())}"),
    )


def _targets(
    c: Checker, here: str, state: Any
) -> Iterator[tuple[str, str, str | None]]:
    """(pointer, key, target) of every transition of a state; target None when a required
    next is missing."""
    raw = _raw(c.doc.data, here)
    if isinstance(state, ChoiceState):
        for i, branch in enumerate(state.choices):
            yield from _named(f"{here}/choices/{i}/next", "choice next", branch.next)
        yield from _named(f"{here}/default", "default", state.default)
        return
    if isinstance(state, WaitState | WebhookState):
        block = state.wait if isinstance(state, WaitState) else state.webhook
        found = raw.get(state.type)
        inner: dict[Any, Any] = found if isinstance(found, dict) else {}
        nxt = state.next or block.default
        if nxt is None:
            yield here, "next", None
        elif state.next is not None:
            at = "/next" if "next" in raw else "/default"
            yield here + at, "next", state.next
        if block.default is not None and block.default != state.next:
            yield f"{here}/{state.type}/default", "default", block.default
        if isinstance(block.onTimeout, str):
            at = f"/{state.type}/onTimeout" if "onTimeout" in inner else "/onTimeout"
            yield here + at, "onTimeout", block.onTimeout
        return
    if isinstance(state, _TERMINAL) or type(state) not in STATE_MODELS.values():
        if isinstance(state, ParallelState):
            yield from _named(f"{here}/next", "next", state.next)
        return
    nxt = getattr(state, "next", None)
    yield (f"{here}/next", "next", nxt) if nxt is not None else (here, "next", None)


def _named(
    pointer: str, key: str, target: str | None
) -> Iterator[tuple[str, str, str]]:
    if target is not None:
        yield pointer, key, target


def _with_branches(c: Checker, machines: list[Machine]) -> Iterator[Machine]:
    for machine in machines:
        yield machine
        for name, state in machine.states.items():
            if not isinstance(state, ParallelState):
                continue
            for i, branch in enumerate(state.parallel.branches or []):
                pointer = f"{machine.pointer}/{_token(name)}/parallel/branches/{i}"
                states = branch.states or {}
                label = f"branch {branch.name or i!r} of state {name!r}"
                inner = Machine(pointer + "/states", label, states, machine)
                if branch.start is not None and branch.start not in states:
                    hint = did_you_mean(branch.start, states)
                    c.report(
                        pointer + "/start",
                        f"{label}: start {branch.start!r} is not a state of the "
                        "branch's states; "
                        + (hint or f"name one of: {', '.join(states)}"),
                    )
                yield from _with_branches(c, [inner])


def _tasks(machines: list[Machine]) -> Iterator[tuple[str, TaskState]]:
    for machine in machines:
        for name, state in machine.states.items():
            if isinstance(state, TaskState):
                yield f"{machine.pointer}/{_token(name)}", state


def _nested_states(data: Any, machine: Machine) -> set[str]:
    """Names of states written inside another state of this machine (indented too deep)."""
    found: set[str] = set()
    for name in machine.states:
        raw = _raw(data, f"{machine.pointer}/{_token(name)}")
        for key, value in raw.items():
            if isinstance(value, dict) and value.get("type") in STATE_MODELS:
                found.add(str(key))
    return found


def _raw(data: Any, pointer: str) -> dict[Any, Any]:
    node = data
    for part in pointer.split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return {}
    return node if isinstance(node, dict) else {}


def _token(key: str) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")
