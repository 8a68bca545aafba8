"""Journey lifecycle and HTTP surface over real HTTP (uvicorn on 127.0.0.1, SQLite file) with
the generated client. Journey folders tests/server/journeys/examples/technical/engine-lifecycle
and engine-lifecycle-closed. Reference sections covered:

- DSL §2.7 `spec.lifecycle.cancellable` and the canonical cancel step, called through the
  generated client's typed `cancel()` (sync and async; also as a trigger of
  `spec.compensation`, §2.5, with `terminationKind: Cancel`);
- DSL §2.6 `spec.httpSurface.links` (`_links` on start, status and outcome; opt-out);
- DSL §2.8 `metadata.tags`, `spec.metadata.bindings` tags and attributes on JourneyStatus;
- DSL §11 `spec.output.response` projected into the top level of JourneyOutcome.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.engine import API, generate_case, rows, server_module
from tests.support.live import LiveServer


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("lifecycle")
    names = ("engine-lifecycle", "engine-lifecycle-closed")
    return {n: generate_case(n, out) for n in names}


def _serve(
    package: str, tmp_path: Path, live: Callable[..., LiveServer]
) -> tuple[Any, Any, str, str]:
    server = server_module(package)
    db = str(tmp_path / "journeys.db")
    app = live(
        server.create_app(
            server.FakeHandlers(), settings=server.Settings(store_path=db)
        )
    )
    client = importlib.import_module(f"{package}.client")
    models = importlib.import_module(f"{package}.models")
    return client, models, app.url, db


HEADERS = {
    "X-Journey-Tag": "vip",
    "X-Tenant-Id": "t-9",
    "baggage": "journey_tag=beta;prop=1, correlation_id=c%2D42",
}
START = {"channel": "web", "order": {"id": "o-1", "amount": 12.5}}


def test_status_carries_links_tags_and_attributes(
    packages: dict[str, str], tmp_path: Path, live: Callable[..., LiveServer]
) -> None:
    client, models, url, _ = _serve(packages["engine-lifecycle"], tmp_path, live)
    with client.EngineLifecycleClient(url, headers=HEADERS) as api:
        started = api.start(models.EngineLifecycleInput.model_validate(START))
        journey_id = started.journey_id
        status = api.get_status(journey_id).model_dump(by_alias=True, mode="json")
    here = f"{API}/journeys/{journey_id}"
    assert status["_links"] == {
        "self": {"href": here, "method": "GET"},
        "result": {"href": f"{here}/result", "method": "GET"},
        "cancel": {"href": f"{here}/steps/cancel", "method": "POST"},
        "approve": {"href": f"{here}/steps/approve", "method": "POST"},
    }
    # definition tags, then payload, header and baggage tag bindings
    assert status["tags"] == ["self-service", "orders", "web", "vip", "beta"]
    assert status["attributes"] == {
        "orderId": "o-1",
        "amount": "12.5",
        "tenantId": "t-9",
        "correlationId": "c-42",
    }


def test_outcome_projects_output_response_and_links_only_self(
    packages: dict[str, str], tmp_path: Path, live: Callable[..., LiveServer]
) -> None:
    client, models, url, _ = _serve(packages["engine-lifecycle"], tmp_path, live)
    with client.EngineLifecycleClient(url) as api:
        journey_id = api.start(
            models.EngineLifecycleInput.model_validate(START)
        ).journey_id
        after = api.approve(journey_id, {"approved": True})
        assert "cancel" not in (after.model_dump(by_alias=True).get("_links") or {})
        outcome = api.get_result(journey_id).model_dump(
            by_alias=True, mode="json", exclude_none=True
        )
        status = api.get_status(journey_id).model_dump(by_alias=True, mode="json")
    assert outcome["phase"] == "SUCCEEDED"
    assert outcome["output"] == {"status": "APPROVED", "orderId": "o-1"}
    # projected fields at the top level; reserved names (status, journeyId) never overridden
    assert outcome["orderRef"] == "ref-o-1" and outcome["approvedBy"] == "desk"
    assert outcome["status"] == "APPROVED" and outcome["journeyId"] == journey_id
    assert outcome["_links"] == {
        "self": {"href": f"{API}/journeys/{journey_id}/result", "method": "GET"}
    }
    assert set(status["_links"]) == {"self", "result"}  # terminal: no cancel, no steps


def test_cancel_fails_the_run_and_compensates_once(
    packages: dict[str, str], tmp_path: Path, live: Callable[..., LiveServer]
) -> None:
    client, models, url, db = _serve(packages["engine-lifecycle"], tmp_path, live)
    package = importlib.import_module(packages["engine-lifecycle"])
    with client.EngineLifecycleClient(url) as api:
        journey_id = api.start(
            models.EngineLifecycleInput.model_validate(START)
        ).journey_id
        assert api.get_status(journey_id).phase.upper() == "RUNNING"
        # the typed cancel() of the contract's cancel step (spec.lifecycle.cancellable: true)
        first = api.cancel(journey_id)
        assert isinstance(first, models.JourneyStatus)
        assert first.phase.upper() == "FAILED" and first.journey_id == journey_id
        outcome = api.get_result(journey_id)
        assert outcome.error.code == "JOURNEY_CANCELLED"
        assert outcome.error.reason == "Cancelled by user"
        again = api.cancel(journey_id)  # idempotent (DSL §2.6): nothing changes, 200
        assert again.phase.upper() == "FAILED"
        assert again.current_state == first.current_state
        assert api.get_result(journey_id).model_dump() == outcome.model_dump()
        with pytest.raises(package.ApiError) as refused:  # no more steps
            api.approve(journey_id, {"approved": True})
        assert refused.value.status == 409
        with pytest.raises(package.ApiError) as unknown:
            api.cancel("no-such-journey")
        assert unknown.value.status == 404
    (row,) = rows(db, "SELECT runtime FROM journeys WHERE id = ?", journey_id)
    compensation = json.loads(row[0])["compensation"]
    assert compensation["phase"] == "SUCCEEDED" and compensation["state"] == "undone"
    assert compensation["outcome"]["terminationKind"] == "Cancel"
    assert compensation["outcome"]["error"]["code"] == "JOURNEY_CANCELLED"


def test_the_async_client_cancels_too(
    packages: dict[str, str], tmp_path: Path, live: Callable[..., LiveServer]
) -> None:
    import asyncio

    client, models, url, _ = _serve(packages["engine-lifecycle"], tmp_path, live)

    async def scenario() -> tuple[Any, Any]:
        async with client.AsyncEngineLifecycleClient(url) as api:
            started = await api.start(models.EngineLifecycleInput.model_validate(START))
            cancelled = await api.cancel(started.journey_id)
            return cancelled, await api.get_result(started.journey_id)

    cancelled, outcome = asyncio.run(scenario())
    assert cancelled.phase.upper() == "FAILED"
    assert "cancel" not in (cancelled.model_dump(by_alias=True).get("_links") or {})
    assert outcome.error.code == "JOURNEY_CANCELLED"


def test_not_cancellable_and_links_disabled(
    packages: dict[str, str], tmp_path: Path, live: Callable[..., LiveServer]
) -> None:
    package = packages["engine-lifecycle-closed"]
    client, models, url, _ = _serve(package, tmp_path, live)
    with client.EngineLifecycleClosedClient(url) as api:
        journey_id = api.start(models.EngineLifecycleClosedInput()).journey_id
        status = api.get_status(journey_id).model_dump(by_alias=True, exclude_none=True)
    with httpx.Client(base_url=url) as http:
        assert "_links" not in http.get(f"{API}/journeys/{journey_id}").json()
        refused = http.post(f"{API}/journeys/{journey_id}/steps/cancel")
        assert refused.status_code == 404  # no cancel step: cancellable is false
        after = http.get(f"{API}/journeys/{journey_id}").json()
    assert after["phase"] == status["phase"] and after["currentState"] == "approve"


def test_metadata_beyond_limits_refuses_the_start(
    packages: dict[str, str], tmp_path: Path, live: Callable[..., LiveServer]
) -> None:
    """DSL §21: a derived tag over instanceTags.maxLength (40) or an attribute value over
    attributes.maxValueLength (256) refuses the start with a 400 problem naming it; no
    journey is stored."""
    client, models, url, db = _serve(packages["engine-lifecycle"], tmp_path, live)
    errors = importlib.import_module(
        f"{packages['engine-lifecycle']}._runtime.client.errors"
    )
    body = models.EngineLifecycleInput.model_validate(START)
    long_tag = {**HEADERS, "X-Journey-Tag": "t" * 41}
    with (
        client.EngineLifecycleClient(url, headers=long_tag) as api,
        pytest.raises(errors.BadRequest) as refused,
    ):
        api.start(body)
    problem = refused.value.problem
    assert problem.type == "urn:journeygen:problem:metadata-limit"
    assert "41 characters (instanceTags.maxLength 40)" in (problem.detail or "")
    long_value = {**HEADERS, "X-Tenant-Id": "v" * 257}
    with client.EngineLifecycleClient(url, headers=long_value) as api:
        with pytest.raises(errors.BadRequest) as refused:
            api.start(body)
        assert refused.value.problem.extensions["violations"] == [
            "attribute 'tenantId' is 257 characters (attributes.maxValueLength 256)"
        ]
    at_limit = {**HEADERS, "X-Journey-Tag": "t" * 40, "X-Tenant-Id": "v" * 256}
    with client.EngineLifecycleClient(url, headers=at_limit) as api:
        journey_id = api.start(body).journey_id
        status = api.get_status(journey_id).model_dump(by_alias=True, mode="json")
    assert "t" * 40 in status["tags"] and status["attributes"]["tenantId"] == "v" * 256
    assert len(rows(db, "SELECT id FROM journeys")) == 1
