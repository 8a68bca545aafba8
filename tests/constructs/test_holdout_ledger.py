"""A journey nobody here wrote, combining constructs where the DSL reference allows them and the
corpus does not: `${...}` in an httpCall's path, query and header params (DSL §4, §5.1), a
choice on the call's error result (§5.1 "HTTP outcomes do not terminate execution; you must
branch explicitly": `error.type == "TIMEOUT"`, a 5xx status), a subjourney (§5.8) that sleeps on
a timer whose `until` is a mapper (§12.3, written as the prose words it: `lang` + `expr` with no
`mapper:` key, a located warning and read as the mapper) and then waits for input, a nested
`spec.output.response` projection (§11) and a user cancellation while the subjourney sleeps
(§2.7). Driven over real HTTP with the generated client against a live ledger on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.constructs.support import generate
from tests.support.engine import API, server_module, wait_for
from tests.support.live import LiveServer

NAME = "holdout-ledger"
PAST = "2020-01-01T00:00:00Z"


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> str:
    return generate(NAME, tmp_path_factory.mktemp("ledger"))


def ledger(seen: list[dict[str, Any]]) -> Starlette:
    """`slow` hangs past the task's 400 ms, `down` answers 503, `big-*` holds 500."""

    async def balance(request: Request) -> Response:
        account = request.path_params["account"]
        seen.append(
            {
                "path": request.url.path,
                "query": dict(request.query_params),
                "tenant": request.headers.get("x-tenant"),
            }
        )
        if account == "slow":
            await asyncio.sleep(1.5)
        if account == "down":
            return JSONResponse({"down": True}, status_code=503)
        amount = 500 if account.startswith("big") else 5
        currency = request.query_params.get("currency")
        return JSONResponse({"amount": amount, "currency": currency})

    return Starlette(routes=[Route("/accounts/{account}/balance", balance)])


@pytest.fixture
def served(
    package: str, db_path: str, live: Callable[..., LiveServer]
) -> tuple[Any, Any, list[dict[str, Any]], str]:
    seen: list[dict[str, Any]] = []
    downstream = live(ledger(seen))
    server = server_module(package)
    settings = server.Settings(
        store_path=db_path, api_base_urls={"ledger": downstream.url}
    )
    app = live(server.create_app(settings=settings), lifespan="on")
    client = importlib.import_module(f"{package}.client")
    models = importlib.import_module(f"{package}.models")
    return client.HoldoutLedgerClient(app.url), models, seen, app.url


def start(api: Any, models: Any, account: str, not_before: str = PAST) -> Any:
    body = {
        "accountId": account,
        "tenant": "acme",
        "currency": "EUR",
        "notBefore": not_before,
    }
    return api.start(models.HoldoutLedgerInput.model_validate(body))


def test_interpolated_params_reach_the_ledger_and_error_results_are_branched_on(
    served: tuple[Any, Any, list[dict[str, Any]], str],
) -> None:
    api, models, seen, _ = served
    with api:
        outcomes = {}
        for account in ("slow", "down", "small-1"):
            journey = start(api, models, account).journey_id
            outcomes[account] = api.get_result(journey)
    assert seen == [
        {
            "path": f"/accounts/{account}/balance",
            "query": {"currency": "EUR"},
            "tenant": "tenant-acme",
        }
        for account in ("slow", "down", "small-1")
    ]
    failed = {a: (o.phase.value, o.error.code) for a, o in outcomes.items() if o.error}
    assert failed == {
        "slow": ("FAILED", "LEDGER_TIMEOUT"),
        "down": ("FAILED", "LEDGER_DOWN"),
    }
    small = outcomes["small-1"]
    assert (small.phase.value, small.status) == ("SUCCEEDED", "SMALL")


def test_a_subjourney_sleeps_until_a_computed_instant_then_waits_and_projects(
    served: tuple[Any, Any, list[dict[str, Any]], str],
) -> None:
    api, models, _, url = served
    soon = (datetime.now(UTC) + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    with api:
        journey = start(api, models, "big-1", soon).journey_id
        assert api.get_status(journey).current_state == "sleep"
        # the timer fires at `until` and the subjourney waits for its input
        wait_for(lambda: api.get_status(journey).current_state, lambda s: s == "ask")
        api.ask(journey, models.AskInput(by="ops-1"))
        outcome = api.get_result(journey)
    assert (outcome.phase.value, outcome.status) == ("SUCCEEDED", "APPROVED")
    raw = httpx.get(f"{url}{API}/journeys/{journey}/result").json()
    summary = {"amount": 500.0, "approvedBy": "ops-1"}
    assert raw["output"] == {"status": "APPROVED", "summary": summary}
    assert raw["summary"] == summary  # spec.output.response: projected, nested


def test_cancelling_while_the_subjourney_sleeps_ends_the_run_and_its_steps(
    served: tuple[Any, Any, list[dict[str, Any]], str],
) -> None:
    api, models, _, url = served
    with api:
        journey = start(api, models, "big-2", "2099-01-01T00:00:00Z").journey_id
        assert api.get_status(journey).current_state == "sleep"
        cancelled = httpx.post(f"{url}{API}/journeys/{journey}/steps/cancel", json={})
        assert cancelled.status_code == 200, cancelled.text
        outcome = api.get_result(journey)
        late = httpx.post(f"{url}{API}/journeys/{journey}/steps/ask", json={"by": "x"})
    assert outcome.phase.value == "FAILED"
    assert (outcome.error.code, outcome.error.reason) == (
        "JOURNEY_CANCELLED",
        "Cancelled by user",
    )
    assert late.status_code == 409
