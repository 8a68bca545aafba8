"""/openapi.json of the GENERATED payment-callback server is the journey's own contract,
completed with the problem answers it gives and the provider webhook route."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
from payment_callback.contract import CONTRACT_JSON
from payment_callback.server import FakeHandlers, Settings, create_app

from tests.support.live import LiveServer


def _refs(value: Any) -> set[str]:
    if isinstance(value, dict):
        found = {value["$ref"]} if isinstance(value.get("$ref"), str) else set()
        return found.union(*(_refs(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_refs(v) for v in value))
    return set()


def test_the_served_contract_is_the_journeys_own(
    live: Callable[..., LiveServer], db_path: str
) -> None:
    app = create_app(FakeHandlers(), settings=Settings(store_path=db_path))
    with httpx.Client(base_url=live(app).url, timeout=10) as client:
        served = client.get("/openapi.json").json()
        docs = client.get("/docs")
    own = json.loads(CONTRACT_JSON)
    own_ids = {
        op["operationId"] for item in own["paths"].values() for op in item.values()
    }
    operations = {
        (method, path): op
        for path, item in served["paths"].items()
        for method, op in item.items()
    }
    assert own_ids <= {op["operationId"] for op in operations.values()}
    assert set(operations) == {
        ("post", "/api/v1/journeys/payment-callback/start"),
        ("get", "/api/v1/journeys/{journeyId}"),
        ("get", "/api/v1/journeys/{journeyId}/result"),
        ("post", "/api/v1/journeys/{journeyId}/steps/waitForCallback"),
        ("post", "/webhooks/appypay"),
    }
    schemas = served["components"]["schemas"]
    dangling = {r for r in _refs(served) if r.split("/")[-1] not in schemas}
    assert dangling == set()
    assert all(r.startswith("#/components/schemas/") for r in _refs(served))
    start = operations[("post", "/api/v1/journeys/payment-callback/start")]
    assert {"400", "413", "415", "422", "431"} <= set(start["responses"])
    problem = start["responses"]["400"]["content"]["application/problem+json"]
    assert problem["schema"] == {"$ref": "#/components/schemas/Problem"}
    assert any(p["name"] == "Idempotency-Key" for p in start["parameters"])
    step = operations[("post", "/api/v1/journeys/{journeyId}/steps/waitForCallback")]
    assert {"400", "401", "404", "409", "413", "415", "422", "431", "503"} <= set(
        step["responses"]
    )
    webhook = operations[("post", "/webhooks/appypay")]
    assert webhook["operationId"] == "paymentCallback_webhook_appypay"
    assert {"400", "401", "409", "503"} <= set(webhook["responses"])
    assert docs.status_code == 200 and "/openapi.json" in docs.text
