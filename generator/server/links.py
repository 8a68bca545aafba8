"""Which step endpoint and guard belong to an external-input state inside a parallel branch.

Top-level states are linked by `build` (`JourneyIR.external_steps`); a branch state is linked
here, to a step endpoint no other state took: by name, else by the words they share.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .. import naming
from ..ir import ExternalStep, Operation
from ..schema.journey.states import TaskState, WaitState, WebhookState
from ..schema.journey.tasks import ApiKeyValidate, KeySource
from .scope import Scope

if TYPE_CHECKING:
    from .compile import JourneyCompiler

_STOP_WORDS = frozenset({"wait", "for", "step", "on", "the", "to", "await"})


def _words(name: str) -> set[str]:
    return {w.lower() for w in naming.ascii_words(name)} - _STOP_WORDS


def external(
    c: JourneyCompiler, scope: Scope, state: str, body: WaitState | WebhookState
) -> ExternalStep | None:
    """The linked step of an external-input state (None: the journey has no such step)."""
    assert c.bundle.journey is not None
    if scope.parent is None:
        return next(
            (e for e in c.bundle.journey.external_steps if e.state == state), None
        )
    op = _branch_operation(c, state)
    model = op.body.model if op is not None and op.body else None
    if op is None:
        model = _state_model(c, state, body)
        where = c.doc.location(scope.pointer(state))
        c.warnings.append(
            (where, f"{body.type} state {state!r} has no step endpoint in the OpenAPI "
                    f"document; the server serves it at .../steps/{state}")
        )  # fmt: skip
    header, profile = guard(scope.states, body)
    return ExternalStep(state, body.type, op, model or "", header, profile)


def _branch_operation(c: JourneyCompiler, state: str) -> Operation | None:
    """The step operation of a state inside a branch: by name, else by shared words."""
    assert c.bundle.journey is not None
    taken = {
        e.operation.path for e in c.bundle.journey.external_steps if e.operation
    } | c.linked
    free = [
        o for o in c.bundle.operations
        if o.kind == "step" and o.step_state and o.path not in taken
    ]  # fmt: skip
    found = next((o for o in free if o.step_state == state), None)
    if found is None:
        words = _words(state)
        scored = sorted(
            ((len(words & _words(o.step_state or "")), o.path, o) for o in free),
            key=lambda x: (-x[0], x[1]),
        )
        best = [x for x in scored if x[0] == scored[0][0]] if scored else []
        found = best[0][2] if len(best) == 1 and best[0][0] > 0 else None
    if found is not None:
        c.linked.add(found.path)
    return found


def _state_model(
    c: JourneyCompiler, state: str, body: WaitState | WebhookState
) -> str | None:
    """The models.py class generated from a state's inline input schema, if any."""
    block = body.wait if isinstance(body, WaitState) else body.webhook
    schema = block.input.schema_ if block.input is not None else None
    title = schema.get("title") if isinstance(schema, dict) else None
    wanted = [naming.class_name(title)] if isinstance(title, str) else []
    wanted.append(naming.class_name(state) + "Input")
    names = {m.name for m in c.bundle.models}
    return next((w for w in wanted if w in names), None)


def guard(
    states: Mapping[str, Any], body: WaitState | WebhookState
) -> tuple[str | None, str | None]:
    """The header an external-input state's input is checked with (apiKeyValidate right
    after it)."""
    block = body.wait if isinstance(body, WaitState) else body.webhook
    nxt = states.get(body.next or block.default or "")
    task = nxt.task if isinstance(nxt, TaskState) else None
    if not isinstance(task, ApiKeyValidate):
        return None, None
    source = task.source or KeySource()
    if source.location != "header" or source.name is None:
        return None, None
    return source.name, task.profile if task.profile is not None else "default"
