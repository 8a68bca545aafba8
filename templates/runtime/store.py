"""Persistence for journey instances, their history and received events (SQLite by default).

Every change to an instance happens inside ``JourneyStore.transaction()``: the received event,
the new instance row and its history rows commit together or not at all, so a crash between
"event stored" and "transition committed" leaves no trace and the redelivered event is processed.
Deduplication is insert-first on the UNIQUE (source, event_id) key, never check-then-act.
"""

from __future__ import annotations

import enum
import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

__all__ = [
    "EventReceipt",
    "EventRecord",
    "JourneyRecord",
    "JourneyStore",
    "SQLiteStore",
    "StaleVersionError",
    "StoreTransaction",
    "Transition",
    "body_hash",
    "utc_now",
]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS journeys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    phase TEXT NOT NULL,
    current_state TEXT NOT NULL,
    context TEXT NOT NULL,
    output TEXT,
    error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS history (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    journey_id TEXT NOT NULL REFERENCES journeys(id),
    from_state TEXT,
    to_state TEXT NOT NULL,
    event_id TEXT,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS history_by_journey ON history (journey_id, seq);
CREATE TABLE IF NOT EXISTS events (
    source TEXT NOT NULL,
    event_id TEXT NOT NULL,
    body_hash TEXT NOT NULL,
    body BLOB NOT NULL,
    received_at TEXT NOT NULL,
    processed INTEGER NOT NULL DEFAULT 0,
    outcome TEXT,
    correlation_key TEXT,
    journey_id TEXT,
    PRIMARY KEY (source, event_id)
);
CREATE INDEX IF NOT EXISTS events_by_correlation ON events (source, correlation_key);
CREATE TABLE IF NOT EXISTS correlations (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    journey_id TEXT NOT NULL REFERENCES journeys(id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (scope, key, journey_id)
);
CREATE INDEX IF NOT EXISTS correlations_lookup ON correlations (scope, key, created_at);
"""


def utc_now() -> str:
    """Return the current UTC time as an RFC 3339 string with millisecond precision."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def body_hash(body: bytes) -> str:
    """Return the SHA-256 hex digest used to tell a redelivery from a conflicting reuse of an id."""
    return hashlib.sha256(body).hexdigest()


class StaleVersionError(Exception):
    """Raised when an instance changed since it was read (optimistic concurrency)."""


class EventReceipt(enum.Enum):
    """What inserting a received event found."""

    NEW = "new"
    DUPLICATE = "duplicate"  # same id, same body, already processed
    UNPROCESSED = (
        "unprocessed"  # same id, same body, stored earlier but never processed
    )
    CONFLICT = "conflict"  # same id, different body


@dataclass(frozen=True)
class JourneyRecord:
    """One journey instance as stored."""

    id: str
    name: str
    phase: str
    current_state: str
    context: dict[str, Any]
    created_at: str
    updated_at: str
    version: int = 1
    output: Any = None
    error: dict[str, str] | None = None


@dataclass(frozen=True)
class Transition:
    """One history row: a move from one state to another."""

    from_state: str | None
    to_state: str
    event_id: str | None = None
    at: str = field(default_factory=utc_now)


@dataclass(frozen=True)
class EventRecord:
    """One received event (provider webhook delivery or step submission)."""

    source: str
    event_id: str
    body: bytes
    body_hash: str
    received_at: str = field(default_factory=utc_now)
    processed: bool = False
    outcome: str | None = None
    correlation_key: str | None = None
    journey_id: str | None = None


class StoreTransaction(Protocol):
    """Operations available inside one atomic unit of work."""

    def get_journey(self, journey_id: str) -> JourneyRecord | None:
        """Return the instance or None."""

    def insert_journey(self, record: JourneyRecord) -> None:
        """Insert a new instance."""

    def update_journey(self, record: JourneyRecord, expected_version: int) -> None:
        """Replace an instance; raise StaleVersionError when its version moved on."""

    def add_history(self, journey_id: str, transitions: Sequence[Transition]) -> None:
        """Append history rows."""

    def add_correlation(self, scope: str, key: str, journey_id: str) -> None:
        """Index an instance under a correlation key (e.g. a payment id)."""

    def find_correlated(self, scope: str, key: str) -> str | None:
        """Return the newest instance id indexed under the key, or None."""

    def record_event(self, event: EventRecord) -> EventReceipt:
        """Insert the event first; report whether it is new, a duplicate or a conflict."""

    def mark_event(
        self,
        source: str,
        event_id: str,
        *,
        outcome: str,
        processed: bool,
        journey_id: str | None = None,
    ) -> None:
        """Set an event's outcome, processed flag and (when known) its journey instance."""


class JourneyStore(Protocol):
    """A store of journey instances; implement it to back several replicas with one database."""

    def transaction(self) -> AbstractContextManager[StoreTransaction]:
        """Open an atomic unit of work: commit on normal exit, roll back on exception."""

    def get_journey(self, journey_id: str) -> JourneyRecord | None:
        """Read one instance outside a transaction."""

    def history(self, journey_id: str) -> list[Transition]:
        """Return an instance's transitions, oldest first."""

    def get_event(self, source: str, event_id: str) -> EventRecord | None:
        """Read one received event."""

    def close(self) -> None:
        """Release resources."""


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _row_to_journey(row: sqlite3.Row) -> JourneyRecord:
    return JourneyRecord(
        id=row["id"],
        name=row["name"],
        phase=row["phase"],
        current_state=row["current_state"],
        context=json.loads(row["context"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        version=row["version"],
        output=None if row["output"] is None else json.loads(row["output"]),
        error=None if row["error"] is None else json.loads(row["error"]),
    )


def _row_to_event(row: sqlite3.Row) -> EventRecord:
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


class _SQLiteTransaction:
    """StoreTransaction over one SQLite connection inside BEGIN IMMEDIATE."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def get_journey(self, journey_id: str) -> JourneyRecord | None:
        row = self._conn.execute(
            "SELECT * FROM journeys WHERE id = ?", (journey_id,)
        ).fetchone()
        return None if row is None else _row_to_journey(row)

    def insert_journey(self, record: JourneyRecord) -> None:
        self._conn.execute(
            "INSERT INTO journeys (id, name, phase, current_state, context, output, error,"
            " created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            "UPDATE journeys SET phase = ?, current_state = ?, context = ?, output = ?, error = ?,"
            " updated_at = ?, version = ? WHERE id = ? AND version = ?",
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
        output = None if record.output is None else _dumps(record.output)
        error = None if record.error is None else _dumps(record.error)
        return (
            record.phase,
            record.current_state,
            _dumps(record.context),
            output,
            error,
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


class SQLiteStore:
    """JourneyStore on one SQLite file (WAL, busy_timeout); one connection behind a lock.

    FastAPI runs sync work in a threadpool, so the single connection is shared across threads
    (``check_same_thread=False``) and every use holds ``self._lock``; writers in other processes
    (replicas on the same file, or a restarted server) are serialised by ``BEGIN IMMEDIATE``
    and wait up to ``busy_timeout_ms``.
    """

    def __init__(self, path: str, *, busy_timeout_ms: int = 10_000) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(
            path, check_same_thread=False, isolation_level=None
        )
        self._conn.row_factory = sqlite3.Row
        self._conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        if path != ":memory:":
            self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute("PRAGMA synchronous = NORMAL")
        self._conn.execute("PRAGMA foreign_keys = ON")
        with self._lock:
            self._conn.executescript(_SCHEMA)

    @contextmanager
    def transaction(self) -> Iterator[StoreTransaction]:
        """Run the body inside BEGIN IMMEDIATE; commit on success, roll back on any exception."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield _SQLiteTransaction(self._conn)
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def get_journey(self, journey_id: str) -> JourneyRecord | None:
        """Read one instance."""
        with self._lock:
            row = self._conn.execute(
                "SELECT * FROM journeys WHERE id = ?", (journey_id,)
            )
            found = row.fetchone()
        return None if found is None else _row_to_journey(found)

    def history(self, journey_id: str) -> list[Transition]:
        """Return an instance's transitions, oldest first."""
        with self._lock:
            rows = self._conn.execute(
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
        with self._lock:
            row = self._conn.execute(
                "SELECT * FROM events WHERE source = ? AND event_id = ?",
                (source, event_id),
            ).fetchone()
        return None if row is None else _row_to_event(row)

    def events(self, source: str) -> list[EventRecord]:
        """Return every event received from one source, oldest first."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT * FROM events WHERE source = ? ORDER BY received_at, rowid",
                (source,),
            ).fetchall()
        return [_row_to_event(r) for r in rows]

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()
