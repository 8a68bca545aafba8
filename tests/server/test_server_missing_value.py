"""DSL §4 and §10 fail fast at run time, over real HTTP (uvicorn on 127.0.0.1, SQLite file)
with the generated client. Journey folder tests/server/journeys/examples/technical/
engine-missing-var: an httpCall path parameter `${context.itemId}` whose value is missing
fails the journey with JOURNEY_EXPRESSION_FAILED naming the placeholder; the handler is never
called (it is not a failed call with status 0 that the journey could succeed past)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.engine import generate_case, server_module
from tests.support.live import LiveServer


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> str:
    return generate_case("engine-missing-var", tmp_path_factory.mktemp("missing"))


def test_a_missing_placeholder_value_fails_the_journey_before_the_call(
    package: str, tmp_path: Path, live: Callable[..., LiveServer]
) -> None:
    server = server_module(package)
    handlers = sys.modules[f"{package}.handlers"]
    calls: list[Any] = []

    class Catalog:
        def get_item(self, call: Any) -> Any:
            calls.append(call)
            return handlers.TaskResult(status=200, ok=True, body={"name": "n"})

    db = str(tmp_path / "journeys.db")
    app = live(server.create_app(Catalog(), settings=server.Settings(store_path=db)))
    client = importlib.import_module(f"{package}.client")
    models = importlib.import_module(f"{package}.models")
    with client.EngineMissingVarClient(app.url) as api:
        started = api.start(models.EngineMissingVarInput.model_validate({}))
        outcome = api.get_result(started.journey_id)
        present = api.start(
            models.EngineMissingVarInput.model_validate({"itemId": "i-1"})
        )
        succeeded = api.get_result(present.journey_id)
    assert outcome.phase == "FAILED"
    assert (
        outcome.error is not None and outcome.error.code == "JOURNEY_EXPRESSION_FAILED"
    )
    assert "${context.itemId}" in (outcome.error.reason or "")
    assert [c.item_id for c in calls] == ["i-1"]
    assert succeeded.phase == "SUCCEEDED"


def test_with_no_handlers_a_missing_value_is_never_sent(
    package: str, tmp_path: Path, live: Callable[..., LiveServer]
) -> None:
    """The server's own HTTP call is built the same way: no request leaves for the
    journey whose placeholder has no value; the one whose value is there is sent."""
    from fastapi import FastAPI

    server = server_module(package)
    paths: list[str] = []
    catalog = FastAPI()

    @catalog.get("/items/{item_id}")
    def get_item(item_id: str) -> dict[str, str]:
        paths.append(f"/items/{item_id}")
        return {"name": "n"}

    downstream = live(catalog)
    settings = server.Settings(
        store_path=str(tmp_path / "journeys.db"),
        api_base_urls={"catalog": downstream.url},
    )
    app = live(server.create_app(settings=settings))
    client = importlib.import_module(f"{package}.client")
    models = importlib.import_module(f"{package}.models")
    with client.EngineMissingVarClient(app.url) as api:
        started = api.start(models.EngineMissingVarInput.model_validate({}))
        outcome = api.get_result(started.journey_id)
        present = api.start(
            models.EngineMissingVarInput.model_validate({"itemId": "i-1"})
        )
        succeeded = api.get_result(present.journey_id)
    assert outcome.phase == "FAILED"
    assert (
        outcome.error is not None and outcome.error.code == "JOURNEY_EXPRESSION_FAILED"
    )
    assert paths == ["/items/i-1"]
    assert succeeded.phase == "SUCCEEDED"
