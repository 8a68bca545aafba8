"""Pausing states inside subjourneys (DSL §5.8 with §12 wait/webhook/timer and §16 parallel).

The journey `dsl-subjourney-pause` calls the subjourney `approval`, which waits for the
manager (`askManager`, a wait whose step endpoint is the journey's own
`/steps/askManager`), waits an hour (`coolOff`), then calls the nested subjourney `audit`,
whose parallel state waits another hour in its `clock` branch. The approval's output returns
into the parent's `resultVar`; the parent's parallel branch `ship` then calls the subjourney
`shipping`, which waits for the carrier's webhook (`carrierCallback`). The server is restarted
(a new uvicorn on the same store) while the run waits in each subjourney; driven with the
generated client over real HTTP on 127.0.0.1, on a SQLite file and on PostgreSQL.
"""

from __future__ import annotations

import importlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from generator.export import export_journey
from generator.format import Formatter
from generator.pipeline import generate
from tests.constructs.support import JOURNEYS
from tests.constructs.support import generate as generate_journey
from tests.support.engine import generate_case, rows, server_module, wait_for
from tests.support.live import LiveServer

NAME = "dsl-subjourney-pause"
HOUR = 3_600


@pytest.fixture
def db_path(store_target: str) -> str:
    """The store every test here runs on: a SQLite file, then a PostgreSQL database."""
    return store_target


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> str:
    return generate_journey(NAME, tmp_path_factory.mktemp("subjourney-pause"))


def _runtime(db_path: str, journey_id: str) -> dict[str, Any]:
    (row,) = rows(db_path, "SELECT runtime FROM journeys WHERE id = ?", journey_id)
    found: dict[str, Any] = json.loads(row[0])
    return found


def _timers(db_path: str, journey_id: str) -> list[tuple[Any, ...]]:
    query = "SELECT state, path, status FROM timers WHERE journey_id = ? ORDER BY id"
    return [
        (state, json.loads(path), status)
        for state, path, status in rows(db_path, query, journey_id)
    ]


def test_subjourneys_pause_at_wait_timer_parallel_and_webhook_across_restarts(
    package: str, db_path: str, live: Callable[..., LiveServer]
) -> None:
    server = server_module(package)
    client_module = importlib.import_module(f"{package}.client")
    models = importlib.import_module(f"{package}.models")
    client_class = client_module.DslSubjourneyPauseClient
    # each one-hour timer is due about 0.3 s after it is entered
    settings = server.Settings(store_path=db_path, timer_scale=0.3 / HOUR)

    first = live(server.create_app(server.FakeHandlers(), settings=settings), "on")
    with client_class(first.url) as client:
        status = client.start(models.DslSubjourneyPauseInput(orderId="o-1", amount=120))
        journey_id = status.journey_id
        # the subjourney's wait is the journey's step: status, link and endpoint
        assert (status.phase, status.current_state) == ("Running", "askManager")
        assert status.links is not None and "askManager" in status.links
        assert status.links["askManager"].href.endswith("/steps/askManager")
    runtime = _runtime(db_path, journey_id)
    assert (
        runtime["call"]["state"] == "askManager"
    )  # the call is stored with the parent
    assert runtime["call"]["context"] == {"orderId": "o-1", "amount": 120}
    first.stop()

    # Restart: the paused subjourney takes the manager's answer, then its timer, the
    # nested subjourney's parallel (a timer in a branch) and the return into the parent.
    second = live(server.create_app(server.FakeHandlers(), settings=settings), "on")
    with client_class(second.url) as client:
        answered = client.ask_manager(journey_id, models.AskManagerInput(approved=True))
        assert answered.current_state == "coolOff"
        shipping = wait_for(
            lambda: client.get_status(journey_id),
            lambda s: s.current_state == "carrierCallback",
        )
        assert shipping.phase == "Running"
        assert "carrierCallback" in (shipping.links or {})
    assert _timers(db_path, journey_id) == [
        ("coolOff", ["approval"], "fired"),
        ("settle", ["approval", "audit", "clock"], "fired"),
    ]
    runtime = _runtime(db_path, journey_id)
    ship = runtime["branches"]["ship"]
    assert ship["state"] == "shipOrder"
    assert ship["call"]["state"] == "carrierCallback"
    assert ship["call"]["context"] == {"orderId": "o-1"}
    second.stop()

    # Restart again: the webhook inside the branch's subjourney ends the journey.
    third = live(server.create_app(server.FakeHandlers(), settings=settings), "on")
    with client_class(third.url) as client:
        client.carrier_callback(
            journey_id, models.CarrierCallbackInput(trackingId="TRK-9")
        )
        outcome = client.get_result(journey_id)
    assert outcome.phase == "SUCCEEDED"
    assert outcome.output == {
        "approval": {
            "approved": True,
            "amount": 120,
            "audit": {"entry": "o-1:approved"},
        },
        "fulfilment": {"trackingId": "TRK-9"},
    }
    (row,) = rows(db_path, "SELECT context FROM journeys WHERE id = ?", journey_id)
    context = json.loads(row[0])
    # the subjourney's own context never leaks into the parent: only its resultVar
    assert "payload" not in context and "audit" not in context
    assert context["approval"]["approved"] is True
    assert "call" not in _runtime(db_path, journey_id)


def test_a_step_not_open_is_refused_and_a_rejection_fails_the_parent(
    package: str, db_path: str, live: Callable[..., LiveServer]
) -> None:
    server = server_module(package)
    generated = importlib.import_module(package)
    models = importlib.import_module(f"{package}.models")
    settings = server.Settings(store_path=db_path, timer_scale=0.3 / HOUR)
    app = live(server.create_app(server.FakeHandlers(), settings=settings), "on")
    with generated.DslSubjourneyPauseClient(app.url) as client:
        status = client.start(models.DslSubjourneyPauseInput(orderId="o-2", amount=5))
        journey_id = status.journey_id
        # the shipping subjourney's webhook is not open while the approval waits
        with pytest.raises(generated.Conflict) as refused:
            client.carrier_callback(
                journey_id, models.CarrierCallbackInput(trackingId="TRK-1")
            )
        assert refused.value.problem is not None
        assert "askManager" in (refused.value.problem.detail or "")
        assert client.get_status(journey_id).current_state == "askManager"
        # the manager's rejection goes through the timer and the nested audit, returns
        # into the parent's resultVar, and the parent's choice fails the journey
        client.ask_manager(journey_id, models.AskManagerInput(approved=False))
        outcome = wait_for(
            lambda: client.with_raw_response.get_status(journey_id).value,
            lambda s: s.phase != "Running",
        )
        assert outcome.phase == "Failed"
        result = client.get_result(journey_id)
    assert result.error is not None and result.error.code == "NOT_APPROVED"
    (row,) = rows(db_path, "SELECT context FROM journeys WHERE id = ?", journey_id)
    assert json.loads(row[0])["approval"] == {
        "approved": False,
        "amount": 5,
        "audit": {"entry": "o-2:rejected"},
    }


def test_run_journey_posts_the_inputs_of_subjourney_steps(
    package: str, db_path: str, live: Callable[..., LiveServer]
) -> None:
    """The generated client's run_<journey>() takes an input for each subjourney step and
    posts it when the status links the step: the manager's answer inside `approval`, the
    carrier's webhook inside the `ship` branch's `shipping` call."""
    server = server_module(package)
    generated = importlib.import_module(package)
    models = importlib.import_module(f"{package}.models")
    settings = server.Settings(store_path=db_path, timer_scale=0.3 / HOUR)
    app = live(server.create_app(server.FakeHandlers(), settings=settings), "on")
    with generated.DslSubjourneyPauseClient(app.url) as client:
        outcome = client.run_dsl_subjourney_pause(
            models.DslSubjourneyPauseInput(orderId="o-3", amount=7),
            ask_manager=models.AskManagerInput(approved=True),
            carrier_callback=models.CarrierCallbackInput(trackingId="TRK-3"),
            timeout=20,
            poll=generated.PollSchedule(initial=0.02, max_interval=0.1),
        )
    assert outcome.phase == "SUCCEEDED", outcome
    assert outcome.output == {
        "approval": {"approved": True, "amount": 7, "audit": {"entry": "o-3:approved"}},
        "fulfilment": {"trackingId": "TRK-3"},
    }


def test_a_subjourney_step_missing_from_the_contract_is_served_and_validated(
    tmp_path: Path,
) -> None:
    """The linker links a subjourney's webhook like a top-level one: without an endpoint in
    the OpenAPI document it is a located warning, the server still serves it, and its
    payload is validated by the state's own input schema."""
    root = tmp_path / "journeys"
    shutil.copytree(JOURNEYS, root)
    case = root / "examples" / "technical" / NAME
    contract = case / f"{NAME}.openapi.yaml"
    document = yaml.safe_load(contract.read_text())
    del document["paths"]["/journeys/{journeyId}/steps/carrierCallback"]
    contract.write_text(yaml.safe_dump(document, sort_keys=False))
    result = generate(case, root=root, formatter=Formatter())
    # the contract check says the journey derives the step; the linker says where it is
    derived, linked = sorted(
        (w for w in result.warnings if "carrierCallback" in w.message),
        key=lambda w: w.location.line,
    )
    assert (
        "derives `POST /journeys/{journeyId}/steps/carrierCallback`" in derived.message
    )
    assert linked.message == (
        "webhook state 'carrierCallback' has no step endpoint in the OpenAPI document; "
        "the server serves it at .../steps/carrierCallback"
    )
    assert linked.location.line == 174  # the webhook state inside subjourney shipping
    engine = result.files[f"{result.package}/{result.package}/engine.py"]
    served = engine[engine.index('"carrierCallback": ExternalInput(') :]
    assert "input_model=models.CarrierCallbackInput," in served[:400]


BINDINGS = """\
apiVersion: journeygen.dev/v1
kind: WebhookBindings
journey: dsl-subjourney-bound
bindings:
  - provider: carrier
    route: /webhooks/carrier
    payload: generic
    eventId: id
    correlation:
      field: order
      journeyInput: orderId
    target:
      step: carrierCallback
    rules:
      - when: { status: shipped }
        action: deliver
        outcome: shipped
        payload:
          trackingId: $.tracking
"""


def test_a_provider_webhook_binding_drives_a_subjourney_step(
    tmp_path: Path, db_path: str, live: Callable[..., LiveServer]
) -> None:
    """A webhook binding (`*.bindings.yaml`) may target a webhook inside a subjourney: the
    provider's event, correlated by the journey's orderId, is delivered to the call waiting
    in the `ship` branch and the journey ends."""
    root = tmp_path / "journeys"
    shutil.copytree(JOURNEYS, root)
    old = root / "examples" / "technical" / NAME
    case = old.with_name("dsl-subjourney-bound")
    case.mkdir()
    journey = case / "dsl-subjourney-bound.journey.yaml"
    text = (old / f"{NAME}.journey.yaml").read_text()
    journey.write_text(text.replace(f"name: {NAME}", "name: dsl-subjourney-bound"))
    shutil.rmtree(old)
    for file_name, document in export_journey(journey, root=root).files.items():
        (case / file_name).write_text(document)
    (case / "dsl-subjourney-bound.bindings.yaml").write_text(BINDINGS)
    package = generate_case("dsl-subjourney-bound", tmp_path / "out", root=root)
    server = server_module(package)
    generated = importlib.import_module(package)
    models = importlib.import_module(f"{package}.models")
    settings = server.Settings(store_path=db_path, timer_scale=0.3 / HOUR)
    app = live(server.create_app(server.FakeHandlers(), settings=settings), "on")
    with generated.DslSubjourneyBoundClient(app.url) as client:
        journey_id = client.start(
            models.DslSubjourneyBoundInput(orderId="o-5", amount=9)
        ).journey_id
        client.ask_manager(journey_id, models.AskManagerInput(approved=True))
        wait_for(
            lambda: client.get_status(journey_id),
            lambda s: s.current_state == "carrierCallback",
        )
        event = {"id": "e-1", "order": "o-5", "status": "shipped", "tracking": "T-5"}
        delivered = httpx.post(f"{app.url}/webhooks/carrier", json=event)
        assert delivered.status_code == 200, delivered.text
        assert delivered.json()["status"] == "processed"
        outcome = client.get_result(journey_id)
    assert outcome.phase == "SUCCEEDED"
    assert outcome.output["fulfilment"] == {"trackingId": "T-5"}
