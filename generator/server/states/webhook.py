"""`type: webhook`: a third-party callback; compiled like `wait` (DSL §12.2)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...schema.journey.states import WebhookState
from ..scope import Scope
from .wait import add_input

if TYPE_CHECKING:
    from ..compile import JourneyCompiler


def compile(c: JourneyCompiler, scope: Scope, state: str, body: WebhookState) -> None:
    """Add the state's ExternalInput to its machine."""
    add_input(c, scope, state, body)
