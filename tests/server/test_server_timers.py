"""Durable timers, wait timeouts and parallel joins on real uvicorn servers, on each store
(`db_path` here is `store_target`: a SQLite file, then a fresh PostgreSQL database)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.engine import (
    API,
    generate_case,
    result_when_done,
    rows,
    server_module,
)
from tests.support.live import LiveServer
from tests.support.paths import CorpusPackage

REMINDER = "payment-reminder-with-timeout"
START = {"userId": "u-1", "paymentId": "pay-1", "amount": 12.5, "currency": "AOA"}
DAY = 86_400


@pytest.fixture
def db_path(store_target: str) -> str:
    """The store every test here runs on: each kind in turn."""
    return store_target


def _reminder(corpus_packages: dict[str, CorpusPackage]) -> Any:
    return server_module(corpus_packages[REMINDER].module)


def _start(url: str, name: str, body: dict[str, Any]) -> str:
    with httpx.Client(base_url=url) as client:
        reply = client.post(f"{API}/journeys/{name}/start", json=body)
    assert reply.status_code == 200, reply.text
    journey_id: str = reply.json()["journeyId"]
    return journey_id


@pytest.mark.slow
def test_a_timer_survives_a_restart_and_fires_exactly_once(
    corpus_packages: dict[str, CorpusPackage],
    db_path: str,
    live: Callable[..., LiveServer],
) -> None:
    server = _reminder(corpus_packages)
    # The 24-hour timer is due about 3 s after the start (PT24H * timer_scale).
    settings = server.Settings(store_path=db_path, timer_scale=3 / DAY)
    first = live(server.create_app(server.FakeHandlers(), settings=settings), "on")
    journey_id = _start(first.url, REMINDER, START)
    first.stop()
    timers = "SELECT state, status FROM timers WHERE journey_id = ?"
    assert rows(db_path, timers, journey_id) == [("paymentTimer", "pending")]

    # Two workers on the same file after the restart: the timer still fires once.
    restarted = [
        live(server.create_app(server.FakeHandlers(), settings=settings), "on")
        for _ in range(2)
    ]
    with httpx.Client(base_url=restarted[0].url) as client:
        outcome = result_when_done(client, journey_id)
    assert outcome["phase"] == "SUCCEEDED"
    assert outcome["output"]["status"] == "TIMED_OUT"
    assert rows(db_path, timers, journey_id) == [("paymentTimer", "fired")]
    fired = rows(
        db_path,
        "SELECT COUNT(*) FROM history WHERE journey_id = ? AND from_state = ?",
        journey_id,
        "paymentTimer",
    )
    assert fired == [(1,)]


@pytest.mark.slow
def test_the_wait_branch_wins_the_race_and_the_timer_is_cancelled(
    corpus_packages: dict[str, CorpusPackage],
    db_path: str,
    live: Callable[..., LiveServer],
) -> None:
    server = _reminder(corpus_packages)
    settings = server.Settings(store_path=db_path)  # a real 24-hour timer
    app = live(server.create_app(server.FakeHandlers(), settings=settings), "on")
    journey_id = _start(app.url, REMINDER, START)
    with httpx.Client(base_url=app.url) as client:
        status = client.get(f"{API}/journeys/{journey_id}").json()
        assert (status["phase"], status["currentState"]) == (
            "Running",
            "waitForPayment",
        )
        early = client.get(f"{API}/journeys/{journey_id}/result")
        assert early.status_code == 409
        step = client.post(
            f"{API}/journeys/{journey_id}/steps/waitForPayment",
            json={"paymentStatus": "PAID"},
        )
        assert step.status_code == 200, step.text
        outcome = result_when_done(client, journey_id)
    assert outcome["output"]["status"] == "PAID"
    assert outcome["output"]["paymentId"] == "pay-1"
    timers = "SELECT status FROM timers WHERE journey_id = ?"
    assert rows(db_path, timers, journey_id) == [("cancelled",)]


@pytest.fixture(scope="module")
def hand_written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("hand-written")
    names = ("engine-webhook-timeout", "engine-parallel-join")
    return {n: server_module(generate_case(n, out)) for n in names}


@pytest.mark.slow
def test_a_webhook_without_callback_times_out_through_on_timeout(
    hand_written: dict[str, Any], db_path: str, live: Callable[..., LiveServer]
) -> None:
    server = hand_written["engine-webhook-timeout"]
    settings = server.Settings(store_path=db_path, timer_scale=1 / 3600)
    app = live(server.create_app(server.FakeHandlers(), settings=settings), "on")
    journey_id = _start(app.url, "engine-webhook-timeout", {"orderId": "o-1"})
    with httpx.Client(base_url=app.url) as client:
        outcome = result_when_done(client, journey_id)
        late = client.post(
            f"{API}/journeys/{journey_id}/steps/awaitCallback", json={"status": "OK"}
        )
    assert outcome["phase"] == "SUCCEEDED"
    assert outcome["output"]["result"] == "TIMED_OUT"
    assert late.status_code == 409  # the step closed with the timeout
    assert late.json()["currentState"] == "done"


@pytest.mark.slow
def test_a_callback_before_the_timeout_wins_and_cancels_it(
    hand_written: dict[str, Any], db_path: str, live: Callable[..., LiveServer]
) -> None:
    server = hand_written["engine-webhook-timeout"]
    app = live(server.create_app(server.FakeHandlers(), settings=server.Settings(store_path=db_path)), "on")  # fmt: skip
    journey_id = _start(app.url, "engine-webhook-timeout", {"orderId": "o-2"})
    with httpx.Client(base_url=app.url) as client:
        step = client.post(
            f"{API}/journeys/{journey_id}/steps/awaitCallback", json={"status": "OK"}
        )
        assert step.status_code == 200, step.text
        outcome = result_when_done(client, journey_id)
    assert outcome["output"]["result"] == "RECEIVED"
    timers = "SELECT kind, status FROM timers WHERE journey_id = ?"
    assert rows(db_path, timers, journey_id) == [("timeout", "cancelled")]


@pytest.mark.slow
def test_an_all_of_join_waits_for_every_branch_and_merges_them(
    hand_written: dict[str, Any], db_path: str, live: Callable[..., LiveServer]
) -> None:
    server = hand_written["engine-parallel-join"]
    settings = server.Settings(
        store_path=db_path, timer_scale=1 / 7200, platform_config={"region": "eu"}
    )
    app = live(server.create_app(server.FakeHandlers(), settings=settings), "on")
    journey_id = _start(app.url, "engine-parallel-join", {"orderId": "o-3"})
    with httpx.Client(base_url=app.url) as client:
        running = client.get(f"{API}/journeys/{journey_id}").json()
        outcome = result_when_done(client, journey_id)
    # The quick branch finished at once; the join waited for the slow branch's timer.
    assert (running["phase"], running["currentState"]) == ("Running", "pause")
    assert outcome["phase"] == "SUCCEEDED"
    output = outcome["output"]
    assert output["joined"] == {"quick": True, "slow": True}
    assert output["quickDone"] is True and output["slowDone"] is True
    assert output["region"] == "eu"


def test_the_scheduler_runs_in_the_uvicorn_lifespan_and_stops_with_it(
    hand_written: dict[str, Any], tmp_path: Path, live: Callable[..., LiveServer]
) -> None:
    server = hand_written["engine-webhook-timeout"]
    settings = server.Settings(store_path=str(tmp_path / "j.sqlite3"))
    app = server.create_app(server.FakeHandlers(), settings=settings)
    assert not app.state.scheduler.running
    running = live(app, "on")
    assert app.state.scheduler.running
    names = {t.name for t in threading.enumerate()}
    assert "journeygen-timers-engine-webhook-timeout" in names
    running.stop()
    assert not app.state.scheduler.running
