"""parallel states: run each branch on a copy of the context, then join by strategy.

Each branch runs until it is paused or finished; the branches are persisted with the run.
The join (allOf: all finished; anyOf and firstCompleted: the first one; ``errorPolicy:
failFast``: the first failure) merges each finished branch's changes into the context,
evaluates the mapper with ``branches.<name>`` (a branch's succeed output, or ``{"error": ...}``
for a failed one) into ``resultVar``, cancels unfinished branches and their timers, and
continues at ``next``; without ``next`` the first finished branch's outcome ends the journey.
A branch state whose ``next`` names a state outside the branch (``Leave``) ends the parallel
there.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..results import CANCELLED, FAILED, Fail, Succeed
from ..run import Thread, branch_view, merge
from ..store import Transition
from .step import call_step

if TYPE_CHECKING:
    from ..definition import Machine, Parallel
    from ..driver import Driver
    from ..run import Run

__all__ = ["ParallelState"]


@dataclass(frozen=True)
class ParallelState:
    """A parallel state: its branches and their join."""

    spec: Parallel[Any]

    def enter(
        self, driver: Driver[Any], run: Run, thread: Thread, path: tuple[str, ...]
    ) -> bool:
        """Start the branches; True when they joined at once and the thread moved on."""
        self._start(driver, run, thread, path)
        return self.join(driver, run, thread, path) and not thread.finished

    def resume_target(self, kind: str) -> str | None:
        """A parallel state resumes through its branches, never by itself."""
        return None

    def children(
        self, driver: Driver[Any], thread: Thread
    ) -> list[tuple[str, Thread, Machine[Any]]]:
        """The branches the thread runs (while the parallel is open)."""
        if thread.branches is None:
            return []
        return [
            (b.name, thread.branches[b.name], b.machine)
            for b in self.spec.branches
            if b.name in thread.branches
        ]

    def rejoin(
        self,
        driver: Driver[Any],
        run: Run,
        thread: Thread,
        child: str,
        path: tuple[str, ...],
    ) -> bool:
        """The branch `child` finished: join when the strategy says so."""
        if child not in thread.done:
            thread.done.append(child)
        return self.join(driver, run, thread, path)

    def _start(
        self, driver: Driver[Any], run: Run, thread: Thread, path: tuple[str, ...]
    ) -> None:
        parallel = self.spec
        thread.entry = copy.deepcopy(thread.context)
        thread.branches = {
            b.name: Thread(
                b.start,
                copy.deepcopy(thread.context),
                recorded=thread.recorded,
                depth=thread.depth,
            )
            for b in parallel.branches
        }
        thread.done = []
        for branch in parallel.branches:
            if self._ready(thread):
                break
            if thread.recorded:
                run.transitions.append(
                    Transition(parallel.name, branch.start, run.event_id)
                )
            child = thread.branches[branch.name]
            driver.run_thread(run, branch.machine, child, (*path, branch.name))
            if child.finished:
                thread.done.append(branch.name)

    def _ready(self, thread: Thread) -> bool:
        parallel = self.spec
        branches = thread.branches or {}
        done = [branches[n] for n in thread.done]
        if any(b.leave is not None for b in done):
            return True
        if parallel.error_policy == "failFast" and any(
            b.status == FAILED for b in done
        ):
            return True
        if parallel.strategy in ("anyOf", "firstCompleted"):
            return bool(done)
        return len(done) == len(branches)

    def join(
        self, driver: Driver[Any], run: Run, thread: Thread, path: tuple[str, ...]
    ) -> bool:
        """Join when the strategy says so; True when the thread moved on or finished."""
        parallel = self.spec
        if not self._ready(thread):
            return False
        branches = thread.branches or {}
        done = [n for n in thread.done if n in branches]
        for name, child in branches.items():
            if name not in done:
                child.status = CANCELLED
                run.timer_ops.append((*path, name))
        entry = thread.entry or {}
        merged = copy.deepcopy(entry)
        for name in done:
            merge(merged, entry, branches[name].context)
        thread.context.clear()
        thread.context.update(merged)
        views = {name: branch_view(branches[name]) for name in done}
        join = parallel.join
        joined: Any = None
        if join is not None:
            joined = call_step(
                driver, run, thread, parallel.name, lambda rc: join(rc, views)
            )
            if parallel.result_var is not None and not isinstance(joined, Fail):
                thread.context[parallel.result_var] = joined
        leaver = next((branches[n] for n in done if branches[n].leave), None)
        thread.branches, thread.entry, thread.done = None, None, []
        if isinstance(joined, Fail):  # the join mapper failed on the branches' data
            driver.end(thread, joined)
            return True
        if leaver is not None and leaver.leave is not None:
            driver.move(run, thread, leaver.leave)
            return True
        if parallel.next is not None:
            driver.move(run, thread, parallel.next)
            return True
        failed = [branches[n] for n in done if branches[n].status == FAILED]
        if failed and parallel.error_policy != "ignoreErrors":
            error = failed[0].error or {}
            driver.end(
                thread,
                Fail(error.get("code", "BRANCH_FAILED"), error.get("reason", "")),
            )
        elif len(done) == 1:
            driver.end(thread, Succeed(branch_view(branches[done[0]])))
        else:
            driver.end(thread, Succeed(views))
        return True
