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
