"""Persisting a burst of execution: the journey row, its history, timers, schedules and
correlation keys, in the caller's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, TypeVar

from .durations import DurationError, due_after, format_instant, parse_instant
from .ending import Ending
from .lifecycle import COMPENSATION, DEADLINE
from .metadata import METADATA
from .problem import ProblemError
from .results import FAILED, RUNNING, SUCCEEDED
from .run import Run, Thread, branch_json
from .services import COOKIES, ScheduleRequest
from .store import (
    JourneyRecord,
    ScheduleRecord,
    StaleVersionError,
    StoreTransaction,
    TimerRecord,
    utc_now,
)

__all__ = ["Persistence", "correlation_scope"]

H = TypeVar("H")


def correlation_scope(journey_name: str, input_field: str) -> str:
    """Return the correlation index scope for a start-input field."""
    return f"{journey_name}:{input_field}"


class Persistence(Ending[H]):
    """Saving runs and the schedule bindings they create or finish."""

    def _save(
        self,
        tx: StoreTransaction,
        run: Run,
        root: Thread,
        previous: JourneyRecord | None,
        created: str,
        schedule_id: str | None = None,
    ) -> JourneyRecord:
        if run.timed_out and root.status == RUNNING:
            self._time_out(run, root)
        runtime = root.extras()
        runtime["display"] = self._display(root, self.machine)[0]
        if run.deadline is not None:
            runtime[DEADLINE] = format_instant(run.deadline)
        if root.status != RUNNING and (previous is None or previous.phase == RUNNING):
            runtime.update(self._finish(run, root))
        if schedule_id is not None:
            runtime["schedule"] = schedule_id
        kept = (
            run.metadata if previous is None else (previous.runtime or {}).get(METADATA)
        )
        written = run.services.attributes_written
        if written:  # transforms into attributes (write-once, checked when written)
            base = dict(kept or {"tags": []})
            base["attributes"] = {**(base.get("attributes") or {}), **written}
            kept = base
        if kept:
            runtime[METADATA] = kept
        jar = (
            run.services.cookies
        )  # the cookie jar: as this burst left it, else as stored
        if jar is None and previous is not None:
            jar = (previous.runtime or {}).get(COOKIES)
        if jar is not None:
            runtime[COOKIES] = jar
        for key in ("branches",):
            if key in runtime:
                runtime[key] = {
                    n: branch_json(b) for n, b in (root.branches or {}).items()
                }
        now = utc_now()
        record = JourneyRecord(
            id=run.journey_id,
            name=self.definition.name,
            phase=root.status,
            current_state=root.state,
            context=root.context,
            created_at=created,
            updated_at=now,
            version=1 if previous is None else previous.version + 1,
            output=root.output,
            error=root.error,
            runtime=runtime,
        )
        if previous is None:
            tx.insert_journey(record)
        else:
            try:
                tx.update_journey(record, previous.version)
            except StaleVersionError:
                raise ProblemError(
                    409, "Journey changed concurrently", slug="concurrent"
                ) from None
        tx.add_history(run.journey_id, run.transitions)
        for op in run.timer_ops:
            if isinstance(op, TimerRecord):
                tx.add_timer(op)
            else:
                tx.cancel_timers(run.journey_id, op)
        if record.phase != RUNNING:
            tx.cancel_timers(run.journey_id, ())
            self._finish_scheduled(tx, record)
            pending = runtime.get(COMPENSATION)
            if isinstance(pending, dict) and pending.get("status") == "pending":
                due = format_instant(self.clock())
                tx.add_timer(
                    TimerRecord(
                        self.definition.name, run.journey_id, (), COMPENSATION, "",
                        COMPENSATION, due,
                    )
                )  # fmt: skip
                self.wakeup.set()
            self._add_compensation_timers(tx, run)
        for request in run.services.schedules:
            self._save_schedule(tx, request)
        if run.timer_ops or run.services.schedules:
            self.wakeup.set()
        return record

    def _save_schedule(self, tx: StoreTransaction, request: ScheduleRequest) -> None:
        name = self.definition.name
        existing = tx.find_schedule(name, request.subject_id, request.start)
        if existing is not None and request.on_existing == "fail":
            raise ProblemError(
                409, "Schedule exists", "A schedule with this identity exists."
            )
        keep = existing if request.on_existing == "upsert" else None
        tx.save_schedule(
            ScheduleRecord(
                id=keep.id if keep else uuid.uuid4().hex,
                journey_name=name,
                subject_id=request.subject_id,
                start_state=request.start,
                interval=request.interval,
                max_runs=request.max_runs,
                next_run_at=request.next_run_at,
                last_context=request.context,
                runs_executed=keep.runs_executed if keep else 0,
                active_journey_id=keep.active_journey_id if keep else None,
                created_at=keep.created_at if keep else utc_now(),
            )
        )

    def _finish_scheduled(self, tx: StoreTransaction, record: JourneyRecord) -> None:
        if not (record.runtime or {}).get("schedule"):
            return
        binding = tx.schedule_of_run(record.id)
        if binding is not None:
            tx.save_schedule(self._after_run(binding, record.context))

    def _after_run(
        self, binding: ScheduleRecord, context: dict[str, Any]
    ) -> ScheduleRecord:
        now = self.clock()
        planned = parse_instant(binding.next_run_at)
        try:
            following = due_after(planned, binding.interval, self.settings.timer_scale)
        except DurationError:
            following = now
        return replace(
            binding,
            last_context=context,
            runs_executed=binding.runs_executed + 1,
            active_journey_id=None,
            next_run_at=format_instant(max(following, now)),
        )

    def _auth_refusal(self, run: Run, root: Thread) -> ProblemError | None:
        """The 401 for a request whose auth task reported a problem and whose run then
        failed or went back to an external input (a wait/webhook): None otherwise."""
        if not run.auth_codes or root.status == SUCCEEDED:
            return None
        waiting = self._display(root, self.machine)[1]
        if root.status != FAILED and not waiting:
            return None
        return ProblemError(
            401,
            "Unauthorized",
            "The request is not authenticated.",
            slug="unauthorized",
            extensions={"code": run.auth_codes[0]},
        )

    def _refuse_unauthenticated(self, run: Run, root: Thread) -> None:
        refusal = self._auth_refusal(run, root)
        if refusal is not None:
            raise refusal

    def _index(
        self, tx: StoreTransaction, journey_id: str, data: Mapping[str, Any]
    ) -> None:
        for name in self.definition.correlation_fields:
            value = data.get(name)
            if isinstance(value, str | int) and not isinstance(value, bool):
                scope = correlation_scope(self.definition.name, name)
                tx.add_correlation(scope, str(value), journey_id)

    @staticmethod
    def _schedule_id(record: JourneyRecord) -> str | None:
        found = (record.runtime or {}).get("schedule")
        return found if isinstance(found, str) else None
