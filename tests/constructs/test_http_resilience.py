"""`spec.policies.httpResilience`, `resiliencePolicyRef` and `spec.defaults.tasks` (DSL §13,
§2.3) on a live server whose httpCalls go to a real downstream on 127.0.0.1.

`dsl-http-resilience` calls `/flaky` under the default policy (spec.defaults.tasks: standard,
3 attempts on NETWORK_ERROR and HTTP_5XX) and `/fragile` under `fragile` (one attempt, a
circuit breaker opening when both of the last 2 calls failed).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.constructs.support import generate as generate_journey
from tests.support.engine import API, server_module
from tests.support.live import LiveServer

NAME = "dsl-http-resilience"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return server_module(generate_journey(NAME, tmp_path_factory.mktemp("resilience")))


def downstream(hits: dict[str, int]) -> Starlette:
    """/flaky: hangs past the task's 500 ms timeout, then 503, then 200 from then on;
    /fragile: always 503."""

    async def flaky(request: Request) -> Response:
        hits["flaky"] += 1
        if hits["flaky"] == 1:
            await asyncio.sleep(1.5)
        if hits["flaky"] <= 2:
            return JSONResponse({"busy": True}, status_code=503)
        return JSONResponse({"ok": True})

    async def fragile(request: Request) -> Response:
        hits["fragile"] += 1
        return JSONResponse({"down": True}, status_code=503)

    return Starlette(routes=[Route("/flaky", flaky), Route("/fragile", fragile)])


def test_retries_follow_the_policy_and_an_open_circuit_stops_calls(
    server: Any, db_path: str, live: Callable[..., LiveServer]
) -> None:
    hits = {"flaky": 0, "fragile": 0}
    api = live(downstream(hits))
    settings = server.Settings(store_path=db_path, api_base_urls={"outbound": api.url})
    app = live(server.create_app(settings=settings))
    outputs = []
    with httpx.Client(base_url=app.url, timeout=30) as client:
        for _ in range(3):
            started = client.post(f"{API}/journeys/{NAME}/start", json={"id": "o-1"})
            assert started.status_code == 200, started.text
            assert started.json()["phase"] == "SUCCEEDED", started.text
            outputs.append(started.json()["output"])
    assert outputs == [
        # a timeout, a 503, then 200: 3 attempts under spec.defaults.tasks' policy
        {"flaky": 200, "fragile": 503, "error": None},
        # both of the last 2 calls to /fragile failed: the circuit opens
        {"flaky": 200, "fragile": 503, "error": None},
        # open: the call is not sent, the task's result says why
        {"flaky": 200, "fragile": None, "error": "CIRCUIT_OPEN"},
    ]
    assert hits == {"flaky": 5, "fragile": 2}
