"""The SQLite store: one file (WAL), insert-first event dedup, optimistic versions, timers
claimed in the transaction that fires them."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from .settings import DURABILITY_LEVELS
from .sqlite_checkpoint import FALLBACK_PAGES, WalCheckpointer
from .sqlite_commit import GroupCommit
from .sqlite_rows import (
    dumps,
    row_to_event,
    row_to_idempotency,
    row_to_journey,
    row_to_schedule,
    row_to_timer,
)
from .sqlite_schema import migrate, use_wal
from .store import (
    EventReceipt,
    EventRecord,
    IdempotencyRecord,
    JourneyRecord,
    ScheduleRecord,
    StaleVersionError,
    StoreTransaction,
    TimerRecord,
    Transition,
    utc_now,
)

__all__ = ["SQLiteStore"]


class _SQLiteTransaction:
    """StoreTransaction over one SQLite connection inside BEGIN IMMEDIATE."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def get_journey(self, journey_id: str) -> JourneyRecord | None:
        row = self._conn.execute(
            "SELECT * FROM journeys WHERE id = ?", (journey_id,)
        ).fetchone()
        return None if row is None else row_to_journey(row)

    def insert_journey(self, record: JourneyRecord) -> None:
        self._conn.execute(
            "INSERT INTO journeys (id, name, phase, current_state, context, output, error,"
            " runtime, created_at, updated_at, version)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
        cursor = self._conn.execute(
            "UPDATE journeys SET phase = ?, current_state = ?, context = ?, output = ?,"
            " error = ?, runtime = ?, updated_at = ?, version = ?"
            " WHERE id = ? AND version = ?",
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
        output = None if record.output is None else dumps(record.output)
        error = None if record.error is None else dumps(record.error)
        runtime = None if record.runtime is None else dumps(record.runtime)
        return (
            record.phase,
            record.current_state,
            dumps(record.context),
            output,
            error,
            runtime,
        )

    def add_history(self, journey_id: str, transitions: Sequence[Transition]) -> None:
        self._conn.executemany(
            "INSERT INTO history (journey_id, from_state, to_state, event_id, at)"
            " VALUES (?, ?, ?, ?, ?)",
            [
                (journey_id, t.from_state, t.to_state, t.event_id, t.at)
                for t in transitions
            ],
        )

    def add_correlation(self, scope: str, key: str, journey_id: str) -> None:
        self._conn.execute(
            "INSERT OR IGNORE INTO correlations (scope, key, journey_id, created_at)"
            " VALUES (?, ?, ?, ?)",
            (scope, key, journey_id, utc_now()),
        )

    def find_correlated(self, scope: str, key: str) -> str | None:
        row = self._conn.execute(
            "SELECT journey_id FROM correlations WHERE scope = ? AND key = ?"
            " ORDER BY created_at DESC, rowid DESC LIMIT 1",
            (scope, key),
        ).fetchone()
        return None if row is None else str(row["journey_id"])

    def record_event(self, event: EventRecord) -> EventReceipt:
        cursor = self._conn.execute(
            "INSERT INTO events (source, event_id, body_hash, body, received_at, processed,"
            " outcome, correlation_key, journey_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (source, event_id) DO NOTHING",
            (
                event.source,
                event.event_id,
                event.body_hash,
                event.body,
                event.received_at,
                int(event.processed),
                event.outcome,
                event.correlation_key,
                event.journey_id,
            ),
        )
        if cursor.rowcount == 1:
            return EventReceipt.NEW
        return self._classify_existing(event)

    def _classify_existing(self, event: EventRecord) -> EventReceipt:
        row = self._conn.execute(
            "SELECT body_hash, processed FROM events WHERE source = ? AND event_id = ?",
            (event.source, event.event_id),
        ).fetchone()
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
        self._conn.execute(
            "UPDATE events SET outcome = ?, processed = ?, journey_id = COALESCE(?, journey_id)"
            " WHERE source = ? AND event_id = ?",
            (outcome, int(processed), journey_id, source, event_id),
        )

    def claim_idempotency_key(
        self, record: IdempotencyRecord
    ) -> IdempotencyRecord | None:
        cursor = self._conn.execute(
            "INSERT INTO idempotency_keys (scope, key, request_hash, status_code, response,"
            " journey_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
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
        row = self._conn.execute(
            "SELECT * FROM idempotency_keys WHERE scope = ? AND key = ?",
            (record.scope, record.key),
        ).fetchone()
        return row_to_idempotency(row)

    def purge_idempotency_keys(self, now: str) -> int:
        cursor = self._conn.execute(
            "DELETE FROM idempotency_keys WHERE expires_at <= ?", (now,)
        )
        return cursor.rowcount

    def add_timer(self, timer: TimerRecord) -> None:
        self._conn.execute(
            "INSERT INTO timers (journey_name, journey_id, path, state, token, kind, due_at,"
            " status) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')",
            (
                timer.journey_name,
                timer.journey_id,
                dumps(list(timer.path)),
                timer.state,
                timer.token,
                timer.kind,
                timer.due_at,
            ),
        )

    def cancel_timers(self, journey_id: str, prefix: tuple[str, ...] = ()) -> None:
        if not prefix:  # every pending timer of the instance
            self._conn.execute(
                "UPDATE timers SET status = 'cancelled'"
                " WHERE journey_id = ? AND status = 'pending'",
                (journey_id,),
            )
            return
        rows = self._conn.execute(
            "SELECT id, path FROM timers WHERE journey_id = ? AND status = 'pending'",
            (journey_id,),
        ).fetchall()
        ids = [
            (r["id"],)
            for r in rows
            if tuple(json.loads(r["path"])[: len(prefix)]) == prefix
        ]
        self._conn.executemany(
            "UPDATE timers SET status = 'cancelled' WHERE id = ?", ids
        )

    def claim_due_timer(self, journey_name: str, now: str) -> TimerRecord | None:
        row = self._conn.execute(
            "SELECT * FROM timers WHERE status = 'pending' AND journey_name = ?"
            " AND due_at <= ? ORDER BY due_at, id LIMIT 1",
            (journey_name, now),
        ).fetchone()
        if row is None:
            return None
        cursor = self._conn.execute(
            "UPDATE timers SET status = 'fired', fired_at = ?"
            " WHERE id = ? AND status = 'pending'",
            (now, row["id"]),
        )
        return row_to_timer(row) if cursor.rowcount == 1 else None

    def set_timer_status(self, timer_id: int, status: str) -> None:
        self._conn.execute(
            "UPDATE timers SET status = ? WHERE id = ?", (status, timer_id)
        )

    def find_schedule(
        self, journey_name: str, subject_id: str | None, start_state: str
    ) -> ScheduleRecord | None:
        row = self._conn.execute(
            "SELECT * FROM schedules WHERE journey_name = ? AND subject_id IS ?"
            " AND start_state = ? ORDER BY created_at, id LIMIT 1",
            (journey_name, subject_id, start_state),
        ).fetchone()
        return None if row is None else row_to_schedule(row)

    def save_schedule(self, schedule: ScheduleRecord) -> None:
        self._conn.execute(
            "INSERT OR REPLACE INTO schedules (id, journey_name, subject_id, start_state,"
            " interval, max_runs, runs_executed, next_run_at, last_context,"
            " active_journey_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                schedule.id,
                schedule.journey_name,
                schedule.subject_id,
                schedule.start_state,
                schedule.interval,
                schedule.max_runs,
                schedule.runs_executed,
                schedule.next_run_at,
                dumps(schedule.last_context),
                schedule.active_journey_id,
                schedule.created_at,
            ),
        )

    def claim_due_schedule(self, journey_name: str, now: str) -> ScheduleRecord | None:
        row = self._conn.execute(
            "SELECT * FROM schedules WHERE journey_name = ? AND next_run_at <= ?"
            " AND runs_executed < max_runs AND active_journey_id IS NULL"
            " ORDER BY next_run_at, id LIMIT 1",
            (journey_name, now),
        ).fetchone()
        return None if row is None else row_to_schedule(row)

    def schedule_of_run(self, journey_id: str) -> ScheduleRecord | None:
        row = self._conn.execute(
            "SELECT * FROM schedules WHERE active_journey_id = ?", (journey_id,)
        ).fetchone()
        return None if row is None else row_to_schedule(row)


class SQLiteStore:
    """JourneyStore on one SQLite file (WAL, busy_timeout); one connection behind a lock.

    FastAPI runs sync work in a threadpool, so the single connection is shared across threads
    (``check_same_thread=False``) and every use holds ``self._lock``; writers in other processes
    (replicas on the same file, or a restarted server) are serialised by ``BEGIN IMMEDIATE``
    and wait up to ``busy_timeout_ms``.

    Durability: WAL with ``synchronous = FULL`` by default: a committed transaction (a
    transition with its event) is on disk before the request is answered, so an acknowledged
    webhook survives a power loss. Concurrent transactions share one COMMIT, so one fsync
    (group commit, sqlite_commit.py); each still returns only after that COMMIT.
    ``durability="normal"`` (``synchronous = NORMAL``) skips the per-commit sync and commits
    each transaction on its own: a commit still survives a crash or kill of the process, but
    after a power loss or OS crash the last transactions may be missing, never half-applied.

    Reads outside a transaction use a second connection (a file's WAL snapshot): they see
    only committed work and never wait for a writer. ``writes_without_blocking``: a request's
    transaction runs on the event loop unless it would wait (inline.py); at ``full``, where a
    COMMIT waits for its fsync, only while the disk syncs faster than a thread handoff costs,
    else on worker threads, sharing fsyncs (sqlite_commit.py). The WAL is checkpointed by a
    thread of the store's own (sqlite_checkpoint.py), not inside a request's COMMIT.
    """

    def __init__(
        self, path: str, *, busy_timeout_ms: int = 10_000, durability: str = "full"
    ) -> None:
        if durability not in DURABILITY_LEVELS:
            raise ValueError(
                f"durability must be one of {', '.join(DURABILITY_LEVELS)}, "
                f"got {durability!r}"
            )
        self.path = path
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(
            path, check_same_thread=False, isolation_level=None
        )
        self._conn.row_factory = sqlite3.Row
        self._conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        if path != ":memory:":
            use_wal(self._conn, busy_timeout_ms)
        level = "FULL" if durability == "full" else "NORMAL"
        self._conn.execute(f"PRAGMA synchronous = {level}")
        self._conn.execute("PRAGMA foreign_keys = ON")
        with self._lock:
            migrate(self._conn)
        # Reads of one instance use their own connection: WAL readers never wait for a writer,
        # so a read neither queues behind a transaction in progress nor blocks the event loop.
        self._reader, self._read_lock = self._conn, self._lock
        self.reads_without_blocking = False
        if path != ":memory:":
            self._reader = sqlite3.connect(
                path, check_same_thread=False, isolation_level=None
            )
            self._reader.row_factory = sqlite3.Row
            self._reader.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            self._read_lock = threading.RLock()
            self.reads_without_blocking = True
        on_file = path != ":memory:"
        grouped = on_file and durability == "full"
        self.group_commit = GroupCommit(
            self._conn,
            self._lock,
            group=grouped,
            busy_timeout_ms=int(busy_timeout_ms) if on_file else 0,
        )
        # A transaction may run on the event loop (inline.py), never waiting for the lock:
        # always when no COMMIT waits for the disk (NORMAL appends to the WAL; memory has no
        # disk), at FULL while the disk syncs faster than a thread handoff (sqlite_commit.py).
        self.writes_without_blocking = True
        # WAL checkpoints on a thread of their own, not inside a request's COMMIT.
        self._checkpoints: WalCheckpointer | None = None
        if on_file:
            self._conn.execute(f"PRAGMA wal_autocheckpoint = {FALLBACK_PAGES}")
            self._checkpoints = WalCheckpointer(path, level, int(busy_timeout_ms))

    @contextmanager
    def transaction(self) -> Iterator[StoreTransaction]:
        """One atomic unit of work: applied when the body returns and its COMMIT (shared
        with concurrent units) is done; rolled back on any exception."""
        with self.group_commit.unit() as conn:
            yield _SQLiteTransaction(conn)
        if self._checkpoints is not None:  # committed: its frames are in the WAL
            self._checkpoints.wrote()

    def get_journey(self, journey_id: str) -> JourneyRecord | None:
        """Read one instance as last committed (on the reader connection)."""
        with self._read_lock:
            row = self._reader.execute(
                "SELECT * FROM journeys WHERE id = ?", (journey_id,)
            )
            found = row.fetchone()
        return None if found is None else row_to_journey(found)

    def history(self, journey_id: str) -> list[Transition]:
        """Return an instance's transitions, oldest first."""
        with self._read_lock:
            rows = self._reader.execute(
                "SELECT from_state, to_state, event_id, at FROM history"
                " WHERE journey_id = ? ORDER BY seq",
                (journey_id,),
            ).fetchall()
        return [
            Transition(r["from_state"], r["to_state"], r["event_id"], r["at"])
            for r in rows
        ]

    def get_event(self, source: str, event_id: str) -> EventRecord | None:
        """Read one received event."""
        with self._read_lock:
            row = self._reader.execute(
                "SELECT * FROM events WHERE source = ? AND event_id = ?",
                (source, event_id),
            ).fetchone()
        return None if row is None else row_to_event(row)

    def get_idempotency_key(self, scope: str, key: str) -> IdempotencyRecord | None:
        """Read the record holding a key (expired or not), or None."""
        with self._read_lock:
            row = self._reader.execute(
                "SELECT * FROM idempotency_keys WHERE scope = ? AND key = ?",
                (scope, key),
            ).fetchone()
        return None if row is None else row_to_idempotency(row)

    def events(self, source: str) -> list[EventRecord]:
        """Return every event received from one source, oldest first."""
        with self._read_lock:
            rows = self._reader.execute(
                "SELECT * FROM events WHERE source = ? ORDER BY received_at, rowid",
                (source,),
            ).fetchall()
        return [row_to_event(r) for r in rows]

    def next_due(self, journey_name: str) -> str | None:
        """Return when the earliest pending timer or schedule run is due, or None."""
        with self._read_lock:
            timer = self._reader.execute(
                "SELECT MIN(due_at) AS due FROM timers"
                " WHERE status = 'pending' AND journey_name = ?",
                (journey_name,),
            ).fetchone()["due"]
            run = self._reader.execute(
                "SELECT MIN(next_run_at) AS due FROM schedules WHERE journey_name = ?"
                " AND runs_executed < max_runs AND active_journey_id IS NULL",
                (journey_name,),
            ).fetchone()["due"]
        found = [d for d in (timer, run) if d is not None]
        return min(found) if found else None

    def timers(self, journey_id: str) -> list[TimerRecord]:
        """Return every timer of an instance, oldest first (for tests and diagnostics)."""
        with self._read_lock:
            rows = self._reader.execute(
                "SELECT * FROM timers WHERE journey_id = ? ORDER BY id", (journey_id,)
            ).fetchall()
        return [row_to_timer(r) for r in rows]

    def schedules(self, journey_name: str) -> list[ScheduleRecord]:
        """Return every schedule binding of a journey, oldest first."""
        with self._read_lock:
            rows = self._reader.execute(
                "SELECT * FROM schedules WHERE journey_name = ? ORDER BY created_at, id",
                (journey_name,),
            ).fetchall()
        return [row_to_schedule(r) for r in rows]

    def close(self) -> None:
        """Close the connection."""
        if self._checkpoints is not None:
            self._checkpoints.close()
            self._checkpoints = None
        with self._lock, self._read_lock:
            if self._reader is not self._conn:
                self._reader.close()
            self._conn.close()
