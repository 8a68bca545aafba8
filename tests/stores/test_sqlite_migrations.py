"""Several processes opening one fresh SQLite file at the same moment all start: the schema
and its migrations run in one transaction under the file's write lock (no `duplicate column
name`, no `database is locked`)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.support.paths import ROOT

ROUNDS = 12
PROCESSES = 3

# Each worker opens the store of round r at start + r * STEP, all three at the same instant.
_WORKER = """
import sys, time
from tests.support.runtime import load_runtime
load_runtime()
from jg_runtime.server.sqlite import SQLiteStore
folder, start, step, rounds = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
for r in range(rounds):
    while time.time() < start + r * step:
        pass
    SQLiteStore(f"{folder}/{r}.sqlite3").close()
"""


def _race(folder: Path) -> list[subprocess.CompletedProcess[str]]:
    start = time.time() + 3.0
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                _WORKER,
                str(folder),
                str(start),
                "0.25",
                str(ROUNDS),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    done = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        done.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return done


def test_three_processes_opening_fresh_files_at_once_all_start(tmp_path: Path) -> None:
    results = _race(tmp_path)
    assert [r.returncode for r in results] == [0] * PROCESSES, [
        r.stderr for r in results
    ]
    for r in range(ROUNDS):
        conn = sqlite3.connect(tmp_path / f"{r}.sqlite3")
        columns = [c[1] for c in conn.execute("PRAGMA table_info(journeys)")]
        assert columns.count("runtime") == 1
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        conn.close()


def test_a_file_from_before_the_runtime_column_is_migrated_by_racing_processes(
    tmp_path: Path,
) -> None:
    for r in range(ROUNDS):
        conn = sqlite3.connect(tmp_path / f"{r}.sqlite3")
        conn.execute(
            "CREATE TABLE journeys (id TEXT PRIMARY KEY, name TEXT NOT NULL,"
            " phase TEXT NOT NULL, current_state TEXT NOT NULL, context TEXT NOT NULL,"
            " output TEXT, error TEXT, created_at TEXT NOT NULL,"
            " updated_at TEXT NOT NULL, version INTEGER NOT NULL)"
        )
        conn.execute(
            "INSERT INTO journeys VALUES ('j1', 'pc', 'Running', 'wait', '{}', NULL,"
            " NULL, 'now', 'now', 1)"
        )
        conn.commit()
        conn.close()
    results = _race(tmp_path)
    assert [r.returncode for r in results] == [0] * PROCESSES, [
        r.stderr for r in results
    ]
    for r in range(ROUNDS):
        conn = sqlite3.connect(tmp_path / f"{r}.sqlite3")
        row = conn.execute("SELECT id, runtime FROM journeys").fetchall()
        assert row == [("j1", None)]
        conn.close()


_KEYS_PROBE = """
import sqlite3, sys
from tests.support.runtime import load_runtime
load_runtime()
from jg_runtime.server.sqlite import SQLiteStore
from jg_runtime.server.store import JourneyRecord, TimerRecord, Transition
path = sys.argv[1]
if sys.argv[2] == "old":  # the layout files were created with before: AUTOINCREMENT keys
    conn = sqlite3.connect(path)
    conn.executescript(
        "CREATE TABLE history (seq INTEGER PRIMARY KEY AUTOINCREMENT, journey_id TEXT NOT NULL,"
        " from_state TEXT, to_state TEXT NOT NULL, event_id TEXT, at TEXT NOT NULL);"
        "CREATE TABLE timers (id INTEGER PRIMARY KEY AUTOINCREMENT, journey_name TEXT NOT NULL,"
        " journey_id TEXT NOT NULL, path TEXT NOT NULL, state TEXT NOT NULL, token TEXT NOT NULL,"
        " kind TEXT NOT NULL, due_at TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'pending',"
        " fired_at TEXT);"
    )
    conn.close()
store = SQLiteStore(path)
for n in range(3):
    jid = f"j{n}"
    with store.transaction() as tx:
        tx.insert_journey(JourneyRecord(jid, "keys", "Running", "a", {}, "t", "t"))
        tx.add_history(jid, [Transition(None, "a"), Transition("a", "b")])
        tx.add_timer(TimerRecord("keys", jid, (), "b", f"tok{n}", "timer", "2000-01-01T00:00:00.000Z"))
    with store.transaction() as tx:
        tx.add_history(jid, [Transition("b", "c")])
fired = []
while True:
    with store.transaction() as tx:
        timer = tx.claim_due_timer("keys", "2100-01-01T00:00:00.000Z")
    if timer is None:
        break
    fired.append(timer.token)
print([t.to_state for t in store.history("j1")], fired)
store.close()
tables = {r[0] for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_master")}
print("sqlite_sequence" in tables)
"""


def test_new_files_write_no_key_sequence_and_old_files_keep_theirs(
    tmp_path: Path,
) -> None:
    """history and timers keys grow with insertion in both layouts; a new file has no
    sqlite_sequence table (AUTOINCREMENT would write its row in every transaction)."""
    for layout, sequence in (("new", "False"), ("old", "True")):
        done = subprocess.run(
            [sys.executable, "-c", _KEYS_PROBE, str(tmp_path / f"{layout}.db"), layout],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        order, has_sequence = done.stdout.strip().splitlines()
        assert order == "['a', 'b', 'c'] ['tok0', 'tok1', 'tok2']", layout
        assert has_sequence == sequence, layout
