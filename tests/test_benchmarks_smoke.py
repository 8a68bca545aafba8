"""Smoke test of the benchmark harness: it runs and writes JSON of the expected shape.

Checks structure only, never speed: timings do not belong in tests.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import ROOT

pytestmark = pytest.mark.slow


def test_quick_run_without_peers_writes_expected_json(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    argv = [
        sys.executable,
        str(ROOT / "benchmarks" / "run.py"),
        "--quick",
        "--no-peers",
    ]
    argv += [
        "--journeys",
        "2",
        "--sizes",
        "10",
        "--no-parts",
        "--stage-cache-loop",
        "--out",
        str(out),
    ]
    done = subprocess.run(
        argv, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "targets:" in done.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert {
        "machine",
        "settings",
        "peers",
        "generation",
        "ratios",
        "scaling",
        "client",
        "server",
        "stores",
    } <= set(data)
    assert {"targets", "elapsed_s"} <= set(data)
    assert data["settings"]["journeys"] == 2 and data["settings"]["peers"] is False
    generation = data["generation"]
    assert generation["cases"] == 2
    assert {"journeygen (cold)", "journeygen (stage cache shared)"} <= set(
        generation["per_journey"]
    )
    for row in generation["per_journey"].values():
        assert row["failed"] == 0, row["failures"]
        assert {"median", "min", "max", "n"} <= set(row["wall_s"])
        assert row["wall_s"]["n"] == 2
    assert set(generation["corpus"]) == {
        "one_process_cold",
        "second_run_unchanged",
        "check_unchanged",
    }
    assert all(row["exit_codes"] == [0] for row in generation["corpus"].values())
    journeygen = data["scaling"]["tools"]["journeygen"]["sizes"]["10"]
    assert journeygen["failed"] == 0 and journeygen["wall_s"]["n"] >= 1
    assert journeygen["max_rss_mb"]["median"] > 0
    for part in ("client", "server"):
        assert data[part], part  # measurements, an error, or a "skipped: ..." reason
    assert data["stores"] == {"skipped": "skipped: --no-parts"}
    assert "5. Stores: skipped: --no-parts" in done.stdout
    for replicas in ("1 replica", "2 replicas"):
        verdict = data["targets"][
            f"PostgreSQL, {replicas} journeys/s (no target; vs SQLite)"
        ]
        assert verdict == "not measured (skipped: --no-parts)"


def test_the_store_section_runs_sqlite_and_postgresql_with_1_and_2_replicas() -> None:
    """Section 5 against the PostgreSQL at 127.0.0.1:5432: every store row is measured."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import run as bench_run  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    logged: list[str] = []
    section = bench_run.store_throughput(
        reps=1, quick=True, admin=bench_run.PG_ADMIN, log=logged.append
    )
    assert not logged, logged
    assert (section["journeys"], section["concurrency"], section["runs"]) == (20, 4, 1)
    assert list(section["stores"]) == [
        "SQLite, 1 process",
        "PostgreSQL, 1 replica",
        "PostgreSQL, 2 replicas",
    ]
    for label, row in section["stores"].items():
        assert "error" not in row, (label, row)
        assert row["journeys_per_s"]["n"] == 1 and row["journeys_per_s"]["median"] > 0
        assert row["p50_ms"]["median"] <= row["p99_ms"]["median"], label
    rows = bench_run.store_rows(section)
    assert [r[3:29].strip() for r in rows[2:5]] == list(section["stores"])
    verdicts = bench_run.store_targets(section)
    assert all(v.split()[1] == "SQLite" for v in verdicts.values()), verdicts


def test_the_in_process_app_benchmark_drives_both_apps_to_success() -> None:
    """bench_app.py calls both ASGI apps through whole journeys (it raises on any answer that
    is not the SUCCESS outcome) and reports each one's CPU per journey and their ratio.
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT / "generated" / "payment_callback")}
    argv = [sys.executable, str(ROOT / "benchmarks" / "bench_app.py")]
    argv += ["--journeys", "10", "--rounds", "1", "--durability", "normal"]
    done = subprocess.run(
        argv, capture_output=True, text=True, timeout=120, check=False, env=env
    )
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout)
    for kind in ("generated", "baseline"):
        assert found[kind]["cpu_us_per_journey"] > 0
    assert found["generated_vs_baseline_cpu"] > 0
    assert "synchronous=NORMAL" in found["setup"]
