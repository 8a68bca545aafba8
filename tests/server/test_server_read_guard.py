"""DSL §23.1 `spec.access.read.guardRef` over real HTTP (uvicorn on 127.0.0.1, SQLite file) with
the generated client: the guard subjourney decides every status and result read, a denied read
is a 404 indistinguishable from an unknown journey, and the guard's writes are never stored.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.engine import API, generate_case, rows, server_module
from tests.support.live import LiveServer

NAME = "engine-read-guard"
KEY = {"X-Api-Key": "r3ad"}


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> str:
    return generate_case(NAME, tmp_path_factory.mktemp("read-guard"))


@pytest.fixture
def served(
    package: str, tmp_path: Path, live: Callable[..., LiveServer]
) -> tuple[Any, str, str]:
    server = server_module(package)
    db = str(tmp_path / "journeys.db")
    settings = server.Settings(store_path=db, api_keys={"readers": "r3ad"})
    app = live(server.create_app(server.FakeHandlers(), settings=settings))
    return importlib.import_module(f"{package}.client"), app.url, db


def _start(client_module: Any, url: str, **body: Any) -> str:
    models = importlib.import_module(
        client_module.__name__.replace(".client", ".models")
    )
    with client_module.EngineReadGuardClient(url) as client:
        outcome = client.start(models.EngineReadGuardInput.model_validate(body))
    journey_id: str = outcome.journey_id
    return journey_id


def test_an_allowed_read_serves_status_and_result(served: tuple[Any, str, str]) -> None:
    module, url, db = served
    journey_id = _start(module, url, orderId="o-1")
    with module.EngineReadGuardClient(url, headers=KEY) as client:
        status = client.get_status(journey_id)
        outcome = client.get_result(journey_id)
    assert status.journey_id == journey_id
    assert outcome.output.model_dump()["orderId"] == "o-1"
    # the guard ran on a copy: its auth result and verdict are not in the stored context
    (row,) = rows(db, "SELECT context FROM journeys WHERE id = ?", journey_id)
    assert not {"auth", "verdict"} & set(json.loads(row[0]))


@pytest.mark.parametrize(
    "headers",
    [{}, {"X-Api-Key": "wrong"}],
    ids=["no key", "wrong key"],
)
def test_a_denied_read_is_a_404_like_an_unknown_journey(
    served: tuple[Any, str, str], headers: dict[str, str]
) -> None:
    module, url, _ = served
    journey_id = _start(module, url, orderId="o-2")
    with httpx.Client(base_url=url, headers=headers) as http:
        for path in ("", "/result"):
            denied = http.get(f"{API}/journeys/{journey_id}{path}")
            unknown = http.get(
                f"{API}/journeys/{'0' * 8}-0000-0000-0000-{'0' * 12}{path}"
            )
            assert denied.status_code == unknown.status_code == 404
            # same shape, nothing about access control or the guard's problem
            assert denied.json().keys() == unknown.json().keys()
            assert denied.json()["title"] == unknown.json()["title"]
            assert "yours" not in denied.text and "Forbidden" not in denied.text
    package = importlib.import_module(module.__name__.rsplit(".", 1)[0])
    with module.EngineReadGuardClient(url, headers=headers) as client:
        with pytest.raises(package.NotFound):
            client.get_status(journey_id)
        with pytest.raises(package.NotFound):
            client.get_result(journey_id)


def test_the_guard_reads_the_stored_context(served: tuple[Any, str, str]) -> None:
    module, url, _ = served
    journey_id = _start(module, url, orderId="o-3", confidential=True)
    with httpx.Client(base_url=url, headers=KEY) as http:  # a valid key, still denied
        assert http.get(f"{API}/journeys/{journey_id}").status_code == 404
        assert http.get(f"{API}/journeys/{journey_id}/result").status_code == 404
