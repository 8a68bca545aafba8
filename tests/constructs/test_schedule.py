"""`schedule:v1` startAt, subjectId and onExisting (DSL §5.4) on a live server.

The journey `dsl-schedule`, driven with the generated client, schedules runs of its `tick`
state for the subject `context.userId`: from a literal `startAt` in the past (the scheduler
starts the run at once) or in 2099 (the binding waits), with `onExisting` omitted, `fail`,
`upsert` and `addAnother`. What the test reads back is what a user of the store sees: the
bindings of the `schedules` table and the scheduled runs in `journeys`.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.constructs.support import generate
from tests.support.engine import rows, server_module, wait_for
from tests.support.live import LiveServer

NAME = "dsl-schedule"
BINDINGS = (
    "SELECT subject_id, next_run_at, runs_executed, last_context FROM schedules"
    " ORDER BY subject_id, created_at"
)


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> str:
    return generate(NAME, tmp_path_factory.mktemp("schedule"))


@pytest.fixture
def start(
    package: str, db_path: str, live: Callable[..., LiveServer]
) -> Iterator[Callable[..., Any]]:
    server = server_module(package)
    settings = server.Settings(store_path=db_path)
    app = live(server.create_app(None, settings=settings), "on")  # the scheduler runs
    client = importlib.import_module(f"{package}.client")
    models = importlib.import_module(f"{package}.models")
    with client.DslScheduleClient(app.url) as api:

        def run(user: str, mode: str, note: str = "") -> Any:
            body = {"userId": user, "mode": mode, "note": note}
            started = api.start(models.DslScheduleInput.model_validate(body))
            return api.get_result(started.journey_id)

        yield run


def _bindings(db_path: str) -> list[tuple[Any, ...]]:
    found = rows(db_path, BINDINGS)
    return [(s, due, runs, json.loads(ctx).get("note")) for s, due, runs, ctx in found]


def test_schedule_starts_at_start_at_for_its_subject(
    start: Callable[..., Any], db_path: str
) -> None:
    now = start("u-now", "now")  # startAt 2020-01-01T00:00:00Z: due at once
    later = start("u-later", "fail", "kept")  # startAt 2099-01-01T00:00:00Z
    assert (now.phase, later.phase) == ("SUCCEEDED", "SUCCEEDED")
    query = "SELECT runs_executed FROM schedules WHERE subject_id = 'u-now'"
    ran = wait_for(lambda: rows(db_path, query), lambda r: r == [(1,)])
    assert ran == [(1,)]
    scheduled = rows(
        db_path, "SELECT current_state, context FROM journeys WHERE phase = 'Succeeded'"
    )
    ticked = [json.loads(ctx) for _, ctx in scheduled if "ticked" in json.loads(ctx)]
    assert [(c["userId"], c["ticked"]) for c in ticked] == [("u-now", True)]
    later_binding, now_binding = _bindings(db_path)
    assert later_binding == ("u-later", "2099-01-01T00:00:00.000Z", 0, "kept")
    assert (now_binding[0], now_binding[2]) == ("u-now", 1)  # ran once: maxRuns 1


def test_on_existing_fails_upserts_or_adds_another_binding_per_subject(
    start: Callable[..., Any], db_path: str
) -> None:
    assert start("u-1", "fail", "first").phase == "SUCCEEDED"
    again = start("u-1", "fail", "second")  # onExisting: fail, same subject and start
    assert again.phase == "FAILED"
    assert again.error is not None and again.error.code == "SCHEDULE_EXISTS"
    assert start("u-2", "fail", "other subject").phase == "SUCCEEDED"
    assert start("u-3", "upsert", "first").phase == "SUCCEEDED"
    assert start("u-3", "upsert", "second").phase == "SUCCEEDED"  # replaces it
    assert start("u-4", "another", "first").phase == "SUCCEEDED"
    assert start("u-4", "another", "second").phase == "SUCCEEDED"  # a second one
    due = "2099-01-01T00:00:00.000Z"
    assert _bindings(db_path) == [
        ("u-1", due, 0, "first"),
        ("u-2", due, 0, "other subject"),
        ("u-3", due, 0, "second"),
        ("u-4", due, 0, "first"),
        ("u-4", due, 0, "second"),
    ]
