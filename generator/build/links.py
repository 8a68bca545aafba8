"""The one linker: which step endpoint and which guard belong to each external-input state
(`wait`, `webhook`), at the top level, inside parallel branches, subjourneys and
spec.compensation.

Its answer is stored in the IR (`JourneyIR.external_steps` and `.branch_steps`); the client
(`run_<journey>()`, status polls that end at a waiting state) and the server (each state's
ExternalInput) read it there and never match names themselves.

A state takes the step endpoint named after it (`POST /journeys/{id}/steps/<state>`, as the
exporter writes it). Published journeys also use a business name (`approveLevel1` for state
`waitForLevel1Approval`): a state left over then takes the one free endpoint whose request
body is its input model, else the one free endpoint sharing the most words with its name
(among those taking its model when there are several), and none on a tie.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .. import naming
from ..ir import ExternalStep, Operation
from ..load import escape_pointer_token
from ..schema.journey import Journey
from ..schema.journey.states import ParallelState, TaskState, WaitState, WebhookState
from ..schema.journey.tasks import ApiKeyValidate, KeySource

# Words of state and endpoint names that say nothing about which input they take.
_STOP_WORDS = frozenset({"wait", "for", "step", "on", "the", "to", "await"})


@dataclass(frozen=True)
class Waiting:
    """One external-input state to link, with the states of its machine (its guard is the
    state it goes to)."""

    name: str
    pointer: str
    body: WaitState | WebhookState
    machine: Mapping[str, Any]
    branch: bool


def waiting_states(journey: Journey, order: list[str]) -> list[Waiting]:
    """The external-input states in the order they are linked: the top level's in `order`,
    then those inside parallel branches in spec order (nested branches where they sit), then
    those of each subjourney and of spec.compensation (their step endpoints are the
    journey's own `/steps/<state>`, DSL §5.8, §2.5)."""
    spec = journey.spec
    top = spec.states
    found = [
        Waiting(name, _pointer("/spec/states", name), body, top, False)
        for name in order
        if isinstance(body := top[name], WaitState | WebhookState)
    ]
    found += _branch_states(top, "/spec/states", inside=False)
    for ref, sub in (spec.subjourneys or {}).items():
        base = f"/spec/subjourneys/{escape_pointer_token(str(ref))}/states"
        found += _branch_states(sub.states, base, inside=True)
    if spec.compensation is not None:
        found += _branch_states(
            spec.compensation.states, "/spec/compensation/states", inside=True
        )
    return found


def _branch_states(
    states: Mapping[str, Any], base: str, *, inside: bool
) -> list[Waiting]:
    found: list[Waiting] = []
    for name, body in states.items():
        pointer = _pointer(base, name)
        if inside and isinstance(body, WaitState | WebhookState):
            found.append(Waiting(name, pointer, body, states, True))
        if isinstance(body, ParallelState):
            for i, branch in enumerate(body.parallel.branches or ()):
                if branch.states is not None:
                    where = f"{pointer}/parallel/branches/{i}/states"
                    found += _branch_states(branch.states, where, inside=True)
    return found


def _pointer(base: str, name: str) -> str:
    return f"{base}/{escape_pointer_token(name)}"


def link(
    waiting: list[Waiting],
    step_ops: list[Operation],
    state_inputs: Mapping[str, str | None],
) -> dict[str, Operation]:
    """The step endpoint of each state that has one, by the state's pointer."""
    free = list(step_ops)
    linked: dict[str, Operation] = {}
    for state in waiting:
        op = next((o for o in free if o.step_state == state.name), None)
        if op is not None:
            linked[state.pointer] = op
            free.remove(op)
    for state in waiting:
        if state.pointer in linked:
            continue
        model = state_inputs.get(state.name)
        same = [
            o
            for o in free
            if model is not None and o.body is not None and o.body.model == model
        ]
        op = same[0] if len(same) == 1 else _closest(state.name, same or free)
        if op is not None:
            linked[state.pointer] = op
            free.remove(op)
    return linked


def _words(name: str) -> set[str]:
    return {w.lower() for w in naming.ascii_words(name)} - _STOP_WORDS


def _closest(state: str, ops: list[Operation]) -> Operation | None:
    """The one endpoint sharing the most words with a state's name, else None."""
    words = _words(state)
    scored = sorted(
        ((len(words & _words(o.step_state or "")), o) for o in ops),
        key=lambda pair: pair[0],
    )
    if (
        not scored
        or scored[-1][0] == 0
        or (len(scored) > 1 and scored[-2][0] == scored[-1][0])
    ):
        return None
    return scored[-1][1]


def guard(state: Waiting) -> tuple[str | None, str | None]:
    """The header and apiKeyValidate profile a state's input is checked with: the
    apiKeyValidate task the state goes to, when it reads a header."""
    body = state.body
    block = body.wait if isinstance(body, WaitState) else body.webhook
    nxt = state.machine.get(body.next or block.default or "")
    task = nxt.task if isinstance(nxt, TaskState) else None
    if not isinstance(task, ApiKeyValidate):
        return None, None
    source = task.source or KeySource()
    if source.location != "header" or source.name is None:
        return None, None
    return source.name, task.profile if task.profile is not None else "default"


def external_step(
    state: Waiting, op: Operation | None, state_inputs: Mapping[str, str | None]
) -> ExternalStep:
    """What the IR says about one linked state: endpoint, input model and guard."""
    header, profile = guard(state)
    model = op.body.model if op is not None and op.body else state_inputs.get(state.name)
    return ExternalStep(
        state.name, state.body.type, op, model, header, profile, state.pointer
    )
