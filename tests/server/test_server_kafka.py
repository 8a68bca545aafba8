"""kafkaPublish:v1 tasks: a typed handler method per task, on a real uvicorn server and SQLite.

The journey's first publish names `connectionSecretRef: secret://kafka/connections/orders`
(resolved from the server's secrets and handed to the handler, a 503 while unset) and both
publishes name a key or value schema (`schemas/*.json` next to the journey) the engine checks
the record against before the handler is called."""

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
ORDERS = "secret://kafka/connections/orders"
CONNECTION = "bootstrap.servers=127.0.0.1:9092;security.protocol=SSL"
JOURNEYS = Path(__file__).resolve().parent / "journeys" / "examples" / "technical"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return server_module(generate_case(NAME, tmp_path_factory.mktemp("kafka")))


def _settings(server: Any, db_path: str, **extra: Any) -> Any:
    return server.Settings(store_path=db_path, secrets={ORDERS: CONNECTION}, **extra)


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
    app = live(server.create_app(fake, settings=_settings(server, db_path)))
    outcome = _start(app.url, {"orderId": "o-7", "amount": 250})
    assert outcome["phase"] == "SUCCEEDED"
    (placed,) = fake.calls_to("publish_placed")
    assert placed.topic == "orders.events"
    assert placed.key == "order-o-7"
    assert placed.value == {"type": "OrderPlaced", "orderId": "o-7", "amount": 250}
    assert placed.headers == {"x-event-type": "OrderPlaced", "x-order": "o-7"}
    assert placed.connection_secret_ref == ORDERS
    assert placed.connection == CONNECTION  # resolved from Settings.secrets
    assert placed.value_schema_ref == "schemas/order-placed.json"
    (audit,) = fake.calls_to("publish_audit")
    assert (audit.topic, audit.key) == ("audit.events", {"order": "o-7"})
    assert audit.value == {"action": "placed", "large": True}
    assert audit.connection_secret_ref is None  # the engine's default connection
    assert audit.connection is None
    # A publish writes nothing into the context (no resultVar).
    (context,) = rows(db_path, "SELECT context FROM journeys")
    assert "publishPlaced" not in context[0] and "topic" not in context[0]


def test_a_refused_publish_fails_the_journey_and_stops_it(
    server: Any, db_path: str, live: Callable[..., LiveServer]
) -> None:
    testing = importlib.import_module(server.__name__.replace(".server", ".testing"))
    refused = testing.reply(503, error={"code": "BROKER_DOWN"})
    fake = server.FakeHandlers(publish_placed=refused)
    app = live(server.create_app(fake, settings=_settings(server, db_path)))
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
    app = live(server.create_app(fake, settings=_settings(server, db_path)))
    outcome = _start(app.url, {"orderId": "o-9", "amount": 1})
    assert outcome["error"]["code"] == "KAFKA_PUBLISH_FAILED"
    assert "audit.events" in outcome["error"]["reason"]


def test_a_connection_secret_ref_nobody_configured_is_a_503_and_publishes_nothing(
    server: Any, db_path: str, live: Callable[..., LiveServer]
) -> None:
    fake = server.FakeHandlers()
    app = live(server.create_app(fake, settings=server.Settings(store_path=db_path)))
    with httpx.Client(base_url=app.url) as client:
        reply = client.post(
            f"{API}/journeys/{NAME}/start", json={"orderId": "o-1", "amount": 5}
        )
    assert reply.status_code == 503, reply.text
    problem = reply.json()
    assert problem["type"].endswith("kafka-connection-not-configured")
    assert f"configure Settings.secrets[{ORDERS!r}]" in problem["detail"]
    assert fake.calls == []
    assert rows(db_path, "SELECT COUNT(*) FROM journeys") == [(0,)]


@pytest.mark.parametrize(
    ("body", "code", "reason", "published"),
    [
        (
            {"orderId": "o-2", "amount": 0},
            "KAFKA_VALUE_INVALID",
            "the value for topic 'orders.events' does not match valueSchemaRef"
            " 'schemas/order-placed.json': .amount: Input should be greater than 0",
            [],
        ),
        (
            {"orderId": "o", "amount": 3},
            "KAFKA_KEY_INVALID",
            "the key for topic 'audit.events' does not match keySchemaRef"
            " 'schemas/audit-key.json': .order: String should have at least 3 characters",
            ["publish_placed"],
        ),
    ],
)
def test_a_record_off_its_schema_fails_the_journey_before_it_is_published(
    server: Any,
    db_path: str,
    live: Callable[..., LiveServer],
    body: dict[str, Any],
    code: str,
    reason: str,
    published: list[str],
) -> None:
    fake = server.FakeHandlers()
    app = live(server.create_app(fake, settings=_settings(server, db_path)))
    outcome = _start(app.url, body)
    assert outcome["phase"] == "FAILED"
    assert (outcome["error"]["code"], outcome["error"]["reason"]) == (code, reason)
    called = [m for m in ("publish_placed", "publish_audit") if fake.calls_to(m)]
    assert called == published


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("        topic: audit.events\n", "        topic: audit.events\n        resultVar: r\n",
         "does not allow resultVar"),
        ("        topic: audit.events\n", "        topic: ''\n", "non-empty topic"),
        ("        key:\n          mapper:", "        key:\n          other:", "key must be"),
        ("schemas/audit-key.json", "schemas/audit-keys.json", "file not found"),
        ("schemas/audit-key.json", "https://schemas.example.com/k.json", "uses a URL"),
        ("schemas/audit-key.json", "schemas/pattern-key.json", "cannot check a value"),
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
