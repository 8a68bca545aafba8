"""How a run ends: the execution deadline, named outcomes and global compensation (the
definitions are in lifecycle.py, which says what each one does)."""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any, TypeVar

from .definition import ExternalInput, Machine
from .driver import Driver
from .durations import parse_instant
from .lifecycle import (
    COMPENSATION,
    DEADLINE,
    ENVELOPE,
    Compensation,
    outcome_binding,
    problem_of,
)
from .problem import ProblemError
from .results import DEFINITION_INVALID, FAILED, RUNNING, SUCCEEDED, Fail
from .run import Run, Thread, branch_json
from .states import INPUT
from .store import (
    JourneyRecord,
    StaleVersionError,
    StoreTransaction,
    TimerRecord,
    utc_now,
)

__all__ = ["Ending"]

H = TypeVar("H")
_logger = logging.getLogger("journeygen.server")


class Ending(Driver[H]):
    """The deadline, named outcome and compensation of runs that end."""

    def _time_out(self, run: Run, root: Thread) -> None:
        """Fail the whole run with spec.execution.onTimeout (branches are abandoned)."""
        execution = self.definition.execution
        if execution is None:
            return
        run.timed_out = True
        root.branches, root.entry, root.done = None, None, []
        root.leave, root.call = None, None
        self.end(root, Fail(execution.error_code, execution.reason))

    @staticmethod
    def _deadline_of(record: JourneyRecord) -> datetime | None:
        found = (record.runtime or {}).get(DEADLINE)
        return parse_instant(found) if isinstance(found, str) else None

    def _envelope(self, run: Run, root: Thread) -> None:
        """Map a failed run's Problem Details into spec.errors.envelope's custom body, kept
        with its error (views.py serves it as JourneyOutcome.error)."""
        envelope = self.definition.error_envelope
        if envelope is None or root.status != FAILED or not root.error:
            return
        problem = problem_of(root.error)
        ctx = self.context_for(run, copy.deepcopy(root.context))
        try:
            body = envelope.mapper(ctx, problem)
        except Exception as exc:  # an expression failed: the Problem itself is served
            _logger.warning(
                "journey %s: spec.errors.envelope mapper (%s) failed (%s: %s); the error"
                " is served as its Problem Details",
                run.journey_id,
                envelope.site,
                type(exc).__name__,
                exc,
            )
            body = problem
        root.error = {**root.error, ENVELOPE: body}

    def _finish(self, run: Run, root: Thread) -> dict[str, Any]:
        """Classify a run that just ended and start (or run) its compensation."""
        extra: dict[str, Any] = {}
        self._envelope(run, root)
        if not self.definition.outcomes and self.definition.compensation is None:
            return extra  # nothing to classify: skip the copies below
        phase = root.status.upper()
        error = copy.deepcopy(root.error)
        output = copy.deepcopy(root.output) if root.status == SUCCEEDED else None
        view = copy.deepcopy(root.context)
        if root.status == FAILED:
            view["error"] = copy.deepcopy(error)
        for named in self.definition.outcomes:
            if named.phase != phase:
                continue
            args = (self.context_for(run, copy.deepcopy(view)), output, error)
            if named.predicate is None or _holds(named.predicate, args, named.name):
                extra["outcomeId"] = named.name
                break
        compensation = self.definition.compensation
        if compensation is None:
            return extra
        if root.status == SUCCEEDED and not any(
            rule is None
            or _holds(
                rule, (self.context_for(run, copy.deepcopy(view)), output), "alsoFor"
            )
            for rule in compensation.also_for
        ):
            return extra
        kind = (
            "Success"
            if root.status == SUCCEEDED
            else ("Timeout" if run.timed_out else "Cancel" if run.cancelled else "Fail")
        )
        outcome = outcome_binding(
            phase, kind, error, root.state, run.journey_id, self.definition.name
        )
        context = copy.deepcopy(root.context)
        if compensation.mode == "sync":
            extra[COMPENSATION] = self._compensate(run, compensation, context, outcome)
        else:
            extra[COMPENSATION] = {
                "status": "pending",
                "outcome": outcome,
                "context": context,
            }
        return extra

    def _compensate(
        self,
        run: Run,
        compensation: Compensation,
        context: dict[str, Any],
        outcome: dict[str, Any],
    ) -> dict[str, Any]:
        """Run the compensation states from their start; return what is stored."""
        return self._run_compensation(
            run, compensation, Thread(compensation.start, context), outcome
        )

    def _run_compensation(
        self,
        run: Run,
        compensation: Compensation,
        thread: Thread,
        outcome: dict[str, Any],
        resume: tuple[tuple[str, ...], str] | None = None,
    ) -> dict[str, Any]:
        """Run a compensation thread (`resume`: the path of the thread a fired timer moves to
        its target) until it ends or pauses at a timer (inside parallel branches too); a
        paused one is stored as ``status: running``, its timer rows in
        ``run.compensation_timers`` (persisted after the run's own timers)."""
        services = replace(run.services, outcome=outcome, schedules=[])
        sub = Run(run.journey_id, run.headers, run.meta, services, run.event_id)
        machine, prefix = compensation.machine, (COMPENSATION,)
        try:
            if resume is not None:
                self._resume(sub, thread, resume[0], resume[1], machine, prefix)
            else:
                self.run_thread(sub, machine, thread, prefix)
        except Exception as exc:
            _logger.error("compensation of %s raised", run.journey_id, exc_info=exc)
            thread.status = FAILED
            thread.error = {"code": "COMPENSATION_ERROR", "reason": type(exc).__name__}
        paused = thread.token is not None or bool(self._children(thread, machine))
        if thread.status == RUNNING and thread.leave is None and paused:
            run.compensation_timers.extend(sub.timer_ops)
            shown = self._display(thread, machine)[0]
            _logger.info("compensation of %s paused at %s", run.journey_id, shown)
            return {
                "status": "running",
                "outcome": outcome,
                "display": shown,
                "thread": branch_json(thread),
            }
        if thread.status == RUNNING:
            thread.status = FAILED
            reason = f"compensation paused at {thread.state!r}"
            thread.error = {"code": DEFINITION_INVALID, "reason": reason}
        result: dict[str, Any] = {
            "status": "done",
            "phase": thread.status.upper(),
            "state": thread.state,
            "outcome": outcome,
        }
        if thread.error is not None:
            result["error"] = thread.error
        _logger.info(
            "compensation of %s (%s) ended %s at %s",
            run.journey_id,
            outcome.get("terminationKind"),
            result["phase"],
            thread.state,
        )
        return result

    def _fire_compensation(
        self, tx: StoreTransaction, record: JourneyRecord | None, timer: TimerRecord
    ) -> None:
        """Start a pending compensation, or resume a paused one at its fired timer."""
        compensation = self.definition.compensation
        if record is None or compensation is None:
            return
        runtime = dict(record.runtime or {})
        found = runtime.get(COMPENSATION)
        if not isinstance(found, dict):
            return
        run = self._new_run(
            record.id, record.created_at, {}, None, tx, f"timer:{timer.id}"
        )
        outcome = dict(found.get("outcome") or {})
        if timer.kind == COMPENSATION and found.get("status") == "pending":
            context = dict(found.get("context") or {})
            runtime[COMPENSATION] = self._compensate(
                run, compensation, context, outcome
            )
        elif timer.kind != COMPENSATION and found.get("status") == "running":
            data = found.get("thread") or {}
            root = Thread.from_json(data, dict(data.get("context") or {}))
            path = timer.path[1:]
            chain = self._locate(root, path, compensation.machine)
            thread, machine = chain[-1] if chain else (root, None)
            state = None if machine is None else self.state(machine, timer.state)
            target = None if state is None else state.resume_target(timer.kind)
            here = (thread.state, thread.token, thread.finished)
            if here != (timer.state, timer.token, False) or not target:
                if timer.id is not None:
                    tx.set_timer_status(timer.id, "stale")
                return
            runtime[COMPENSATION] = self._run_compensation(
                run, compensation, root, outcome, (path, target)
            )
        else:
            return
        self._store_compensation(tx, run, record, runtime)

    def _deliver(
        self,
        run: Run,
        thread: Thread,
        machine: Machine[H],
        ext: ExternalInput,
        payload: dict[str, Any],
    ) -> str:
        """Hand a step submission to the paused thread; return where it resumes."""
        binding = self.definition.http_bindings.get(ext.name)
        if binding is not None:
            run.services.passthrough = binding.apply(
                thread.context, run.headers, run.meta
            )
        thread.context["payload"] = payload
        state = self.state(machine, ext.name)
        target = None if state is None else state.resume_target(INPUT)
        return target or ext.next

    def _submit_compensation(
        self,
        tx: StoreTransaction,
        run: Run,
        record: JourneyRecord,
        ext: ExternalInput,
        payload: dict[str, Any],
    ) -> JourneyRecord | None:
        """Resume the ended journey's compensation paused at the wait/webhook `ext` (None:
        its compensation is not waiting there)."""
        compensation = self.definition.compensation
        runtime = dict(record.runtime or {})
        found = runtime.get(COMPENSATION)
        if (
            compensation is None
            or not isinstance(found, dict)
            or found.get("status") != "running"
        ):
            return None
        data = found.get("thread") or {}
        root = Thread.from_json(data, dict(data.get("context") or {}))
        path = self._find_input(root, compensation.machine, ext.name, ())
        if path is None:
            return None
        thread, machine = self._locate(root, path, compensation.machine)[-1]
        target = self._deliver(run, thread, machine, ext, payload)
        outcome = dict(found.get("outcome") or {})
        runtime[COMPENSATION] = self._run_compensation(
            run, compensation, root, outcome, (path, target)
        )
        return self._store_compensation(tx, run, record, runtime)

    def _store_compensation(
        self,
        tx: StoreTransaction,
        run: Run,
        record: JourneyRecord,
        runtime: dict[str, Any],
    ) -> JourneyRecord:
        """Store the ended journey's compensation as it now stands, with its timer rows."""
        updated = replace(
            record, runtime=runtime, version=record.version + 1, updated_at=utc_now()
        )
        try:
            tx.update_journey(updated, record.version)
        except StaleVersionError:
            raise ProblemError(
                409, "Journey changed concurrently", slug="concurrent"
            ) from None
        self._add_compensation_timers(tx, run)
        return updated

    def _add_compensation_timers(self, tx: StoreTransaction, run: Run) -> None:
        """Persist the timer rows (and cancellations) of a compensation that paused."""
        for op in run.compensation_timers:
            if isinstance(op, TimerRecord):
                tx.add_timer(op)
            else:
                tx.cancel_timers(run.journey_id, op)
        if run.compensation_timers:
            self.wakeup.set()


def _holds(predicate: Callable[..., Any], args: tuple[Any, ...], what: str) -> bool:
    """Evaluate a classification predicate; one that raises counts as false (logged)."""
    try:
        return bool(predicate(*args))
    except Exception as exc:
        _logger.warning(
            "predicate %s raised %s", what, type(exc).__name__, exc_info=exc
        )
        return False
