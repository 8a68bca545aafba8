"""wait and webhook states inside `spec.compensation` (DSL §2.5 with §12.1, §12.2, §16).

The journey `dsl-compensation-input` fails at once; its async compensation starts after the
outcome is returned and waits for an operator (`approveRefund`, a wait), then inside a
parallel branch for the provider's confirmation (`refundConfirmed`, a webhook). Their step
endpoints answer while the compensation waits, the journey's status says the compensation is
in progress and links the open step, and a restart of the server while it waits loses
nothing. The journey's own outcome never changes. Driven with the generated client over real
HTTP on 127.0.0.1, on a SQLite file and on PostgreSQL.
"""

from __future__ import annotations

import importlib
import inspect
import json
from collections.abc import Callable
from typing import Any

import pytest

from generator.export import export_journey
from tests.constructs.support import JOURNEYS
from tests.constructs.support import generate as generate_journey
from tests.support.engine import rows, server_module, wait_for
from tests.support.live import LiveServer

NAME = "dsl-compensation-input"


@pytest.fixture
def db_path(store_target: str) -> str:
    """The store every test here runs on: a SQLite file, then a PostgreSQL database."""
    return store_target


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> str:
    return generate_journey(NAME, tmp_path_factory.mktemp("compensation-input"))


def _compensation(db_path: str, journey_id: str) -> dict[str, Any]:
    (row,) = rows(db_path, "SELECT runtime FROM journeys WHERE id = ?", journey_id)
    found: dict[str, Any] = json.loads(row[0])["compensation"]
    return found


def _status(client: Any, journey_id: str) -> dict[str, Any]:
    """The JourneyStatus document as served (its `compensation` extension included)."""
    data: dict[str, Any] = client.with_raw_response.get_status(journey_id).data
    return data


def test_compensation_waits_for_an_operator_and_a_webhook_across_a_restart(
    package: str, db_path: str, live: Callable[..., LiveServer]
) -> None:
    server = server_module(package)
    generated = importlib.import_module(package)
    models = importlib.import_module(f"{package}.models")
    client_class = generated.DslCompensationInputClient

    first = live(server.create_app(server.FakeHandlers(), settings=server.Settings(
        store_path=db_path)), "on")  # fmt: skip
    with client_class(first.url) as client:
        started = client.with_raw_response.start(
            models.DslCompensationInputInput(paymentId="p-1")
        ).data
        journey_id = started["journeyId"]
        assert started["phase"] in ("FAILED", "Failed")  # the caller's answer at once
        waiting = wait_for(
            lambda: _status(client, journey_id),
            lambda s: s.get("compensation", {}).get("status") == "running",
        )
        assert waiting["phase"] == "Failed"
        assert waiting["compensation"] == {
            "status": "running",
            "currentState": "approveRefund",
        }
        assert waiting["_links"]["approveRefund"]["href"].endswith(
            "/steps/approveRefund"
        )
        # the webhook of the refund branch is not open yet
        with pytest.raises(generated.Conflict):
            client.refund_confirmed(
                journey_id, models.RefundConfirmedInput(refundId="r-0")
            )
    assert _compensation(db_path, journey_id)["thread"]["state"] == "approveRefund"
    first.stop()

    # After a restart the operator's answer resumes the compensation, which pauses again
    # at the provider's webhook inside its parallel branch.
    fake = server.FakeHandlers()
    second = live(server.create_app(fake, settings=server.Settings(
        store_path=db_path)), "on")  # fmt: skip
    with client_class(second.url) as client:
        answered = client.with_raw_response.approve_refund(
            journey_id, models.ApproveRefundInput(approved=True)
        ).data
        assert answered["phase"] == "Failed"
        assert answered["compensation"] == {
            "status": "running",
            "currentState": "refundConfirmed",
        }
        assert "approveRefund" not in answered["_links"]
        assert "refundConfirmed" in answered["_links"]
        stored = _compensation(db_path, journey_id)["thread"]
        assert stored["state"] == "refund"
        assert stored["branches"]["provider"]["state"] == "refundConfirmed"
        assert stored["branches"]["audit"]["status"] == "Succeeded"
        # a second answer to the operator's step is refused: it is no longer waiting
        with pytest.raises(generated.Conflict):
            client.approve_refund(journey_id, models.ApproveRefundInput(approved=True))
        assert fake.calls_to("announce") == []

        confirmed = client.with_raw_response.refund_confirmed(
            journey_id, models.RefundConfirmedInput(refundId="r-9")
        ).data
        assert "compensation" not in confirmed
        assert set(confirmed["_links"]) == {"self", "result"}
        outcome = client.get_result(journey_id)
    done = _compensation(db_path, journey_id)
    assert (done["status"], done["phase"], done["state"]) == (
        "done",
        "SUCCEEDED",
        "refunded",
    )
    (announce,) = fake.calls_to("announce")
    assert announce.value == {"paymentId": "p-1", "refundId": "r-9", "cause": "Fail"}
    # the run's own outcome never changed
    assert outcome.phase == "FAILED"
    assert outcome.error is not None and outcome.error.code == "CHARGE_FAILED"


def test_a_declined_refund_ends_the_compensation_failed(
    package: str, db_path: str, live: Callable[..., LiveServer]
) -> None:
    server = server_module(package)
    generated = importlib.import_module(package)
    models = importlib.import_module(f"{package}.models")
    fake = server.FakeHandlers()
    app = live(server.create_app(fake, settings=server.Settings(
        store_path=db_path)), "on")  # fmt: skip
    with generated.DslCompensationInputClient(app.url) as client:
        journey_id = client.with_raw_response.start(
            models.DslCompensationInputInput(paymentId="p-2")
        ).data["journeyId"]
        wait_for(
            lambda: _status(client, journey_id),
            lambda s: "approveRefund" in s.get("_links", {}),
        )
        client.approve_refund(journey_id, models.ApproveRefundInput(approved=False))
    done = _compensation(db_path, journey_id)
    assert (done["status"], done["phase"], done["state"]) == (
        "done",
        "FAILED",
        "declined",
    )
    assert done["error"]["code"] == "REFUND_DECLINED"
    assert fake.calls_to("announce") == []


def test_the_contract_has_the_compensation_steps_and_the_workflow_does_not(
    package: str,
) -> None:
    """The exported OpenAPI serves every wait/webhook of spec.compensation at
    `/steps/<state>` (the generated client has a method each); the happy-path Arazzo
    workflow and run_<journey>() (the caller's: start, its own waits, the result) leave
    them out, since they come after the outcome they return."""
    generated = importlib.import_module(package)
    client_class = generated.DslCompensationInputClient
    assert callable(client_class.approve_refund)
    assert callable(client_class.refund_confirmed)
    run = inspect.signature(client_class.run_dsl_compensation_input).parameters
    assert not {"approve_refund", "refund_confirmed"} & set(run)
    journey = JOURNEYS / "examples" / "technical" / NAME / f"{NAME}.journey.yaml"
    exported = export_journey(journey, root=JOURNEYS)
    paths = exported.openapi["paths"]
    assert {"/journeys/{journeyId}/steps/approveRefund", "/journeys/{journeyId}/steps/refundConfirmed"} <= set(paths)  # fmt: skip
    assert exported.arazzo is not None
    (workflow,) = exported.arazzo["workflows"]
    assert [s["stepId"] for s in workflow["steps"]] == [
        "startJourney",
        "getStatus",
        "getResult",
    ]
    # the documents of the construct folder are this export, as written
    folder = journey.parent
    for file_name, text in exported.files.items():
        assert (folder / file_name).read_text() == text, file_name
