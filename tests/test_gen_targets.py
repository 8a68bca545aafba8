"""The benchmark's target verdicts (benchmarks/gen_targets.py) from a results document."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import gen_targets  # type: ignore[import-not-found]
import run as bench_run  # type: ignore[import-not-found]


def _cell(median: float, rss: float) -> dict[str, Any]:
    return {
        "wall_s": {"median": median, "n": 1},
        "max_rss_mb": {"median": rss, "n": 1},
    }


def test_verdicts_compare_figures_of_the_same_run() -> None:
    results = {
        "ratios": {"jg_cold_per_journey_vs_opc": 0.9},
        "generation": {
            "corpus": {"check_unchanged": {"wall_s": {"median": 0.7, "n": 3}}}
        },
        "scaling": {
            "tools": {
                "journeygen": {
                    "sizes": {"1000": _cell(10, 150), "5000": _cell(50, 900)},
                    "time_growth": {"100/10": 1.1, "1000/100": 11.0, "5000/1000": 5.0},
                },
                "openapi-python-client": {
                    "sizes": {"1000": _cell(30, 140), "5000": _cell(100, 500)}
                },
            }
        },
        "client": {"workflow": {"arazzo_runner_vs_journeygen_wall": 12.0}},
    }
    out = gen_targets.generation_targets(results)
    assert out["cold per journey <= 1.0x opc"].startswith("met")
    assert out["whole corpus one process <= 0.25x opc loop"] == "not measured"
    assert out["unchanged --check < 0.5 s"].startswith("NOT met")
    assert out["1,000 operations <= 1.0x opc time"] == "met (0.33x)"
    assert out["5,000 operations peak memory <= 1.5x opc"] == "NOT met (1.80x)"
    assert out["10x operations <= 10x time"].startswith(
        "NOT met (worst tenfold step 1000/100"
    )
    assert out["typed call <= 1.05x plain httpx (wall)"] == "not measured"
    assert out["workflow >= 10x faster than arazzo-runner"].startswith("met")


def _store(rate: float, p99: float) -> dict[str, Any]:
    return {
        "journeys_per_s": {"median": rate, "min": rate - 5, "max": rate + 5, "n": 3},
        "p50_ms": {"median": 100.0, "min": 90.0, "max": 110.0, "n": 3},
        "p99_ms": {"median": p99, "min": p99 - 10, "max": p99 + 10, "n": 3},
    }


STORES = {
    "journeys": 400,
    "concurrency": 16,
    "durability": "full",
    "runs": 3,
    "stores": {
        "SQLite, 1 process": _store(115.5, 216.5),
        "PostgreSQL, 1 replica": _store(99.7, 388.4),
        "PostgreSQL, 2 replicas": _store(81.7, 487.7),
    },
}


def test_the_store_rows_show_postgresql_next_to_sqlite_of_the_same_run() -> None:
    rows = bench_run.store_rows(STORES)
    assert rows[0].startswith("5. Stores: the generated payment-callback server")
    assert "400 journeys" in rows[0] and "durability full" in rows[0]
    by_store = {row[3:29].strip(): row for row in rows[2:5]}
    assert set(by_store) == set(bench_run.STORES)
    assert by_store["SQLite, 1 process"].rstrip().endswith("ms")  # no ratio to itself
    assert "116 (110-120) /s" in by_store["SQLite, 1 process"]
    assert by_store["PostgreSQL, 1 replica"].endswith("0.86x")
    assert by_store["PostgreSQL, 2 replicas"].endswith("0.71x")
    assert "388 (378-398) ms" in by_store["PostgreSQL, 1 replica"]
    out = bench_run.targets({"stores": STORES})
    assert out["PostgreSQL, 1 replica journeys/s (no target; vs SQLite)"] == (
        "0.86x SQLite (99.7 vs 115.5 journeys/s, p99 388 ms)"
    )
    assert out["PostgreSQL, 2 replicas journeys/s (no target; vs SQLite)"] == (
        "0.71x SQLite (81.7 vs 115.5 journeys/s, p99 488 ms)"
    )


def test_a_store_that_could_not_run_says_why() -> None:
    down = (
        "PostgreSQL at postgresql://postgres@127.0.0.1:5432/postgres: OperationalError"
    )
    section = {
        **STORES,
        "stores": {
            "SQLite, 1 process": _store(115.5, 216.5),
            "PostgreSQL, 1 replica": {"error": down},
            "PostgreSQL, 2 replicas": {"error": down},
        },
    }
    rows = bench_run.store_rows(section)
    assert rows[3].split() == ["PostgreSQL,", "1", "replica", *down.split()]
    out = bench_run.store_targets(section)
    assert out["PostgreSQL, 2 replicas journeys/s (no target; vs SQLite)"] == (
        f"not measured ({down})"
    )
    skipped = bench_run.store_targets({"skipped": "skipped: --no-stores"})
    assert set(skipped.values()) == {"not measured (skipped: --no-stores)"}
    assert bench_run.store_rows({"skipped": "skipped: --no-stores"}) == [
        "5. Stores: skipped: --no-stores"
    ]
