"""How each kind of state runs, one module per kind, found through ``state_of``.

A state is entered by the driver's one loop (``Driver.run_thread``) and says whether the thread
goes on (it moved to another state) or stops there (it paused or ended); a paused state names
where a submission, a timeout or a timer resumes it (``resume_target``). A new kind of state is
one module here and one line in ``state_of``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, TypeVar

from ..definition import ExternalInput, Parallel, Timer
from .external import INPUT, TIMEOUT, Wait, Webhook
from .parallel import ParallelState
from .step import Step
from .timer import TIMER, TimerState

if TYPE_CHECKING:
    from ..definition import Machine
    from ..driver import Driver
    from ..run import Run, Thread

__all__ = [
    "INPUT",
    "TIMEOUT",
    "TIMER",
    "ParallelState",
    "State",
    "Step",
    "TimerState",
    "Wait",
    "Webhook",
    "state_of",
]

H = TypeVar("H")


class State(Protocol[H]):
    """One state of a machine as the driver runs it."""

    def enter(
        self, driver: Driver[H], run: Run, thread: Thread, path: tuple[str, ...]
    ) -> bool:
        """Run the state for a thread that arrived at it; True when the thread moved on."""
        ...

    def resume_target(self, kind: str) -> str | None:
        """Where a paused thread goes when `kind` (INPUT, TIMEOUT, TIMER) resumes it."""
        ...


def state_of(machine: Machine[H], name: str) -> State[H] | None:
    """The state `name` of `machine` (None when the machine has no such state)."""
    entry = machine.states.get(name)
    if entry is None:
        return None
    if isinstance(entry, ExternalInput):
        return Webhook(entry) if entry.kind == "webhook" else Wait(entry)
    if isinstance(entry, Timer):
        return TimerState(entry)
    if isinstance(entry, Parallel):
        return ParallelState(entry)
    return Step(name, entry)
