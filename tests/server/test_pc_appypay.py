"""AppyPay deliveries through the GENERATED server's /webhooks/appypay (from the bindings file),
on each store (`store_target`: a SQLite file, then a fresh PostgreSQL database)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from payment_callback import JourneyStore
from payment_callback._runtime.server.storage import open_store
from payment_callback.server import FakeHandlers, Settings, create_app

from tests.server.pc_support import assert_problem
from tests.support.live import LiveServer

SECRET = "whsec-appypay-2c9e"
SEED_FILE = Path(__file__).resolve().parent / "appypay_seed_payloads.json"
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
Env = tuple[httpx.Client, JourneyStore]


@pytest.fixture
def env(live: Callable[[Any], LiveServer], store_target: str) -> Iterator[Env]:
    """A live generated server with the AppyPay receiver, and a client for it."""
    settings = Settings(store_path=store_target, api_keys={"payments-callback": SECRET})
    store = open_store(settings)
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


def test_pending_then_success_completes_the_journey(env: Env) -> None:
    client, _ = env
    journey_id = _start(client, "ORDER-67890")
    assert _deliver(client, _seed("Pending")).json()["status"] == "acknowledged"
    success = {**_seed("Success"), "merchantTransactionId": "ORDER-67890"}
    assert _deliver(client, success).json()["phase"] == "Succeeded"
    result = client.get(f"/api/v1/journeys/{journey_id}/result").json()
    assert result["status"] == "SUCCESS"


def test_failed_reason_falls_back_to_the_error_code(env: Env) -> None:
    client, store = env
    journey_id = _start(client, "ORDER-11111")
    status = {"code": "400", "errorCode": "INSUFFICIENT_FUNDS"}
    assert _deliver(client, {**_seed("Failed"), "responseStatus": status}).status_code
    record = store.get_journey(journey_id)
    assert record is not None
    assert record.context["webhook"]["reason"] == "INSUFFICIENT_FUNDS"


def test_redelivery_with_reordered_keys_is_a_duplicate_not_a_conflict(env: Env) -> None:
    client, _ = env
    seed = _seed("Success")
    _start(client, seed["merchantTransactionId"])
    assert _deliver(client, seed).json()["status"] == "processed"
    reordered = dict(reversed(list(seed.items())))
    assert _deliver(client, reordered).json()["status"] == "already_processed"


def test_unmatched_event_is_kept_then_processed_when_redelivered_after_the_start(
    env: Env,
) -> None:
    client, store = env
    event = {**_seed("Success"), "id": "evt-early", "merchantTransactionId": "LATE"}
    assert _deliver(client, event).json()["status"] == "accepted_unmatched"
    stored = store.get_event("appypay", "evt-early")
    assert stored is not None
    assert (stored.processed, stored.outcome, stored.correlation_key) == (
        False,
        "unmatched",
        "LATE",
    )
    journey_id = _start(client, "LATE")
    assert _deliver(client, event).json()["status"] == "processed"
    assert client.get(f"/api/v1/journeys/{journey_id}").json()["phase"] == "Succeeded"


def test_receiver_refuses_a_latin1_secret(env: Env) -> None:
    client, store = env
    seed = _seed("Success")
    _start(client, seed["merchantTransactionId"])
    headers = {"X-Webhook-Secret": "\u00e9t\u00e9".encode("latin-1")}
    response = client.post("/webhooks/appypay", json=seed, headers=headers)
    assert_problem(response, 401)
    assert store.get_event("appypay", seed["id"]) is None


def test_unknown_provider_fields_are_kept_and_bad_payloads_are_400(env: Env) -> None:
    client, store = env
    seed = {**_seed("Pending"), "newProviderField": {"x": 1}}
    _start(client, seed["merchantTransactionId"])
    assert _deliver(client, seed).status_code == 200
    stored = store.get_event("appypay", seed["id"])
    assert stored is not None
    assert json.loads(stored.body)["newProviderField"] == {"x": 1}
    broken = {k: v for k, v in seed.items() if k != "merchantTransactionId"}
    assert_problem(_deliver(client, {**broken, "id": "evt-broken"}), 400)
    assert store.get_event("appypay", "evt-broken") is None


def test_success_for_a_finished_journey_is_409(env: Env) -> None:
    client, _ = env
    seed = _seed("Success")
    _start(client, seed["merchantTransactionId"])
    assert _deliver(client, seed).status_code == 200
    assert_problem(_deliver(client, {**seed, "id": "evt-second-success"}), 409)


def test_receiver_crash_after_event_insert_is_rolled_back_and_redelivery_processed(
    store_target: str,
) -> None:
    from payment_callback._runtime.server.engine import JourneyEngine
    from payment_callback._runtime.server.webhooks import receive_event
    from payment_callback.engine import BINDINGS, DEFINITION

    settings = Settings(store_path=store_target, api_keys={"payments-callback": "s"})
    store = open_store(settings)
    engine = JourneyEngine(DEFINITION, FakeHandlers(), store, settings)
    journey_id = engine.start(
        {"paymentId": "ORDER-9", "amount": 1, "currency": "AOA"}, {}
    )["journeyId"]
    event = {
        "id": "evt-9",
        "merchantTransactionId": "ORDER-9",
        "type": "Charge",
        "status": "Success",
    }
    headers = {"x-webhook-secret": "s"}
    real_advance = engine.advance

    def crash(*args: object, **kwargs: object) -> object:
        raise RuntimeError("process died after the event insert")

    engine.advance = crash  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        receive_event(engine, BINDINGS[0], b"{}", event, headers)
    assert store.get_event("appypay", "evt-9") is None
    assert store.get_journey(journey_id).phase == "Running"  # type: ignore[union-attr]

    engine.advance = real_advance  # type: ignore[method-assign]
    assert (
        receive_event(engine, BINDINGS[0], b"{}", event, headers)["status"]
        == "processed"
    )
    assert store.get_journey(journey_id).phase == "Succeeded"  # type: ignore[union-attr]
    assert (
        receive_event(engine, BINDINGS[0], b"{}", event, headers)["status"]
        == "already_processed"
    )
    store.close()
