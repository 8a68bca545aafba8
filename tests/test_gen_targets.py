"""The benchmark's target verdicts (benchmarks/gen_targets.py) from a results document."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import gen_targets  # type: ignore[import-not-found]


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
