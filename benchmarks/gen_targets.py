"""The generation, scaling and client targets of issue #17, judged from one run's results.

Every verdict compares figures taken in the same run (`run.py`); a figure that was not
measured (a peer that did not install, a skipped size) says so instead of passing.
"""

from __future__ import annotations

from typing import Any

# (label, limit): a ratio at most the limit meets the target.
COLD_PER_JOURNEY = 1.0  # journeygen cold, per journey, vs openapi-python-client
CORPUS_ONE_PROCESS = 0.25  # whole corpus in one process vs openapi-python-client's loop
UNCHANGED_S = 0.5  # regenerate / --check an unchanged corpus
SCALE_TIME = 1.0  # at 1,000 and 5,000 operations, vs openapi-python-client
SCALE_SIZES = (1000, 5000)
GROWTH = 10.0  # 10x the operations costs at most 10x the time
SCALE_MEMORY = 1.5  # peak RSS vs openapi-python-client's, at the largest sizes
TYPED_CALL = 1.05  # typed client call vs plain httpx
WORKFLOW_FASTER = 10.0  # arazzo-runner's time over journeygen's for one workflow run


def _verdict(
    value: float | None, limit: float, text: str, *, at_least: bool = False
) -> str:
    if value is None:
        return "not measured"
    met = value >= limit if at_least else value <= limit
    return f"{'met' if met else 'NOT met'} ({text.format(value)})"


def _median(cell: dict[str, Any] | None, key: str) -> float | None:
    stat = (cell or {}).get(key) or {}
    value = stat.get("median") if stat.get("n") else None
    return float(value) if value is not None else None


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def generation_targets(results: dict[str, Any]) -> dict[str, str]:
    """Verdicts for sections 1-3 (generation, scaling, client), in the table's order."""
    out: dict[str, str] = {}
    r = results.get("ratios", {})
    out[f"cold per journey <= {COLD_PER_JOURNEY}x opc"] = _verdict(
        r.get("jg_cold_per_journey_vs_opc"), COLD_PER_JOURNEY, "{:.2f}x"
    )
    out[f"whole corpus one process <= {CORPUS_ONE_PROCESS}x opc loop"] = _verdict(
        r.get("jg_corpus_one_process_vs_opc_loop"), CORPUS_ONE_PROCESS, "{:.2f}x"
    )
    corpus = results.get("generation", {}).get("corpus", {})
    for label, key in (
        (f"unchanged regenerate < {UNCHANGED_S} s", "second_run_unchanged"),
        (f"unchanged --check < {UNCHANGED_S} s", "check_unchanged"),
    ):
        med = _median(corpus.get(key), "wall_s")
        out[label] = (
            "not measured"
            if med is None
            else f"{'met' if med < UNCHANGED_S else 'NOT met'} ({med:.2f}s)"
        )
    out.update(scaling_targets(results.get("scaling", {})))
    client = results.get("client", {})
    per = client.get("per_request", {}).get("typed_vs_httpx_wall")
    out[f"typed call <= {TYPED_CALL}x plain httpx (wall)"] = _verdict(
        per, TYPED_CALL, "{:.2f}x"
    )
    faster = client.get("workflow", {}).get("arazzo_runner_vs_journeygen_wall")
    out[f"workflow >= {WORKFLOW_FASTER:g}x faster than arazzo-runner"] = _verdict(
        faster, WORKFLOW_FASTER, "{:.2f}x faster", at_least=True
    )
    return out


def scaling_targets(scaling: dict[str, Any]) -> dict[str, str]:
    """Time and memory against openapi-python-client at the large sizes, and growth."""
    tools = scaling.get("tools", {})
    jg = tools.get("journeygen", {}).get("sizes", {})
    opc = tools.get("openapi-python-client", {}).get("sizes", {})
    out: dict[str, str] = {}
    for n in SCALE_SIZES:
        a, b = jg.get(str(n)), opc.get(str(n))
        out[f"{n:,} operations <= {SCALE_TIME}x opc time"] = _verdict(
            _ratio(_median(a, "wall_s"), _median(b, "wall_s")), SCALE_TIME, "{:.2f}x"
        )
        out[f"{n:,} operations peak memory <= {SCALE_MEMORY}x opc"] = _verdict(
            _ratio(_median(a, "max_rss_mb"), _median(b, "max_rss_mb")),
            SCALE_MEMORY,
            "{:.2f}x",
        )
    growth = tools.get("journeygen", {}).get("time_growth", {})
    steps = {k: v for k, v in growth.items() if v is not None}
    tenfold = {k: v for k, v in steps.items() if _factor(k) == 10}
    worst = max(tenfold.items(), key=lambda kv: kv[1], default=None)
    others = ", ".join(
        f"{k}: {v:.2f}x for {_factor(k):g}x"
        for k, v in steps.items()
        if k not in tenfold
    )
    out[f"10x operations <= {GROWTH:g}x time"] = (
        "not measured"
        if worst is None
        else _verdict(
            worst[1],
            GROWTH,
            f"worst tenfold step {worst[0]}: "
            + "{:.2f}x"
            + (f"; {others}" if others else ""),
        )
    )
    return out


def _factor(step: str) -> float:
    big, small = (int(x) for x in step.split("/"))
    return big / small
