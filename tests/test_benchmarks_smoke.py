"""Smoke test of the benchmark harness: it runs and writes JSON of the expected shape.

Checks structure only, never speed: timings do not belong in tests.
"""

from __future__ import annotations

import json
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
