"""spec.execution deadlines (a durable timer) and asynchronous spec.compensation, live."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.support.engine import (
    API,
    generate_case,
    result_when_done,
    rows,
    server_module,
    wait_for,
)
from tests.support.live import LiveServer

NAME = "engine-deadline"
HOUR = 3600
STEP = API + "/journeys/{}/steps/awaitApproval"


@pytest.fixture
def db_path(store_target: str) -> str:
    """The store every test here runs on: a SQLite file, then a PostgreSQL database."""
    return store_target


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return server_module(generate_case(NAME, tmp_path_factory.mktemp("deadline")))


def _start(url: str) -> str:
    with httpx.Client(base_url=url) as client:
        reply = client.post(f"{API}/journeys/{NAME}/start", json={"orderId": "o-1"})
    assert reply.status_code == 200, reply.text
    assert reply.json()["currentState"] == "awaitApproval"
    journey_id: str = reply.json()["journeyId"]
    return journey_id


def _runtime(db_path: str, journey_id: str) -> dict[str, Any]:
    (row,) = rows(db_path, "SELECT runtime FROM journeys WHERE id = ?", journey_id)
    found: dict[str, Any] = json.loads(row[0])
    return found


TIMERS = "SELECT kind, status FROM timers WHERE journey_id = ? ORDER BY id"


@pytest.mark.slow
def test_the_deadline_survives_a_restart_fails_the_run_once_and_compensates(
    server: Any, db_path: str, live: Callable[..., LiveServer]
) -> None:
    # The one-hour budget is due about 3 s after the start (maxDurationSec * timer_scale).
    settings = server.Settings(store_path=db_path, timer_scale=3 / HOUR)
    first = live(server.create_app(server.FakeHandlers(), settings=settings), "on")
    journey_id = _start(first.url)
    first.stop()
    assert rows(db_path, TIMERS, journey_id) == [("deadline", "pending")]

    # Two workers on the same file after the restart: the deadline fires once.
    fakes = [server.FakeHandlers(), server.FakeHandlers()]
    apps = [live(server.create_app(f, settings=settings), "on") for f in fakes]
    with httpx.Client(base_url=apps[0].url) as client:
        outcome = result_when_done(client, journey_id)
        late = client.post(STEP.format(journey_id), json={"approved": True})
    assert outcome["phase"] == "FAILED"
    assert outcome["error"] == {
        "code": "ORDER_TIMEOUT",
        "reason": "Order orchestration exceeded one hour",
    }
    assert late.status_code == 409  # no more steps after the timeout
    # Asynchronous compensation: a durable timer the scheduler fires after the failure.
    done = wait_for(
        lambda: _runtime(db_path, journey_id).get("compensation", {}),
        lambda c: c.get("status") == "done",
    )
    assert done["phase"] == "SUCCEEDED" and done["state"] == "released"
    assert rows(db_path, TIMERS, journey_id) == [
        ("deadline", "fired"),
        ("compensation", "fired"),
    ]
    published = [c for f in fakes for c in f.calls_to("release_hold")]
    assert len(published) == 1  # once across both workers
    assert published[0].key == "o-1"
    assert published[0].value == {
        "orderId": "o-1",
        "cause": "Timeout",
        "code": "ORDER_TIMEOUT",
        "at": "awaitApproval",
        "journeyId": journey_id,
    }


def test_a_run_that_finishes_in_time_cancels_its_deadline(
    server: Any, db_path: str, live: Callable[..., LiveServer]
) -> None:
    fake = server.FakeHandlers()
    app = live(
        server.create_app(fake, settings=server.Settings(store_path=db_path)), "on"
    )
    journey_id = _start(app.url)
    with httpx.Client(base_url=app.url) as client:
        step = client.post(STEP.format(journey_id), json={"approved": True})
        assert step.status_code == 200, step.text
        outcome = result_when_done(client, journey_id)
    assert outcome["phase"] == "SUCCEEDED"
    assert rows(db_path, TIMERS, journey_id) == [("deadline", "cancelled")]
    assert "compensation" not in _runtime(db_path, journey_id)  # a success, no alsoFor
    assert fake.calls_to("release_hold") == []


def test_a_failure_before_the_deadline_compensates_with_its_own_cause(
    server: Any, db_path: str, live: Callable[..., LiveServer]
) -> None:
    fake = server.FakeHandlers()
    app = live(
        server.create_app(fake, settings=server.Settings(store_path=db_path)), "on"
    )
    journey_id = _start(app.url)
    with httpx.Client(base_url=app.url) as client:
        client.post(STEP.format(journey_id), json={"approved": False})
        outcome = result_when_done(client, journey_id)
    assert outcome["error"]["code"] == "DECLINED"
    wait_for(lambda: fake.calls_to("release_hold"), lambda calls: len(calls) == 1)
    (call,) = fake.calls_to("release_hold")
    assert (call.value["cause"], call.value["code"], call.value["at"]) == (
        "Fail",
        "DECLINED",
        "declined",
    )


def test_an_exhausted_budget_stops_the_run_before_its_next_state(
    server: Any, db_path: str, live: Callable[..., LiveServer]
) -> None:
    # timer_scale 0: the budget is spent the moment the run starts.
    settings = server.Settings(store_path=db_path, timer_scale=0)
    app = live(server.create_app(server.FakeHandlers(), settings=settings))
    with httpx.Client(base_url=app.url) as client:
        reply = client.post(f"{API}/journeys/{NAME}/start", json={"orderId": "o-2"})
        journey_id = reply.json()["journeyId"]
        outcome = client.get(f"{API}/journeys/{journey_id}/result").json()
    assert outcome["error"]["code"] == "ORDER_TIMEOUT"
    (context,) = rows(db_path, "SELECT context FROM journeys WHERE id = ?", journey_id)
    assert "held" not in json.loads(context[0])  # the hold transform never ran
