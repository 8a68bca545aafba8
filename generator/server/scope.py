"""What every state and task compiler shares: the machine being compiled and its errors."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..load import escape_pointer_token
from .expressions import Code, Expressions
from .ir import CallCode, InputCode, ParallelCode, TimerCode


class NotSupportedError(Exception):
    """Raised inside a state compiler for a construct it cannot compile yet."""

    def __init__(self, construct: str, pointer: str = "") -> None:
        super().__init__(construct)
        self.construct = construct
        self.pointer = pointer


def prelude(codes: list[Code]) -> list[str]:
    """The local names a step's expressions read (`context`, `payload`, ...)."""
    used = frozenset().union(*(c.bindings for c in codes)) if codes else frozenset()
    lines = []
    if "context" in used or "payload" in used:
        lines.append("context = ctx.context")
    if "payload" in used:
        lines.append('payload = context.get("payload")')
    if "platform" in used:
        lines.append("platform = ctx.platform")
    if "outcome" in used:
        lines.append("outcome = ctx.outcome")
    return lines


@dataclass
class Scope:
    """One state machine being compiled: the journey's, a branch's, a subjourney's."""

    states: Mapping[str, Any]  # name -> typed state (generator.schema.journey)
    base: str  # JSON pointer of the states map
    label: str  # prefix of function names ("" at top level)
    exprs: (
        Expressions  # compiles this machine's expressions (with the bindings it sees)
    )
    parent: Scope | None = None
    subjourney: str | None = None  # the spec.subjourneys id this scope compiles
    steps: list[tuple[str, str]] = field(default_factory=list)
    inputs: list[InputCode] = field(default_factory=list)
    timers: list[TimerCode] = field(default_factory=list)
    parallels: list[ParallelCode] = field(default_factory=list)
    calls: list[CallCode] = field(default_factory=list)

    def pointer(self, state: str) -> str:
        """The JSON pointer of one of this machine's states."""
        return f"{self.base}/{escape_pointer_token(state)}"
