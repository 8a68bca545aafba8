"""DSL §23.1 `spec.access.read.guardRef` on a journey paused at a step (§2.7 `cancellable:
true`, its contract listing the cancel step, so the client has a typed `cancel()`), over real HTTP (uvicorn on 127.0.0.1, SQLite file) with the generated client.

Journey folder `dsl-read-guard-cancel`: the guard allows a valid key of the `readers`
profile. A caller it denies gets 404 on status and result (as for an unknown journey) and
404 on the cancel step too, with nothing cancelled: the cancel action is offered only in the
status, which such a caller cannot see (the reference leaves who may cancel to the engine;
this server lets exactly the callers who may read the journey cancel it); the typed
`cancel()` raises NotFound for it as the raw call answers 404. A reader cancels it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.constructs.support import generate
from tests.support.engine import API, server_module
from tests.support.live import LiveServer

NAME = "dsl-read-guard-cancel"
KEY = {"X-Api-Key": "r3ad"}
UNKNOWN = "00000000-0000-0000-0000-000000000000"


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> str:
    return generate(NAME, tmp_path_factory.mktemp("read-guard-cancel"))


@pytest.fixture
def served(
    package: str, tmp_path: Path, live: Callable[..., LiveServer]
) -> tuple[Any, str]:
    server = server_module(package)
    settings = server.Settings(
        store_path=str(tmp_path / "journeys.db"), api_keys={"readers": "r3ad"}
    )
    return (
        importlib.import_module(package),
        live(server.create_app(settings=settings)).url,
    )


@pytest.mark.parametrize(
    "headers", [{}, {"X-Api-Key": "wrong"}], ids=["no key", "wrong"]
)
def test_a_caller_the_guard_denies_can_neither_read_nor_cancel(
    served: tuple[Any, str], headers: dict[str, str]
) -> None:
    pkg, url = served
    with pkg.client.DslReadGuardCancelClient(url) as client:
        started = client.start(pkg.models.DslReadGuardCancelInput(orderId="o-1"))
    journey = started.journey_id
    with pkg.client.DslReadGuardCancelClient(url, headers=headers) as client:
        with pytest.raises(pkg.NotFound):
            client.get_status(journey)
        with pytest.raises(pkg.NotFound):
            client.get_result(journey)
        with pytest.raises(pkg.NotFound):  # the typed cancel(): the same 404
            client.cancel(journey)
    with httpx.Client(base_url=url, headers=headers) as http:
        denied = http.post(f"{API}/journeys/{journey}/steps/cancel", json={})
        unknown = http.post(f"{API}/journeys/{UNKNOWN}/steps/cancel", json={})
    assert denied.status_code == unknown.status_code == 404
    assert denied.json().keys() == unknown.json().keys()
    assert denied.json()["title"] == unknown.json()["title"]
    assert "RUNNING" not in denied.text.upper() and "confirm" not in denied.text
    with pkg.client.DslReadGuardCancelClient(url, headers=KEY) as client:
        status = client.get_status(journey)  # nothing was cancelled
    assert str(status.phase.value).upper() == "RUNNING"


def test_a_reader_cancels_the_journey(served: tuple[Any, str]) -> None:
    pkg, url = served
    with pkg.client.DslReadGuardCancelClient(url) as client:
        started = client.start(pkg.models.DslReadGuardCancelInput(orderId="o-2"))
    with pkg.client.DslReadGuardCancelClient(url, headers=KEY) as client:
        cancelled = client.cancel(started.journey_id)  # the typed cancel()
        outcome = client.get_result(started.journey_id)
    assert str(cancelled.phase.value).upper() == "FAILED"
    assert str(outcome.phase.value).upper() == "FAILED"
    assert outcome.error is not None and outcome.error.code == "JOURNEY_CANCELLED"
