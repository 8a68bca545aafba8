"""One linker decides which step endpoint and guard belong to each external-input state, at the
top level and in parallel branches; the client and the server read its answer from the IR.
"""

from __future__ import annotations

from pathlib import Path

from generator.build import build
from generator.build.links import Waiting, link
from generator.diagnostics import Location
from generator.discover import find_case
from generator.inputs import load_case
from generator.ir import Body, Operation
from generator.load import Workspace
from generator.schema.journey.states import WaitState
from tests.support.paths import CORPUS

B2B = CORPUS / "examples" / "business" / "b2b-purchase-order"


def _op(endpoint: str, model: str | None = None) -> Operation:
    body = Body("application/json", model or "Any", model, True) if model else None
    return Operation(
        operation_id=endpoint, method_name=endpoint, http_method="POST",
        path=f"/journeys/{{journeyId}}/steps/{endpoint}",
        server_path=f"/api/v1/journeys/{{journeyId}}/steps/{endpoint}", params=(),
        body=body, responses=(), summary=None, description=None, kind="step",
        source="Api", location=Location("t.yaml"), step_state=endpoint,
    )  # fmt: skip


def _waiting(name: str, branch: bool = False) -> Waiting:
    body = WaitState.model_validate({"type": "wait", "next": "done"})
    return Waiting(name, f"/spec/states/{name}", body, {}, branch)


def _linked(
    states: list[Waiting], ops: list[Operation], models: dict[str, str]
) -> dict[str, str]:
    found = link(states, ops, models)
    return {
        s.name: found[s.pointer].step_state or "" for s in states if s.pointer in found
    }


def test_the_endpoint_named_after_a_state_wins_over_words_and_models() -> None:
    states = [_waiting("waitForApproval", branch=True), _waiting("approval")]
    ops = [_op("approval", "ApprovalInput"), _op("approveIt", "ApprovalInput")]
    linked = _linked(states, ops, {"waitForApproval": "ApprovalInput"})
    assert linked == {"approval": "approval", "waitForApproval": "approveIt"}


def test_a_business_name_is_linked_by_model_then_by_shared_words() -> None:
    states = [_waiting("waitForLevel1Approval"), _waiting("waitForLevel3Approval")]
    ops = [_op("approveLevel1", "Approval"), _op("approveLevel3", "Approval")]
    models = {"waitForLevel1Approval": "Approval", "waitForLevel3Approval": "Approval"}
    assert _linked(states, ops, models) == {
        "waitForLevel1Approval": "approveLevel1",
        "waitForLevel3Approval": "approveLevel3",
    }


def test_a_tie_links_nothing() -> None:
    states = [_waiting("waitForReview", branch=True)]
    ops = [_op("reviewA"), _op("reviewB")]
    assert _linked(states, ops, {}) == {}


def test_branch_states_are_linked_in_the_ir_and_both_parts_read_it() -> None:
    bundle = build(load_case(find_case(B2B), Workspace(CORPUS)))
    journey = bundle.journey
    assert journey is not None and bundle.server is not None
    top = {
        s.state: s.operation.step_state for s in journey.external_steps if s.operation
    }
    branch = {
        s.state: s.operation.step_state for s in journey.branch_steps if s.operation
    }
    assert top == {
        "waitForLevel1Approval": "approveLevel1",
        "waitForLevel3Approval": "approveLevel3",
    }
    assert branch == {
        "waitForDepartmentApproval": "approveLevel2Department",
        "waitForFinanceApproval": "approveLevel2Finance",
    }
    # the server routes each state's input from the endpoint the linker chose
    routes = {i.state: i.route for i in bundle.server.ir.inputs}
    assert routes == {**top, **branch}
    # and the client knows which state each endpoint posts to
    by_endpoint = {o.step_state: journey.state_posted_by(o) for o in bundle.operations}
    assert by_endpoint["approveLevel2Finance"] == "waitForFinanceApproval"
    assert Path(journey.location.path).name == "b2b-purchase-order.journey.yaml"
