"""Journeys per second and latency of the generated payment-callback server on each store,
side by side in one run: SQLite (one process on one file), PostgreSQL with one replica, and
PostgreSQL with two replicas behind a client that spreads requests over them.

Every configuration runs at the same durability: SQLite ``synchronous = FULL`` and
PostgreSQL ``synchronous_commit = on`` (both: a commit is on disk before the answer). Each
server is a separate uvicorn process (``python -m payment_callback.server --fake``); a journey
is its start, the provider's callback, and a read of the result from another replica when
there are two. Each database is created fresh and dropped after.

    .venv/bin/python benchmarks/bench_stores.py [--journeys 400] [--concurrency 16]
        [--admin postgresql://postgres@127.0.0.1:5432/postgres] [--json FILE]

Note for reading the figures: on a small machine the load generator, the replicas and
PostgreSQL share the same cores, so a second replica adds processes, not hardware.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import psycopg

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "generated" / "payment_callback"
SECRET = "bench-secret"  # noqa: S105 (the demo server's webhook secret)
API = "/api/v1"


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _start_server(store: str, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYMENT_CALLBACK_")}
    env.update(
        {
            "PAYMENT_CALLBACK_STORE": store,
            "PAYMENT_CALLBACK_API_KEY_PAYMENTS_CALLBACK": SECRET,
            "PAYMENT_CALLBACK_DURABILITY": "full",
            "PYTHONPATH": str(PACKAGE),
        }
    )
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "payment_callback.server",
                "--fake",
                "--port",
                str(port),
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{url}{API}/journeys/none", timeout=2).status_code == 404:
                return proc, url
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(
                f"server on {store} did not start:\n{log.read_text()[-2000:]}"
            )
        time.sleep(0.05)


def _journey(clients: list[httpx.Client], n: int) -> float:
    started = time.perf_counter()
    first, other = clients[n % len(clients)], clients[(n + 1) % len(clients)]
    payment = f"PAY-{n}"
    reply = first.post(
        f"{API}/journeys/payment-callback/start",
        json={"paymentId": payment, "amount": 10.0, "currency": "AOA"},
    )
    reply.raise_for_status()
    journey_id = reply.json()["journeyId"]
    done = other.post(
        f"{API}/journeys/{journey_id}/steps/waitForCallback",
        json={"paymentId": payment, "status": "SUCCESS"},
        headers={"X-Webhook-Secret": SECRET},
    )
    done.raise_for_status()
    result = first.get(f"{API}/journeys/{journey_id}/result")
    result.raise_for_status()
    assert result.json()["phase"] == "SUCCEEDED"
    return time.perf_counter() - started


def _measure(urls: list[str], journeys: int, concurrency: int) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=concurrency)
    clients = [httpx.Client(base_url=u, timeout=60, limits=limits) for u in urls]
    try:
        for n in range(
            min(20, journeys)
        ):  # warm-up: imports, pools, prepared statements
            _journey(clients, -1 - n)
        lock = threading.Lock()
        latencies: list[float] = []

        def run(n: int) -> None:
            took = _journey(clients, n)
            with lock:
                latencies.append(took)

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            list(pool.map(run, range(journeys)))
        wall = time.perf_counter() - started
    finally:
        for client in clients:
            client.close()
    latencies.sort()
    return {
        "journeys": journeys,
        "seconds": round(wall, 3),
        "journeys_per_s": round(journeys / wall, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1),
    }


def _run(
    stores: list[str], journeys: int, concurrency: int, logs: Path
) -> dict[str, Any]:
    procs = []
    try:
        urls = []
        for n, store in enumerate(stores):
            proc, url = _start_server(store, logs / f"server-{n}.log")
            procs.append(proc)
            urls.append(url)
        return _measure(urls, journeys, concurrency)
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(10)


def _on_postgres(args: argparse.Namespace, replicas: int, logs: Path) -> dict[str, Any]:
    """`replicas` servers on one fresh database (created here, dropped after)."""
    name = f"jg_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(args.admin, autocommit=True, connect_timeout=10) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{args.admin.rpartition('/')[0]}/{name}"
    try:
        return _run([url] * replicas, args.journeys, args.concurrency, logs)
    finally:
        with psycopg.connect(args.admin, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _safe(url: str) -> str:
    """The admin URL without its password, for messages."""
    scheme, sep, rest = url.partition("://")
    userinfo, at, host = rest.rpartition("@")
    return f"{scheme}{sep}{userinfo.split(':', 1)[0]}{at}{host}" if at else url


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--journeys", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument(
        "--admin", default="postgresql://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        logs = Path(tmp)
        results["SQLite, 1 process"] = _run(
            [str(logs / "bench.sqlite3")], args.journeys, args.concurrency, logs
        )
        for replicas in (1, 2):
            label = f"PostgreSQL, {replicas} replica{'s' if replicas > 1 else ''}"
            try:
                results[label] = _on_postgres(args, replicas, logs)
            except psycopg.Error as exc:  # no PostgreSQL there: the row says so
                reason = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
                results[label] = {
                    "error": f"PostgreSQL at {_safe(args.admin)}: "
                    f"{type(exc).__name__}: {reason}"
                }
    print(
        f"payment-callback journeys (start + callback + result), {args.journeys} at "
        f"concurrency {args.concurrency}, durability full, {os.cpu_count()} cores"
    )
    print(f"{'store':<26}{'journeys/s':>12}{'p50 ms':>10}{'p99 ms':>10}")
    for label, figures in results.items():
        if "error" in figures:
            print(f"{label:<26}  {figures['error']}")
            continue
        print(
            f"{label:<26}{figures['journeys_per_s']:>12}{figures['p50_ms']:>10}"
            f"{figures['p99_ms']:>10}"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
