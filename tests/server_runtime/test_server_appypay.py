"""AppyPay deliveries over real HTTP: mapping, dedup under concurrency, conflicts, unmatched events."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import LiveServer
from jg_server_runtime.settings import Settings
from jg_server_runtime.store import SQLiteStore
from pc_journey import FakeHandlers, create_app

SECRET = "whsec-appypay-2c9e"
SEEDS: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "appypay_seed_payloads.json").read_text(encoding="utf-8")
)
PROBLEM = "application/problem+json"


@pytest.fixture
def env(
    live: Callable[[Any], LiveServer], db_path: str
) -> Iterator[tuple[httpx.Client, SQLiteStore]]:
    """A live payment-callback server with the AppyPay receiver, and a client for it."""
    settings = Settings(store_path=db_path, api_keys={"payments-callback": SECRET})
    store = SQLiteStore(db_path)
    running = live(create_app(FakeHandlers(), store=store, settings=settings))
    limits = httpx.Limits(max_connections=60)
    with httpx.Client(base_url=running.url, timeout=30, limits=limits) as client:
        yield client, store


def _start(client: httpx.Client, payment_id: str) -> str:
    body = {"paymentId": payment_id, "amount": 1500.0, "currency": "AOA"}
    response = client.post("/api/v1/journeys/payment-callback/start", json=body)
    assert response.status_code == 200, response.text
    journey_id: str = response.json()["journeyId"]
    return journey_id


def _deliver(
    client: httpx.Client, event: dict[str, Any], secret: str | None = SECRET
) -> httpx.Response:
    headers = {} if secret is None else {"X-Webhook-Secret": secret}
    return client.post("/webhooks/appypay", json=event, headers=headers)


def _seed(status: str, kind: str = "Charge") -> dict[str, Any]:
    return next(s for s in SEEDS if s["status"] == status and s["type"] == kind)


EXPECTED = {
    ("Charge", "Success"): ("processed", "Succeeded", None),
    ("Charge", "Failed"): (
        "processed",
        "Failed",
        "Customer account has insufficient funds to complete the transaction",
    ),
    ("Charge", "Cancelled"): (
        "processed",
        "Failed",
        "Payment cancelled: Customer request",
    ),
    ("Charge", "Pending"): ("acknowledged", "Running", None),
    ("Refund", "Success"): ("recorded", "Running", None),
}


@pytest.mark.parametrize(
    "seed", SEEDS, ids=[f"{s['type']}-{s['status']}" for s in SEEDS]
)
def test_each_seed_payload_maps_to_its_outcome(env: Any, seed: dict[str, Any]) -> None:
    client, store = env
    journey_id = _start(client, seed["merchantTransactionId"])
    answer, phase, reason = EXPECTED[(seed["type"], seed["status"])]
    response = _deliver(client, seed)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == answer
    status = client.get(f"/api/v1/journeys/{journey_id}").json()
    assert status["phase"] == phase
    record = store.get_journey(journey_id)
    assert record is not None
    if phase == "Failed":
        assert record.error == {
            "code": "PAYMENT_FAILED",
            "reason": record.error["reason"],
        }
        assert record.context["webhook"] == {
            "paymentId": seed["merchantTransactionId"],
            "status": "FAILED",
            "reason": reason,
        }
    if phase == "Succeeded":
        result = client.get(f"/api/v1/journeys/{journey_id}/result").json()
        assert result["output"] == {
            "paymentId": seed["merchantTransactionId"],
            "status": "SUCCESS",
        }
    event = store.get_event("appypay", seed["id"])
    assert event is not None and event.processed and event.journey_id == journey_id


def test_pending_then_success_completes_the_journey(env: Any) -> None:
    client, _ = env
    journey_id = _start(client, "ORDER-67890")
    assert _deliver(client, _seed("Pending")).json()["status"] == "acknowledged"
    success = {**_seed("Success"), "merchantTransactionId": "ORDER-67890"}
    assert _deliver(client, success).json()["phase"] == "Succeeded"
    assert (
        client.get(f"/api/v1/journeys/{journey_id}/result").json()["status"]
        == "SUCCESS"
    )


def test_failed_reason_falls_back_to_error_code_then_message(env: Any) -> None:
    client, store = env
    journey_id = _start(client, "ORDER-11111")
    event = _seed("Failed")
    event = {
        **event,
        "responseStatus": {"code": "400", "errorCode": "INSUFFICIENT_FUNDS"},
    }
    assert _deliver(client, event).status_code == 200
    record = store.get_journey(journey_id)
    assert (
        record is not None
        and record.context["webhook"]["reason"] == "INSUFFICIENT_FUNDS"
    )


def test_fifty_concurrent_deliveries_of_one_event_make_one_transition(env: Any) -> None:
    client, store = env
    seed = _seed("Success")
    journey_id = _start(client, seed["merchantTransactionId"])
    with ThreadPoolExecutor(max_workers=50) as pool:
        responses = list(pool.map(lambda _: _deliver(client, seed), range(50)))
    assert [r.status_code for r in responses] == [200] * 50
    answers = [r.json()["status"] for r in responses]
    assert answers.count("processed") == 1
    assert answers.count("already_processed") == 49
    history = store.history(journey_id)
    assert sum(1 for t in history if t.from_state == "waitForCallback") == 1
    assert sum(1 for t in history if t.to_state == "captured") == 1


def test_same_event_id_with_a_different_body_is_409(env: Any) -> None:
    client, store = env
    seed = _seed("Success")
    journey_id = _start(client, seed["merchantTransactionId"])
    assert _deliver(client, seed).status_code == 200
    tampered = {**seed, "amount": 1.0}
    response = _deliver(client, tampered)
    assert response.status_code == 409
    assert response.headers["content-type"].startswith(PROBLEM)
    assert sum(1 for t in store.history(journey_id) if t.to_state == "captured") == 1


def test_redelivery_with_reordered_keys_is_a_duplicate_not_a_conflict(env: Any) -> None:
    client, _ = env
    seed = _seed("Success")
    _start(client, seed["merchantTransactionId"])
    assert _deliver(client, seed).json()["status"] == "processed"
    reordered = dict(reversed(list(seed.items())))
    assert _deliver(client, reordered).json()["status"] == "already_processed"


def test_event_for_unknown_payment_is_kept_and_acknowledged(env: Any) -> None:
    client, store = env
    event = {
        **_seed("Success"),
        "id": "evt-unknown",
        "merchantTransactionId": "ORDER-NOBODY",
    }
    response = _deliver(client, event)
    assert response.status_code == 200
    assert response.json()["status"] == "accepted_unmatched"
    stored = store.get_event("appypay", "evt-unknown")
    assert stored is not None
    assert (stored.processed, stored.outcome, stored.correlation_key) == (
        False,
        "unmatched",
        "ORDER-NOBODY",
    )
    assert json.loads(stored.body)["merchantTransactionId"] == "ORDER-NOBODY"


def test_unmatched_event_is_processed_when_redelivered_after_the_journey_starts(
    env: Any,
) -> None:
    client, _ = env
    event = {
        **_seed("Success"),
        "id": "evt-early",
        "merchantTransactionId": "ORDER-LATE",
    }
    assert _deliver(client, event).json()["status"] == "accepted_unmatched"
    journey_id = _start(client, "ORDER-LATE")
    assert _deliver(client, event).json()["status"] == "processed"
    assert client.get(f"/api/v1/journeys/{journey_id}").json()["phase"] == "Succeeded"


@pytest.mark.parametrize(
    "secret", [None, "wrong", "\u00e9t\u00e9"], ids=["missing", "wrong", "latin1"]
)
def test_receiver_is_guarded_and_stores_nothing_without_the_secret(
    env: Any, secret: Any
) -> None:
    client, store = env
    seed = _seed("Success")
    journey_id = _start(client, seed["merchantTransactionId"])
    headers = {} if secret is None else {"X-Webhook-Secret": secret.encode("latin-1")}
    response = client.post("/webhooks/appypay", json=seed, headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith(PROBLEM)
    assert store.get_event("appypay", seed["id"]) is None
    assert client.get(f"/api/v1/journeys/{journey_id}").json()["phase"] == "Running"


def test_unknown_provider_fields_are_kept_and_bad_payloads_are_422(env: Any) -> None:
    client, store = env
    seed = {**_seed("Pending"), "newProviderField": {"x": 1}}
    _start(client, seed["merchantTransactionId"])
    assert _deliver(client, seed).status_code == 200
    stored = store.get_event("appypay", seed["id"])
    assert stored is not None and json.loads(stored.body)["newProviderField"] == {
        "x": 1
    }
    broken = {k: v for k, v in seed.items() if k != "merchantTransactionId"}
    response = _deliver(client, {**broken, "id": "evt-broken"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith(PROBLEM)
    assert store.get_event("appypay", "evt-broken") is None


def test_success_for_a_finished_journey_is_409_and_retried_later(env: Any) -> None:
    client, store = env
    seed = _seed("Success")
    _start(client, seed["merchantTransactionId"])
    assert _deliver(client, seed).status_code == 200
    late = {**seed, "id": "evt-second-success"}
    assert _deliver(client, late).status_code == 409
    assert store.get_event("appypay", "evt-second-success") is None
