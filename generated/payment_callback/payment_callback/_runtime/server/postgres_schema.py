"""The PostgreSQL store's tables, created and migrated by the server itself.

Each migration is a numbered list of statements. ``migrate`` runs under a transaction-scoped
advisory lock, so when several replicas start at once against an empty database one of them
creates the schema and the others wait for it, then find the version table up to date. The
whole migration is one transaction (PostgreSQL's DDL is transactional): a replica killed half
way leaves the database as it was.

Instants are kept as the RFC 3339 text the engine writes (fixed width, millisecond precision,
``Z``), so they compare and sort as they do in SQLite; JSON is kept as the exact text written.
"""

from __future__ import annotations

from typing import Any

__all__ = ["MIGRATIONS", "SCHEMA_LOCK", "SCHEMA_VERSION", "migrate"]

# pg_advisory_xact_lock key: "journeygen schema" (any fixed 64-bit number shared by replicas).
SCHEMA_LOCK = 0x6A67_5343_4845_4D41

_V1 = (
    """CREATE TABLE journeys (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        phase TEXT NOT NULL,
        current_state TEXT NOT NULL,
        context TEXT NOT NULL,
        output TEXT,
        error TEXT,
        runtime TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL
    )""",
    """CREATE TABLE history (
        seq BIGSERIAL PRIMARY KEY,
        journey_id TEXT NOT NULL REFERENCES journeys(id),
        from_state TEXT,
        to_state TEXT NOT NULL,
        event_id TEXT,
        at TEXT NOT NULL
    )""",
    "CREATE INDEX history_by_journey ON history (journey_id, seq)",
    """CREATE TABLE events (
        source TEXT NOT NULL,
        event_id TEXT NOT NULL,
        body_hash TEXT NOT NULL,
        body BYTEA NOT NULL,
        received_at TEXT NOT NULL,
        processed BOOLEAN NOT NULL DEFAULT FALSE,
        outcome TEXT,
        correlation_key TEXT,
        journey_id TEXT,
        seq BIGSERIAL NOT NULL,
        PRIMARY KEY (source, event_id)
    )""",
    "CREATE INDEX events_by_correlation ON events (source, correlation_key)",
    """CREATE TABLE correlations (
        scope TEXT NOT NULL,
        key TEXT NOT NULL,
        journey_id TEXT NOT NULL REFERENCES journeys(id),
        created_at TEXT NOT NULL,
        seq BIGSERIAL NOT NULL,
        PRIMARY KEY (scope, key, journey_id)
    )""",
    "CREATE INDEX correlations_lookup ON correlations (scope, key, created_at, seq)",
    """CREATE TABLE timers (
        id BIGSERIAL PRIMARY KEY,
        journey_name TEXT NOT NULL,
        journey_id TEXT NOT NULL REFERENCES journeys(id),
        path TEXT NOT NULL,
        state TEXT NOT NULL,
        token TEXT NOT NULL,
        kind TEXT NOT NULL,
        due_at TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        fired_at TEXT
    )""",
    "CREATE INDEX timers_due ON timers (status, journey_name, due_at)",
    "CREATE INDEX timers_by_journey ON timers (journey_id, status)",
    """CREATE TABLE schedules (
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
    )""",
    "CREATE INDEX schedules_due ON schedules (journey_name, next_run_at)",
    "CREATE INDEX schedules_identity ON schedules (journey_name, subject_id, start_state)",
    """CREATE TABLE idempotency_keys (
        scope TEXT NOT NULL,
        key TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        status_code INTEGER NOT NULL,
        response BYTEA NOT NULL,
        journey_id TEXT,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        PRIMARY KEY (scope, key)
    )""",
    "CREATE INDEX idempotency_expiry ON idempotency_keys (expires_at)",
)

# (version, statements), oldest first; a release adds a new entry and never edits an old one.
MIGRATIONS: tuple[tuple[int, tuple[str, ...]], ...] = ((1, _V1),)
SCHEMA_VERSION = MIGRATIONS[-1][0]


def migrate(conn: Any) -> int:
    """Bring the schema to ``SCHEMA_VERSION`` in one transaction; return the version found.

    ``conn`` is a psycopg connection outside a transaction. A database at a newer version than
    this server knows is refused (an older replica must not run against a newer schema).
    """
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
        conn.execute(
            "CREATE TABLE IF NOT EXISTS journeygen_schema ("
            " version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
        row = conn.execute(
            "SELECT COALESCE(MAX(version), 0) AS version FROM journeygen_schema"
        ).fetchone()
        found = int(row["version"])
        if found > SCHEMA_VERSION:
            raise RuntimeError(
                f"the database schema is at version {found}, newer than this server's "
                f"{SCHEMA_VERSION}: upgrade the server (or point it at another database)"
            )
        for version, statements in MIGRATIONS:
            if version <= found:
                continue
            for statement in statements:
                conn.execute(statement)
            conn.execute(
                "INSERT INTO journeygen_schema (version) VALUES (%s)", (version,)
            )
    return found
