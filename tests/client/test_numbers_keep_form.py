"""A JSON number keeps its form end to end: 500 in is 500 out, never 500.0.

The generated payment-callback server runs on 127.0.0.1 with no handlers, so its authorize
httpCall reaches a live downstream payments API; the generated typed client starts the journey
with `amount` 500 (the schema says `type: number`), the provider posts the callback with the
same amount, and the user reads it back: in the downstream request's bytes, in the stored
context, in the result's JSON and in the typed client's model.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from payment_callback import PaymentCallbackClient, PollSchedule
from payment_callback._runtime.server.storage import open_store
from payment_callback.models import (
    JourneyOutcomePhase,
    PaymentCallbackInput,
    PaymentCallbackOutput,
    WaitForCallbackInput,
)
from payment_callback.server import Settings, create_app

from tests.support.live import LiveServer

SECRET = "numbers-secret"
FAST = PollSchedule(initial=0.02, multiplier=1.5, max_interval=0.1, deadline=10.0)


class Payments:
    """The downstream payments API: keeps each request body's bytes, answers 202."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        self.app = FastAPI()

        @self.app.post("/payments/{payment_id}/authorize")
        async def authorize(payment_id: str, request: Request) -> JSONResponse:
            self.bodies.append(await request.body())
            return JSONResponse({"authorizationId": f"AUTH-{payment_id}"}, 202)


@pytest.fixture
def served(
    live: Callable[..., LiveServer], db_path: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, Payments]]:
    downstream = Payments()
    monkeypatch.setenv(
        "PAYMENT_CALLBACK_API_PAYMENTS_BASE_URL", live(downstream.app).url
    )
    monkeypatch.setenv("PAYMENT_CALLBACK_STORE", db_path)
    monkeypatch.setenv("PAYMENT_CALLBACK_API_KEY_PAYMENTS_CALLBACK", SECRET)
    yield live(create_app()).url, downstream


def _stored_amount(db_path: str, journey_id: str) -> Any:
    store = open_store(Settings(store_path=db_path))
    try:
        record = store.get_journey(journey_id)
        assert record is not None
        return record.context["amount"]
    finally:
        store.close()


def _run(url: str, amount: float) -> tuple[dict[str, Any], PaymentCallbackOutput]:
    """Start with the typed client; the provider posts a SUCCESS callback carrying `amount`."""
    started: list[str] = []

    def record(request: httpx.Request) -> None:
        parts = request.url.path.split("/")
        if request.method == "GET" and len(parts) == 5 and parts[3] == "journeys":
            started.append(parts[4])

    def provider() -> None:
        deadline = time.monotonic() + 10
        while not started and time.monotonic() < deadline:
            time.sleep(0.02)
        callback = WaitForCallbackInput.model_validate(
            {"paymentId": "p-500", "status": "SUCCESS", "amount": amount}
        )
        with PaymentCallbackClient(url, webhook_secret=SECRET) as poster:
            poster.wait_for_callback(started[0], callback)

    thread = threading.Thread(target=provider, daemon=True)
    thread.start()
    start = PaymentCallbackInput(payment_id="p-500", amount=amount, currency="AOA")
    hooks = httpx.Client(event_hooks={"request": [record]}, timeout=10)
    with hooks, PaymentCallbackClient(url, http_client=hooks) as client:
        outcome = client.run_payment_callback(start, poll=FAST, timeout=10)
        raw = client.with_raw_response.get_result(started[0])
    thread.join(timeout=10)
    assert outcome.phase is JourneyOutcomePhase.SUCCEEDED, outcome
    assert isinstance(outcome.output, PaymentCallbackOutput)
    assert raw.status == 200
    assert isinstance(raw.data, dict)
    return raw.data, outcome.output


@pytest.mark.parametrize(
    ("amount", "spelled"), [(500, "500"), (500.0, "500.0"), (12.5, "12.5")]
)
def test_an_amount_comes_back_as_it_was_sent(
    served: tuple[str, Payments], db_path: str, amount: float, spelled: str
) -> None:
    url, downstream = served
    result, output = _run(url, amount)
    stored = _stored_amount(db_path, result["journeyId"])
    assert stored == amount and type(stored) is type(amount)
    answered = result["output"]["amount"]  # the result resource's JSON, as decoded
    assert answered == amount and type(answered) is type(amount)
    assert output.amount == amount and type(output.amount) is type(amount)
    assert output.model_dump_json(by_alias=True).count(f'"amount":{spelled}') == 1
    (body,) = downstream.bodies  # the authorize call: `amount: context.amount`
    assert json.loads(body) == {"amount": amount, "currency": "AOA"}
    assert f'"amount":{spelled},' in body.decode().replace(" ", "")


@pytest.mark.parametrize("amount", ["500", True, None])
def test_an_amount_that_is_not_a_number_is_one_error_at_the_field(
    served: tuple[str, Payments], amount: Any
) -> None:
    url, downstream = served
    body = {"paymentId": "p-1", "amount": amount, "currency": "AOA"}
    with httpx.Client(base_url=url + "/api/v1", timeout=10) as client:
        answer = client.post("/journeys/payment-callback/start", json=body)
    assert answer.status_code == 400, answer.text
    assert answer.json()["errors"] == [
        {
            "pointer": "/amount",
            "detail": "Input should be a valid number",
            "type": "float_type",
        }
    ]
    assert downstream.bodies == []
