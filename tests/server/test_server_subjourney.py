"""Local subjourneys (spec.subjourneys + type: subjourney) on a real uvicorn server and SQLite."""

from __future__ import annotations

import importlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from generator.diagnostics import SpecError
from tests.support.engine import API, generate_case, rows, server_module
from tests.support.live import LiveServer

NAME = "engine-subjourney"
JOURNEYS = Path(__file__).resolve().parent / "journeys"


@pytest.fixture
def db_path(store_target: str) -> str:
    """The store every test here runs on: a SQLite file, then a PostgreSQL database."""
    return store_target


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return server_module(generate_case(NAME, tmp_path_factory.mktemp("subjourney")))


def _reply(server: Any, status: int, body: Any = None) -> Any:
    testing = importlib.import_module(server.__name__.replace(".server", ".testing"))
    return testing.reply(status, body)


def _run(
    server: Any, fake: Any, db_path: str, live: Callable[..., LiveServer], **body: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Start the journey; return its outcome and its persisted context."""
    app = live(server.create_app(fake, settings=server.Settings(store_path=db_path)))
    with httpx.Client(base_url=app.url) as client:
        reply = client.post(f"{API}/journeys/{NAME}/start", json=body)
        assert reply.status_code == 200, reply.text
        journey_id = reply.json()["journeyId"]
        outcome = client.get(f"{API}/journeys/{journey_id}/result").json()
    (row,) = rows(db_path, "SELECT context FROM journeys WHERE id = ?", journey_id)
    return outcome, json.loads(row[0])


def test_subjourneys_return_outputs_and_mini_outcomes_to_the_parent(
    server: Any, db_path: str, live: Callable[..., LiveServer]
) -> None:
    fake = server.FakeHandlers(lookup=_reply(server, 200, {"price": 7}))
    outcome, _ = _run(
        server, fake, db_path, live, orderId="o-1", amount=50, country="PT"
    )
    assert outcome["phase"] == "SUCCEEDED"
    output = outcome["output"]
    # resultKind outcome: the mini-outcome; the succeed's outputVar is the output.
    assert output["risk"] == {
        "phase": "SUCCEEDED",
        "terminationKind": "Success",
        "output": {"score": 10, "country": "PT"},
        "error": {"code": None, "reason": None},
    }
    # resultKind output without outputVar: the subjourney's final context, which started
    # from the input mapper only (nothing of the parent leaks in) and holds the nested
    # subjourney's output.
    shipping = output["shipping"]
    assert set(shipping) == {"country", "rate", "formatted"}
    assert shipping["formatted"] == "EUR 7"
    assert shipping["rate"]["body"] == {"price": 7}
    # The subjourneys' own variables stay out of the parent context.
    assert not {"verdict", "score", "rate", "text"} & set(output)
    (call,) = fake.calls_to("lookup")
    assert call.url == "https://shipping.example.com/rates/PT"


def test_a_captured_failure_continues_and_is_branched_on(
    server: Any, db_path: str, live: Callable[..., LiveServer]
) -> None:
    fake = server.FakeHandlers()
    outcome, context = _run(
        server, fake, db_path, live, orderId="o-2", amount=5000, country="PT"
    )
    assert outcome["phase"] == "FAILED"
    assert outcome["error"]["code"] == "RISK_REJECTED"  # the parent's own fail state
    assert context["risk"]["phase"] == "FAILED"
    assert context["risk"]["terminationKind"] == "Fail"
    assert context["risk"]["error"] == {
        "code": "RISK_HIGH",
        "reason": "Amount above the automatic limit",
    }
    assert context["risk"]["output"] is None
    assert fake.calls_to("lookup") == []  # the shipping quote never ran


def test_a_propagated_failure_fails_the_run_with_the_subjourney_error(
    server: Any, db_path: str, live: Callable[..., LiveServer]
) -> None:
    fake = server.FakeHandlers(lookup=_reply(server, 503))
    outcome, context = _run(
        server, fake, db_path, live, orderId="o-3", amount=10, country="XX"
    )
    assert outcome["phase"] == "FAILED"
    assert outcome["error"] == {
        "code": "SHIPPING_UNAVAILABLE",
        "reason": "No shipping rate for this country",
    }
    assert "shipping" not in context
    states = rows(
        db_path,
        "SELECT to_state FROM history WHERE to_state IS NOT NULL ORDER BY seq",
    )
    assert [s for (s,) in states] == ["checkRisk", "decide", "quote"]


def _edited(tmp_path: Path, old: str, new: str) -> Path:
    root = tmp_path / "journeys"
    shutil.copytree(JOURNEYS, root)
    journey = root / "examples" / "technical" / NAME / f"{NAME}.journey.yaml"
    text = journey.read_text(encoding="utf-8")
    assert old in text
    journey.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


def test_an_unknown_ref_is_a_located_error(tmp_path: Path) -> None:
    from generator.format import Formatter
    from generator.pipeline import generate

    root = _edited(tmp_path, "ref: computeShipping", "ref: computeShiping")
    with pytest.raises(SpecError) as caught:
        generate(root / "examples/technical" / NAME, root=root, formatter=Formatter())
    (diagnostic,) = caught.value.diagnostics
    assert "'computeShiping' is not a key of spec.subjourneys" in diagnostic.message
    assert diagnostic.location.line == 48  # the ref of state quote
