"""The GENERATED payment-callback server over real HTTP: live uvicorn, httpx, and each store
(`store_target`: a SQLite file, then a fresh PostgreSQL database)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from payment_callback import JourneyStore
from payment_callback._runtime.server.storage import open_store
from payment_callback.server import FakeHandlers, Settings, create_app

from tests.server.pc_support import SECRET, START, STEP, assert_problem, callback, start
from tests.support.live import LiveServer

Server = tuple[httpx.Client, FakeHandlers, JourneyStore]
SUCCESS = {"paymentId": "PAY-1", "status": "SUCCESS"}


@pytest.fixture
def settings(store_target: str) -> Settings:
    """Settings with the webhook secret and a small body limit."""
    return Settings(
        store_path=store_target,
        api_keys={"payments-callback": SECRET},
        max_body_bytes=4096,
    )


@pytest.fixture
def server(live: Callable[[Any], LiveServer], settings: Settings) -> Iterator[Server]:
    """A live generated payment-callback server and a client for it."""
    handlers = FakeHandlers()
    store = open_store(settings)
    running = live(create_app(handlers, store=store, settings=settings))
    with httpx.Client(base_url=running.url + "/api/v1", timeout=10) as client:
        yield client, handlers, store
    store.close()


def _snapshot(
    client: httpx.Client, store: JourneyStore, journey_id: str
) -> tuple[Any, ...]:
    status = client.get(f"/journeys/{journey_id}").json()
    return status, len(store.history(journey_id)), store.get_journey(journey_id)


def test_start_calls_the_authorize_handler_and_waits_for_the_callback(
    server: Server,
) -> None:
    client, handlers, _ = server
    response = client.post(
        "/journeys/payment-callback/start", json={**START, "channel": "web"}
    )
    body = response.json()
    assert response.status_code == 200, response.text
    assert (body["phase"], body["currentState"]) == ("Running", "waitForCallback")
    call = handlers.calls[0].model_dump(mode="json")
    assert call["paymentId"] == "PAY-1"
    assert call["body"] == {"amount": 1500.0, "currency": "AOA"}
    assert call["headers"] == {"Accept": "application/json"}
    assert client.get(f"/journeys/{body['journeyId']}").json() == body
    assert_problem(client.get(f"/journeys/{body['journeyId']}/result"), 409)


def test_success_callback_gives_succeeded_with_typed_output(server: Server) -> None:
    from payment_callback.models import JourneyOutcome

    client, _, store = server
    journey_id = start(client)
    response = callback(client, journey_id, SUCCESS)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["phase"], body["currentState"]) == ("Succeeded", "captured")
    assert (body["paymentId"], body["status"]) == ("PAY-1", "SUCCESS")
    outcome = JourneyOutcome.model_validate(
        client.get(f"/journeys/{journey_id}/result").json()
    )
    assert outcome.phase == "SUCCEEDED" and outcome.status == "SUCCESS"
    assert outcome.output is not None and outcome.output.payment_id == "PAY-1"
    assert outcome.output.status == "SUCCESS"
    states = [(t.from_state, t.to_state) for t in store.history(journey_id)]
    assert states[0] == (None, "authorize")
    assert states[-1] == ("routeWaitForCallback", "captured")


def test_failed_callback_gives_failed_with_payment_failed(server: Server) -> None:
    client, _, _ = server
    journey_id = start(client)
    body = {"paymentId": "PAY-1", "status": "FAILED", "reason": "card declined"}
    response = callback(client, journey_id, body)
    assert (response.json()["phase"], response.json()["reason"]) == (
        "Failed",
        "card declined",
    )
    result = client.get(f"/journeys/{journey_id}/result").json()
    assert result["phase"] == "FAILED"
    assert result["error"]["code"] == "PAYMENT_FAILED"


@pytest.mark.parametrize(
    ("secret", "code"),
    [
        ("wrong-secret", "APIKEY_INVALID"),
        (None, "APIKEY_MISSING"),
        ("", "APIKEY_MISSING"),
        (b"caf\xe9-\xff", "APIKEY_INVALID"),
        (SECRET + "x", "APIKEY_INVALID"),
        (SECRET[:-1], "APIKEY_INVALID"),
    ],
    ids=["wrong", "missing", "empty", "non-ascii", "longer", "prefix"],
)
def test_bad_secret_is_401_and_the_journey_follows_its_own_branch(
    server: Server, secret: Any, code: str
) -> None:
    """DSL §18.8: apiKeyValidate writes its problem and continues; the journey's choice
    sends it back to waitForCallback (committed), and that caller is answered 401."""
    client, _, store = server
    journey_id = start(client)
    before = len(store.history(journey_id))
    response = callback(client, journey_id, SUCCESS, secret)
    problem = assert_problem(response, 401)
    assert problem["code"] == code
    assert SECRET not in response.text
    status = client.get(f"/journeys/{journey_id}").json()
    assert (status["phase"], status["currentState"]) == ("Running", "waitForCallback")
    moves = [(t.from_state, t.to_state) for t in store.history(journey_id)[before:]]
    assert moves == [
        ("waitForCallback", "validateWebhookSecret"),
        ("validateWebhookSecret", "routeWebhookAuth"),
        ("routeWebhookAuth", "waitForCallback"),
    ]
    record = store.get_journey(journey_id)
    assert record is not None
    assert record.context["auth"]["apiKey"]["problem"]["code"] == code
    good = callback(client, journey_id, SUCCESS)  # the right secret still gets through
    assert good.status_code == 200, good.text
    assert good.json()["phase"] == "Succeeded"


def test_a_refused_step_may_be_sent_again_with_the_same_idempotency_key(
    server: Server,
) -> None:
    client, _, _ = server
    journey_id = start(client)
    key = {"Idempotency-Key": "cb-1"}
    url = STEP.format(journey_id)
    bad = client.post(url, json=SUCCESS, headers={**key, "X-Webhook-Secret": "nope"})
    assert_problem(bad, 401)
    good = client.post(url, json=SUCCESS, headers={**key, "X-Webhook-Secret": SECRET})
    assert good.status_code == 200, good.text
    assert good.json()["phase"] == "Succeeded"
    again = client.post(url, json=SUCCESS, headers={**key, "X-Webhook-Secret": SECRET})
    assert (again.status_code, again.json()["phase"]) == (200, "Succeeded")


def test_unconfigured_secret_refuses_every_callback(
    live: Callable[[Any], LiveServer], store_target: str
) -> None:
    settings = Settings(store_path=store_target)
    running = live(create_app(FakeHandlers(), settings=settings))
    with httpx.Client(base_url=running.url + "/api/v1") as client:
        journey_id = start(client)
        for secret in (SECRET, None):
            problem = assert_problem(callback(client, journey_id, SUCCESS, secret), 503)
            assert "payments-callback" in problem["detail"]
        assert (
            client.get(f"/journeys/{journey_id}").json()["currentState"]
            == "waitForCallback"
        )


def test_unknown_journey_is_404(server: Server) -> None:
    client, _, _ = server
    assert_problem(client.get("/journeys/no-such-journey"), 404)
    assert_problem(client.get("/journeys/no-such-journey/result"), 404)
    assert_problem(callback(client, "no-such-journey", SUCCESS), 404)


def test_callback_after_terminal_is_409_and_changes_nothing(server: Server) -> None:
    client, _, store = server
    journey_id = start(client)
    assert callback(client, journey_id, SUCCESS).status_code == 200
    before = _snapshot(client, store, journey_id)
    failed = {"paymentId": "PAY-1", "status": "FAILED"}
    problem = assert_problem(callback(client, journey_id, failed), 409)
    assert problem["phase"] == "Succeeded"
    assert _snapshot(client, store, journey_id) == before


def _chunks(total: int) -> Iterator[bytes]:
    """A request body sent in 1 KiB chunks without a Content-Length."""
    for _ in range(0, total, 1024):
        yield b" " * 1024


BAD_REQUESTS: list[tuple[str, dict[str, Any], int]] = [
    ("malformed-json", {"content": b'{"paymentId": ', "headers": {"Content-Type": "application/json"}}, 400),
    ("text-plain", {"content": b'{"paymentId": "PAY-1"}', "headers": {"Content-Type": "text/plain"}}, 415),
    ("no-content-type", {"content": b'{"paymentId": "PAY-1", "status": "SUCCESS"}'}, 415),
    ("enum-outside-schema", {"json": {"paymentId": "PAY-1", "status": "MAYBE"}}, 400),
    ("missing-field", {"json": {"status": "SUCCESS"}}, 400),
    ("oversized", {"json": {**SUCCESS, "pad": "x" * 10_000}}, 413),
    ("not-utf8", {"content": b'{"paymentId": "\xff"}', "headers": {"Content-Type": "application/json"}}, 400),
    ("not-an-object", {"json": ["SUCCESS"]}, 400),
    ("oversized-streamed", {"content": lambda: _chunks(64 * 1024), "headers": {"Content-Type": "application/json"}}, 413),
]  # fmt: skip


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [c[1:] for c in BAD_REQUESTS],
    ids=[c[0] for c in BAD_REQUESTS],
)
def test_bad_requests_get_problem_details_and_change_nothing(
    server: Server, kwargs: dict[str, Any], status: int
) -> None:
    client, _, store = server
    journey_id = start(client)
    before = _snapshot(client, store, journey_id)
    kwargs = dict(kwargs)  # the parameters are shared by every store's run
    if callable(kwargs.get("content")):
        kwargs["content"] = kwargs["content"]()  # a fresh stream for each run
    headers = {"X-Webhook-Secret": SECRET, **kwargs.pop("headers", {})}
    response = client.post(STEP.format(journey_id), headers=headers, **kwargs)
    problem = assert_problem(response, status)
    assert _snapshot(client, store, journey_id) == before
    if status == 400:
        assert problem["errors"] and all("input" not in e for e in problem["errors"])
        assert "MAYBE" not in response.text


def test_schema_problem_names_the_field_and_allowed_values_without_echoing(
    server: Server,
) -> None:
    client, _, _ = server
    journey_id = start(client)
    response = callback(client, journey_id, {"paymentId": "PAY-1", "status": "X-9"})
    problem = assert_problem(response, 400)
    assert problem["errors"][0]["pointer"] == "/status"
    assert "SUCCESS" in problem["errors"][0]["detail"]
    assert "X-9" not in response.text


def test_repeated_step_with_the_same_idempotency_key_is_applied_once(
    server: Server,
) -> None:
    client, _, store = server
    journey_id = start(client)
    headers = {"X-Webhook-Secret": SECRET, "Idempotency-Key": "k-1"}
    first = client.post(STEP.format(journey_id), json=SUCCESS, headers=headers)
    again = client.post(STEP.format(journey_id), json=SUCCESS, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.json()["phase"] == "Succeeded"
    failed = {**SUCCESS, "status": "FAILED"}
    assert_problem(
        client.post(STEP.format(journey_id), json=failed, headers=headers), 422
    )
    assert sum(1 for t in store.history(journey_id) if t.to_state == "captured") == 1


def test_start_rejects_bad_input_without_calling_handlers(server: Server) -> None:
    client, handlers, _ = server
    response = client.post(
        "/journeys/payment-callback/start", json={"paymentId": "PAY-1"}
    )
    problem = assert_problem(response, 400)
    assert {e["pointer"] for e in problem["errors"]} == {"/amount", "/currency"}
    assert handlers.calls == []


def test_restart_mid_journey_and_finish_it(
    live: Callable[[Any], LiveServer], settings: Settings
) -> None:
    first_store = open_store(settings)
    first = live(create_app(FakeHandlers(), store=first_store, settings=settings))
    with httpx.Client(base_url=first.url + "/api/v1") as client:
        journey_id = start(client)
    first.stop()
    first_store.close()
    second = live(create_app(FakeHandlers(), settings=settings))
    with httpx.Client(base_url=second.url + "/api/v1") as client:
        assert (
            client.get(f"/journeys/{journey_id}").json()["currentState"]
            == "waitForCallback"
        )
        assert callback(client, journey_id, SUCCESS).json()["phase"] == "Succeeded"
        assert (
            client.get(f"/journeys/{journey_id}/result").json()["phase"] == "SUCCEEDED"
        )


def test_settings_come_from_the_prefixed_environment(
    live: Callable[[Any], LiveServer], db_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pathlib import Path

    from payment_callback import engine

    monkeypatch.setenv("PAYMENT_CALLBACK_STORE", db_path)
    monkeypatch.setenv("PAYMENT_CALLBACK_API_KEY_PAYMENTS_CALLBACK", SECRET)
    monkeypatch.delenv("PAYMENT_CALLBACK_MAX_BODY_BYTES", raising=False)
    assert (engine.ENV_PREFIX, engine.PROFILES) == (
        "PAYMENT_CALLBACK",
        ("payments-callback",),
    )
    running = live(create_app(FakeHandlers()))
    with httpx.Client(base_url=running.url + "/api/v1") as client:
        journey_id = start(client)
        assert callback(client, journey_id, SUCCESS, "nope").status_code == 401
        assert callback(client, journey_id, SUCCESS).json()["phase"] == "Succeeded"
        big = {**SUCCESS, "pad": "x" * 1_048_576}
        assert_problem(client.post("/journeys/payment-callback/start", json=big), 413)
    assert Path(db_path).stat().st_size > 0
