"""Section 3: the generated client's cost per request, and a workflow run vs arazzo-runner.

Run by `run.py` (with PYTHONPATH holding generated/payment_callback); prints JSON on stdout.

One uvicorn server (one worker, its own process) serves canned, schema-valid payment-callback
answers from a raw ASGI app, so the server's share is the same small constant for every client:
- typed call: `PaymentCallbackClient.get_status(id)` (request, status check, JSON into the
  pydantic model) vs plain `httpx.Client.get` + `raise_for_status()` + `.json()`;
- workflow: `run_payment_callback_happy_path(...)` (3 requests) vs arazzo-runner 0.9.6 executing
  the same Arazzo workflow (`specs/`, servers rewritten to the local URL) in the peers' venv.
Figures are per call: wall and client CPU (`time.process_time()` of this process) in µs; each
batch gives one figure, the median over batches is reported with min and max.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SPEC_CASE = REPO / "specs" / "examples" / "technical" / "payment-callback"

STATUS = {
    "journeyId": "j-1",
    "journeyName": "payment-callback",
    "phase": "Running",
    "currentState": "waitForCallback",
    "updatedAt": "2026-01-01T00:00:00Z",
}
DONE = {**STATUS, "phase": "Succeeded", "currentState": "succeeded"}
OUTCOME = {
    "journeyId": "j-1",
    "journeyName": "payment-callback",
    "phase": "SUCCEEDED",
    "status": "SUCCESS",
    "output": {
        "status": "SUCCESS",
        "paymentId": "p-1",
        "amount": 10.5,
        "currency": "EUR",
    },
}
START_INPUT = {"paymentId": "p-1", "amount": 10.5, "currency": "EUR"}


# --------------------------------------------------------------------------- the server


async def app(
    scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]
) -> None:
    """Canned answers: start -> status, GET status, GET result -> outcome."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    more = True
    while more:
        more = (await receive()).get("more_body", False)
    path: str = scope["path"]
    body, status = (OUTCOME, 200) if path.endswith("/result") else (DONE, 200)
    if scope["method"] == "POST" and path.endswith("/start"):
        body, status = STATUS, 201
    data = json.dumps(body).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(data)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_server(port: int) -> subprocess.Popen[bytes]:
    argv = [sys.executable, __file__, "--serve", str(port)]
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("the benchmark server did not start")


# --------------------------------------------------------------------------- measuring


def _batches(
    call: Callable[[], object], *, count: int, batches: int, warmup: int
) -> dict[str, Any]:
    for _ in range(warmup):
        call()
    walls, cpus = [], []
    for _ in range(batches):
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(count):
            call()
        walls.append((time.perf_counter() - wall) / count * 1e6)
        cpus.append((time.process_time() - cpu) / count * 1e6)
    return {
        "wall_us": _stat(walls),
        "client_cpu_us": _stat(cpus),
        "calls_per_batch": count,
    }


def _stat(values: list[float]) -> dict[str, float | int]:
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "n": len(values),
    }


def _ratio(a: dict[str, Any], b: dict[str, Any], key: str) -> float:
    return float(a[key]["median"] / b[key]["median"])


def typed_vs_httpx(base: str, *, count: int, batches: int) -> dict[str, Any]:
    import httpx
    from payment_callback import PaymentCallbackClient

    url = f"{base}/api/v1/journeys/j-1"
    with httpx.Client() as plain, PaymentCallbackClient(base) as typed:

        def raw() -> object:
            response = plain.get(url)
            response.raise_for_status()
            return response.json()

        assert typed.get_status("j-1").journey_id == "j-1"
        httpx_row = _batches(raw, count=count, batches=batches, warmup=100)
        typed_row = _batches(
            lambda: typed.get_status("j-1"), count=count, batches=batches, warmup=100
        )
    return {
        "plain_httpx_get_json": httpx_row,
        "typed_get_status": typed_row,
        "typed_vs_httpx_wall": _ratio(typed_row, httpx_row, "wall_us"),
        "typed_vs_httpx_client_cpu": _ratio(typed_row, httpx_row, "client_cpu_us"),
    }


def workflow(base: str, *, count: int, batches: int) -> dict[str, Any]:
    from payment_callback import PaymentCallbackClient

    with PaymentCallbackClient(base) as client:
        client.run_payment_callback_happy_path({"startRequest": START_INPUT})
        return _batches(
            lambda: client.run_payment_callback_happy_path(
                {"startRequest": START_INPUT}
            ),
            count=count,
            batches=batches,
            warmup=10,
        )


ARAZZO_SCRIPT = r"""
import json, statistics, sys, time
from arazzo_runner import ArazzoRunner
path, count, batches = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
runner = ArazzoRunner.from_arazzo_path(path)
inputs = {"startRequest": json.loads(sys.argv[4])}
def once():
    result = runner.execute_workflow("payment-callback-happy-path", inputs)
    status = str(getattr(result, "status", ""))
    if "complete" not in status.lower() or getattr(result, "error", None):
        raise SystemExit(f"arazzo-runner did not complete: {status} {getattr(result, 'error', None)}")
for _ in range(5):
    once()
walls, cpus = [], []
for _ in range(batches):
    w, c = time.perf_counter(), time.process_time()
    for _ in range(count):
        once()
    walls.append((time.perf_counter() - w) / count * 1e6)
    cpus.append((time.process_time() - c) / count * 1e6)
st = lambda v: {"median": statistics.median(v), "min": min(v), "max": max(v), "n": len(v)}
print(json.dumps({"wall_us": st(walls), "client_cpu_us": st(cpus), "calls_per_batch": count}))
"""


def arazzo_runner(
    python: str, base: str, tmp: Path, *, count: int, batches: int
) -> dict[str, Any]:
    """arazzo-runner on a copy of specs/ whose payment-callback servers URL is absolute."""
    tree = tmp / "specs"
    shutil.copytree(REPO / "specs", tree)
    case = tree / SPEC_CASE.relative_to(REPO / "specs")
    openapi = case / "payment-callback.openapi.yaml"
    text = openapi.read_text(encoding="utf-8")
    openapi.write_text(
        text.replace("- url: /api/v1", f"- url: {base}/api/v1", 1), encoding="utf-8"
    )
    argv = [python, "-c", ARAZZO_SCRIPT, str(case / "payment-callback.arazzo.yaml")]
    argv += [str(count), str(batches), json.dumps(START_INPUT)]
    done = subprocess.run(
        argv, capture_output=True, text=True, timeout=240, check=False
    )
    if done.returncode != 0:
        return {"error": (done.stderr or done.stdout).strip()[-600:]}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--arazzo-python")
    args = parser.parse_args()
    if args.serve:
        import uvicorn

        uvicorn.run(app, host="127.0.0.1", port=args.serve, log_level="warning")
        return 0
    batches = max(args.reps, 1)
    count = 200 if args.quick else 2000
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _start_server(port)
    result: dict[str, Any] = {
        "server": "raw ASGI canned answers, uvicorn, 1 worker, 127.0.0.1"
    }
    try:
        result["per_request"] = typed_vs_httpx(base, count=count, batches=batches)
        wf_count = 50 if args.quick else 300
        ours = workflow(base, count=wf_count, batches=batches)
        result["workflow"] = {"journeygen_run_payment_callback_happy_path": ours}
        if args.arazzo_python:
            with tempfile.TemporaryDirectory(prefix="jg-arazzo-") as tmp:
                peer = arazzo_runner(
                    args.arazzo_python, base, Path(tmp), count=wf_count, batches=batches
                )
            result["workflow"]["arazzo_runner_execute_workflow"] = peer
            if "wall_us" in peer:
                result["workflow"]["arazzo_runner_vs_journeygen_wall"] = _ratio(
                    peer, ours, "wall_us"
                )
        else:
            result["workflow"]["arazzo_runner_execute_workflow"] = {
                "skipped": "arazzo-runner not installed"
            }
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    sys.exit(main())
