"""kafkaPublish:v1 tasks: a typed handler method per task, on a real uvicorn server and SQLite."""

from __future__ import annotations

import importlib
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from generator.diagnostics import SpecError
from tests.support.engine import API, generate_case, rows, server_module
from tests.support.live import LiveServer

NAME = "engine-kafka-publish"
JOURNEYS = Path(__file__).resolve().parent / "journeys" / "examples" / "technical"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return server_module(generate_case(NAME, tmp_path_factory.mktemp("kafka")))


def _start(url: str, body: dict[str, Any]) -> dict[str, Any]:
    with httpx.Client(base_url=url) as client:
        reply = client.post(f"{API}/journeys/{NAME}/start", json=body)
        assert reply.status_code == 200, reply.text
        journey_id = reply.json()["journeyId"]
        outcome = client.get(f"{API}/journeys/{journey_id}/result")
    assert outcome.status_code == 200, outcome.text
    result: dict[str, Any] = outcome.json()
    return result


def test_each_publish_reaches_its_handler_with_topic_key_value_and_headers(
    server: Any, db_path: str, live: Callable[..., LiveServer]
) -> None:
    fake = server.FakeHandlers()
    app = live(server.create_app(fake, settings=server.Settings(store_path=db_path)))
    outcome = _start(app.url, {"orderId": "o-7", "amount": 250})
    assert outcome["phase"] == "SUCCEEDED"
    (placed,) = fake.calls_to("publish_placed")
    assert placed.topic == "orders.events"
    assert placed.key == "order-o-7"
    assert placed.value == {"type": "OrderPlaced", "orderId": "o-7", "amount": 250}
    assert placed.headers == {"x-event-type": "OrderPlaced", "x-order": "o-7"}
    assert placed.connection_secret_ref == "secret://kafka/connections/orders"
    assert placed.value_schema_ref == "schemas/order-placed.json"
    (audit,) = fake.calls_to("publish_audit")
    assert (audit.topic, audit.key) == ("audit.events", {"order": "o-7"})
    assert audit.value == {"action": "placed", "large": True}
    assert audit.connection_secret_ref is None  # the engine's default connection
    # A publish writes nothing into the context (no resultVar).
    (context,) = rows(db_path, "SELECT context FROM journeys")
    assert "publishPlaced" not in context[0] and "topic" not in context[0]


def test_a_refused_publish_fails_the_journey_and_stops_it(
    server: Any, db_path: str, live: Callable[..., LiveServer]
) -> None:
    testing = importlib.import_module(server.__name__.replace(".server", ".testing"))
    refused = testing.reply(503, error={"code": "BROKER_DOWN"})
    fake = server.FakeHandlers(publish_placed=refused)
    app = live(server.create_app(fake, settings=server.Settings(store_path=db_path)))
    outcome = _start(app.url, {"orderId": "o-8", "amount": 5})
    assert outcome["phase"] == "FAILED"
    assert outcome["error"]["code"] == "KAFKA_PUBLISH_FAILED"
    assert "orders.events" in outcome["error"]["reason"]
    assert fake.calls_to("publish_audit") == []


def test_a_handler_that_raises_counts_as_a_refused_publish(
    server: Any, db_path: str, live: Callable[..., LiveServer]
) -> None:
    def broken(call: Any) -> Any:
        raise ConnectionError("broker unreachable")

    fake = server.FakeHandlers(publish_audit=broken)
    app = live(server.create_app(fake, settings=server.Settings(store_path=db_path)))
    outcome = _start(app.url, {"orderId": "o-9", "amount": 1})
    assert outcome["error"]["code"] == "KAFKA_PUBLISH_FAILED"
    assert "audit.events" in outcome["error"]["reason"]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("        topic: audit.events\n", "        topic: audit.events\n        resultVar: r\n",
         "does not allow resultVar"),
        ("        topic: audit.events\n", "        topic: ''\n", "non-empty topic"),
        ("        key:\n          mapper:", "        key:\n          other:", "key must be"),
    ],
)  # fmt: skip
def test_an_invalid_publish_is_a_located_error(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    from generator.format import Formatter
    from generator.pipeline import generate

    root = tmp_path / "journeys"
    shutil.copytree(JOURNEYS.parent.parent, root)
    case = root / "examples" / "technical" / NAME
    journey = case / f"{NAME}.journey.yaml"
    text = journey.read_text(encoding="utf-8")
    assert old in text
    journey.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        generate(case, root=root, formatter=Formatter())
    (diagnostic,) = caught.value.diagnostics
    assert message in diagnostic.message
    assert diagnostic.location.path.endswith(f"{NAME}.journey.yaml")
    assert diagnostic.location.line > 30  # inside the publishAudit task
