"""A journey nobody here wrote: a charge made inside a subjourney (DSL §5.8) fails or is
cancelled while the subjourney waits (§2.7); every failed outcome wears the journey's custom
error envelope (§24: "all external error responses for that journey MUST use this single
structure", §5.7), and spec.compensation (§2.5) calls a subjourney whose parallel branches
(§16) refund and release on a live downstream, with the outcome bound (`outcome.error.code`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.constructs.support import generate
from tests.support.engine import API, server_module, wait_for
from tests.support.live import LiveServer

NAME = "holdout-refund"


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> str:
    return generate(NAME, tmp_path_factory.mktemp("refund"))


def ops(seen: list[tuple[str, Any]]) -> Starlette:
    """A charge above 100 is declined (402); refunds and releases are recorded."""

    def recorder(name: str) -> Callable[[Request], Any]:
        async def handle(request: Request) -> Response:
            body = await request.json()
            seen.append((name, body))
            declined = name == "charge" and body["amount"] > 100
            return JSONResponse({"name": name}, status_code=402 if declined else 200)

        return handle

    return Starlette(
        routes=[
            Route(f"/{path}", recorder(name), methods=["POST"])
            for name, path in (
                ("charge", "charges"),
                ("refund", "refunds"),
                ("release", "releases"),
            )
        ]
    )


@pytest.fixture
def served(
    package: str, db_path: str, live: Callable[..., LiveServer]
) -> tuple[Any, Any, list[tuple[str, Any]], str]:
    seen: list[tuple[str, Any]] = []
    downstream = live(ops(seen))
    server = server_module(package)
    settings = server.Settings(
        store_path=db_path, api_base_urls={"ops": downstream.url}
    )
    app = live(server.create_app(settings=settings), lifespan="on")
    client = importlib.import_module(f"{package}.client")
    models = importlib.import_module(f"{package}.models")
    return client.HoldoutRefundClient(app.url), models, seen, app.url


def compensated(seen: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return sorted(
        wait_for(lambda: [s for s in seen if s[0] != "charge"], lambda s: len(s) == 2),
        key=lambda s: s[0],
    )


def test_a_failure_inside_the_subjourney_wears_the_envelope_and_is_compensated(
    served: tuple[Any, Any, list[tuple[str, Any]], str],
) -> None:
    api, models, seen, url = served
    with api:
        started = api.start(models.HoldoutRefundInput(orderId="o-1", amount=500))
        outcome = api.get_result(started.journey_id)
    assert (outcome.phase.value, outcome.status) == ("FAILED", "CHARGE_DECLINED")
    raw = httpx.get(f"{url}{API}/journeys/{started.journey_id}/result").json()
    assert raw["error"] == {
        "failure": "CHARGE_DECLINED",
        "why": "The charge was declined",
        "order": "o-1",
    }
    assert compensated(seen) == [
        ("refund", {"orderId": "o-1", "cause": "CHARGE_DECLINED"}),
        ("release", {"orderId": "o-1"}),
    ]


def test_a_cancel_while_the_subjourney_waits_wears_the_same_envelope(
    served: tuple[Any, Any, list[tuple[str, Any]], str],
) -> None:
    api, models, seen, url = served
    with api:
        body = {"orderId": "o-2", "amount": 5, "hold": True}
        started = api.start(models.HoldoutRefundInput.model_validate(body))
        journey = started.journey_id
        assert api.get_status(journey).current_state == "review"
        cancelled = httpx.post(f"{url}{API}/journeys/{journey}/steps/cancel", json={})
        assert cancelled.status_code == 200, cancelled.text
        api.get_result(journey)
    raw = httpx.get(f"{url}{API}/journeys/{journey}/result").json()
    assert (raw["phase"], raw["status"]) == ("FAILED", "JOURNEY_CANCELLED")
    assert raw["error"] == {
        "failure": "JOURNEY_CANCELLED",
        "why": "Cancelled by user",
        "order": "o-2",
    }
    assert compensated(seen) == [
        ("refund", {"orderId": "o-2", "cause": "JOURNEY_CANCELLED"}),
        ("release", {"orderId": "o-2"}),
    ]


def test_a_paid_order_is_not_compensated(
    served: tuple[Any, Any, list[tuple[str, Any]], str],
) -> None:
    api, models, seen, _ = served
    with api:
        started = api.start(models.HoldoutRefundInput(orderId="o-3", amount=5))
        outcome = api.get_result(started.journey_id)
        # a later declined order's compensation runs after any the paid one could have had
        api.start(models.HoldoutRefundInput(orderId="o-4", amount=500))
    assert outcome.phase.value == "SUCCEEDED"
    assert [body["orderId"] for _, body in compensated(seen)] == ["o-4", "o-4"]
