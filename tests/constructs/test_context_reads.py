"""Fail fast on context reads (DSL §4, §10) and `spec.context.schema` (§11).

The journey `dsl-context-schema` declares its context: `orderId` from the input and an
`order` object closed to `status` and `total`. Over real HTTP it runs as written (the choice
and the publish read what the transform wrote). Generation refuses, located and with the
nearest name, a `${...}` placeholder or a DataWeave selector reading a context variable no
state writes and the input does not declare (a typo such as `contxt.payload.status` or
`${context.ordrId}`), and a path the closed context schema rules out (`context.order.stauts`).
"""

from __future__ import annotations

import shutil
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

NAME = "dsl-context-schema"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return server_module(generate_journey(NAME, tmp_path_factory.mktemp("context")))


def test_a_journey_reading_only_its_declared_context_runs(
    server: Any, db_path: str, live: Callable[..., LiveServer]
) -> None:
    fake = server.FakeHandlers()
    app = live(server.create_app(fake, settings=server.Settings(store_path=db_path)))
    with httpx.Client(base_url=app.url) as client:
        started = client.post(f"{API}/journeys/{NAME}/start", json={"orderId": "o-4"})
        assert started.status_code == 200, started.text
        outcome = result_when_done(client, started.json()["journeyId"])
    assert outcome["phase"] == "SUCCEEDED", outcome
    assert outcome["output"]["order"] == {"status": "OPEN", "total": 12.5}
    (event,) = fake.calls_to("publish")
    assert (event.key, event.value) == ("order-o-4", {"total": 12.5})


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'expr: context.order.status == "OPEN"',
            'expr: contxt.payload.status == "OPEN"',
            "context.contxt.payload.status is never written: no state writes"
            " context.contxt and spec.input.schema does not declare it (a bare name"
            " reads the context too; DSL §4: unknown variables are a validation error);"
            " did you mean 'context'?",
        ),
        (
            'key: "order-${context.orderId}"',
            'key: "order-${context.ordrId}"',
            "context.ordrId is never written: no state writes context.ordrId and"
            " spec.input.schema does not declare it (a bare name reads the context"
            " too; DSL §4: unknown variables are a validation error); did you mean"
            " 'orderId' or 'order'?",
        ),
        (
            "{ total: context.order.total }",
            "{ total: context.order.totl }",
            "context.order.totl cannot exist: spec.context.schema gives context.order"
            " only status, total (additionalProperties: false, DSL §11); did you mean"
            " 'total'?",
        ),
    ],
)
def test_context_reads_outside_the_declared_context_are_located_errors(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    root = tmp_path / "specs"
    shutil.copytree(JOURNEYS, root)
    journey = root / "examples" / "technical" / NAME / f"{NAME}.journey.yaml"
    text = journey.read_text(encoding="utf-8")
    assert text.count(old) == 1
    line = text[: text.index(old)].count("\n") + 1
    journey.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        generate(journey.parent, root=root, formatter=Formatter())
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.message == message
    assert diagnostic.location.path.endswith(f"{NAME}.journey.yaml")
    assert diagnostic.location.line == line
