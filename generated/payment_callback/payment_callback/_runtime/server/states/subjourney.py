"""Local subjourneys (``spec.subjourneys``): a named subgraph run as a call (DSL §5.8).

A ``subjourney`` state evaluates its input mapper (the subjourney's initial context, ``{}``
without one; anything but an object fails the call with SUBJOURNEY_INPUT_INVALID) and runs the
subgraph's states from its ``start`` on that context, as a child thread (``Thread.call``) of
the calling thread, on the run's one interpreter (``Driver.run_thread``): its states count
against the journey's ``max_steps`` and stop once the run's ``spec.execution`` deadline has
passed, like every other state. The subgraph shares the run's handlers, request and services;
it has no journey id of its own, and its transitions are not part of the journey's history.

A subjourney may call itself, directly or through others (``a -> b -> a``): each call is its
own thread with its own context, its result going to the calling state of the frame above.
``Settings.max_subjourney_depth`` (``<PREFIX>_MAX_SUBJOURNEY_DEPTH``, default 64) bounds how
many calls are active inside one another; a state calling one deeper fails its thread there
with JOURNEY_SUBJOURNEY_DEPTH_EXCEEDED, which each caller then handles by its
``onFailure.behavior`` like any subjourney failure.

A subjourney may use every state type: when it pauses (at a wait or webhook, whose step
endpoint is the journey's ``/steps/<state>``, at a timer, or inside a parallel), the calling
thread pauses with it and both are persisted with the journey; timer rows of the call sit
under the path ``<...>/<subjourney id>``. Once the subjourney reaches ``succeed`` or ``fail`` its
result goes back to the calling state's ``finish`` function, which writes ``resultVar`` (the
output, or the mini-outcome with ``resultKind: outcome``) and fails the thread
(``onFailure.behavior: propagate``) or continues at ``next`` (``capture``), exactly as when
the call ends in the same request.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ..results import (
    DEFINITION_INVALID,
    SUBJOURNEY_DEPTH_EXCEEDED,
    FAILED,
    SUCCEEDED,
    Fail,
    StepResult,
    SubjourneyResult,
)
from ..run import Thread
from .step import call_step

if TYPE_CHECKING:
    from ..context import RunContext
    from ..definition import Machine, SubjourneyCall
    from ..driver import Driver
    from ..run import Run

__all__ = ["CallState", "result_of"]

H = TypeVar("H")


@dataclass(frozen=True)
class CallState(Generic[H]):
    """A subjourney state: run the subjourney as a child thread, then finish the call."""

    spec: SubjourneyCall[H]

    def enter(
        self, driver: Driver[H], run: Run, thread: Thread, path: tuple[str, ...]
    ) -> bool:
        """Start the call; True when it ended at once and the thread moved on."""
        spec = self.spec
        machine = driver.definition.subjourneys.get(spec.ref)
        found: Any = {}
        if spec.input is not None:
            found = call_step(driver, run, thread, spec.name, spec.input)
        if isinstance(found, Fail):
            return driver.apply(run, thread, found)
        if machine is None or not isinstance(found, dict):
            reason = (
                f"the input of subjourney {spec.ref!r} must be an object"
                if machine is not None
                else f"subjourney {spec.ref!r} is not a subjourney of this journey"
            )
            code = "SUBJOURNEY_INPUT_INVALID" if machine else DEFINITION_INVALID
            failed = SubjourneyResult("FAILED", error={"code": code, "reason": reason})
            return self._finish(driver, run, thread, failed)
        limit = driver.settings.max_subjourney_depth
        if thread.depth >= limit:
            reason = (
                f"state {spec.name!r} calls subjourney {spec.ref!r} deeper than "
                f"{limit} subjourney calls inside one another (the server's "
                "max_subjourney_depth); give the recursion a base case that stops sooner, "
                "or raise <PREFIX>_MAX_SUBJOURNEY_DEPTH"
            )
            return driver.apply(run, thread, Fail(SUBJOURNEY_DEPTH_EXCEEDED, reason))
        child = Thread(
            spec.start, copy.deepcopy(found), recorded=False, depth=thread.depth + 1
        )
        thread.call = child
        driver.run_thread(run, machine, child, (*path, spec.ref))
        if not child.finished:
            return False  # paused inside the subjourney: the thread waits with it
        return self.rejoin(driver, run, thread, spec.ref, path) and not thread.finished

    def resume_target(self, kind: str) -> str | None:
        """A subjourney state resumes through its call, never by itself."""
        return None

    def children(
        self, driver: Driver[H], thread: Thread
    ) -> list[tuple[str, Thread, Machine[H]]]:
        """The running call, named by the subjourney id."""
        machine = driver.definition.subjourneys.get(self.spec.ref)
        if thread.call is None or machine is None:
            return []
        return [(self.spec.ref, thread.call, machine)]

    def rejoin(
        self,
        driver: Driver[H],
        run: Run,
        thread: Thread,
        child: str,
        path: tuple[str, ...],
    ) -> bool:
        """The call ended: hand its result to the calling state (True: moved on or ended)."""
        call = thread.call
        if call is None or not call.finished:
            return False
        thread.call = None
        run.timer_ops.append((*path, self.spec.ref))  # e.g. an input timeout not needed
        return self._finish(driver, run, thread, result_of(call, self.spec.ref)) or (
            thread.finished
        )

    def _finish(
        self, driver: Driver[H], run: Run, thread: Thread, found: SubjourneyResult
    ) -> bool:
        spec = self.spec

        def finish(ctx: RunContext[H]) -> StepResult:
            return spec.finish(ctx, found)

        result: StepResult = call_step(driver, run, thread, spec.name, finish)
        return driver.apply(run, thread, result)


def result_of(thread: Thread, name: str) -> SubjourneyResult:
    """The result of a finished subjourney thread (a leave is a definition error)."""
    if thread.status == SUCCEEDED:
        return SubjourneyResult("SUCCEEDED", output=copy.deepcopy(thread.output))
    error = thread.error or {}
    if thread.status == FAILED:
        return SubjourneyResult(
            "FAILED",
            error={"code": error.get("code", ""), "reason": error.get("reason", "")},
        )
    reason = f"subjourney {name!r} cannot leave to {thread.leave!r}"
    return SubjourneyResult(
        "FAILED", error={"code": DEFINITION_INVALID, "reason": reason}
    )
