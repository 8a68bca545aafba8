"""journeygen benchmarks: generation speed, scaling, client and server cost, stores, next to peers.

    .venv/bin/python benchmarks/run.py            # everything (< 15 min on the 2-core box)
    .venv/bin/python benchmarks/run.py --quick    # smoke run: 3 journeys, 1 repetition
    .venv/bin/python benchmarks/run.py --no-peers # journeygen only

Peers are installed, pinned, into their own virtual environment `benchmarks/.peers/`. Every
figure is a median over several runs with min and max, and every ratio compares numbers taken
in this same run. Results are printed as a table and written as JSON to `benchmarks/results/`.
See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gen_targets import generation_targets

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PEERS_DIR = HERE / ".peers"
RESULTS_DIR = HERE / "results"
PEERS = {
    "openapi-python-client": "0.29.1",
    "datamodel-code-generator": "0.89.0",
    "arazzo-runner": "0.9.6",
}
DEFAULT_CORPUS = REPO / "tests" / "corpus" / "journeyforge"
GENERATED_PC = REPO / "generated" / "payment_callback" / "payment_callback"
SKIPPED_PARTS = "skipped: client/server not generated yet"
SCHEMA_VERSION = 1


# --------------------------------------------------------------------------- measuring


@dataclass
class Run:
    """One child process: wall seconds, CPU seconds (user+sys), peak RSS in MiB, exit code."""

    wall: float
    cpu: float
    rss_mb: float
    rc: int
    stderr: str = ""


TIME = Path("/usr/bin/time")


def run_process(
    argv: Sequence[str],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float | None = None,
) -> Run:
    """Run `argv` and measure that child alone: wall, CPU and peak RSS.

    Peak RSS comes from `/usr/bin/time` when present: a child forked straight from this
    (larger) Python process would report this process's RSS at the fork as its own peak. Without
    it, `os.wait4`'s own rusage is used (an upper bound). CPU always comes from `os.wait4`
    (which includes the waited-for grandchild).
    """
    with tempfile.TemporaryDirectory(prefix="jg-run-") as scratch:
        err_path, rss_path = Path(scratch) / "stderr", Path(scratch) / "rss"
        full = (
            [str(TIME), "-f", "%M", "-o", str(rss_path), *argv]
            if TIME.exists()
            else list(argv)
        )
        with err_path.open("wb") as err:
            started = time.perf_counter()
            proc = subprocess.Popen(
                full,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=err,
                start_new_session=True,
            )
            timer = (
                threading.Timer(timeout, _kill_group, (proc.pid,)) if timeout else None
            )
            if timer:
                timer.start()
            try:
                _, status, usage = os.wait4(proc.pid, 0)
            finally:
                if timer:
                    timer.cancel()
            wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        text = err_path.read_text(encoding="utf-8", errors="replace")
        rss_mb = usage.ru_maxrss / 1024
        with contextlib.suppress(OSError, ValueError, IndexError):
            rss_mb = int(rss_path.read_text().split()[-1]) / 1024
    return Run(wall, usage.ru_utime + usage.ru_stime, rss_mb, proc.returncode, text)


def _kill_group(pid: int) -> None:
    with contextlib.suppress(OSError):
        os.killpg(pid, signal.SIGKILL)


def summary(values: Sequence[float]) -> dict[str, float | int]:
    """Median, min, max and count of some measurements."""
    if not values:
        return {
            "median": float("nan"),
            "min": float("nan"),
            "max": float("nan"),
            "n": 0,
        }
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "n": len(values),
    }


def ratio(a: float, b: float) -> float | None:
    return a / b if b and a == a and b == b else None


# --------------------------------------------------------------------------- environment


def machine() -> dict[str, Any]:
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "mem_gib": mem,
        "loadavg_at_start": load,
    }


def peer_bin(name: str) -> Path:
    return PEERS_DIR / "bin" / name


def ensure_peers(log: Callable[[str], None]) -> dict[str, Any]:
    """Create `.peers/` and install the pinned peers; one failing install does not stop the rest."""
    status: dict[str, Any] = {}
    python = PEERS_DIR / "bin" / "python"
    if not python.exists():
        base = getattr(sys, "_base_executable", sys.executable)
        made = subprocess.run(
            [base, "-m", "venv", str(PEERS_DIR)], capture_output=True, text=True
        )
        if made.returncode != 0:
            log(f"peers: cannot create {PEERS_DIR}: {made.stderr.strip()[-300:]}")
            return {
                name: {"installed": False, "error": "venv creation failed"}
                for name in PEERS
            }
    for name, version in PEERS.items():
        if _installed_version(python, name) == version:
            status[name] = {"installed": True, "version": version}
            continue
        log(f"peers: installing {name}=={version} into {PEERS_DIR} ...")
        done = subprocess.run(
            [str(python), "-m", "pip", "install", "-q", f"{name}=={version}"],
            capture_output=True,
            text=True,
        )
        got = _installed_version(python, name)
        if done.returncode == 0 and got == version:
            status[name] = {"installed": True, "version": version}
        else:
            tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            status[name] = {"installed": False, "error": " | ".join(tail)}
            log(f"peers: {name}=={version} failed to install; its rows are skipped")
    return status


def _installed_version(python: Path, name: str) -> str | None:
    probe = subprocess.run(
        [
            str(python),
            "-c",
            f"from importlib.metadata import version; print(version({name!r}))",
        ],
        capture_output=True,
        text=True,
    )
    return probe.stdout.strip() if probe.returncode == 0 else None


def journeygen_argv() -> list[str]:
    exe = Path(sys.executable).parent / "journeygen"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "generator.cli"]


def supports_no_cache() -> bool:
    out = subprocess.run(
        [*journeygen_argv(), "generate", "--help"], capture_output=True, text=True
    ).stdout
    return "--no-cache" in out


def clean_env(
    extra: dict[str, str] | None = None, *, peers: bool = False
) -> dict[str, str]:
    """The environment for a child: no journeygen cache unless asked; peers' tools first on PATH."""
    env = {k: v for k, v in os.environ.items() if k != "JOURNEYGEN_CACHE_DIR"}
    env["PYTHONDONTWRITEBYTECODE"] = "0"
    if peers:
        env["PATH"] = f"{PEERS_DIR / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra or {})
    return env


# --------------------------------------------------------------------------- section 1


def corpus_cases(corpus: Path) -> list[Path]:
    return sorted(
        p
        for p in (corpus / "examples").glob("*/*")
        if p.is_dir() and any(p.glob("*.openapi.yaml"))
    )


def openapi_file(case: Path) -> Path:
    return next(iter(sorted(case.glob("*.openapi.yaml"))))


def generation(
    cases: list[Path],
    *,
    reps: int,
    loops: int,
    peers: dict[str, Any],
    tmp: Path,
    log: Callable[[str], None],
    stage_cache_loop: bool = False,
) -> dict[str, Any]:
    """Section 1: one process per journey (journeygen vs peers), one process for the corpus,
    and the second run with nothing changed."""
    result: dict[str, Any] = {"cases": len(cases), "per_journey": {}, "corpus": {}}
    jg = journeygen_argv()
    no_cache = ["--no-cache"] if supports_no_cache() else []

    tools: dict[str, Callable[[Path, Path], tuple[list[str], Path, dict[str, str]]]] = (
        {}
    )

    def jg_cold(case: Path, out: Path) -> tuple[list[str], Path, dict[str, str]]:
        # A fresh working folder per process: no project cache, no stage cache: a cold CI run.
        work = out / "cwd"
        work.mkdir(parents=True, exist_ok=True)
        return (
            [*jg, "generate", str(case), "--out", str(out / "o"), "-q", *no_cache],
            work,
            clean_env(),
        )

    shared_cache = tmp / "stage-cache"

    def jg_stage_cache(case: Path, out: Path) -> tuple[list[str], Path, dict[str, str]]:
        # Each journey still generated in full, but the black/model stage cache is shared along
        # the loop (a pipeline keeping JOURNEYGEN_CACHE_DIR between jobs).
        work = out / "cwd"
        work.mkdir(parents=True, exist_ok=True)
        env = clean_env({"JOURNEYGEN_CACHE_DIR": str(shared_cache)})
        return (
            [*jg, "generate", str(case), "--out", str(out / "o"), "-q", *no_cache],
            work,
            env,
        )

    tools["journeygen (cold)"] = jg_cold
    if stage_cache_loop:
        tools["journeygen (stage cache shared)"] = jg_stage_cache
    if peers.get("openapi-python-client", {}).get("installed"):

        def opc(case: Path, out: Path) -> tuple[list[str], Path, dict[str, str]]:
            argv = [
                str(peer_bin("openapi-python-client")),
                "generate",
                "--path",
                str(openapi_file(case)),
            ]
            return (
                [*argv, "--output-path", str(out / "o"), "--overwrite"],
                case,
                clean_env(peers=True),
            )

        tools["openapi-python-client"] = opc
    if peers.get("datamodel-code-generator", {}).get("installed"):

        def dmcg(case: Path, out: Path) -> tuple[list[str], Path, dict[str, str]]:
            argv = [
                str(peer_bin("datamodel-codegen")),
                "--input",
                str(openapi_file(case)),
            ]
            argv += ["--input-file-type", "openapi", "--output", str(out / "models.py")]
            return argv, case, clean_env(peers=True)

        tools["datamodel-code-generator"] = dmcg

    # Interleaved: every tool in turn on one journey, then the next journey, so a change of
    # the machine's load during the loop reaches every tool alike (one tool's whole loop after
    # another's compared different loads). A loop's total is the sum of its processes' walls.
    runs: dict[str, list[Run]] = {name: [] for name in tools}
    totals: dict[str, list[float]] = {name: [] for name in tools}
    failures: dict[str, list[str]] = {name: [] for name in tools}
    for loop in range(loops):
        shutil.rmtree(
            shared_cache, ignore_errors=True
        )  # the shared stage cache starts empty
        spent = dict.fromkeys(tools, 0.0)
        for case in cases:
            for name, make in tools.items():
                out = Path(tempfile.mkdtemp(dir=tmp, prefix="gen-"))
                argv, cwd, env = make(case, out)
                run = run_process(argv, cwd=cwd, env=env, timeout=120)
                runs[name].append(run)
                spent[name] += run.wall
                if run.rc != 0:
                    failures[name].append(
                        f"{case.name}: exit {run.rc}: {run.stderr.strip()[-200:]}"
                    )
                shutil.rmtree(out, ignore_errors=True)
        for name in tools:
            totals[name].append(spent[name])
            log(
                f"  1. {name}: loop {loop + 1}/{loops} over {len(cases)} journeys: {spent[name]:.1f}s"
            )
    for name in tools:
        result["per_journey"][name] = {
            "wall_s": summary([r.wall for r in runs[name]]),
            "cpu_s": summary([r.cpu for r in runs[name]]),
            "max_rss_mb": summary([r.rss_mb for r in runs[name]]),
            "loop_total_s": summary(totals[name]),
            "failures": failures[name][:10],
            "failed": len(failures[name]),
        }

    # One journeygen process for the whole corpus: cold, then again with nothing changed.
    case_args = [str(c) for c in cases]
    cold, again, check = [], [], []
    # The cold corpus run costs ~20 s: at most two of them; the cheap unchanged runs (same
    # working folder and caches as the last cold run) are repeated `reps` times.
    for attempt in range(min(reps, 2)):
        work = Path(tempfile.mkdtemp(dir=tmp, prefix="corpus-"))
        env = clean_env({"JOURNEYGEN_CACHE_DIR": str(work / "stage-cache")})
        base = [*jg, "generate", *case_args, "--out", str(work / "out"), "-q"]
        cold.append(run_process(base, cwd=work, env=env, timeout=600))
        if attempt + 1 < min(reps, 2):
            shutil.rmtree(work, ignore_errors=True)
    for _ in range(reps):
        again.append(run_process(base, cwd=work, env=env, timeout=600))
        check.append(run_process([*base, "--check"], cwd=work, env=env, timeout=600))
    shutil.rmtree(work, ignore_errors=True)
    for label, runs in (
        ("one_process_cold", cold),
        ("second_run_unchanged", again),
        ("check_unchanged", check),
    ):
        result["corpus"][label] = {
            "wall_s": summary([r.wall for r in runs]),
            "max_rss_mb": summary([r.rss_mb for r in runs]),
            "exit_codes": sorted({r.rc for r in runs}),
        }
    log(
        f"  1. journeygen whole corpus in one process: {summary([r.wall for r in cold])['median']:.2f}s"
    )
    return result


def generation_ratios(gen: dict[str, Any]) -> dict[str, float | None]:
    per = gen["per_journey"]
    corpus = gen["corpus"]
    out: dict[str, float | None] = {}
    opc = per.get("openapi-python-client")
    jg = per["journeygen (cold)"]
    shared = per.get("journeygen (stage cache shared)")
    if opc:
        med = opc["wall_s"]["median"]
        out["jg_cold_per_journey_vs_opc"] = ratio(jg["wall_s"]["median"], med)
        if shared:
            out["jg_stage_cache_per_journey_vs_opc"] = ratio(
                shared["wall_s"]["median"], med
            )
        loop = opc["loop_total_s"]["median"]
        out["jg_corpus_one_process_vs_opc_loop"] = ratio(
            corpus["one_process_cold"]["wall_s"]["median"], loop
        )
        out["jg_unchanged_vs_opc_loop"] = ratio(
            corpus["second_run_unchanged"]["wall_s"]["median"], loop
        )
    dmcg = per.get("datamodel-code-generator")
    if dmcg:
        out["jg_cold_per_journey_vs_dmcg"] = ratio(
            jg["wall_s"]["median"], dmcg["wall_s"]["median"]
        )
    return out


# --------------------------------------------------------------------------- section 2


def scaling(
    sizes: list[int],
    *,
    reps: int,
    peers: dict[str, Any],
    tmp: Path,
    budget_s: float,
    log: Callable[[str], None],
) -> dict[str, Any]:
    """Section 2: time and peak RSS on synthetic OpenAPI + Arazzo documents of growing size."""
    jg = journeygen_argv()
    no_cache = ["--no-cache"] if supports_no_cache() else []
    # Written by a child process, so that this process stays small (see run_process).
    script = "import sys, synth; from pathlib import Path\n"
    script += "for n in sys.argv[2:]: synth.write_case(Path(sys.argv[1]), int(n))"
    subprocess.run(
        [sys.executable, "-c", script, str(tmp / "synth"), *map(str, sizes)],
        check=True,
        cwd=HERE,
        env={**os.environ, "PYTHONPATH": str(HERE)},
    )
    cases = {n: tmp / "synth" / f"synth-{n}" for n in sizes}
    tools: dict[str, Callable[[Path, Path], tuple[list[str], Path, dict[str, str]]]] = {
        "journeygen": lambda case, out: (
            [*jg, "generate", str(case), "--out", str(out / "o"), "-q", *no_cache],
            out,
            clean_env(),
        )
    }
    if peers.get("openapi-python-client", {}).get("installed"):
        tools["openapi-python-client"] = lambda case, out: (
            [
                str(peer_bin("openapi-python-client")),
                "generate",
                "--path",
                str(openapi_file(case)),
                "--output-path",
                str(out / "o"),
                "--overwrite",
            ],
            case,
            clean_env(peers=True),
        )
    if peers.get("datamodel-code-generator", {}).get("installed"):
        tools["datamodel-code-generator"] = lambda case, out: (
            [
                str(peer_bin("datamodel-codegen")),
                "--input",
                str(openapi_file(case)),
                "--input-file-type",
                "openapi",
                "--output",
                str(out / "models.py"),
            ],
            case,
            clean_env(peers=True),
        )
    result: dict[str, Any] = {"sizes": sizes, "tools": {}}
    for name, make in tools.items():
        rows: dict[str, Any] = {}
        skip_rest = False
        last: tuple[int, float] | None = None
        for n in sizes:
            if skip_rest:
                rows[str(n)] = {
                    "skipped": "a smaller size already exceeded the time budget"
                }
                continue
            if last is not None and last[1] * n / last[0] > budget_s:
                predicted = last[1] * n / last[0]
                rows[str(n)] = {
                    "skipped": f"predicted at least {predicted:.0f}s (linear from {last[0]} ops), "
                    f"over the {budget_s:.0f}s budget (--scale-budget)"
                }
                skip_rest = True
                continue
            runs: list[Run] = []
            # Big sizes are slow: repeat only while the size is cheap.
            # Repeat a size only while its runs so far took less than an eighth of the budget.
            for _ in range(reps):
                out = Path(tempfile.mkdtemp(dir=tmp, prefix="scale-"))
                argv, cwd, env = make(cases[n], out)
                run = run_process(argv, cwd=cwd, env=env, timeout=budget_s)
                shutil.rmtree(out, ignore_errors=True)
                runs.append(run)
                if sum(r.wall for r in runs) > budget_s / 8 or run.rc != 0:
                    break
            ok = [r for r in runs if r.rc == 0]
            if ok:
                last = (n, statistics.median(r.wall for r in ok))
            rows[str(n)] = {
                "wall_s": summary([r.wall for r in ok]),
                "max_rss_mb": summary([r.rss_mb for r in ok]),
                "runs": len(runs),
                "failed": len(runs) - len(ok),
                "error": next(
                    (r.stderr.strip()[-200:] for r in runs if r.rc != 0), None
                ),
            }
            log(
                f"  2. {name} {n} ops: {rows[str(n)]['wall_s']['median']:.2f}s, {rows[str(n)]['max_rss_mb']['median']:.0f} MiB"
            )
            if any(r.rc != 0 and r.wall >= budget_s * 0.99 for r in runs) or (
                ok and min(r.wall for r in ok) > budget_s / 2
            ):
                skip_rest = True
        growth = {}
        for small, big in itertools.pairwise(sizes):
            a, b = rows[str(small)], rows[str(big)]
            if (
                "wall_s" in a
                and "wall_s" in b
                and a["wall_s"]["n"]
                and b["wall_s"]["n"]
            ):
                growth[f"{big}/{small}"] = ratio(
                    b["wall_s"]["median"], a["wall_s"]["median"]
                )
        result["tools"][name] = {"sizes": rows, "time_growth": growth}
    return result


# --------------------------------------------------------------------------- sections 3 and 4


def parts_present() -> bool:
    return (GENERATED_PC / "client.py").is_file() and (
        GENERATED_PC / "server.py"
    ).is_file()


def client_cost(
    *, reps: int, quick: bool, peers: dict[str, Any], log: Callable[[str], None]
) -> dict[str, Any]:
    """Section 3: typed client call vs plain httpx; workflow run vs arazzo-runner."""
    if not parts_present():
        return {"skipped": SKIPPED_PARTS}
    return _run_part_bench("client", reps=reps, quick=quick, peers=peers, log=log)


DURABILITIES = ("full", "normal")  # SQLite synchronous level, the same for both servers


def server_throughput(
    *, reps: int, quick: bool, log: Callable[[str], None]
) -> dict[str, Any]:
    """Section 4: completed payment-callback journeys per second vs a hand-written app, with
    both servers at synchronous=FULL and again both at NORMAL."""
    if not parts_present():
        return {"skipped": SKIPPED_PARTS}
    return {
        level: _run_part_bench(
            "server",
            reps=reps,
            quick=quick,
            peers={},
            log=log,
            extra=["--durability", level],
        )
        for level in DURABILITIES
    }


STORES = ("SQLite, 1 process", "PostgreSQL, 1 replica", "PostgreSQL, 2 replicas")
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def store_throughput(
    *, reps: int, quick: bool, admin: str, log: Callable[[str], None]
) -> dict[str, Any]:
    """Section 5: the generated payment-callback server on each store under the same load,
    all at durability full (`bench_stores.py`): SQLite, PostgreSQL with one replica and with
    two; `reps` runs of each, journeys/s and latencies as median (min-max)."""
    if not parts_present():
        return {"skipped": SKIPPED_PARTS}
    journeys, concurrency = (20, 4) if quick else (400, 16)
    runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="jg-stores-") as tmp:
        for rep in range(reps):
            out = Path(tmp) / f"stores-{rep}.json"
            argv = [sys.executable, str(HERE / "bench_stores.py")]
            argv += ["--journeys", str(journeys), "--concurrency", str(concurrency)]
            argv += ["--admin", admin, "--json", str(out)]
            try:
                done = subprocess.run(
                    argv,
                    capture_output=True,
                    text=True,
                    env=clean_env(),
                    timeout=600,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                log("  stores: gave up after 600 s")
                return {"error": "bench_stores.py did not finish within 600 s"}
            if done.returncode != 0 or not out.is_file():
                log(f"  stores: failed: {done.stderr.strip()[-300:]}")
                return {"error": done.stderr.strip()[-1000:]}
            runs.append(json.loads(out.read_text(encoding="utf-8")))
    section: dict[str, Any] = {
        "journeys": journeys,
        "concurrency": concurrency,
        "durability": "full",
        "runs": len(runs),
        "stores": {},
    }
    for label in STORES:
        rows = [run.get(label, {"error": "not run"}) for run in runs]
        failed = [row["error"] for row in rows if "error" in row]
        if failed:
            section["stores"][label] = {"error": failed[0]}
            continue
        section["stores"][label] = {
            key: summary([float(row[key]) for row in rows])
            for key in ("journeys_per_s", "p50_ms", "p99_ms")
        }
    return section


def _run_part_bench(
    kind: str,
    *,
    reps: int,
    quick: bool,
    peers: dict[str, Any],
    log: Callable[[str], None],
    extra: Sequence[str] = (),
) -> dict[str, Any]:
    script = HERE / f"bench_{kind}.py"
    if not script.is_file():
        return {
            "skipped": f"skipped: {script.name} not written yet (the {kind} part exists now)"
        }
    argv = [sys.executable, str(script), "--reps", str(reps), *extra]
    if quick:
        argv.append("--quick")
    if peers.get("arazzo-runner", {}).get("installed"):
        argv += ["--arazzo-python", str(PEERS_DIR / "bin" / "python")]
    env = clean_env({"PYTHONPATH": str(GENERATED_PC.parent)})
    try:  # 10,000 journeys per server on a loaded 2-core box take minutes
        done = subprocess.run(
            argv, capture_output=True, text=True, env=env, timeout=900, check=False
        )
    except subprocess.TimeoutExpired:
        log(f"  {kind}: gave up after 900 s")
        return {"error": f"{script.name} did not finish within 900 s"}
    if done.returncode != 0:
        log(f"  {kind}: failed: {done.stderr.strip()[-300:]}")
        return {"error": done.stderr.strip()[-1000:]}
    return dict(json.loads(done.stdout))


# --------------------------------------------------------------------------- report


def _fmt(stat: dict[str, Any] | None, unit: str = "s", scale: float = 1.0) -> str:
    if not stat or not stat.get("n"):
        return "-"
    m, lo, hi = (stat[k] * scale for k in ("median", "min", "max"))
    digits = 0 if unit in ("MiB", "us", "/s") else (3 if m < 1 else 2)
    return f"{m:.{digits}f} ({lo:.{digits}f}-{hi:.{digits}f}){'' if unit == 's' else ' ' + unit}"


def _r(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def _part_rows(section: dict[str, Any], indent: str) -> list[str]:
    """Rows for sections 3 and 4: measured figures, ratios and notes, nested by name."""
    rows: list[str] = []
    for key, value in section.items():
        if key in ("skipped", "error"):
            continue
        if isinstance(value, dict) and "wall_us" in value:
            cpu = value.get("client_cpu_us")
            rows.append(
                f"{indent}{key:48} wall {_fmt(value['wall_us'], 'us')}"
                + (f"  client CPU {_fmt(cpu, 'us')}" if cpu else "")
            )
        elif isinstance(value, dict) and "median" in value:
            unit = "/s" if key.endswith("_per_s") else "ms" if "_ms_" in key else "us"
            rows.append(f"{indent}{key:48} {_fmt(value, unit)}")
        elif isinstance(value, dict):
            if "skipped" in value or "error" in value:
                rows.append(
                    f"{indent}{key}: {value.get('skipped') or value.get('error')}"
                )
            else:
                rows.append(f"{indent}{key}:")
                rows.extend(_part_rows(value, indent + "  "))
        elif isinstance(value, float):
            rows.append(
                f"{indent}{key:48} {value:.2f}" + ("x" if "_vs_" in key else "")
            )
        else:
            rows.append(f"{indent}{key}: {value}")
    return rows


def table(results: dict[str, Any]) -> str:
    lines: list[str] = []
    m = results["machine"]
    lines.append(
        f"machine: {m['platform']}, {m['cpus']} cpus, {m['mem_gib']} GiB, Python {m['python']}, "
        f"load at start {m['loadavg_at_start']}"
    )
    gen = results["generation"]
    lines.append("")
    lines.append(
        f"1. Generation, {gen['cases']} corpus journeys, one process per journey "
        "(median (min-max) over all processes)"
    )
    lines.append(
        f"   {'tool':34} {'wall s/journey':22} {'loop total s':22} {'peak RSS':18} failed"
    )
    for name, row in gen["per_journey"].items():
        lines.append(
            f"   {name:34} {_fmt(row['wall_s']):22} {_fmt(row['loop_total_s']):22} "
            f"{_fmt(row['max_rss_mb'], 'MiB'):18} {row['failed']}"
        )
    lines.append("   journeygen, whole corpus in one process:")
    for label, row in gen["corpus"].items():
        lines.append(
            f"   {label:34} {_fmt(row['wall_s']):22} {'':22} {_fmt(row['max_rss_mb'], 'MiB'):18} exit {row['exit_codes']}"
        )
    lines.append("   ratios (same run):")
    for key, value in results["ratios"].items():
        lines.append(f"     {key:44} {_r(value)}")
    sc = results["scaling"]
    lines.append("")
    lines.append(
        "2. Scaling: synthetic OpenAPI + Arazzo (wall s and peak RSS, median (min-max))"
    )
    for name, row in sc["tools"].items():
        lines.append(f"   {name}")
        for n, cell in row["sizes"].items():
            if "skipped" in cell:
                lines.append(f"     {n:>5} ops  {cell['skipped']}")
            else:
                extra = (
                    f"  ({cell['failed']} failed: {cell['error']})"
                    if cell["failed"]
                    else ""
                )
                lines.append(
                    f"     {n:>5} ops  {_fmt(cell['wall_s']):26} {_fmt(cell['max_rss_mb'], 'MiB')}{extra}"
                )
        growth = ", ".join(f"{k}: {_r(v)}" for k, v in row["time_growth"].items())
        lines.append(f"     time growth per 10x step: {growth or '-'}")
    for number, key, title in (
        (3, "client", "Client cost"),
        (4, "server", "Server throughput"),
    ):
        lines.append("")
        section = results[key]
        lines.append(
            f"{number}. {title}: "
            + (section.get("skipped") or section.get("error") or "")
        )
        lines.extend(_part_rows(section, "   "))
    lines.append("")
    lines.extend(store_rows(results.get("stores", {"skipped": "not run"})))
    lines.append("")
    lines.append("targets:")
    for name, verdict in results["targets"].items():
        lines.append(f"   {name:58} {verdict}")
    return "\n".join(lines)


def store_rows(section: dict[str, Any]) -> list[str]:
    """Section 5's table: one row per store, journeys/s next to SQLite's from the same run."""
    if "stores" not in section:
        return [f"5. Stores: {section.get('skipped') or section.get('error') or '-'}"]
    lines = [
        f"5. Stores: the generated payment-callback server (--fake handlers), "
        f"{section['journeys']} journeys (start, callback, result) at concurrency "
        f"{section['concurrency']}, durability {section['durability']}, "
        f"median (min-max) over {section['runs']} run(s)",
        f"   {'store':26} {'journeys/s':20} {'p50':20} {'p99':20} vs SQLite",
    ]
    stores = section["stores"]
    sqlite = stores.get(STORES[0], {}).get("journeys_per_s", {}).get("median")
    for label, row in stores.items():
        if "error" in row:
            lines.append(f"   {label:26} {row['error']}")
            continue
        rate = row["journeys_per_s"]["median"]
        versus = _r(ratio(rate, sqlite)) if sqlite and label != STORES[0] else ""
        lines.append(
            f"   {label:26} {_fmt(row['journeys_per_s'], '/s'):20} "
            f"{_whole_ms(row['p50_ms']):20} {_whole_ms(row['p99_ms']):20} {versus}".rstrip()
        )
    lines.append(
        "   note: the load generator, the replicas and PostgreSQL share this machine's "
        "cores; a second replica adds processes, not capacity"
    )
    return lines


def _whole_ms(stat: dict[str, Any]) -> str:
    return f"{stat['median']:.0f} ({stat['min']:.0f}-{stat['max']:.0f}) ms"


def store_targets(section: dict[str, Any]) -> dict[str, str]:
    """Issue #17 asks for the PostgreSQL rows (1 and 2 replicas) and sets them no target:
    each is reported next to SQLite's journeys/s from the same run."""
    out: dict[str, str] = {}
    stores = section.get("stores", {})
    sqlite = stores.get(STORES[0], {}).get("journeys_per_s", {}).get("median")
    for label in STORES[1:]:
        name = f"{label} journeys/s (no target; vs SQLite)"
        row = stores.get(label)
        if not row or "error" in row or not sqlite:
            why = (row or {}).get("error") or section.get("skipped") or "not run"
            out[name] = f"not measured ({why[:120]})"
            continue
        rate = row["journeys_per_s"]["median"]
        out[name] = (
            f"{rate / sqlite:.2f}x SQLite ({rate:.1f} vs {sqlite:.1f} journeys/s, "
            f"p99 {row['p99_ms']['median']:.0f} ms)"
        )
    return out


def targets(results: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}

    def verdict(value: float | None, limit: float, text: str) -> str:
        if value is None:
            return "not measured"
        return f"{'met' if value <= limit else 'NOT met'} ({text.format(value)})"

    # Sections 1-3 (generation, scaling, client): benchmarks/gen_targets.py.
    out.update(generation_targets(results))
    out.update(server_targets(results.get("server", {})))
    out.update(store_targets(results.get("stores", {})))
    return out


def server_targets(server: dict[str, Any]) -> dict[str, str]:
    """Issue #17's server targets: >= 1.0x the hand-written journeys/s at FULL and at NORMAL,
    p99 request latency no worse than the hand-written one's, memory flat over the journeys.
    """
    out: dict[str, str] = {}
    for level in DURABILITIES:
        run = server.get(level, {})
        rate = run.get("generated_vs_baseline_journeys_per_s")
        out[f"server >= 1.0x hand-written journeys/s ({level.upper()})"] = (
            "not measured"
            if rate is None
            else f"{'met' if rate >= 1.0 else 'NOT met'} ({rate:.2f}x)"
        )
        gen, base = run.get("generated", {}), run.get("baseline", {})
        mine = gen.get("request_ms_p99", {}).get("median")
        theirs = base.get("request_ms_p99", {}).get("median")
        cpu = run.get("generated_vs_baseline_server_cpu_per_journey")
        if cpu is not None:
            mine_cpu = gen.get("server_cpu_ms_per_journey", {}).get("median", 0.0)
            theirs_cpu = base.get("server_cpu_ms_per_journey", {}).get("median", 0.0)
            out[f"server CPU per journey (no target; {level.upper()})"] = (
                f"{cpu:.2f}x hand-written ({mine_cpu:.2f} vs {theirs_cpu:.2f} ms)"
            )
        out[f"server p99 <= hand-written p99 ({level.upper()})"] = (
            "not measured"
            if mine is None or theirs is None
            else f"{'met' if mine <= theirs else 'NOT met'} "
            f"({mine:.1f} ms vs {theirs:.1f} ms)"
        )
    gen = server.get("full", {}).get("generated", {})
    if gen.get("rss_mb_after_warmup") and gen.get("rss_mb_after_all"):
        grow = gen["rss_mb_after_all"] - gen["rss_mb_after_warmup"]
        out["server memory flat after warm-up"] = (
            f"{'met' if grow < 5 else 'NOT met'} ({grow:+.1f} MiB over "
            f"{gen.get('journeys_total')} journeys, {gen['rss_mb_after_all']:.0f} MiB)"
        )
    else:
        out["server memory flat after warm-up"] = "not measured"
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="journeygen benchmarks against peers")
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: a few journeys, 1 repetition"
    )
    parser.add_argument(
        "--no-peers", action="store_true", help="do not install or run the peers"
    )
    parser.add_argument("--journeys", type=int, help="only the first N corpus journeys")
    parser.add_argument(
        "--reps", type=int, help="repetitions per figure (default 3; --quick 1)"
    )
    parser.add_argument(
        "--loops", type=int, help="passes over the corpus per tool (default 1)"
    )
    parser.add_argument(
        "--sizes", help="comma-separated operation counts (default 10,100,1000,5000)"
    )
    parser.add_argument(
        "--scale-budget",
        type=float,
        default=240.0,
        help="seconds one scaling run may take",
    )
    parser.add_argument(
        "--corpus",
        type=Path,
        default=Path(os.environ.get("JOURNEYGEN_CORPUS", DEFAULT_CORPUS)),
    )
    parser.add_argument(
        "--stage-cache-loop",
        action="store_true",
        help="also time the per-journey loop with a shared JOURNEYGEN_CACHE_DIR (+~60 s)",
    )
    parser.add_argument(
        "--no-parts",
        action="store_true",
        help="skip sections 3, 4 and 5 (client, server, stores)",
    )
    parser.add_argument(
        "--no-stores",
        action="store_true",
        help="skip section 5 (SQLite and PostgreSQL stores)",
    )
    parser.add_argument(
        "--pg-admin",
        default=PG_ADMIN,
        help="PostgreSQL admin URL for section 5 (a database per run is created there)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="JSON file (default benchmarks/results/bench-<time>.json)",
    )
    args = parser.parse_args(argv)

    reps = args.reps or (1 if args.quick else 3)
    loops = args.loops or 1
    sizes = (
        [int(s) for s in args.sizes.split(",")]
        if args.sizes
        else ([10, 100] if args.quick else [10, 100, 1000, 5000])
    )
    cases = corpus_cases(args.corpus)
    if not cases:
        print(f"no corpus journeys under {args.corpus}", file=sys.stderr)
        return 2
    limit = args.journeys or (3 if args.quick else None)
    cases = cases[:limit] if limit else cases

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    started = time.perf_counter()
    results: dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine(),
        "settings": {
            "quick": args.quick,
            "reps": reps,
            "loops": loops,
            "sizes": sizes,
            "journeys": len(cases),
            "peers": not args.no_peers,
        },
        "note": "timings from a shared machine are noisy; compare ratios taken in the same run",
    }
    peers = (
        {name: {"installed": False, "error": "--no-peers"} for name in PEERS}
        if args.no_peers
        else ensure_peers(log)
    )
    results["peers"] = peers
    with tempfile.TemporaryDirectory(prefix="jg-bench-") as tmp_name:
        tmp = Path(tmp_name)
        log(f"1. generation on {len(cases)} corpus journeys ...")
        results["generation"] = generation(
            cases,
            reps=reps,
            loops=loops,
            peers=peers,
            tmp=tmp,
            log=log,
            stage_cache_loop=args.stage_cache_loop,
        )
        results["ratios"] = generation_ratios(results["generation"])
        log(f"2. scaling on {sizes} operations ...")
        results["scaling"] = scaling(
            sizes, reps=reps, peers=peers, tmp=tmp, budget_s=args.scale_budget, log=log
        )
    if args.no_parts:
        results["client"] = results["server"] = {"skipped": "skipped: --no-parts"}
        results["stores"] = {"skipped": "skipped: --no-parts"}
    else:
        log("3. client cost ...")
        results["client"] = client_cost(
            reps=reps, quick=args.quick, peers=peers, log=log
        )
        log("4. server throughput ...")
        results["server"] = server_throughput(reps=reps, quick=args.quick, log=log)
        if args.no_stores:
            results["stores"] = {"skipped": "skipped: --no-stores"}
        else:
            log("5. stores (SQLite, PostgreSQL 1 and 2 replicas) ...")
            results["stores"] = store_throughput(
                reps=reps, quick=args.quick, admin=args.pg_admin, log=log
            )
    results["targets"] = targets(results)
    results["elapsed_s"] = time.perf_counter() - started
    out = args.out or RESULTS_DIR / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(table(results))
    print(f"\nelapsed {results['elapsed_s']:.0f}s; JSON: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
