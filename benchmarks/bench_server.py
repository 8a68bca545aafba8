"""Section 4: completed payment-callback journeys per second, generated server vs hand-written.

Run by `run.py` (with PYTHONPATH holding generated/payment_callback); prints JSON on stdout.

Each server runs under uvicorn (one worker, its own process, SQLite file in a temporary folder);
both are up at once and their measured batches alternate, so the machine's changing load falls on
both alike (only one is driven at a time). A load generator in another process drives whole journeys — start, the payment
provider's callback (with its webhook secret), result — over keep-alive connections from a few
threads, and counts journeys whose result is the SUCCESS outcome. The baseline is a minimal
hand-written FastAPI + SQLite app doing the same three calls and writes (insert the instance,
record the event once and move the instance, read the result). The server's RSS is read from
/proc after warm-up and after all journeys.

Both servers keep the same durability: SQLite in WAL mode at the generated server's default,
synchronous=FULL (every commit is on disk before the answer), or both at NORMAL with
`--durability normal` (a commit survives a crash of the process; a power loss may drop the last
commits, never corrupt the file).
Neither server writes an access log (the generated one is started with `--no-access-log`).
Each batch reports the 50th and 99th percentile of every request's latency as the load
generator sees it; the summary gives the median over batches.
The generated server runs with production-shaped handlers (`BENCH_HANDLERS`: the authorize call
answers 202 and is not kept, marked `@nonblocking` since it never waits, as the baseline makes no
outbound call), not `--fake`: FakeHandlers records every call for tests, so its memory grows with
each journey by design.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

SECRET = secrets.token_hex(16)  # the webhook secret both servers check
START = "/api/v1/journeys/payment-callback/start"
BODY = {"paymentId": "p-1", "amount": 10.5, "currency": "EUR"}

BASELINE_APP = r'''
"""Hand-written FastAPI + SQLite payment-callback: the minimum a team would write by hand."""
import hmac, json, os, sqlite3, threading, uuid
from fastapi import FastAPI, Header, HTTPException, Request
from fastapi.responses import JSONResponse

db = sqlite3.connect(os.environ["BASELINE_DB"], check_same_thread=False, isolation_level=None)
db.execute("pragma journal_mode=wal")
db.execute("pragma synchronous=" + os.environ["BASELINE_SYNCHRONOUS"])
db.execute("create table if not exists journeys (id text primary key, input text, phase text, output text)")
db.execute("create table if not exists events (journey text, key text, primary key (journey, key))")
lock = threading.Lock()
app = FastAPI()
SECRET = os.environ["BASELINE_SECRET"]

@app.post("/api/v1/journeys/payment-callback/start", status_code=202)
async def start(request: Request):
    data = await request.json()
    jid = uuid.uuid4().hex
    with lock:
        db.execute("insert into journeys values (?, ?, 'Running', null)", (jid, json.dumps(data)))
    return {"journeyId": jid, "journeyName": "payment-callback", "phase": "Running",
            "currentState": "waitForCallback"}

@app.post("/api/v1/journeys/{jid}/steps/waitForCallback")
async def callback(jid: str, request: Request, x_webhook_secret: str = Header("")):
    if not hmac.compare_digest(x_webhook_secret.encode(), SECRET.encode()):
        raise HTTPException(401)
    data = await request.json()
    with lock:
        row = db.execute("select input, phase from journeys where id = ?", (jid,)).fetchone()
        if row is None:
            raise HTTPException(404)
        try:
            db.execute("insert into events values (?, ?)", (jid, "waitForCallback"))
        except sqlite3.IntegrityError:
            return {"journeyId": jid, "phase": row[1]}
        start = json.loads(row[0])
        phase = "Succeeded" if data.get("status") == "SUCCESS" else "Failed"
        output = {"status": data.get("status"), "paymentId": start["paymentId"],
                  "amount": start["amount"], "currency": start["currency"]}
        db.execute("update journeys set phase = ?, output = ? where id = ?", (phase, json.dumps(output), jid))
    return {"journeyId": jid, "phase": phase}

@app.get("/api/v1/journeys/{jid}/result")
async def result(jid: str):
    row = db.execute("select phase, output from journeys where id = ?", (jid,)).fetchone()
    if row is None:
        raise HTTPException(404)
    if row[0] == "Running":
        return JSONResponse({"title": "not terminal"}, status_code=409)
    return {"journeyId": jid, "journeyName": "payment-callback", "phase": row[0].upper(),
            "status": json.loads(row[1])["status"], "output": json.loads(row[1])}
'''

BENCH_HANDLERS = r'''
"""Handlers as a deployment writes them: answer the outbound call, keep nothing per journey.

The answer is computed, never waited for (as the baseline makes no outbound call either), so
the method is marked @nonblocking: the server calls it on the event loop."""
from payment_callback.handlers import AuthorizePaymentCall, TaskResult, nonblocking


class Handlers:
    @nonblocking
    def authorize_payment(self, call: AuthorizePaymentCall) -> TaskResult:
        return TaskResult(status=202, ok=True, body=None)
'''


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_port(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = (
                proc.stderr.read().decode("utf-8", "replace")[-500:]
                if proc.stderr
                else ""
            )
            raise RuntimeError(f"server exited with {proc.returncode}: {err}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("server did not start")


def _cpu_seconds(pid: int) -> float:
    """CPU (user + system) the process has used so far, all its threads."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss_mb(pid: int) -> dict[str, float]:
    found: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0]) / 1024
    return found


def _start(
    kind: str, tmp: Path, port: int, durability: str = "full"
) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env["PAYMENT_CALLBACK_DURABILITY"] = durability
    env["BASELINE_SYNCHRONOUS"] = durability
    paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join(str(Path(p).resolve()) for p in paths)
    if kind == "generated":
        env["PAYMENT_CALLBACK_API_KEY_PAYMENTS_CALLBACK"] = SECRET
        env["PAYMENT_CALLBACK_STORE"] = str(tmp / "generated.sqlite3")
        (tmp / "bench_handlers.py").write_text(BENCH_HANDLERS, encoding="utf-8")
        env["PYTHONPATH"] = f"{tmp}{os.pathsep}{env.get('PYTHONPATH', '')}"
        argv = [
            sys.executable,
            "-m",
            "payment_callback.server",
            "--handlers",
            "bench_handlers:Handlers",
            "--port",
            str(port),
            "--no-access-log",  # as the baseline: no line per request
        ]
    else:
        (tmp / "baseline_app.py").write_text(BASELINE_APP, encoding="utf-8")
        env["BASELINE_DB"] = str(tmp / "baseline.sqlite3")
        env["BASELINE_SECRET"] = SECRET
        env["PYTHONPATH"] = f"{tmp}{os.pathsep}{env.get('PYTHONPATH', '')}"
        argv = [
            sys.executable,
            "-m",
            "uvicorn",
            "baseline_app:app",
            "--port",
            str(port),
        ]
        argv += ["--log-level", "warning", "--no-access-log"]
    proc = subprocess.Popen(
        argv, cwd=tmp, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _wait_port(port, proc)
    return proc


# --------------------------------------------------------------------------- load generator


def _timed(took: list[float], call: Any, *args: Any, **kwargs: Any) -> Any:
    began = time.perf_counter()
    answer = call(*args, **kwargs)
    took.append(time.perf_counter() - began)
    return answer


def _journey(
    client: Any, base: str, took: list[float], by_call: dict[str, list[float]]
) -> bool:
    """One whole journey; each request's latency is appended to `took` and to its call's
    list in `by_call` (start, callback, result)."""
    mine: list[float] = []
    try:
        return _journey_calls(client, base, mine)
    finally:
        took.extend(mine)
        for call, found in zip(("start", "callback"), mine[:2], strict=False):
            by_call[call].append(found)
        by_call["result"].extend(mine[2:])


def _journey_calls(client: Any, base: str, took: list[float]) -> bool:
    started = _timed(took, client.post, base + START, json=BODY)
    if started.status_code >= 300:
        raise RuntimeError(f"start: {started.status_code} {started.text[:200]}")
    jid = started.json()["journeyId"]
    cb = _timed(
        took,
        client.post,
        f"{base}/api/v1/journeys/{jid}/steps/waitForCallback",
        json={"paymentId": BODY["paymentId"], "status": "SUCCESS"},
        headers={"X-Webhook-Secret": SECRET},
    )
    if cb.status_code >= 300:
        raise RuntimeError(f"callback: {cb.status_code} {cb.text[:200]}")
    for _ in range(200):
        res = _timed(took, client.get, f"{base}/api/v1/journeys/{jid}/result")
        if res.status_code != 409:
            break
        time.sleep(0.002)
    if res.status_code != 200:
        raise RuntimeError(f"result: {res.status_code} {res.text[:200]}")
    return bool(res.json().get("output", {}).get("status") == "SUCCESS")


def load(base: str, journeys: int, threads: int) -> dict[str, Any]:
    """Drive `journeys` whole journeys from `threads` threads; return journeys/s, request
    latency percentiles and failures."""
    import httpx

    done: list[int] = []
    errors: list[str] = []
    took: list[float] = []
    by_call: dict[str, list[float]] = {"start": [], "callback": [], "result": []}
    per_thread = journeys // threads

    def worker() -> None:
        ok = 0
        with httpx.Client(timeout=30) as client:
            for _ in range(per_thread):
                try:
                    ok += _journey(client, base, took, by_call)
                except Exception as exc:
                    errors.append(str(exc)[:200])
        done.append(ok)

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - started
    total = per_thread * threads
    took.sort()
    return {
        "request_ms_p50": 1000 * _quantile(took, 0.50),
        "request_ms_p99": 1000 * _quantile(took, 0.99),
        # each call's own percentiles: which one makes the tail
        "by_call_ms": {
            call: {
                "p50": 1000 * _quantile(sorted(found), 0.50),
                "p99": 1000 * _quantile(sorted(found), 0.99),
                "n": len(found),
            }
            for call, found in by_call.items()
        },
        "journeys": total,
        "succeeded": sum(done),
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
        "seconds": elapsed,
        "journeys_per_s": sum(done) / elapsed if elapsed else 0.0,
    }


def _quantile(ordered: Sequence[float], q: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _drive(base: str, journeys: int, threads: int) -> dict[str, Any]:
    argv = [sys.executable, __file__, "--load", base, str(journeys), str(threads)]
    argv += ["--secret", SECRET]
    done = subprocess.run(
        argv, capture_output=True, text=True, timeout=900, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip()[-500:])
    return dict(json.loads(done.stdout))


def _summary(
    warmup: int, runs: list[dict[str, Any]], rss: list[dict[str, float]]
) -> dict[str, Any]:
    rates = [r["journeys_per_s"] for r in runs]
    p99 = [r["request_ms_p99"] for r in runs]
    cpu = [r["server_cpu_ms_per_journey"] for r in runs]
    return {
        "journeys_per_s": {
            "median": statistics.median(rates),
            "min": min(rates),
            "max": max(rates),
            "n": len(rates),
        },
        # per batch: the 99th percentile of every request's latency; median over batches
        "request_ms_p99": {
            "median": statistics.median(p99),
            "min": min(p99),
            "max": max(p99),
            "n": len(p99),
        },
        "request_ms_p50": statistics.median(r["request_ms_p50"] for r in runs),
        # per call (start, callback, result): the median over batches of its p50 and p99
        "by_call_ms": {
            call: {
                q: statistics.median(r["by_call_ms"][call][q] for r in runs)
                for q in ("p50", "p99")
            }
            for call in runs[0]["by_call_ms"]
        },
        # CPU the server process spent per journey in a batch (all its threads): less
        # sensitive to the machine's load than journeys/s
        "server_cpu_ms_per_journey": {
            "median": statistics.median(cpu),
            "min": min(cpu),
            "max": max(cpu),
            "n": len(cpu),
        },
        "load_average": [r["load_average"] for r in runs],
        "journeys_total": warmup + sum(r["journeys"] for r in runs),
        "failed": sum(r["journeys"] - r["succeeded"] for r in runs),
        "first_error": next((r["first_error"] for r in runs if r["first_error"]), None),
        "rss_mb_after_warmup": rss[0].get("VmRSS"),
        "rss_mb_after_all": rss[-1].get("VmRSS"),
        "peak_rss_mb": rss[-1].get("VmHWM"),
    }


def measure(
    kinds: Sequence[str],
    *,
    warmup: int,
    batches: int,
    per_batch: int,
    threads: int,
    durability: str = "full",
) -> dict[str, Any]:
    """Run every server at once (an idle one costs nothing) and alternate their batches, so a
    change in the machine's load during the run falls on both alike."""
    result: dict[str, Any] = {}
    procs: dict[str, subprocess.Popen[bytes]] = {}
    bases: dict[str, str] = {}
    runs: dict[str, list[dict[str, Any]]] = {k: [] for k in kinds}
    rss: dict[str, list[dict[str, float]]] = {k: [] for k in kinds}
    with tempfile.TemporaryDirectory(prefix="jg-server-") as name:
        try:
            for kind in kinds:
                try:
                    tmp = Path(name) / kind
                    tmp.mkdir()
                    port = _free_port()
                    procs[kind] = _start(kind, tmp, port, durability)
                    bases[kind] = f"http://127.0.0.1:{port}"
                    _drive(bases[kind], warmup, threads)
                    rss[kind].append(_rss_mb(procs[kind].pid))
                except Exception as exc:
                    result[kind] = {"error": str(exc)[-600:]}
            live = [k for k in kinds if k not in result]
            for _ in range(batches):
                for kind in list(live):
                    try:
                        before = _cpu_seconds(procs[kind].pid)
                        run = _drive(bases[kind], per_batch, threads)
                        used = _cpu_seconds(procs[kind].pid) - before
                        run["server_cpu_ms_per_journey"] = 1000 * used / run["journeys"]
                        run["load_average"] = os.getloadavg()[0]
                        runs[kind].append(run)
                    except Exception as exc:
                        result[kind] = {"error": str(exc)[-600:]}
                        live.remove(kind)
            for kind in live:
                rss[kind].append(_rss_mb(procs[kind].pid))
                result[kind] = _summary(warmup, runs[kind], rss[kind])
        finally:
            for proc in procs.values():
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--load", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--durability",
        choices=("full", "normal"),
        default="full",
        help="SQLite synchronous level of both servers (default: full, the generated default)",
    )
    parser.add_argument("--secret", help=argparse.SUPPRESS)
    parser.add_argument(
        "--total", type=int, help="journeys per server, warm-up included (10,000)"
    )
    parser.add_argument(
        "--only", choices=("generated", "baseline"), help="measure one server"
    )
    args = parser.parse_args()
    if args.load:
        global SECRET
        SECRET = args.secret or SECRET
        base, journeys, threads = args.load
        print(json.dumps(load(base, int(journeys), int(threads))))
        return 0
    batches = max(args.reps, 1)
    # 10,000 journeys in all (warm-up included) in a full run.
    warmup, total = (40, 200) if args.quick else (1000, 10_000)
    if args.total:
        warmup, total = max(args.total // 10, args.threads), args.total
    per_batch = max(
        (total - warmup) // batches // args.threads * args.threads, args.threads
    )
    result: dict[str, Any] = {
        "setup": f"uvicorn 1 worker, no access log, SQLite file at synchronous={args.durability.upper()}, load generator in another process, {args.threads} threads, batches alternating between the servers",
    }
    kinds = [k for k in ("generated", "baseline") if not args.only or k == args.only]
    result.update(
        measure(
            kinds,
            warmup=warmup,
            batches=batches,
            per_batch=per_batch,
            threads=args.threads,
            durability=args.durability,
        )
    )
    gen, base = result.get("generated", {}), result.get("baseline", {})
    if (
        "journeys_per_s" in gen
        and "journeys_per_s" in base
        and base["journeys_per_s"]["median"]
    ):
        result["generated_vs_baseline_journeys_per_s"] = (
            gen["journeys_per_s"]["median"] / base["journeys_per_s"]["median"]
        )
        result["generated_vs_baseline_request_ms_p99"] = (
            gen["request_ms_p99"]["median"] / base["request_ms_p99"]["median"]
        )
        result["generated_vs_baseline_server_cpu_per_journey"] = (
            gen["server_cpu_ms_per_journey"]["median"]
            / base["server_cpu_ms_per_journey"]["median"]
        )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
