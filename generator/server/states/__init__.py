"""The state compilers, one module per state type, found through `COMPILERS`.

A compiler adds what its state contributes to the machine being compiled (a step function, an
ExternalInput, a Timer, a Parallel, a SubjourneyCall). Every state type compiles in every
machine: the journey's, a parallel branch's, a subjourney's and spec.compensation's (the
engine pauses and persists any of them). Adding a state type: a schema model in
`generator/schema/journey/states.py`, a module here, an entry below, and the runtime's state
class.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..scope import Scope
from . import (
    choice,
    fail,
    parallel,
    subjourney,
    succeed,
    task,
    timer,
    transform,
    wait,
    webhook,
)

if TYPE_CHECKING:
    from ..compile import JourneyCompiler


@dataclass(frozen=True)
class StateKind:
    """How one state type is compiled."""

    compile: Callable[[JourneyCompiler, Scope, str, Any], None]


COMPILERS: dict[str, StateKind] = {
    "task": StateKind(task.compile),
    "choice": StateKind(choice.compile),
    "transform": StateKind(transform.compile),
    "succeed": StateKind(succeed.compile),
    "fail": StateKind(fail.compile),
    "subjourney": StateKind(subjourney.compile),
    "wait": StateKind(wait.compile),
    "webhook": StateKind(webhook.compile),
    "timer": StateKind(timer.compile),
    "parallel": StateKind(parallel.compile),
}
