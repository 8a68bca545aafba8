"""`spec.mappers` and `mapperRef` (DSL §10.1) at every mapper site, on a live server.

The journey `dsl-mapper-refs` writes `mapperRef: <id>` instead of an inline mapper at the
transform, cache key and value, subjourney input, parallel join, kafka key and value, HTTP
body, timer until and duration, and schedule startAt, interval, maxRuns, subjectId and
context sites; each one must behave as if `spec.mappers.<id>` were copied there. A mapperRef
naming no mapper is a located error with the nearest name, wherever it is written.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from generator.diagnostics import SpecError
from generator.format import Formatter
from generator.pipeline import generate
from tests.constructs.support import JOURNEYS
from tests.constructs.support import generate as generate_journey
from tests.support.engine import API, result_when_done, server_module
from tests.support.live import LiveServer

NAME = "dsl-mapper-refs"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return server_module(generate_journey(NAME, tmp_path_factory.mktemp("refs")))


def test_a_mapper_ref_runs_at_every_mapper_site(
    server: Any, db_path: str, live: Callable[..., LiveServer]
) -> None:
    fake = server.FakeHandlers()
    settings = server.Settings(store_path=db_path)
    app = live(server.create_app(fake, settings=settings), "on")  # timers fire
    with httpx.Client(base_url=app.url) as client:
        started = client.post(
            f"{API}/journeys/{NAME}/start", json={"id": "o-1", "amount": 21}
        )
        assert started.status_code == 200, started.text
        # timer until.mapperRef: a past instant, so the timer is due at once;
        # timer duration.mapperRef: PT0S, due as soon as it is entered
        body = result_when_done(client, started.json()["journeyId"])
    assert body["phase"] == "SUCCEEDED", body
    assert body["output"] == {
        "view": {"id": "o-1", "doubled": 42},  # transform.mapperRef
        "cached": {"amount": 21},  # cache key.mapperRef + value.mapperRef
        "sub": {"tripled": 63},  # subjourney input.mapperRef
        "joined": {"left": True, "right": True},  # parallel join.mapperRef
    }
    (event,) = fake.calls_to("publish")  # kafkaPublish key/value.mapperRef
    assert (event.key, event.value) == (
        "key-o-1",
        {"orderId": "o-1", "cachedAmount": 21},
    )
    (call,) = fake.calls_to("submit")  # httpCall body.mapperRef, not {"mapperRef": ...}
    assert call.body == {"orderId": "o-1", "total": 42}
    # schedule:v1 startAt/interval/maxRuns/subjectId/context.mapperRef: the stored binding
    with sqlite3.connect(db_path) as db:
        binding = db.execute(
            "SELECT start_state, next_run_at, interval, max_runs, subject_id,"
            " last_context FROM schedules"
        ).fetchall()
    assert [(*row[:5], json.loads(row[5])) for row in binding] == [
        ("done", "2099-01-01T00:00:00.000Z", "P1D", 4, "sub-o-1", {"seed": "o-1"})
    ]


@pytest.mark.parametrize(
    ("old", "site"),
    [
        ("        mapperRef: orderView\n", "transform"),
        ("          mapperRef: orderBody\n", "body"),
        ("          mapperRef: subInput\n", "input"),
        ("          mapperRef: joinBoth\n", "join"),
        ("          mapperRef: eventValue\n", "value"),
        ("          mapperRef: noDelay\n", "duration"),
        ("          mapperRef: runBound\n", "maxRuns"),
        ("          mapperRef: seed\n", "context"),
    ],
)
def test_an_unknown_mapper_ref_is_a_located_error_with_the_nearest_name(
    tmp_path: Path, old: str, site: str
) -> None:
    root = tmp_path / "specs"
    shutil.copytree(JOURNEYS, root)
    journey = root / "examples" / "technical" / NAME / f"{NAME}.journey.yaml"
    text = journey.read_text(encoding="utf-8")
    assert text.count(old) == 1
    ref = old.split(": ")[1].strip()
    line = text[: text.index(old)].count("\n") + 1
    journey.write_text(text.replace(old, old.replace(ref, ref + "x")), encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        generate(journey.parent, root=root, formatter=Formatter())
    message = str(caught.value)
    assert f"{NAME}.journey.yaml:{line}:" in message, (site, message)
    assert f"mapperRef {ref + 'x'!r} is not a key of spec.mappers" in message
    assert f"did you mean {ref!r}" in message
