"""payment-callback makes its authorize call itself, over real HTTP (DSL §5.1).

`create_app()` with no handlers: the generated server sends `POST /payments/{paymentId}/
authorize` to a live downstream payments API on 127.0.0.1, at the base URL
`PAYMENT_CALLBACK_API_PAYMENTS_BASE_URL` names, and stores what it answered as
`context.auth`; a subclass of the generated `PaymentCallbackHttpHandlers` overrides the call,
and a misspelled override stops `create_app`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from payment_callback._runtime.server.storage import open_store
from payment_callback.handlers import (
    AuthorizePaymentCall,
    PaymentCallbackHttpHandlers,
    TaskResult,
)
from payment_callback.server import (
    BaseUrlError,
    HandlersError,
    Settings,
    create_app,
)

from tests.server.pc_support import SECRET, START, callback
from tests.support.live import LiveServer, free_port
from tests.support.paths import GENERATED

SUCCESS = {"paymentId": "PAY-1", "status": "SUCCESS"}


class Payments:
    """The downstream payments API: records each request, answers 202 with JSON."""

    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []
        self.app = FastAPI()

        @self.app.post("/payments/{payment_id}/authorize")
        async def authorize(payment_id: str, request: Request) -> JSONResponse:
            self.seen.append(
                {
                    "path": request.url.path,
                    "headers": dict(request.headers),
                    "body": await request.json(),
                }
            )
            return JSONResponse(
                {"authorizationId": f"AUTH-{payment_id}"}, status_code=202
            )


@pytest.fixture
def payments(live: Callable[..., LiveServer]) -> Iterator[tuple[Payments, str]]:
    downstream = Payments()
    yield downstream, live(downstream.app).url


def _stored_context(db_path: str, journey_id: str) -> dict[str, Any]:
    store = open_store(Settings(store_path=db_path))
    try:
        record = store.get_journey(journey_id)
        assert record is not None
        context: dict[str, Any] = record.context
        return context
    finally:
        store.close()


def test_with_no_handlers_the_server_calls_the_payments_api_itself(
    payments: tuple[Payments, str],
    live: Callable[..., LiveServer],
    db_path: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    downstream, url = payments
    monkeypatch.setenv("PAYMENT_CALLBACK_API_PAYMENTS_BASE_URL", url)
    monkeypatch.setenv("PAYMENT_CALLBACK_STORE", db_path)
    monkeypatch.setenv("PAYMENT_CALLBACK_API_KEY_PAYMENTS_CALLBACK", SECRET)
    server = live(create_app(), "on")  # no handlers, settings from the environment
    with httpx.Client(base_url=server.url + "/api/v1", timeout=10) as client:
        started = client.post("/journeys/payment-callback/start", json=START)
        assert started.status_code == 200, started.text
        journey_id = started.json()["journeyId"]
        assert started.json()["currentState"] == "waitForCallback"
        (seen,) = downstream.seen
        assert seen["path"] == "/payments/PAY-1/authorize"
        assert seen["body"] == {"amount": 1500.0, "currency": "AOA"}
        assert seen["headers"]["accept"] == "application/json"
        assert seen["headers"]["content-type"] == "application/json"
        auth = _stored_context(db_path, journey_id)["auth"]
        assert (auth["status"], auth["ok"], auth["error"]) == (202, True, None)
        assert auth["body"] == {"authorizationId": "AUTH-PAY-1"}
        assert auth["headers"]["content-type"] == "application/json"
        done = callback(client, journey_id, SUCCESS)
        assert (done.status_code, done.json()["phase"]) == (200, "Succeeded")


class Override(PaymentCallbackHttpHandlers):
    """The server team makes the authorize call itself; nothing goes to the API."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[AuthorizePaymentCall] = []

    async def authorize_payment(self, call: AuthorizePaymentCall) -> TaskResult:
        self.calls.append(call)
        return TaskResult(status=200, ok=True, body={"by": "override"})


def test_an_override_replaces_the_http_call(
    payments: tuple[Payments, str], live: Callable[..., LiveServer], db_path: str
) -> None:
    downstream, url = payments
    handlers = Override()
    settings = Settings(
        store_path=db_path,
        api_keys={"payments-callback": SECRET},
        api_base_urls={"payments": url},
    )
    server = live(create_app(handlers, settings=settings))
    with httpx.Client(base_url=server.url + "/api/v1", timeout=10) as client:
        started = client.post("/journeys/payment-callback/start", json=START)
        assert started.status_code == 200, started.text
    assert [c.payment_id for c in handlers.calls] == ["PAY-1"]
    assert downstream.seen == []
    auth = _stored_context(db_path, started.json()["journeyId"])["auth"]
    assert auth["body"] == {"by": "override"}


class Misspelled(PaymentCallbackHttpHandlers):
    def authorise_payment(self, call: AuthorizePaymentCall) -> TaskResult:
        return TaskResult(status=200, ok=True)


def test_a_misspelled_override_of_the_http_call_stops_create_app() -> None:
    with pytest.raises(HandlersError) as info:
        create_app(Misspelled())
    assert info.value.problems == [
        "Misspelled.authorise_payment matches no call of this journey, so it is never "
        "called (the server makes the 'authorize_payment' call over HTTP); did you mean "
        "'authorize_payment'?"
    ]


def test_a_base_url_that_is_not_absolute_names_the_variable(db_path: str) -> None:
    settings = Settings(
        store_path=db_path,
        env_prefix="PAYMENT_CALLBACK",
        api_base_urls={"payments": "payments.internal/v1"},
    )
    with pytest.raises(BaseUrlError) as info:
        create_app(settings=settings)
    assert "set PAYMENT_CALLBACK_API_PAYMENTS_BASE_URL" in str(info.value)
    assert "'authorize'" in str(info.value)


def test_python_m_server_with_no_handlers_calls_the_api(
    payments: tuple[Payments, str], tmp_path: Path
) -> None:
    downstream, url = payments
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(GENERATED / "payment_callback"),
        "PAYMENT_CALLBACK_STORE": str(tmp_path / "cli.sqlite3"),
        "PAYMENT_CALLBACK_API_PAYMENTS_BASE_URL": url,
    }
    argv = [sys.executable, "-m", "payment_callback.server", "--port", str(port)]
    process = subprocess.Popen(argv, env=env, cwd=tmp_path, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                started = httpx.post(
                    f"http://127.0.0.1:{port}/api/v1/journeys/payment-callback/start",
                    json=START,
                    timeout=5,
                )
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline
                time.sleep(0.1)
        assert started.status_code == 200, started.text
        assert [seen["path"] for seen in downstream.seen] == [
            "/payments/PAY-1/authorize"
        ]
    finally:
        process.terminate()
        process.wait(timeout=10)
        assert process.stderr is not None
        process.stderr.close()
