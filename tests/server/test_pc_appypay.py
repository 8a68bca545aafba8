"""AppyPay deliveries through the GENERATED server's /webhooks/appypay (from the bindings file)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from payment_callback._runtime.store import SQLiteStore
from payment_callback.server import FakeHandlers, Settings, create_app
from pc_support import LiveServer, assert_problem

SECRET = "whsec-appypay-2c9e"
SEED_FILE = (
    Path(__file__).resolve().parents[1]
    / "server_runtime"
    / "appypay_seed_payloads.json"
)
SEEDS: list[dict[str, Any]] = json.loads(SEED_FILE.read_text(encoding="utf-8"))
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
Env = tuple[httpx.Client, SQLiteStore]


@pytest.fixture
def env(live: Callable[[Any], LiveServer], db_path: str) -> Iterator[Env]:
    """A live generated server with the AppyPay receiver, and a client for it."""
    settings = Settings(store_path=db_path, api_keys={"payments-callback": SECRET})
    store = SQLiteStore(db_path)
    running = live(create_app(FakeHandlers(), store=store, settings=settings))
    limits = httpx.Limits(max_connections=60)
    with httpx.Client(base_url=running.url, timeout=30, limits=limits) as client:
        yield client, store
    store.close()


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


@pytest.mark.parametrize(
    "seed", SEEDS, ids=[f"{s['type']}-{s['status']}" for s in SEEDS]
)
def test_each_seed_payload_gives_its_mapped_outcome(
    env: Env, seed: dict[str, Any]
) -> None:
    client, store = env
    journey_id = _start(client, seed["merchantTransactionId"])
    answer, phase, reason = EXPECTED[(seed["type"], seed["status"])]
    response = _deliver(client, seed)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == answer
    assert client.get(f"/api/v1/journeys/{journey_id}").json()["phase"] == phase
    record = store.get_journey(journey_id)
    assert record is not None
    if phase == "Failed":
        assert record.error is not None and record.error["code"] == "PAYMENT_FAILED"
        assert record.context["webhook"]["reason"] == reason
    if phase == "Succeeded":
        result = client.get(f"/api/v1/journeys/{journey_id}/result").json()
        assert result["output"] == {
            "paymentId": seed["merchantTransactionId"],
            "status": "SUCCESS",
        }
    event = store.get_event("appypay", seed["id"])
    assert event is not None and event.processed and event.journey_id == journey_id


def test_fifty_concurrent_deliveries_make_one_transition(env: Env) -> None:
    client, store = env
    seed = _seed("Success")
    journey_id = _start(client, seed["merchantTransactionId"])
    with ThreadPoolExecutor(max_workers=50) as pool:
        responses = list(pool.map(lambda _: _deliver(client, seed), range(50)))
    assert [r.status_code for r in responses] == [200] * 50
    answers = [r.json()["status"] for r in responses]
    assert (answers.count("processed"), answers.count("already_processed")) == (1, 49)
    history = store.history(journey_id)
    assert sum(1 for t in history if t.from_state == "waitForCallback") == 1


def test_same_id_different_body_is_409_and_unknown_payment_is_kept(env: Env) -> None:
    client, store = env
    seed = _seed("Success")
    _start(client, seed["merchantTransactionId"])
    assert _deliver(client, seed).status_code == 200
    assert_problem(_deliver(client, {**seed, "amount": 1.0}), 409)
    stray = {**seed, "id": "evt-stray", "merchantTransactionId": "NOBODY"}
    assert _deliver(client, stray).json()["status"] == "accepted_unmatched"
    kept = store.get_event("appypay", "evt-stray")
    assert kept is not None and not kept.processed


def test_receiver_is_guarded_like_the_step(env: Env) -> None:
    client, store = env
    seed = _seed("Success")
    journey_id = _start(client, seed["merchantTransactionId"])
    assert_problem(_deliver(client, seed, secret=None), 401)
    assert_problem(_deliver(client, seed, secret="wrong"), 401)
    assert store.get_event("appypay", seed["id"]) is None
    assert client.get(f"/api/v1/journeys/{journey_id}").json()["phase"] == "Running"
