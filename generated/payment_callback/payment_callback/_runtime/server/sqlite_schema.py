"""Creating and migrating the SQLite store's tables in one transaction under the file's write
lock, so several processes opening one fresh file at once never race each other."""

from __future__ import annotations

import sqlite3
import time

from .sqlite_rows import MIGRATIONS, SCHEMA

__all__ = ["migrate", "use_wal"]


def _statements(script: str) -> list[str]:
    return [part.strip() for part in script.split(";") if part.strip()]


def use_wal(conn: sqlite3.Connection, busy_timeout_ms: int) -> None:
    """Switch the file to WAL; retried while another process holds the lock for it.

    Changing the journal mode answers "database is locked" at once, without SQLite's busy
    handler, when another connection opens the same fresh file at that moment.
    """
    deadline = time.monotonic() + busy_timeout_ms / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def migrate(conn: sqlite3.Connection) -> None:
    """Create the tables and apply each column migration, all in one transaction.

    ``BEGIN IMMEDIATE`` takes the file's write lock first (waiting up to the busy timeout), so
    a second process starting at the same moment sees the finished schema and changes nothing.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        for statement in _statements(SCHEMA):
            conn.execute(statement)
        for table, column, declaration in MIGRATIONS:
            found = conn.execute(f"PRAGMA table_info({table})").fetchall()
            if column not in {r[1] for r in found}:
                conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
