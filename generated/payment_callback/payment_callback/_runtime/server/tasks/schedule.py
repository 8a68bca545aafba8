"""schedule:v1: record a schedule binding the scheduler starts runs from."""

from __future__ import annotations

import copy
from typing import Any

from ..durations import DurationError, due_until, format_instant, parse_duration
from ..results import Fail
from ..services import ScheduleRequest
from .base import TaskContext

__all__ = ["ScheduleTasks"]


class ScheduleTasks(TaskContext):
    """schedule:v1."""

    def schedule(
        self,
        start: str,
        *,
        interval: Any,
        max_runs: Any,
        start_at: Any = None,
        subject_id: Any = None,
        context: Any = None,
        on_existing: str = "fail",
    ) -> Fail | None:
        """schedule:v1: record a schedule binding; a Fail when it is invalid or exists."""
        now = self.services.now()
        try:
            parse_duration(interval, now)
            first = (
                now
                if start_at is None
                else due_until(now, start_at, self.settings.timer_scale)
            )
        except DurationError as exc:
            return Fail("SCHEDULE_INVALID", str(exc))
        if isinstance(max_runs, bool) or not isinstance(max_runs, int) or max_runs < 1:
            return Fail("SCHEDULE_INVALID", f"maxRuns must be >= 1, got {max_runs!r}")
        if subject_id is not None and (
            not isinstance(subject_id, str) or not subject_id
        ):
            return Fail("SCHEDULE_INVALID", "subjectId must be a non-empty string")
        snapshot = self.context if context is None else context
        if not isinstance(snapshot, dict):
            return Fail("SCHEDULE_INVALID", "the schedule context must be an object")
        if on_existing == "fail" and self._schedule_exists(subject_id, start):
            return Fail(
                "SCHEDULE_EXISTS", f"a schedule for {start!r} and this subject exists"
            )
        self.services.schedules.append(
            ScheduleRequest(
                start,
                format_instant(first),
                str(interval),
                max_runs,
                subject_id,
                copy.deepcopy(snapshot),
                on_existing,
            )
        )
        return None

    def _schedule_exists(self, subject_id: str | None, start: str) -> bool:
        name = self.services.journey_name
        if any(
            r.subject_id == subject_id and r.start == start
            for r in self.services.schedules
        ):
            return True
        if self.services.tx is not None:
            return self.services.tx.find_schedule(name, subject_id, start) is not None
        if self.services.store is None:
            return False
        with self.services.store.transaction() as tx:
            return tx.find_schedule(name, subject_id, start) is not None
