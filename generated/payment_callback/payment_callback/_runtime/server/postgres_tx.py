"""One unit of work on the PostgreSQL store, and the mapping of its rows to store records.

Concurrency across processes and machines, with the semantics of the SQLite store:

- an instance read for a change is locked (``SELECT ... FOR UPDATE``) until the transaction
  ends, so two replicas moving one journey run one after the other and the second sees the
  first one's result (the version check in ``update_journey`` stays as a second guard);
- events and idempotency keys are inserted first on their unique keys (``ON CONFLICT``): a
  duplicate arriving while the first delivery is still being processed waits for that
  transaction and then finds it processed;
- due timers and schedule runs are claimed with ``FOR UPDATE SKIP LOCKED`` (a timer together
  with its journey), so each fires on exactly one replica and a claim never waits;
- adding a timer or a schedule sends ``NOTIFY`` (delivered at commit) so the schedulers of the
  other replicas wake up for a nearer due time.

A database error ends the transaction: the first one is raised as ``StoreUnavailableError``
when the connection was lost or PostgreSQL gave the transaction up (serialization failure,
deadlock), and every later call raises it again, so the unit of work can never commit half.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg.rows import DictRow

from .store import (
    EventReceipt,
    EventRecord,
    IdempotencyRecord,
    JourneyRecord,
    ScheduleRecord,
    StaleVersionError,
    StoreUnavailableError,
    TimerRecord,
    Transition,
    utc_now,
)

__all__ = [
    "NOTIFY_CHANNEL",
    "PostgresTransaction",
    "row_to_event",
    "row_to_idempotency",
    "row_to_journey",
    "row_to_schedule",
    "row_to_timer",
    "unavailable",
]

NOTIFY_CHANNEL = "journeygen_due"
_TRANSIENT = (psycopg.OperationalError, pg_errors.TransactionRollback)


def unavailable(exc: Exception, *, in_doubt: bool = False) -> StoreUnavailableError:
    """The store error for a psycopg error that ends the unit of work."""
    kind = type(exc).__name__
    if isinstance(exc, pg_errors.TransactionRollback):
        detail = f"the database gave the transaction up ({kind}); it was rolled back"
    else:
        detail = f"the database connection failed ({kind})"
    return StoreUnavailableError(detail, in_doubt=in_doubt)


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def row_to_journey(row: DictRow) -> JourneyRecord:
    return JourneyRecord(
        id=row["id"],
        name=row["name"],
        phase=row["phase"],
        current_state=row["current_state"],
        context=json.loads(row["context"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        version=row["version"],
        output=_loads(row["output"]),
        error=_loads(row["error"]),
        runtime=_loads(row["runtime"]),
    )


def row_to_timer(row: DictRow) -> TimerRecord:
    return TimerRecord(
        journey_name=row["journey_name"],
        journey_id=row["journey_id"],
        path=tuple(json.loads(row["path"])),
        state=row["state"],
        token=row["token"],
        kind=row["kind"],
        due_at=row["due_at"],
        id=row["id"],
        status=row["status"],
    )


def row_to_schedule(row: DictRow) -> ScheduleRecord:
    return ScheduleRecord(
        id=row["id"],
        journey_name=row["journey_name"],
        subject_id=row["subject_id"],
        start_state=row["start_state"],
        interval=row["interval"],
        max_runs=row["max_runs"],
        next_run_at=row["next_run_at"],
        last_context=json.loads(row["last_context"]),
        runs_executed=row["runs_executed"],
        active_journey_id=row["active_journey_id"],
        created_at=row["created_at"],
    )


def row_to_event(row: DictRow) -> EventRecord:
    return EventRecord(
        source=row["source"],
        event_id=row["event_id"],
        body=bytes(row["body"]),
        body_hash=row["body_hash"],
        received_at=row["received_at"],
        processed=bool(row["processed"]),
        outcome=row["outcome"],
        correlation_key=row["correlation_key"],
        journey_id=row["journey_id"],
    )


def row_to_idempotency(row: DictRow) -> IdempotencyRecord:
    return IdempotencyRecord(
        scope=row["scope"],
        key=row["key"],
        request_hash=row["request_hash"],
        status_code=row["status_code"],
        response=bytes(row["response"]),
        journey_id=row["journey_id"],
        created_at=row["created_at"],
        expires_at=row["expires_at"],
    )


class PostgresTransaction:
    """StoreTransaction on one pooled connection inside one PostgreSQL transaction."""

    def __init__(self, conn: psycopg.Connection[DictRow]) -> None:
        self._conn = conn
        self.failed: StoreUnavailableError | None = None
        self._notified: set[str] = set()

    def _run(self, sql: str, params: Sequence[Any] = ()) -> psycopg.Cursor[DictRow]:
        if self.failed is not None:
            raise self.failed
        try:
            return self._conn.execute(sql, params)
        except _TRANSIENT as exc:
            self.failed = unavailable(exc)
            raise self.failed from exc

    def _one(self, sql: str, params: Sequence[Any] = ()) -> DictRow | None:
        return self._run(sql, params).fetchone()

    def get_journey(self, journey_id: str) -> JourneyRecord | None:
        row = self._one(
            "SELECT * FROM journeys WHERE id = %s FOR UPDATE", (journey_id,)
        )
        return None if row is None else row_to_journey(row)

    def insert_journey(self, record: JourneyRecord) -> None:
        self._run(
            "INSERT INTO journeys (id, name, phase, current_state, context, output, error,"
            " runtime, created_at, updated_at, version)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (
                record.id,
                record.name,
                *self._mutable_columns(record),
                record.created_at,
                record.updated_at,
                record.version,
            ),
        )

    def update_journey(self, record: JourneyRecord, expected_version: int) -> None:
        cursor = self._run(
            "UPDATE journeys SET phase = %s, current_state = %s, context = %s,"
            " output = %s, error = %s, runtime = %s, updated_at = %s, version = %s"
            " WHERE id = %s AND version = %s",
            (
                *self._mutable_columns(record),
                record.updated_at,
                record.version,
                record.id,
                expected_version,
            ),
        )
        if cursor.rowcount != 1:
            raise StaleVersionError(record.id)

    @staticmethod
    def _mutable_columns(record: JourneyRecord) -> tuple[Any, ...]:
        return (
            record.phase,
            record.current_state,
            _dumps(record.context),
            None if record.output is None else _dumps(record.output),
            None if record.error is None else _dumps(record.error),
            None if record.runtime is None else _dumps(record.runtime),
        )

    def add_history(self, journey_id: str, transitions: Sequence[Transition]) -> None:
        if not transitions:
            return
        if self.failed is not None:
            raise self.failed
        try:  # one pipelined round trip for the whole burst
            self._conn.cursor().executemany(
                "INSERT INTO history (journey_id, from_state, to_state, event_id, at)"
                " VALUES (%s, %s, %s, %s, %s)",
                [
                    (journey_id, t.from_state, t.to_state, t.event_id, t.at)
                    for t in transitions
                ],
            )
        except _TRANSIENT as exc:
            self.failed = unavailable(exc)
            raise self.failed from exc

    def add_correlation(self, scope: str, key: str, journey_id: str) -> None:
        self._run(
            "INSERT INTO correlations (scope, key, journey_id, created_at)"
            " VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
            (scope, key, journey_id, utc_now()),
        )

    def find_correlated(self, scope: str, key: str) -> str | None:
        row = self._one(
            "SELECT journey_id FROM correlations WHERE scope = %s AND key = %s"
            " ORDER BY created_at DESC, seq DESC LIMIT 1",
            (scope, key),
        )
        return None if row is None else str(row["journey_id"])

    def record_event(self, event: EventRecord) -> EventReceipt:
        cursor = self._run(
            "INSERT INTO events (source, event_id, body_hash, body, received_at, processed,"
            " outcome, correlation_key, journey_id)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (source, event_id) DO NOTHING",
            (
                event.source,
                event.event_id,
                event.body_hash,
                event.body,
                event.received_at,
                event.processed,
                event.outcome,
                event.correlation_key,
                event.journey_id,
            ),
        )
        if cursor.rowcount == 1:
            return EventReceipt.NEW
        row = self._one(
            "SELECT body_hash, processed FROM events WHERE source = %s AND event_id = %s",
            (event.source, event.event_id),
        )
        if row is None:  # the other insert rolled back between our two statements
            return self.record_event(event)
        if row["body_hash"] != event.body_hash:
            return EventReceipt.CONFLICT
        return EventReceipt.DUPLICATE if row["processed"] else EventReceipt.UNPROCESSED

    def mark_event(
        self,
        source: str,
        event_id: str,
        *,
        outcome: str,
        processed: bool,
        journey_id: str | None = None,
    ) -> None:
        self._run(
            "UPDATE events SET outcome = %s, processed = %s,"
            " journey_id = COALESCE(%s, journey_id)"
            " WHERE source = %s AND event_id = %s",
            (outcome, processed, journey_id, source, event_id),
        )

    def claim_idempotency_key(
        self, record: IdempotencyRecord
    ) -> IdempotencyRecord | None:
        cursor = self._run(
            "INSERT INTO idempotency_keys (scope, key, request_hash, status_code,"
            " response, journey_id, created_at, expires_at)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (scope, key) DO UPDATE SET request_hash = excluded.request_hash,"
            " status_code = excluded.status_code, response = excluded.response,"
            " journey_id = excluded.journey_id, created_at = excluded.created_at,"
            " expires_at = excluded.expires_at"
            " WHERE idempotency_keys.expires_at <= excluded.created_at",
            (
                record.scope,
                record.key,
                record.request_hash,
                record.status_code,
                record.response,
                record.journey_id,
                record.created_at,
                record.expires_at,
            ),
        )
        if cursor.rowcount == 1:
            return None
        row = self._one(
            "SELECT * FROM idempotency_keys WHERE scope = %s AND key = %s",
            (record.scope, record.key),
        )
        if row is None:  # deleted (purged) between our two statements
            return self.claim_idempotency_key(record)
        return row_to_idempotency(row)

    def purge_idempotency_keys(self, now: str) -> int:
        cursor = self._run(
            "DELETE FROM idempotency_keys WHERE expires_at <= %s", (now,)
        )
        return cursor.rowcount

    def add_timer(self, timer: TimerRecord) -> None:
        self._run(
            "INSERT INTO timers (journey_name, journey_id, path, state, token, kind,"
            " due_at, status) VALUES (%s, %s, %s, %s, %s, %s, %s, 'pending')",
            (
                timer.journey_name,
                timer.journey_id,
                _dumps(list(timer.path)),
                timer.state,
                timer.token,
                timer.kind,
                timer.due_at,
            ),
        )
        self._notify(timer.journey_name)

    def _notify(self, journey_name: str) -> None:
        if journey_name not in self._notified:
            self._notified.add(journey_name)
            self._run("SELECT pg_notify(%s, %s)", (NOTIFY_CHANNEL, journey_name))

    def cancel_timers(self, journey_id: str, prefix: tuple[str, ...] = ()) -> None:
        rows = self._run(
            "SELECT id, path FROM timers WHERE journey_id = %s AND status = 'pending'",
            (journey_id,),
        ).fetchall()
        ids = [
            r["id"]
            for r in rows
            if tuple(json.loads(r["path"])[: len(prefix)]) == prefix
        ]
        if ids:
            self._run(
                "UPDATE timers SET status = 'cancelled'"
                " WHERE id = ANY(%s) AND status = 'pending'",
                (ids,),
            )

    def claim_due_timer(self, journey_name: str, now: str) -> TimerRecord | None:
        # The timer and its journey are locked together, skipping any a replica holds: a
        # claim never waits, and never deadlocks with a transition holding the journey.
        row = self._one(
            "SELECT t.* FROM timers t JOIN journeys j ON j.id = t.journey_id"
            " WHERE t.status = 'pending' AND t.journey_name = %s AND t.due_at <= %s"
            " ORDER BY t.due_at, t.id LIMIT 1 FOR UPDATE SKIP LOCKED",
            (journey_name, now),
        )
        if row is None:
            return None
        self._run(
            "UPDATE timers SET status = 'fired', fired_at = %s WHERE id = %s",
            (now, row["id"]),
        )
        return row_to_timer(row)

    def set_timer_status(self, timer_id: int, status: str) -> None:
        self._run("UPDATE timers SET status = %s WHERE id = %s", (status, timer_id))

    def find_schedule(
        self, journey_name: str, subject_id: str | None, start_state: str
    ) -> ScheduleRecord | None:
        row = self._one(
            "SELECT * FROM schedules WHERE journey_name = %s"
            " AND subject_id IS NOT DISTINCT FROM %s AND start_state = %s"
            " ORDER BY created_at, id LIMIT 1",
            (journey_name, subject_id, start_state),
        )
        return None if row is None else row_to_schedule(row)

    def save_schedule(self, schedule: ScheduleRecord) -> None:
        self._run(
            "INSERT INTO schedules (id, journey_name, subject_id, start_state, interval,"
            " max_runs, runs_executed, next_run_at, last_context, active_journey_id,"
            " created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (id) DO UPDATE SET journey_name = excluded.journey_name,"
            " subject_id = excluded.subject_id, start_state = excluded.start_state,"
            " interval = excluded.interval, max_runs = excluded.max_runs,"
            " runs_executed = excluded.runs_executed,"
            " next_run_at = excluded.next_run_at, last_context = excluded.last_context,"
            " active_journey_id = excluded.active_journey_id,"
            " created_at = excluded.created_at",
            (
                schedule.id,
                schedule.journey_name,
                schedule.subject_id,
                schedule.start_state,
                schedule.interval,
                schedule.max_runs,
                schedule.runs_executed,
                schedule.next_run_at,
                _dumps(schedule.last_context),
                schedule.active_journey_id,
                schedule.created_at,
            ),
        )
        self._notify(schedule.journey_name)

    def claim_due_schedule(self, journey_name: str, now: str) -> ScheduleRecord | None:
        row = self._one(
            "SELECT * FROM schedules WHERE journey_name = %s AND next_run_at <= %s"
            " AND runs_executed < max_runs AND active_journey_id IS NULL"
            " ORDER BY next_run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED",
            (journey_name, now),
        )
        return None if row is None else row_to_schedule(row)

    def schedule_of_run(self, journey_id: str) -> ScheduleRecord | None:
        row = self._one(
            "SELECT * FROM schedules WHERE active_journey_id = %s FOR UPDATE",
            (journey_id,),
        )
        return None if row is None else row_to_schedule(row)
