"""DSL §2.5 (with §12.3 timer and §16 parallel): timer and parallel states inside
`spec.compensation` (mode: async) are durable. The caller gets the failure at once; the
compensation runs after the outcome is returned, pauses at its timer (a timer row at path
`compensation`), survives a restart of the server while it waits, then runs a parallel state
whose `stock` branch pauses at a second timer (path `compensation/stock`) while the `audit`
branch ends, and finishes exactly once after the join. Driven over real HTTP on 127.0.0.1 with the generated client, on a
SQLite file and on PostgreSQL."""

from __future__ import annotations

import importlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.engine import (
    JOURNEYS,
    generate_case,
    rows,
    server_module,
    wait_for,
)
from tests.support.live import LiveServer

NAME = "engine-compensation-timer"
HOUR = 3_600


@pytest.fixture
def db_path(store_target: str) -> str:
    """The store every test here runs on: a SQLite file, then a PostgreSQL database."""
    return store_target


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> str:
    return generate_case(NAME, tmp_path_factory.mktemp("compensation-timer"))


def _compensation(db_path: str, journey_id: str) -> dict[str, Any]:
    (row,) = rows(db_path, "SELECT runtime FROM journeys WHERE id = ?", journey_id)
    found: dict[str, Any] = json.loads(row[0])["compensation"]
    return found


def _timers(db_path: str, journey_id: str) -> list[tuple[Any, ...]]:
    query = "SELECT kind, state, status FROM timers WHERE journey_id = ? ORDER BY id"
    return rows(db_path, query, journey_id)


def test_a_compensation_timer_waits_durably_and_resumes_after_a_restart(
    package: str, db_path: str, live: Callable[..., LiveServer]
) -> None:
    server = server_module(package)
    client_module = importlib.import_module(f"{package}.client")
    models = importlib.import_module(f"{package}.models")
    # The one-hour timer is due about 4 s after the failure (PT1H * timer_scale); the first
    # server is stopped before that, with the compensation paused at the timer.
    first_fake = server.FakeHandlers()
    settings = server.Settings(store_path=db_path, timer_scale=4 / HOUR)
    first = live(server.create_app(first_fake, settings=settings), "on")
    with client_module.EngineCompensationTimerClient(first.url) as client:
        outcome = client.start(models.EngineCompensationTimerInput(orderId="o-7"))
        assert outcome.phase == "FAILED"
        assert outcome.error.code == "RESERVATION_FAILED"
        journey_id = outcome.journey_id
    paused = wait_for(
        lambda: _compensation(db_path, journey_id),
        lambda c: c.get("status") == "running",
    )
    assert paused["thread"]["state"] == "coolDown"
    (announce,) = first_fake.calls_to("announce")
    assert announce.value == {"orderId": "o-7", "step": "scheduled", "cause": "Fail"}
    assert first_fake.calls_to("release") == []
    assert ("timer", "coolDown", "pending") in _timers(db_path, journey_id)
    first.stop()

    # After the restart the paused compensation resumes at its timer and ends.
    fake = server.FakeHandlers()
    restarted = live(server.create_app(fake, settings=settings), "on")
    done = wait_for(
        lambda: _compensation(db_path, journey_id),
        lambda c: c.get("status") == "done",
    )
    assert (done["phase"], done["state"]) == ("SUCCEEDED", "released")
    (release,) = fake.calls_to("release")
    assert release.value == {"orderId": "o-7", "step": "released", "cause": "Fail"}
    (audit,) = fake.calls_to("record")
    assert audit.value == {"orderId": "o-7", "step": "audited"}
    # what ran before the restart is not repeated
    assert fake.calls_to("announce") == []
    assert _timers(db_path, journey_id) == [
        ("compensation", "compensation", "fired"),
        ("timer", "coolDown", "fired"),
        ("timer", "settle", "fired"),
    ]
    paths = rows(db_path, "SELECT path FROM timers WHERE state = ?", "settle")
    assert [json.loads(p) for (p,) in paths] == [["compensation", "stock"]]
    # The caller's view never changed: the run's own outcome is the failure.
    with client_module.EngineCompensationTimerClient(restarted.url) as client:
        again = client.get_result(journey_id)
    assert (again.phase, again.error.code) == ("FAILED", "RESERVATION_FAILED")


def test_a_sync_compensation_reaching_a_timer_answers_first_and_finishes_once(
    tmp_path: Path, db_path: str, live: Callable[..., LiveServer]
) -> None:
    """`spec.compensation.mode: sync` whose states hold a timer (the journey starts in the
    default startMode sync): the start still answers the failure at once, the compensation
    ran up to its timer before that answer, is stored paused there, and finishes exactly
    once when the timers fire."""
    name = "engine-compensation-timer-sync"
    root = tmp_path / "journeys"
    shutil.copytree(JOURNEYS / "openapi", root / "openapi")
    folder = root / "examples" / "technical" / name
    folder.mkdir(parents=True)
    text = (
        JOURNEYS / "examples" / "technical" / NAME / f"{NAME}.journey.yaml"
    ).read_text(encoding="utf-8")
    assert "    mode: async\n" in text and f"name: {NAME}\n" in text
    text = text.replace("    mode: async\n", "    mode: sync\n")
    (folder / f"{name}.journey.yaml").write_text(
        text.replace(f"name: {NAME}\n", f"name: {name}\n"), encoding="utf-8"
    )
    package = generate_case(name, tmp_path / "out", root=root)
    server = server_module(package)
    client_module = importlib.import_module(f"{package}.client")
    models = importlib.import_module(f"{package}.models")
    fake = server.FakeHandlers()
    # each one-hour timer is due about 3 s after it is entered
    settings = server.Settings(store_path=db_path, timer_scale=3 / HOUR)
    app = live(server.create_app(fake, settings=settings), "on")
    with client_module.EngineCompensationTimerSyncClient(app.url) as client:
        outcome = client.start(models.EngineCompensationTimerSyncInput(orderId="o-8"))
        journey_id = outcome.journey_id
        # answered before the timer fired: the compensation ran up to it, then paused
        (announce,) = fake.calls_to("announce")
        assert fake.calls_to("release") == [] and fake.calls_to("record") == []
    assert (outcome.phase, outcome.error.code) == ("FAILED", "RESERVATION_FAILED")
    assert announce.value == {"orderId": "o-8", "step": "scheduled", "cause": "Fail"}
    paused = _compensation(db_path, journey_id)
    assert (paused["status"], paused["thread"]["state"]) == ("running", "coolDown")
    assert ("timer", "coolDown", "pending") in _timers(db_path, journey_id)
    done = wait_for(
        lambda: _compensation(db_path, journey_id),
        lambda c: c.get("status") == "done",
    )
    assert (done["phase"], done["state"]) == ("SUCCEEDED", "released")
    (release,) = fake.calls_to("release")
    assert release.value == {"orderId": "o-8", "step": "released", "cause": "Fail"}
    (audit,) = fake.calls_to("record")
    assert audit.value == {"orderId": "o-8", "step": "audited"}
    assert len(fake.calls_to("announce")) == 1  # nothing ran twice
    timers = _timers(db_path, journey_id)
    assert ("timer", "coolDown", "fired") in timers
    assert ("timer", "settle", "fired") in timers
    assert all(status == "fired" for _, _, status in timers), timers
    with client_module.EngineCompensationTimerSyncClient(app.url) as client:
        again = client.get_result(journey_id)
    assert (again.phase, again.error.code) == ("FAILED", "RESERVATION_FAILED")
