"""The generated client drives the generated payment-callback server over real HTTP."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from payment_callback import (
    AsyncPaymentCallbackClient,
    PaymentCallbackClient,
    PollSchedule,
)
from payment_callback.models import (
    JourneyOutcomePhase,
    PaymentCallbackInput,
    WaitForCallbackInput,
)

SECRET = "generated-server-secret"
FAST = PollSchedule(initial=0.02, multiplier=1.5, max_interval=0.1, deadline=10.0)
START = PaymentCallbackInput(payment_id="p-7", amount=5, currency="AOA")


@pytest.fixture
def url(tmp_path: Path) -> Iterator[str]:
    """The generated server with fake handlers, served by uvicorn on 127.0.0.1."""
    import uvicorn
    from payment_callback.server import FakeHandlers, Settings, create_app

    settings = Settings(
        store_path=str(tmp_path / "j.sqlite3"), api_keys={"payments-callback": SECRET}
    )
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = create_app(FakeHandlers(), settings=settings)
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert (
            time.monotonic() < deadline and thread.is_alive()
        ), "uvicorn did not start"
        time.sleep(0.01)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def _callback(status: str) -> WaitForCallbackInput:
    return WaitForCallbackInput.model_validate({"paymentId": "p-7", "status": status})


def test_run_journey_against_the_generated_server(url: str) -> None:
    with PaymentCallbackClient(url, webhook_secret=SECRET) as client:
        ok = client.run_payment_callback(
            START, callback=_callback("SUCCESS"), poll=FAST
        )
        bad = client.run_payment_callback(
            START, callback=_callback("FAILED"), poll=FAST
        )
    assert ok.phase is JourneyOutcomePhase.SUCCEEDED and ok.output is not None
    assert ok.output.payment_id == "p-7"
    assert bad.phase is JourneyOutcomePhase.FAILED and bad.error is not None
    assert bad.error.code == "PAYMENT_FAILED"


@pytest.mark.asyncio
async def test_workflow_against_the_generated_server(url: str) -> None:
    polled: list[str] = []

    async def record(request: httpx.Request) -> None:
        parts = request.url.path.split("/")
        if request.method == "GET" and len(parts) == 5 and parts[3] == "journeys":
            polled.append(parts[4])

    async def provider(client: AsyncPaymentCallbackClient) -> None:
        while not polled:
            await asyncio.sleep(0.02)
        await client.wait_for_callback(polled[0], _callback("SUCCESS"))

    inputs = {"startRequest": {"paymentId": "p-8", "amount": 1, "currency": "EUR"}}
    hooks = httpx.AsyncClient(event_hooks={"request": [record]})
    async with hooks, AsyncPaymentCallbackClient(url, webhook_secret=SECRET) as poster:
        client = AsyncPaymentCallbackClient(url, http_client=hooks)
        out, _ = await asyncio.gather(
            client.run_payment_callback_happy_path(inputs, poll=FAST), provider(poster)
        )
    assert out.steps["startJourney"]["journeyId"] == polled[0]
    assert out.steps["getStatusWhilePending"] == {"phase": "Succeeded"}


def test_failed_workflow_against_the_generated_server(url: str) -> None:
    """The second Arazzo workflow: the provider posts FAILED; the result read is the failure."""
    started: list[str] = []

    def record(request: httpx.Request) -> None:
        parts = request.url.path.split("/")
        if request.method == "GET" and len(parts) == 5 and parts[3] == "journeys":
            started.append(parts[4])

    def provider() -> None:
        deadline = time.monotonic() + 10
        while not started and time.monotonic() < deadline:
            time.sleep(0.02)
        with PaymentCallbackClient(url, webhook_secret=SECRET) as poster:
            poster.wait_for_callback(started[0], _callback("FAILED"))

    inputs = {"startRequest": {"paymentId": "p-9", "amount": 3, "currency": "AOA"}}
    thread = threading.Thread(target=provider)
    thread.start()
    with httpx.Client(event_hooks={"request": [record]}) as hooks:
        client = PaymentCallbackClient(url, http_client=hooks)
        out = client.run_payment_callback_failed(inputs, poll=FAST)
    thread.join(timeout=10)
    assert out.steps["startJourney"]["journeyId"] == started[0]
    assert out.steps["getStatusWhilePending"] == {"phase": "Failed"}
    with PaymentCallbackClient(url) as reader:
        outcome = reader.get_result(started[0])
    assert outcome.phase is JourneyOutcomePhase.FAILED
    assert outcome.error is not None and outcome.error.code == "PAYMENT_FAILED"
