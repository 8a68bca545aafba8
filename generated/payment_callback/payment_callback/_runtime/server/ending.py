"""How a run ends: the execution deadline, named outcomes and global compensation (the
definitions are in lifecycle.py, which says what each one does)."""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any, TypeVar

from .driver import Driver
from .durations import parse_instant
from .lifecycle import COMPENSATION, DEADLINE, Compensation, outcome_binding
from .results import DEFINITION_INVALID, FAILED, RUNNING, SUCCEEDED, Fail
from .run import Run, Thread
from .store import JourneyRecord, StoreTransaction, utc_now

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
        root.leave = None
        self.end(root, Fail(execution.error_code, execution.reason))

    @staticmethod
    def _deadline_of(record: JourneyRecord) -> datetime | None:
        found = (record.runtime or {}).get(DEADLINE)
        return parse_instant(found) if isinstance(found, str) else None

    def _finish(self, run: Run, root: Thread) -> dict[str, Any]:
        """Classify a run that just ended and start (or run) its compensation."""
        extra: dict[str, Any] = {}
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
        """Run the compensation states to their end; return what is stored and logged."""
        services = replace(run.services, outcome=outcome, schedules=[])
        sub = Run(run.journey_id, run.headers, run.meta, services, run.event_id)
        thread = Thread(compensation.start, context)
        try:
            self.run_thread(sub, compensation.machine, thread, (COMPENSATION,))
        except Exception as exc:
            _logger.error("compensation of %s raised", run.journey_id, exc_info=exc)
            thread.status = FAILED
            thread.error = {"code": "COMPENSATION_ERROR", "reason": type(exc).__name__}
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
        self, tx: StoreTransaction, record: JourneyRecord | None
    ) -> None:
        compensation = self.definition.compensation
        if record is None or compensation is None:
            return
        runtime = dict(record.runtime or {})
        pending = runtime.get(COMPENSATION)
        if not isinstance(pending, dict) or pending.get("status") != "pending":
            return
        run = self._new_run(record.id, record.created_at, {}, None, tx, COMPENSATION)
        runtime[COMPENSATION] = self._compensate(
            run, compensation, dict(pending.get("context") or {}),
            dict(pending.get("outcome") or {}),
        )  # fmt: skip
        updated = replace(
            record, runtime=runtime, version=record.version + 1, updated_at=utc_now()
        )
        tx.update_journey(updated, record.version)


def _holds(predicate: Callable[..., Any], args: tuple[Any, ...], what: str) -> bool:
    """Evaluate a classification predicate; one that raises counts as false (logged)."""
    try:
        return bool(predicate(*args))
    except Exception as exc:
        _logger.warning(
            "predicate %s raised %s", what, type(exc).__name__, exc_info=exc
        )
        return False
