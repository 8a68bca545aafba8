"""The SQLite store's tables and the conversions between its rows and the store records."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from .store import (
    EventRecord,
    IdempotencyRecord,
    JourneyRecord,
    ScheduleRecord,
    TimerRecord,
)

__all__ = [
    "MIGRATIONS",
    "SCHEMA",
    "dumps",
    "row_to_event",
    "row_to_idempotency",
    "row_to_journey",
    "row_to_schedule",
    "row_to_timer",
]

# history.seq and timers.id are INTEGER PRIMARY KEYs without AUTOINCREMENT: no row of either
# table is ever deleted, so a new key is max + 1 and keys still grow with insertion order, while
# AUTOINCREMENT would write its sqlite_sequence row (one more page in the WAL) on every insert.
# Files created with AUTOINCREMENT keep it and behave the same.
SCHEMA = """
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
    seq INTEGER PRIMARY KEY,
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
CREATE TABLE IF NOT EXISTS timers (
    id INTEGER PRIMARY KEY,
    journey_name TEXT NOT NULL,
    journey_id TEXT NOT NULL REFERENCES journeys(id),
    path TEXT NOT NULL,
    state TEXT NOT NULL,
    token TEXT NOT NULL,
    kind TEXT NOT NULL,
    due_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    fired_at TEXT
);
CREATE INDEX IF NOT EXISTS timers_due ON timers (status, journey_name, due_at);
CREATE INDEX IF NOT EXISTS timers_by_journey ON timers (journey_id, status);
CREATE TABLE IF NOT EXISTS schedules (
    id TEXT PRIMARY KEY,
    journey_name TEXT NOT NULL,
    subject_id TEXT,
    start_state TEXT NOT NULL,
    interval TEXT NOT NULL,
    max_runs INTEGER NOT NULL,
    runs_executed INTEGER NOT NULL DEFAULT 0,
    next_run_at TEXT NOT NULL,
    last_context TEXT NOT NULL,
    active_journey_id TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS schedules_due ON schedules (journey_name, next_run_at);
CREATE INDEX IF NOT EXISTS schedules_identity
    ON schedules (journey_name, subject_id, start_state);
CREATE TABLE IF NOT EXISTS idempotency_keys (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status_code INTEGER NOT NULL,
    response BLOB NOT NULL,
    journey_id TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX IF NOT EXISTS idempotency_expiry ON idempotency_keys (expires_at);
"""

# Columns added after the first release: (table, column, declaration).
MIGRATIONS = (("journeys", "runtime", "TEXT"),)


# One encoder for every column: json.dumps builds a new one per call for non-default options.
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def dumps(value: Any) -> str:
    return _ENCODER.encode(value)


def row_to_journey(row: sqlite3.Row) -> JourneyRecord:
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
        runtime=None if row["runtime"] is None else json.loads(row["runtime"]),
    )


def row_to_timer(row: sqlite3.Row) -> TimerRecord:
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


def row_to_schedule(row: sqlite3.Row) -> ScheduleRecord:
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


def row_to_event(row: sqlite3.Row) -> EventRecord:
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


def row_to_idempotency(row: sqlite3.Row) -> IdempotencyRecord:
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
