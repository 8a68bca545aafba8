"""payment-callback over real HTTP: a live uvicorn server, a SQLite file and httpx."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from conftest import LiveServer
from jg_server_runtime.settings import Settings
from jg_server_runtime.store import SQLiteStore
from pc_journey import FakeHandlers, create_app

SECRET = "whsec-payments-callback-7f3a"
START = {"paymentId": "PAY-1", "amount": 1500.0, "currency": "AOA"}
PROBLEM = "application/problem+json"


@pytest.fixture
def settings(db_path: str) -> Settings:
    """Settings with the webhook secret and a small body limit."""
    return Settings(
        store_path=db_path, api_keys={"payments-callback": SECRET}, max_body_bytes=4096
    )


@pytest.fixture
def server(
    live: Callable[[Any], LiveServer], settings: Settings
) -> Iterator[tuple[httpx.Client, FakeHandlers, SQLiteStore]]:
    """A live payment-callback server and a client for it."""
    handlers = FakeHandlers()
    store = SQLiteStore(settings.store_path)
    running = live(create_app(handlers, store=store, settings=settings))
    with httpx.Client(base_url=running.url + "/api/v1", timeout=10) as client:
        yield client, handlers, store


def _start(client: httpx.Client, body: dict[str, Any] = START) -> str:
    response = client.post("/journeys/payment-callback/start", json=body)
    assert response.status_code == 200, response.text
    journey_id: str = response.json()["journeyId"]
    return journey_id


def _callback(
    client: httpx.Client,
    journey_id: str,
    body: Any,
    secret: str | bytes | None = SECRET,
) -> httpx.Response:
    headers = {} if secret is None else {"X-Webhook-Secret": secret}
    return client.post(
        f"/journeys/{journey_id}/steps/waitForCallback", json=body, headers=headers
    )


def _assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["title"]
    return body


def _snapshot(
    client: httpx.Client, store: SQLiteStore, journey_id: str
) -> tuple[Any, ...]:
    status = client.get(f"/journeys/{journey_id}").json()
    return status, len(store.history(journey_id)), store.get_journey(journey_id)


def test_start_runs_the_authorize_task_and_waits_for_the_callback(server: Any) -> None:
    client, handlers, _ = server
    response = client.post(
        "/journeys/payment-callback/start", json={**START, "channel": "web"}
    )
    body = response.json()
    assert response.status_code == 200
    assert body["journeyName"] == "payment-callback"
    assert (body["phase"], body["currentState"]) == ("Running", "waitForCallback")
    assert [c.paymentId for c in handlers.calls] == ["PAY-1"]
    assert client.get(f"/journeys/{body['journeyId']}").json() == body
    _assert_problem(client.get(f"/journeys/{body['journeyId']}/result"), 409)


def test_success_callback_completes_the_journey_with_the_webhook_as_output(
    server: Any,
) -> None:
    client, _, store = server
    journey_id = _start(client)
    response = _callback(
        client, journey_id, {"paymentId": "PAY-1", "status": "SUCCESS"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["phase"], body["currentState"]) == ("Succeeded", "captured")
    assert (body["paymentId"], body["status"]) == ("PAY-1", "SUCCESS")
    result = client.get(f"/journeys/{journey_id}/result").json()
    assert result == {
        "journeyId": journey_id,
        "journeyName": "payment-callback",
        "phase": "SUCCEEDED",
        "status": "SUCCESS",
        "output": {"paymentId": "PAY-1", "status": "SUCCESS"},
    }
    states = [(t.from_state, t.to_state) for t in store.history(journey_id)]
    assert states[0] == (None, "authorize") and states[-1] == (
        "routeWaitForCallback",
        "captured",
    )


def test_failed_callback_fails_the_journey_with_payment_failed(server: Any) -> None:
    client, _, _ = server
    journey_id = _start(client)
    body = {"paymentId": "PAY-1", "status": "FAILED", "reason": "card declined"}
    response = _callback(client, journey_id, body)
    assert response.json()["phase"] == "Failed"
    assert response.json()["reason"] == "card declined"
    result = client.get(f"/journeys/{journey_id}/result").json()
    assert result["phase"] == "FAILED"
    assert result["error"]["code"] == "PAYMENT_FAILED"


@pytest.mark.parametrize(
    "secret",
    ["wrong-secret", None, "", b"caf\xe9-\xff", SECRET + "x", SECRET[:-1]],
    ids=["wrong", "missing", "empty", "non-ascii", "longer", "prefix"],
)
def test_bad_webhook_secret_is_401_and_changes_nothing(
    server: Any, secret: Any
) -> None:
    client, _, store = server
    journey_id = _start(client)
    before = _snapshot(client, store, journey_id)
    response = _callback(
        client, journey_id, {"paymentId": "PAY-1", "status": "SUCCESS"}, secret
    )
    _assert_problem(response, 401)
    assert SECRET not in response.text
    assert _snapshot(client, store, journey_id) == before


def test_missing_secret_configuration_refuses_every_guarded_call(
    live: Callable[[Any], LiveServer], db_path: str
) -> None:
    running = live(create_app(FakeHandlers(), settings=Settings(store_path=db_path)))
    with httpx.Client(base_url=running.url + "/api/v1") as client:
        journey_id = _start(client)
        for secret in (SECRET, None, ""):
            response = _callback(
                client, journey_id, {"paymentId": "PAY-1", "status": "SUCCESS"}, secret
            )
            problem = _assert_problem(response, 503)
            assert "payments-callback" in problem["detail"]
        assert (
            client.get(f"/journeys/{journey_id}").json()["currentState"]
            == "waitForCallback"
        )


def test_unknown_journey_is_404(server: Any) -> None:
    client, _, _ = server
    _assert_problem(client.get("/journeys/no-such-journey"), 404)
    _assert_problem(client.get("/journeys/no-such-journey/result"), 404)
    _assert_problem(
        _callback(client, "no-such-journey", {"paymentId": "x", "status": "SUCCESS"}),
        404,
    )


def test_callback_after_terminal_is_409(server: Any) -> None:
    client, _, store = server
    journey_id = _start(client)
    assert (
        _callback(
            client, journey_id, {"paymentId": "PAY-1", "status": "SUCCESS"}
        ).status_code
        == 200
    )
    before = _snapshot(client, store, journey_id)
    problem = _assert_problem(
        _callback(client, journey_id, {"paymentId": "PAY-1", "status": "FAILED"}), 409
    )
    assert problem["phase"] == "Succeeded"
    assert _snapshot(client, store, journey_id) == before


def test_repeated_step_with_same_idempotency_key_is_applied_once(server: Any) -> None:
    client, _, store = server
    journey_id = _start(client)
    url = f"/journeys/{journey_id}/steps/waitForCallback"
    headers = {"X-Webhook-Secret": SECRET, "Idempotency-Key": "k-1"}
    body = {"paymentId": "PAY-1", "status": "SUCCESS"}
    first = client.post(url, json=body, headers=headers)
    again = client.post(url, json=body, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.json()["phase"] == "Succeeded"
    conflicting = client.post(url, json={**body, "status": "FAILED"}, headers=headers)
    _assert_problem(conflicting, 409)
    assert sum(1 for t in store.history(journey_id) if t.to_state == "captured") == 1


def _raw_callback(
    client: httpx.Client, journey_id: str, **kwargs: Any
) -> httpx.Response:
    headers = {"X-Webhook-Secret": SECRET, **kwargs.pop("headers", {})}
    return client.post(
        f"/journeys/{journey_id}/steps/waitForCallback", headers=headers, **kwargs
    )


def _chunks(total: int) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        yield b" " * 1024
        sent += 1024


BAD_REQUESTS: list[tuple[str, dict[str, Any], int]] = [
    (
        "malformed-json",
        {
            "content": b'{"paymentId": "PAY-1", "status": ',
            "headers": {"Content-Type": "application/json"},
        },
        400,
    ),
    (
        "not-utf8",
        {
            "content": b'{"paymentId": "\xff"}',
            "headers": {"Content-Type": "application/json"},
        },
        400,
    ),
    (
        "text-plain",
        {
            "content": b'{"paymentId": "PAY-1", "status": "SUCCESS"}',
            "headers": {"Content-Type": "text/plain"},
        },
        415,
    ),
    (
        "no-content-type",
        {"content": b'{"paymentId": "PAY-1", "status": "SUCCESS"}'},
        415,
    ),
    ("enum-outside-schema", {"json": {"paymentId": "PAY-1", "status": "MAYBE"}}, 422),
    ("missing-field", {"json": {"status": "SUCCESS"}}, 422),
    ("not-an-object", {"json": ["SUCCESS"]}, 422),
    (
        "oversized",
        {"json": {"paymentId": "PAY-1", "status": "SUCCESS", "pad": "x" * 10_000}},
        413,
    ),
    (
        "oversized-streamed",
        {
            "content": _chunks(64 * 1024),
            "headers": {"Content-Type": "application/json"},
        },
        413,
    ),
]


@pytest.mark.parametrize(
    ("case", "kwargs", "status"), BAD_REQUESTS, ids=[c[0] for c in BAD_REQUESTS]
)
def test_bad_requests_get_problem_details_and_change_nothing(
    server: Any, case: str, kwargs: dict[str, Any], status: int
) -> None:
    client, _, store = server
    journey_id = _start(client)
    before = _snapshot(client, store, journey_id)
    problem = _assert_problem(_raw_callback(client, journey_id, **kwargs), status)
    assert _snapshot(client, store, journey_id) == before
    if status == 422:
        assert problem["errors"] and all(
            "pointer" in e and "input" not in e for e in problem["errors"]
        )


def test_schema_problem_names_the_field_and_allowed_values_without_echoing(
    server: Any,
) -> None:
    client, _, _ = server
    journey_id = _start(client)
    response = _callback(
        client, journey_id, {"paymentId": "PAY-1", "status": "SECRET-ISH"}
    )
    problem = _assert_problem(response, 422)
    assert problem["errors"][0]["pointer"] == "/status"
    assert "SUCCESS" in problem["errors"][0]["detail"]
    assert "SECRET-ISH" not in response.text


def test_start_rejects_bad_input_with_problem_details(server: Any) -> None:
    client, handlers, _ = server
    response = client.post(
        "/journeys/payment-callback/start", json={"paymentId": "PAY-1"}
    )
    problem = _assert_problem(response, 422)
    assert {e["pointer"] for e in problem["errors"]} == {"/amount", "/currency"}
    assert handlers.calls == []


def test_restart_mid_journey_and_finish_it(
    live: Callable[[Any], LiveServer], settings: Settings
) -> None:
    first_store = SQLiteStore(settings.store_path)
    first = live(create_app(FakeHandlers(), store=first_store, settings=settings))
    with httpx.Client(base_url=first.url + "/api/v1") as client:
        journey_id = _start(client)
    first.stop()
    first_store.close()

    second = live(
        create_app(
            FakeHandlers(), store=SQLiteStore(settings.store_path), settings=settings
        )
    )
    with httpx.Client(base_url=second.url + "/api/v1") as client:
        assert (
            client.get(f"/journeys/{journey_id}").json()["currentState"]
            == "waitForCallback"
        )
        response = _callback(
            client, journey_id, {"paymentId": "PAY-1", "status": "SUCCESS"}
        )
        assert response.json()["phase"] == "Succeeded"
        assert (
            client.get(f"/journeys/{journey_id}/result").json()["phase"] == "SUCCEEDED"
        )


def test_settings_are_read_from_the_prefixed_environment(db_path: str) -> None:
    env = {
        "PAYMENT_CALLBACK_STORE": db_path,
        "PAYMENT_CALLBACK_API_KEY_PAYMENTS_CALLBACK": SECRET,
        "PAYMENT_CALLBACK_MAX_BODY_BYTES": "2048",
    }
    settings = Settings.from_env("PAYMENT_CALLBACK", ["payments-callback"], env)
    assert (settings.store_path, settings.max_body_bytes) == (db_path, 2048)
    assert settings.api_key("payments-callback") == SECRET
    defaults = Settings.from_env("PAYMENT_CALLBACK", ["payments-callback"], {})
    assert (
        defaults.max_body_bytes == 1_048_576
        and defaults.api_key("payments-callback") is None
    )
    with pytest.raises(ValueError, match="PAYMENT_CALLBACK_MAX_BODY_BYTES"):
        Settings.from_env(
            "PAYMENT_CALLBACK", [], {"PAYMENT_CALLBACK_MAX_BODY_BYTES": "lots"}
        )
