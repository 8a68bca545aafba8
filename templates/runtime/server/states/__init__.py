"""How each kind of state runs, one module per kind, found through ``state_of``.

A state is entered by the driver's one loop (``Driver.run_thread``) and says whether the thread
goes on (it moved to another state) or stops there (it paused or ended); a paused state names
where a submission, a timeout or a timer resumes it (``resume_target``). A state that runs
threads of its own (a parallel's branches, a subjourney's call) lists them (``children``), so
the driver finds, resumes and persists a paused thread however deep it sits, and is told when
one of them finished (``rejoin``). A new kind of state is one module here and one line in
``state_of``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, TypeVar

from ..definition import ExternalInput, Parallel, SubjourneyCall, Timer
from .external import INPUT, TIMEOUT, Wait, Webhook
from .parallel import ParallelState
from .step import Step
from .subjourney import CallState
from .timer import TIMER, TimerState

if TYPE_CHECKING:
    from ..definition import Machine
    from ..driver import Driver
    from ..run import Run, Thread

__all__ = [
    "INPUT",
    "TIMEOUT",
    "TIMER",
    "CallState",
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

    def children(
        self, driver: Driver[H], thread: Thread
    ) -> list[tuple[str, Thread, Machine[H]]]:
        """(name, thread, its machine) of each thread the state runs for `thread`."""
        ...

    def rejoin(
        self,
        driver: Driver[H],
        run: Run,
        thread: Thread,
        child: str,
        path: tuple[str, ...],
    ) -> bool:
        """The child thread `child` finished; True when `thread` moved on or ended."""
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
    if isinstance(entry, SubjourneyCall):
        return CallState(entry)
    return Step(name, entry)
