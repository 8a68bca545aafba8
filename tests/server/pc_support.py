"""Helpers for tests of the generated payment-callback server: live uvicorn servers and requests."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

SECRET = "whsec-payments-callback-7f3a"
START = {"paymentId": "PAY-1", "amount": 1500.0, "currency": "AOA"}
PROBLEM = "application/problem+json"
STEP = "/journeys/{}/steps/waitForCallback"


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class LiveServer:
    """A uvicorn server running an app in a background thread on 127.0.0.1."""

    url: str
    stop: Callable[[], None]


def run_live(app: Any, lifespan: str = "off") -> LiveServer:
    """Serve an ASGI app with a real uvicorn on a free port until stop() is called.

    `lifespan="on"` runs the app's lifespan: the scheduler firing timers and schedules.
    """
    import uvicorn

    config = uvicorn.Config(
        app, host="127.0.0.1", port=free_port(), log_level="warning", lifespan=lifespan
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=10)

    return LiveServer(url=f"http://127.0.0.1:{config.port}", stop=stop)


def start(client: httpx.Client, body: dict[str, Any] = START) -> str:
    """Start a journey; return its id."""
    response = client.post("/journeys/payment-callback/start", json=body)
    assert response.status_code == 200, response.text
    journey_id: str = response.json()["journeyId"]
    return journey_id


def callback(
    client: httpx.Client,
    journey_id: str,
    body: Any,
    secret: str | bytes | None = SECRET,
) -> httpx.Response:
    """Post the waitForCallback step."""
    headers = {} if secret is None else {"X-Webhook-Secret": secret}
    return client.post(STEP.format(journey_id), json=body, headers=headers)


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """Check an RFC 9457 answer with this status; return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["title"]
    return body
