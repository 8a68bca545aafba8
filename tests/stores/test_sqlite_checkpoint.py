"""The SQLite store checkpoints its WAL on a thread of its own: committed pages reach the
database file without any request's COMMIT copying them, and closing the store stops it.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from tests.support.runtime import load_runtime

load_runtime()
from jg_runtime.server.sqlite import SQLiteStore  # noqa: E402
from jg_runtime.server.sqlite_checkpoint import FALLBACK_PAGES  # noqa: E402
from jg_runtime.server.store import JourneyRecord, Transition  # noqa: E402

THREAD = "journeygen-sqlite-checkpoint"


def _in_database_file(path: Path) -> int:
    """Journeys in the database file itself: `immutable` reads it without its WAL."""
    conn = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM journeys").fetchone()[0])
    except sqlite3.DatabaseError:  # not even the schema copied yet, or read mid-copy
        return 0
    finally:
        conn.close()


def test_committed_pages_reach_the_database_file_without_a_request_copying_them(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store.sqlite3"
    store = SQLiteStore(str(path), durability="normal")
    try:
        writer_limit = store._conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        assert writer_limit == FALLBACK_PAGES  # far more than these writes fill
        for n in range(40):
            with store.transaction() as tx:
                jid = f"j{n}"
                tx.insert_journey(
                    JourneyRecord(jid, "ckpt", "Running", "a", {}, "t", "t")
                )
                tx.add_history(jid, [Transition(None, "a")])
        deadline = time.monotonic() + 5
        while _in_database_file(path) < 40 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _in_database_file(path) == 40
        assert store._checkpoints is not None
        thread = store._checkpoints._thread
        assert thread.name == THREAD and thread.is_alive()
    finally:
        store.close()
    assert not thread.is_alive()  # closing the store stopped its thread


def test_an_idle_store_does_not_checkpoint_and_a_memory_store_has_no_thread(
    tmp_path: Path,
) -> None:
    before = len([t for t in threading.enumerate() if t.name == THREAD])
    memory = SQLiteStore(":memory:")
    try:
        assert len([t for t in threading.enumerate() if t.name == THREAD]) == before
    finally:
        memory.close()
    store = SQLiteStore(str(tmp_path / "idle.sqlite3"))
    try:
        assert not store._checkpoints._pending.is_set()  # nothing written: it sleeps
    finally:
        store.close()
