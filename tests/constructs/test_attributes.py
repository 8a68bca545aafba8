"""A transform into the journey's attributes (DSL §14 `target.kind: attributes`, §2.8.3), on a
live server, driven with the generated client.

The journey `dsl-attributes` binds `tenantId` from its start payload, writes `orderId` and
`priority` (a number, stored as its JSON text; a null is not written) with a transform, pauses
at a wait state and then writes `confirmedBy`, or, when started with `again: true`, writes
`orderId` a second time, which attributes being write-once fails the journey with nothing
written. What the test reads is the JourneyStatus a client sees, before and after the pause.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import pytest

from tests.constructs.support import generate
from tests.support.engine import server_module
from tests.support.live import LiveServer

NAME = "dsl-attributes"


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> str:
    return generate(NAME, tmp_path_factory.mktemp("attributes"))


@pytest.fixture
def api(package: str, db_path: str, live: Callable[..., LiveServer]) -> Any:
    server = server_module(package)
    app = live(server.create_app(None, settings=server.Settings(store_path=db_path)))
    client = importlib.import_module(f"{package}.client")
    with client.DslAttributesClient(app.url) as opened:
        yield opened


def test_a_transform_writes_attributes_once_across_a_pause(
    package: str, api: Any
) -> None:
    models = importlib.import_module(f"{package}.models")
    body = {"orderId": "o-1", "tenant": "acme"}
    started = api.start(models.DslAttributesInput.model_validate(body))
    paused = api.get_status(started.journey_id)
    assert paused.attributes == {"tenantId": "acme", "orderId": "o-1", "priority": "2"}
    api.confirm(started.journey_id, models.ConfirmInput(by="ops-7"))
    outcome = api.get_result(started.journey_id)
    assert outcome.phase == "SUCCEEDED", outcome.error
    assert api.get_status(started.journey_id).attributes == {
        "tenantId": "acme",
        "orderId": "o-1",
        "priority": "2",
        "confirmedBy": "ops-7",
    }


def test_writing_an_attribute_the_run_has_fails_the_state_and_keeps_the_first(
    package: str, api: Any
) -> None:
    models = importlib.import_module(f"{package}.models")
    body = {"orderId": "o-2", "tenant": "acme", "again": True}
    started = api.start(models.DslAttributesInput.model_validate(body))
    api.confirm(started.journey_id, models.ConfirmInput(by="ops-7"))
    outcome = api.get_result(started.journey_id)
    assert outcome.phase == "FAILED"
    assert outcome.error is not None
    assert (outcome.error.code, outcome.error.reason) == (
        "JOURNEY_ATTRIBUTE_EXISTS",
        "journey attribute 'orderId' is already set; attributes are write-once"
        " (DSL §2.8.3)",
    )
    status = api.get_status(started.journey_id)
    assert status.attributes == {"tenantId": "acme", "orderId": "o-2", "priority": "2"}
