"""The state compilers, one module per state type, found through `COMPILERS`.

A compiler adds what its state contributes to the machine being compiled (a step function, an
ExternalInput, a Timer, a Parallel). `internal` says whether the state may run inside a
subjourney or the compensation machine (the engine runs those synchronously, in one burst);
`durable` that it also runs in the compensation machine, whose paused thread is persisted.
Adding a state type: a schema model in `generator/schema/journey/states.py`, a module here, an
entry below, and the runtime's state class.
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
    internal: bool
    # also runs in spec.compensation, where the compensation thread is persisted (DSL §2.5)
    durable: bool = False


COMPILERS: dict[str, StateKind] = {
    "task": StateKind(task.compile, internal=True),
    "choice": StateKind(choice.compile, internal=True),
    "transform": StateKind(transform.compile, internal=True),
    "succeed": StateKind(succeed.compile, internal=True),
    "fail": StateKind(fail.compile, internal=True),
    "subjourney": StateKind(subjourney.compile, internal=True),
    "wait": StateKind(wait.compile, internal=False),
    "webhook": StateKind(webhook.compile, internal=False),
    "timer": StateKind(timer.compile, internal=False, durable=True),
    "parallel": StateKind(parallel.compile, internal=False, durable=True),
}
