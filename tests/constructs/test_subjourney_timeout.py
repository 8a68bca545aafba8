"""A wait's timeout inside a subjourney, a cancel while a subjourney waits, and a subjourney
that pauses inside spec.compensation (DSL §5.8, §12.1 timeoutSec, §2.7 cancel, §2.5).

The journey `dsl-subjourney-timeout` calls the subjourney `confirmation`, which waits for the
customer (`awaitCustomer`, timeoutSec 3600 -> `timedOut`); its captured mini-outcome decides
whether the order fails. The compensation calls the subjourney `release`, which waits for the
warehouse's webhook (`releaseAck`) after the journey's outcome is returned. Driven with the
generated client over real HTTP on 127.0.0.1, on a SQLite file and on PostgreSQL.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.constructs.support import generate as generate_journey
from tests.support.engine import API, rows, server_module, wait_for
from tests.support.live import LiveServer

NAME = "dsl-subjourney-timeout"
HOUR = 3_600


@pytest.fixture
def db_path(store_target: str) -> str:
    """The store every test here runs on: a SQLite file, then a PostgreSQL database."""
    return store_target


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> str:
    return generate_journey(NAME, tmp_path_factory.mktemp("subjourney-timeout"))


def _status(client: Any, journey_id: str) -> dict[str, Any]:
    data: dict[str, Any] = client.with_raw_response.get_status(journey_id).data
    return data


def _timers(db_path: str, journey_id: str) -> list[tuple[Any, ...]]:
    query = (
        "SELECT state, kind, path, status FROM timers WHERE journey_id = ? ORDER BY id"
    )
    return [
        (state, kind, json.loads(path), status)
        for state, kind, path, status in rows(db_path, query, journey_id)
    ]


def _release(client: Any, models: Any, journey_id: str, cause: str, fake: Any) -> None:
    """The compensation waits at the release subjourney's webhook; acknowledge it."""
    waiting = wait_for(
        lambda: _status(client, journey_id),
        lambda s: s.get("compensation", {}).get("currentState") == "releaseAck",
    )
    assert waiting["_links"]["releaseAck"]["href"].endswith("/steps/releaseAck")
    assert fake.calls_to("announce") == []
    client.release_ack(journey_id, models.ReleaseAckInput(bin="B-7"))
    (announce,) = fake.calls_to("announce")
    assert announce.value == {"orderId": "o-1", "cause": cause, "bin": "B-7"}
    assert "compensation" not in _status(client, journey_id)


def test_a_silent_customer_times_the_subjourney_out_and_its_compensation_waits(
    package: str, db_path: str, live: Callable[..., LiveServer]
) -> None:
    server = server_module(package)
    generated = importlib.import_module(package)
    models = importlib.import_module(f"{package}.models")
    fake = server.FakeHandlers()
    # the one-hour timeout is due about 0.3 s after the subjourney starts waiting
    settings = server.Settings(store_path=db_path, timer_scale=0.3 / HOUR)
    app = live(server.create_app(fake, settings=settings), "on")
    with generated.DslSubjourneyTimeoutClient(app.url) as client:
        status = client.start(models.DslSubjourneyTimeoutInput(orderId="o-1"))
        journey_id = status.journey_id
        assert status.current_state == "awaitCustomer"
        ended = wait_for(
            lambda: _status(client, journey_id), lambda s: s["phase"] != "Running"
        )
        assert ended["phase"] == "Failed"
        outcome = client.get_result(journey_id)
        assert outcome.error is not None
        assert outcome.error.code == "CONFIRMATION_EXPIRED"
        (row,) = rows(db_path, "SELECT context FROM journeys WHERE id = ?", journey_id)
        # the timeout ended the subjourney at onTimeout; the parent captured its outcome
        assert json.loads(row[0])["confirmation"]["error"] == {
            "code": "CUSTOMER_SILENT",
            "reason": "No confirmation within the hour",
        }
        assert ("awaitCustomer", "timeout", ["confirmation"], "fired") in _timers(
            db_path, journey_id
        )
        _release(client, models, journey_id, "Fail", fake)
    assert _timers(db_path, journey_id) == [
        ("awaitCustomer", "timeout", ["confirmation"], "fired"),
        ("compensation", "compensation", [], "fired"),  # the compensation's start
    ]


def test_cancelling_a_journey_waiting_in_a_subjourney_cancels_its_timeout(
    package: str, db_path: str, live: Callable[..., LiveServer]
) -> None:
    server = server_module(package)
    generated = importlib.import_module(package)
    models = importlib.import_module(f"{package}.models")
    fake = server.FakeHandlers()
    app = live(server.create_app(fake, settings=server.Settings(
        store_path=db_path)), "on")  # fmt: skip
    with generated.DslSubjourneyTimeoutClient(app.url) as client:
        journey_id = client.start(
            models.DslSubjourneyTimeoutInput(orderId="o-1")
        ).journey_id
        cancelled = httpx.post(f"{app.url}{API}/journeys/{journey_id}/steps/cancel")
        assert cancelled.status_code == 200, cancelled.text
        assert cancelled.json()["phase"] == "Failed"
        # the subjourney's wait is closed: its step is refused, its timeout cancelled
        with pytest.raises(generated.Conflict):
            client.await_customer(journey_id, models.AwaitCustomerInput(confirmed=True))
        assert ("awaitCustomer", "timeout", ["confirmation"], "cancelled") in _timers(
            db_path, journey_id
        )
        _release(client, models, journey_id, "Cancel", fake)
    outcome = rows(db_path, "SELECT error FROM journeys WHERE id = ?", journey_id)
    assert json.loads(outcome[0][0])["code"] == "JOURNEY_CANCELLED"


def test_a_confirmation_in_time_returns_the_subjourney_outcome(
    package: str, db_path: str, live: Callable[..., LiveServer]
) -> None:
    server = server_module(package)
    generated = importlib.import_module(package)
    models = importlib.import_module(f"{package}.models")
    app = live(server.create_app(server.FakeHandlers(), settings=server.Settings(
        store_path=db_path)), "on")  # fmt: skip
    with generated.DslSubjourneyTimeoutClient(app.url) as client:
        journey_id = client.start(
            models.DslSubjourneyTimeoutInput(orderId="o-1")
        ).journey_id
        client.await_customer(journey_id, models.AwaitCustomerInput(confirmed=True))
        outcome = client.get_result(journey_id)
    assert outcome.phase == "SUCCEEDED"
    assert outcome.output == {
        "phase": "SUCCEEDED",
        "terminationKind": "Success",
        "output": {"payload": {"confirmed": True}},
        "error": {"code": None, "reason": None},
    }
    # the timeout of the answered wait does not stay pending
    assert _timers(db_path, journey_id) == [
        ("awaitCustomer", "timeout", ["confirmation"], "cancelled")
    ]
