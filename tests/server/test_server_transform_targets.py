"""Transform targets (DSL §14) and expressions failing at run time, on a real server."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.support.engine import API, generate_case, server_module
from tests.support.live import LiveServer

NAME = "engine-transform-targets"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return server_module(generate_case(NAME, tmp_path_factory.mktemp("targets")))


def _run(url: str, body: dict[str, Any]) -> dict[str, Any]:
    with httpx.Client(base_url=url) as client:
        reply = client.post(f"{API}/journeys/{NAME}/start", json=body)
        assert reply.status_code == 200, reply.text
        stored = client.get(f"{API}/journeys/{reply.json()['journeyId']}/result")
    assert stored.status_code == 200, stored.text
    outcome: dict[str, Any] = stored.json()
    return outcome


def test_root_merge_nested_path_var_and_replacement(
    server: Any, db_path: str, live: Callable[..., LiveServer]
) -> None:
    app = live(
        server.create_app(
            server.FakeHandlers(), settings=server.Settings(store_path=db_path)
        )
    )
    outcome = _run(app.url, {"id": "o-1", "amount": 100})
    assert outcome["phase"] == "SUCCEEDED"
    # path "" kept `amount` beside the new `order`; data.enriched was created on the way;
    # the var held a number; the final transform (no target) replaced the context.
    assert outcome["output"] == {
        "id": "o-1",
        "total": 125,
        "keptAmount": 100,
        "tax": 25,
    }


def test_an_expression_failing_on_null_fails_the_journey_not_the_request(
    server: Any, db_path: str, live: Callable[..., LiveServer]
) -> None:
    app = live(
        server.create_app(
            server.FakeHandlers(), settings=server.Settings(store_path=db_path)
        )
    )
    outcome = _run(app.url, {"id": "o-2", "amount": 10, "explode": True})
    assert outcome["phase"] == "FAILED"
    assert outcome["error"]["code"] == "JOURNEY_EXPRESSION_FAILED"
    assert "'explode'" in outcome["error"]["reason"]


def test_a_synchronous_start_answers_with_the_outcome_its_contract_declares(
    server: Any, db_path: str, live: Callable[..., LiveServer]
) -> None:
    """The start's 200 response is JourneyOutcome in this contract: the run ended, so the
    start answers with the same outcome the result endpoint serves."""
    app = live(
        server.create_app(
            server.FakeHandlers(), settings=server.Settings(store_path=db_path)
        )
    )
    with httpx.Client(base_url=app.url) as client:
        started = client.post(
            f"{API}/journeys/{NAME}/start", json={"id": "o-3", "amount": 4}
        )
        assert started.status_code == 200, started.text
        stored = client.get(f"{API}/journeys/{started.json()['journeyId']}/result")
    assert started.json() == stored.json()
    assert started.json()["output"] == {
        "id": "o-3",
        "total": 5,
        "keptAmount": 4,
        "tax": 1,
    }
    models = importlib.import_module(server.__name__.rsplit(".", 1)[0] + ".models")
    models.JourneyOutcome.model_validate(started.json())
