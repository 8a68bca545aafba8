"""The step endpoint and guard of an external-input state, as the build's linker decided them
(`generator.build.links`, stored in `JourneyIR.external_steps` and `.branch_steps`)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ..ir import ExternalStep
from ..schema.journey.states import WaitState, WebhookState
from .scope import Scope

if TYPE_CHECKING:
    from .compile import JourneyCompiler


def external(
    c: JourneyCompiler, scope: Scope, state: str, body: WaitState | WebhookState
) -> ExternalStep | None:
    """The linked step of an external-input state (None: the journey has no such step)."""
    journey = c.bundle.journey
    assert journey is not None
    pointer = scope.pointer(state)
    linked = next((e for e in journey.branch_steps if e.pointer == pointer), None)
    if linked is None:  # a top-level state
        return next((e for e in journey.external_steps if e.state == state), None)
    if linked.operation is None:
        where = c.doc.location(pointer)
        c.warnings.append(
            (where, f"{body.type} state {state!r} has no step endpoint in the OpenAPI "
                    f"document; the server serves it at .../steps/{state}")
        )  # fmt: skip
    # a branch state without an input model takes any JSON object
    return linked if linked.input_model else replace(linked, input_model="")
