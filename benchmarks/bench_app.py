"""The two payment-callback apps without a server: CPU per journey of the ASGI apps alone.

`bench_server.py` measures what a client sees through uvicorn, where HTTP parsing and the
sockets (the same for both servers) are about half of each request. This drives the generated
app (`create_app` with `bench_server.BENCH_HANDLERS`) and the hand-written baseline app
(`bench_server.BASELINE_APP`) in this process, by calling them as ASGI apps with the requests
a client sends (start, the provider's callback with its webhook secret, result), each on its
own SQLite file at the same durability, so what remains is each app's own cost per journey:

    PYTHONPATH=generated/payment_callback .venv/bin/python benchmarks/bench_app.py
    ... bench_app.py --durability normal --journeys 2000 --rounds 5
    ... bench_app.py --callgrind     # instructions per journey instead (valgrind, ~3 minutes)

The CPU figures are `time.process_time()` per journey, the median over rounds that alternate
between the apps; `--callgrind` counts the instructions the process executes in user space
(repeatable whatever else the machine does; the kernel's share, the WAL writes among it, is
not counted): two runs of different lengths, the difference divided by the extra journeys.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SECRET = secrets.token_hex(16)  # the webhook secret both apps check
START = b'{"paymentId": "p-1", "amount": 10.5, "currency": "EUR"}'
CALLBACK = b'{"paymentId": "p-1", "status": "SUCCESS"}'
App = Callable[..., Awaitable[None]]


def _apps(folder: Path, durability: str, which: tuple[str, ...]) -> dict[str, App]:
    """Build the apps, each on its own SQLite file in `folder`."""
    sys.path[:0] = [str(folder), str(HERE)]
    import bench_server

    os.environ.update(
        PAYMENT_CALLBACK_API_KEY_PAYMENTS_CALLBACK=SECRET,
        PAYMENT_CALLBACK_STORE=str(folder / "generated.sqlite3"),
        PAYMENT_CALLBACK_DURABILITY=durability,
        BASELINE_DB=str(folder / "baseline.sqlite3"),
        BASELINE_SECRET=SECRET,
        BASELINE_SYNCHRONOUS=durability,
    )
    apps: dict[str, App] = {}
    if "generated" in which:
        (folder / "bench_handlers.py").write_text(bench_server.BENCH_HANDLERS)
        from payment_callback.server import create_app

        handlers = importlib.import_module("bench_handlers").Handlers()
        apps["generated"] = create_app(handlers)
    if "baseline" in which:
        (folder / "baseline_app.py").write_text(bench_server.BASELINE_APP)
        apps["baseline"] = importlib.import_module("baseline_app").app
    return apps


def _scope(method: str, path: str, body: bytes | None) -> dict[str, Any]:
    headers = [
        (b"host", b"127.0.0.1:8000"),
        (b"accept", b"*/*"),
        (b"accept-encoding", b"gzip, deflate"),
        (b"connection", b"keep-alive"),
        (b"user-agent", b"python-httpx/0.28.1"),
    ]
    if body is not None:
        headers.append((b"content-length", str(len(body)).encode()))
        headers.append((b"content-type", b"application/json"))
    if "/steps/" in path:
        headers.append((b"x-webhook-secret", SECRET.encode()))
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
        "scheme": "http",
        "method": method,
        "root_path": "",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": headers,
        "state": {},
    }


async def _call(
    app: App, method: str, path: str, body: bytes | None = None
) -> tuple[int, bytes]:
    sent: list[dict[str, Any]] = []
    given = False

    async def receive() -> dict[str, Any]:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body or b"", "more_body": False}
        await asyncio.Event().wait()  # the client never disconnects
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(_scope(method, path, body), receive, send)
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


async def journey(app: App) -> None:
    """Start, the provider's callback, result; raise unless the outcome is SUCCESS."""
    status, data = await _call(
        app, "POST", "/api/v1/journeys/payment-callback/start", START
    )
    if status >= 300:
        raise RuntimeError(f"start: {status} {data[:200]!r}")
    jid = json.loads(data)["journeyId"]
    step = f"/api/v1/journeys/{jid}/steps/waitForCallback"
    status, data = await _call(app, "POST", step, CALLBACK)
    if status >= 300:
        raise RuntimeError(f"callback: {status} {data[:200]!r}")
    status, data = await _call(app, "GET", f"/api/v1/journeys/{jid}/result")
    if status != 200 or json.loads(data)["output"]["status"] != "SUCCESS":
        raise RuntimeError(f"result: {status} {data[:200]!r}")


async def _cpu(apps: dict[str, App], journeys: int, rounds: int) -> dict[str, Any]:
    for app in apps.values():  # warm-up: imports, caches, the first pages of each file
        for _ in range(max(journeys // 5, 50)):
            await journey(app)
    per: dict[str, list[float]] = {kind: [] for kind in apps}
    for _ in range(rounds):
        for kind, app in apps.items():
            began = time.process_time()
            for _ in range(journeys):
                await journey(app)
            per[kind].append(1e6 * (time.process_time() - began) / journeys)
    result: dict[str, Any] = {
        kind: {
            "cpu_us_per_journey": statistics.median(values),
            "min": min(values),
            "max": max(values),
        }
        for kind, values in per.items()
    }
    if len(per) == 2:
        result["generated_vs_baseline_cpu"] = (
            result["generated"]["cpu_us_per_journey"]
            / result["baseline"]["cpu_us_per_journey"]
        )
    return result


def _instructions(kind: str, journeys: int, durability: str) -> int:
    argv = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    argv += [sys.executable, __file__, "--only", kind, "--run", str(journeys)]
    argv += ["--durability", durability]
    done = subprocess.run(argv, capture_output=True, text=True, check=True)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise RuntimeError(done.stderr[-400:])
    return int(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--durability", choices=("full", "normal"), default="full")
    parser.add_argument("--journeys", type=int, default=1000, help="per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", choices=("generated", "baseline"))
    parser.add_argument(
        "--callgrind",
        action="store_true",
        help="instructions per journey (valgrind; about 3 minutes)",
    )
    parser.add_argument("--run", type=int, help=argparse.SUPPRESS)  # callgrind's child
    args = parser.parse_args()
    if args.callgrind:
        if shutil.which("valgrind") is None:
            print(json.dumps({"skipped": "valgrind not installed"}))
            return 0
        short, long = 100, 300
        counts: dict[str, Any] = {}
        for kind in (args.only,) if args.only else ("generated", "baseline"):
            low = _instructions(kind, short, args.durability)
            high = _instructions(kind, long, args.durability)
            counts[f"{kind}_instructions_per_journey"] = round(
                (high - low) / (long - short)
            )
        if len(counts) == 2:
            counts["generated_vs_baseline_instructions"] = (
                counts["generated_instructions_per_journey"]
                / counts["baseline_instructions_per_journey"]
            )
        print(json.dumps(counts, indent=2))
        return 0
    which = (args.only,) if args.only else ("generated", "baseline")
    with tempfile.TemporaryDirectory(prefix="jg-app-") as name:
        apps = _apps(Path(name), args.durability, which)

        async def run() -> dict[str, Any]:
            if args.run is not None:
                (app,) = apps.values()
                for _ in range(args.run):
                    await journey(app)
                return {}
            return await _cpu(apps, args.journeys, args.rounds)

        result = asyncio.run(run())
    if args.run is None:
        result["setup"] = (
            f"ASGI apps called in-process, SQLite at synchronous={args.durability.upper()}"
        )
        print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
