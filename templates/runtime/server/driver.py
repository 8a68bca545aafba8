"""The interpreter of a journey's states: ONE loop that runs a thread (the journey, a parallel
branch, a subjourney call, a compensation) from the state it arrived at until it pauses or
ends, dispatching each state to its kind in ``states/``.

Every thread runs here, so every thread counts against the journey's ``max_steps`` and stops
before its next state once the run's ``spec.execution`` deadline has passed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Generic, TypeVar

from .auth import RequestMeta
from .cache import Cache, MemoryCache
from .context import RunContext
from .definition import JourneyDefinition, Machine
from .durations import format_instant
from .handlers import loop_guard
from .results import (
    DEFINITION_INVALID,
    FAILED,
    RUNNING,
    SUCCEEDED,
    Fail,
    Leave,
    Next,
    StepResult,
    Succeed,
)
from .run import Run, Thread
from .services import Services, utc_clock
from .settings import Settings
from .states import State, state_of
from .store import JourneyStore, StoreTransaction, TimerRecord, Transition

__all__ = ["Driver"]

H = TypeVar("H")
Chain = list[tuple[Thread, Machine[H]]]


class Driver(Generic[H]):
    """A journey's definition, handlers, store and settings, and the interpreter over them."""

    def __init__(
        self,
        definition: JourneyDefinition[H],
        handlers: H,
        store: JourneyStore,
        settings: Settings,
        *,
        cache: Cache | None = None,
        clock: Callable[[], datetime] = utc_clock,
    ) -> None:
        self.definition = definition
        self.handlers = handlers
        self._guarded = loop_guard(handlers)  # as step functions call it (handlers.py)
        self.store = store
        self.settings = settings
        self.cache: Cache = cache or MemoryCache(definition.cache_max_entries)
        self.clock = clock
        self.machine = definition.machine
        self.inputs = definition.all_inputs()
        self.routes = dict(self.inputs)  # step endpoint name -> state, aliases included
        for ext in self.inputs.values():
            if ext.route is not None:
                self.routes.setdefault(ext.route, ext)
        self.wakeup = threading.Event()  # set when a timer or schedule is persisted
        # each machine's states by name (the machine is kept so its id stays its own)
        self._tables: dict[int, tuple[Machine[H], dict[str, State[H] | None]]] = {}

    # -- run plumbing ----------------------------------------------------------------------

    def _new_run(
        self,
        journey_id: str,
        started_at: str,
        headers: Mapping[str, str],
        meta: RequestMeta | None,
        tx: StoreTransaction | None,
        event_id: str | None = None,
    ) -> Run:
        services = Services(
            self.definition.name,
            self.definition.version,
            journey_id,
            started_at,
            self.clock,
            self.cache,
            self.definition.cache_ttl_seconds,
            self._platform_config(),
            tx=tx,
            store=self.store,
        )
        return Run(journey_id, headers, meta or RequestMeta(), services, event_id)

    def _platform_config(self) -> dict[str, Any]:
        if not self.definition.platform_keys:
            return {}
        declared = {k.name for k in self.definition.platform_keys}
        config = self.settings.platform_config
        return {k: v for k, v in config.items() if k in declared}

    def context_for(self, run: Run, context: dict[str, Any]) -> RunContext[H]:
        """The RunContext a step function (or a predicate) sees on `context`."""
        if run.lowered is None:  # the request's headers by lower-case name, once a run
            run.lowered = {k.lower(): v for k, v in run.headers.items()}
        return RunContext(
            context,
            self._guarded,
            run.lowered,
            self.settings,
            meta=run.meta,
            services=run.services,
            lowered=True,
        )

    def move(self, run: Run, thread: Thread, target: str) -> None:
        """Move a thread to another state (kept in the history unless it is unrecorded)."""
        if thread.recorded:
            run.transitions.append(Transition(thread.state, target, run.event_id))
        thread.state, thread.token = target, None

    @staticmethod
    def end(thread: Thread, result: Succeed | Fail) -> None:
        """End a thread with a success output or a failure."""
        if isinstance(result, Succeed):
            thread.status, thread.output = SUCCEEDED, result.output
        else:
            thread.status = FAILED
            thread.error = {"code": result.code, "reason": result.reason}

    def apply(self, run: Run, thread: Thread, result: StepResult) -> bool:
        """Apply a step result to its thread; True when the thread moved on to a state."""
        if isinstance(result, Next):
            self.move(run, thread, result.state)
            return True
        if isinstance(result, Leave):
            thread.leave = result.state
            return False
        self.end(thread, result)
        return False

    def add_timer(
        self, run: Run, path: tuple[str, ...], state: str, token: str, kind: str,
        due: datetime,
    ) -> None:  # fmt: skip
        """Persist a timer row with the run (a timer, an input timeout, the deadline)."""
        run.timer_ops.append(
            TimerRecord(
                self.definition.name, run.journey_id, path, state, token, kind,
                format_instant(due),
            )
        )  # fmt: skip

    def _count(self, run: Run) -> None:
        run.steps += 1
        if run.steps > self.definition.max_steps:
            limit = self.definition.max_steps
            raise RuntimeError(f"journey {self.definition.name} exceeded {limit} steps")

    def _past_deadline(self, run: Run, thread: Thread) -> bool:
        """End the thread with spec.execution.onTimeout once the run's deadline has passed."""
        execution = self.definition.execution
        if execution is None or run.deadline is None or self.clock() < run.deadline:
            return False
        run.timed_out = True
        self.end(thread, Fail(execution.error_code, execution.reason))
        return True

    # -- interpreting ----------------------------------------------------------------------

    def state(self, machine: Machine[H], name: str) -> State[H] | None:
        """The state called `name` in `machine` (None: no such state)."""
        found = self._tables.get(id(machine))
        if found is None or found[0] is not machine:
            found = self._tables[id(machine)] = (machine, {})
        table = found[1]
        if name not in table:
            table[name] = state_of(machine, name)
        return table[name]

    def run_thread(
        self, run: Run, machine: Machine[H], thread: Thread, path: tuple[str, ...]
    ) -> None:
        """Run a thread that just arrived at thread.state until it pauses or finishes."""
        while True:
            self._count(run)
            if self._past_deadline(run, thread):
                return
            state = self.state(machine, thread.state)
            if state is None:
                reason = f"state {thread.state!r} is not a state of this journey"
                self.end(thread, Fail(DEFINITION_INVALID, reason))
                return
            if not state.enter(self, run, thread, path):
                return

    def _children(
        self, thread: Thread, machine: Machine[H]
    ) -> list[tuple[str, Thread, Machine[H]]]:
        """The threads `thread`'s state runs (parallel branches, a subjourney call)."""
        state = self.state(machine, thread.state)
        return [] if state is None else state.children(self, thread)

    def _locate(
        self, root: Thread, path: Sequence[str], top: Machine[H] | None = None
    ) -> Chain[H]:
        """The chain from the root (a thread of `top`, the journey's machine by default) to
        the thread at path (a branch name or subjourney id per level): (thread, machine).
        """
        chain: Chain[H] = []
        thread, machine = root, top or self.machine
        for name in path:
            chain.append((thread, machine))
            found = next(
                (c for c in self._children(thread, machine) if c[0] == name), None
            )
            if found is None:
                return []
            thread, machine = found[1], found[2]
        chain.append((thread, machine))
        return chain

    def _resume(
        self, run: Run, root: Thread, path: tuple[str, ...], target: str,
        top: Machine[H] | None = None, prefix: tuple[str, ...] = (),
    ) -> None:  # fmt: skip
        """Move the thread at path to target, run it, then hand each finished thread back
        to the state that runs it (a parallel joins, a subjourney call returns), upwards as
        far as possible (`top`/`prefix`: the root is a thread of another machine, its timers
        under prefix). One loop for the journey, branches, subjourneys and compensation.
        """
        chain = self._locate(root, path, top)
        thread, machine = chain[-1]
        self.move(run, thread, target)
        self.run_thread(run, machine, thread, (*prefix, *path))
        for depth in range(len(chain) - 2, -1, -1):
            child = chain[depth + 1][0]
            parent, parent_machine = chain[depth]
            state = self.state(parent_machine, parent.state)
            if not child.finished or state is None:
                return
            here = (*prefix, *path[:depth])
            if not state.rejoin(self, run, parent, path[depth], here):
                return
            if parent.finished:
                continue
            self.run_thread(run, parent_machine, parent, here)

    def _find_input(
        self, thread: Thread, machine: Machine[H], step: str, path: tuple[str, ...]
    ) -> tuple[str, ...] | None:
        if thread.status != RUNNING or thread.leave is not None:
            return None
        children = self._children(thread, machine)
        if not children:
            return path if thread.state == step and step in machine.inputs else None
        for name, child, child_machine in children:
            found = self._find_input(child, child_machine, step, (*path, name))
            if found is not None:
                return found
        return None

    def _display(self, thread: Thread, machine: Machine[H]) -> tuple[str, bool]:
        """The state to report: of the external inputs open inside branches, the newest."""
        shown, waiting, _ = self._newest(thread, machine)
        return shown, waiting

    def _newest(self, thread: Thread, machine: Machine[H]) -> tuple[str, bool, str]:
        """(state, is an external input, entry token) of the state to report: inside a
        subjourney call its state, inside branches the newest open external input."""
        children = self._children(thread, machine)
        if not children:
            state = thread.state
            return state, state in machine.inputs, thread.token or ""
        found = [
            self._newest(child, child_machine)
            for _, child, child_machine in children
            if not child.finished
        ]
        inputs = [f for f in found if f[1]]
        if inputs:
            return max(inputs, key=lambda f: f[2])
        return found[0] if found else (thread.state, False, "")
