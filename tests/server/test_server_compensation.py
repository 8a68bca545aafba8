"""spec.compensation in sync mode (fail and alsoFor), live; mypy --strict on the new journeys."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.engine import API, generate_case, rows, server_module
from tests.support.live import LiveServer

NAME = "engine-compensation"
NEW_JOURNEYS = (
    "engine-kafka-publish",
    "engine-subjourney",
    "engine-outcomes",
    "engine-deadline",
    "engine-compensation",
)


@pytest.fixture
def db_path(store_target: str) -> str:
    """The store every test here runs on: a SQLite file, then a PostgreSQL database."""
    return store_target


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return server_module(generate_case(NAME, tmp_path_factory.mktemp("compensation")))


def _reply(server: Any, status: int, body: Any = None) -> Any:
    testing = importlib.import_module(server.__name__.replace(".server", ".testing"))
    return testing.reply(status, body)


def _run(
    server: Any, fake: Any, db_path: str, live: Callable[..., LiveServer], items: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Start the journey (no scheduler running); return its outcome and stored runtime."""
    app = live(server.create_app(fake, settings=server.Settings(store_path=db_path)))
    with httpx.Client(base_url=app.url) as client:
        reply = client.post(
            f"{API}/journeys/{NAME}/start", json={"orderId": "o-1", "items": items}
        )
        assert reply.status_code == 200, reply.text
        journey_id = reply.json()["journeyId"]
        outcome = client.get(f"{API}/journeys/{journey_id}/result").json()
    (row,) = rows(db_path, "SELECT runtime FROM journeys WHERE id = ?", journey_id)
    return outcome, json.loads(row[0])


def test_a_failed_run_is_compensated_before_its_outcome_is_stored(
    server: Any, db_path: str, live: Callable[..., LiveServer]
) -> None:
    fake = server.FakeHandlers(reserve=_reply(server, 409))
    outcome, runtime = _run(server, fake, db_path, live, items=2)
    # The caller still sees the original failure ...
    assert outcome["phase"] == "FAILED"
    assert outcome["error"]["code"] == "RESERVATION_FAILED"
    # ... and the compensation already ran, synchronously (no scheduler is running).
    (refund,) = fake.calls_to("refund")
    assert refund.url == "https://billing.example.com/charges/o-1/refund"
    (notify,) = fake.calls_to("notify")
    assert notify.value == {
        "orderId": "o-1",
        "cause": "Fail",
        "state": "reservationFailed",
        "refunded": True,
    }
    compensation = runtime["compensation"]
    assert (compensation["status"], compensation["phase"]) == ("done", "SUCCEEDED")
    assert compensation["outcome"]["error"]["code"] == "RESERVATION_FAILED"
    assert rows(db_path, "SELECT COUNT(*) FROM timers") == [(0,)]


def test_a_failing_compensation_never_changes_the_outcome(
    server: Any, db_path: str, live: Callable[..., LiveServer]
) -> None:
    fake = server.FakeHandlers(reserve=_reply(server, 409), refund=_reply(server, 500))
    outcome, runtime = _run(server, fake, db_path, live, items=2)
    assert outcome["error"]["code"] == "RESERVATION_FAILED"
    assert runtime["compensation"]["phase"] == "FAILED"
    assert runtime["compensation"]["error"]["code"] == "REFUND_FAILED"
    assert fake.calls_to("notify") == []


def test_also_for_compensates_a_partial_success_only(
    server: Any, db_path: str, live: Callable[..., LiveServer]
) -> None:
    partial = server.FakeHandlers(reserve=_reply(server, 201, {"reserved": 1}))
    outcome, runtime = _run(server, partial, db_path, live, items=3)
    assert outcome["phase"] == "SUCCEEDED"
    assert outcome["output"] == {"overallStatus": "PARTIALLY_CONFIRMED"}
    assert partial.calls_to("refund") == []  # the success path of the compensation
    (notify,) = partial.calls_to("notify")
    assert (notify.value["cause"], notify.value["state"]) == ("Success", "finished")
    assert runtime["compensation"]["phase"] == "SUCCEEDED"

    full = server.FakeHandlers(reserve=_reply(server, 201, {"reserved": 3}))
    outcome, runtime = _run(server, full, db_path, live, items=3)
    assert outcome["output"] == {"overallStatus": "CONFIRMED"}
    assert "compensation" not in runtime
    assert full.calls_to("notify") == []


@pytest.mark.slow
def test_the_new_construct_journeys_pass_mypy_strict(tmp_path: Path) -> None:
    folders = []
    for name in NEW_JOURNEYS:
        package = generate_case(name, tmp_path)
        folders.append(str(tmp_path / package / package))
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *folders],
        env={**os.environ, "MYPYPATH": os.pathsep.join(str(tmp_path / p) for p in
             [Path(f).name for f in folders])},
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
