"""Timers and schedules: the scheduler's side of the engine. Each due timer or schedule run is
claimed and processed in its own transaction, so it fires exactly once across restarts and
workers; a timer whose state was left meanwhile is stale."""

from __future__ import annotations

import copy
import logging
import uuid
from dataclasses import replace
from datetime import datetime
from typing import TypeVar

from .durations import format_instant, parse_instant
from .lifecycle import COMPENSATION, DEADLINE
from .persistence import Persistence
from .results import RUNNING
from .run import Thread, root_from_record
from .store import (
    StoreTransaction,
    StoreUnavailableError,
    TimerRecord,
    Transition,
    utc_now,
)

__all__ = ["Firing"]

H = TypeVar("H")
_logger = logging.getLogger("journeygen.server")


class Firing(Persistence[H]):
    """Firing due timers (state timers, input timeouts, deadlines, compensations) and runs."""

    def fire_due(self, now: datetime | None = None, limit: int = 100) -> int:
        """Fire the timers and schedule runs due by ``now``; return how many were handled.

        Each one is claimed and processed in its own transaction, so a crash before the commit
        leaves it pending (it fires after the restart) and a commit makes it fire only once.
        """
        handled = 0
        while handled < limit:
            stamp = format_instant(now or self.clock())
            if not (self._fire_one_timer(stamp) or self._run_one_schedule(stamp)):
                break
            handled += 1
        return handled

    def _fire_one_timer(self, stamp: str) -> bool:
        claimed: TimerRecord | None = None
        try:
            with self.store.transaction() as tx:
                claimed = tx.claim_due_timer(self.definition.name, stamp)
                if claimed is None:
                    return False
                self._fire(tx, claimed)
        except StoreUnavailableError:
            raise  # rolled back: the timer is still pending and fires on the next round
        except Exception as exc:
            if claimed is None or claimed.id is None:
                raise
            _logger.error("timer %s failed", claimed.id, exc_info=exc)
            with self.store.transaction() as tx:
                tx.set_timer_status(claimed.id, "error")
        return True

    def _fire(self, tx: StoreTransaction, timer: TimerRecord) -> None:
        record = tx.get_journey(timer.journey_id)
        # a compensation runs only once the journey ended (a branch may be called
        # "compensation" too: its timers fire while the journey runs)
        ended = record is not None and record.phase != RUNNING
        if timer.kind == COMPENSATION or (ended and timer.path[:1] == (COMPENSATION,)):
            self._fire_compensation(tx, record, timer)
            return
        if record is None or record.phase != RUNNING:
            return
        root = root_from_record(record)
        if timer.kind == DEADLINE:
            run = self._new_run(
                record.id, record.created_at, {}, None, tx, f"timer:{timer.id}"
            )
            run.deadline = self._deadline_of(record)
            self._time_out(run, root)
            schedule = self._schedule_id(record)
            self._save(tx, run, root, record, record.created_at, schedule)
            return
        chain = self._locate(root, timer.path)
        if not chain:
            return
        thread, machine = chain[-1]
        if (
            thread.finished
            or self._children(thread, machine)
            or thread.state != timer.state
            or thread.token != timer.token
        ):
            if timer.id is not None:
                tx.set_timer_status(timer.id, "stale")
            return
        state = self.state(machine, timer.state)
        target = None if state is None else state.resume_target(timer.kind)
        if target is None:
            return
        run = self._new_run(
            record.id, record.created_at, {}, None, tx, f"timer:{timer.id}"
        )
        run.scheduled = bool((record.runtime or {}).get("schedule"))
        run.deadline = self._deadline_of(record)
        self._resume(run, root, timer.path, target)
        self._save(tx, run, root, record, record.created_at, self._schedule_id(record))

    def _run_one_schedule(self, stamp: str) -> bool:
        with self.store.transaction() as tx:
            binding = tx.claim_due_schedule(self.definition.name, stamp)
            if binding is None:
                return False
            journey_id = str(uuid.uuid4())
            now = utc_now()
            run = self._new_run(journey_id, now, {}, None, tx, f"schedule:{binding.id}")
            run.scheduled = True
            root = Thread(binding.start_state, copy.deepcopy(binding.last_context))
            run.transitions.append(Transition(None, binding.start_state))
            self.run_thread(run, self.machine, root, ())
            record = self._save(tx, run, root, None, now, binding.id)
            if record.phase == RUNNING:
                tx.save_schedule(replace(binding, active_journey_id=journey_id))
            else:
                tx.save_schedule(self._after_run(binding, record.context))
        return True

    def next_due(self) -> datetime | None:
        """When the earliest pending timer or schedule run is due, if any."""
        found = self.store.next_due(self.definition.name)
        return None if found is None else parse_instant(found)
