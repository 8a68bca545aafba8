"""A resilience policy's `bulkhead` (DSL §13: "concurrency limit per policy") on a live server
whose httpCalls go to a real, slow downstream on 127.0.0.1, driven with the generated client.

`dsl-http-bulkhead` calls `/slow/{id}` under the policy `guarded` (`maxConcurrent: 2`,
`queueSize: 1`). Five journeys start at once while the downstream holds every call it gets:
two calls are in flight, one waits for a slot, and the other two are refused unsent, which their
task result and its errorMapping show as `BULKHEAD_FULL`; once the downstream answers, the
queued call is sent, and later calls get slots again.
"""

from __future__ import annotations

import asyncio
import importlib
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.constructs.support import generate
from tests.support.engine import server_module, wait_for
from tests.support.live import LiveServer

NAME = "dsl-http-bulkhead"


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> str:
    return generate(NAME, tmp_path_factory.mktemp("bulkhead"))


class Slow:
    """A downstream that holds every call until `release` is set; counts what it got."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.seen: list[str] = []
        self.in_flight = 0
        self.peak = 0

    def app(self) -> Starlette:
        async def slow(request: Request) -> Response:
            with self.lock:
                self.seen.append(request.path_params["id"])
                self.in_flight += 1
                self.peak = max(self.peak, self.in_flight)
            try:
                while not self.release.is_set():
                    await asyncio.sleep(0.01)
            finally:
                with self.lock:
                    self.in_flight -= 1
            return JSONResponse({"id": request.path_params["id"]})

        return Starlette(routes=[Route("/slow/{id}", slow)])


def test_the_bulkhead_holds_two_in_flight_queues_one_and_refuses_the_rest(
    package: str, db_path: str, live: Callable[..., LiveServer]
) -> None:
    slow = Slow()
    downstream = live(slow.app())
    server = server_module(package)
    settings = server.Settings(
        store_path=db_path, api_base_urls={"slow": downstream.url}
    )
    app = live(server.create_app(settings=settings))
    client = importlib.import_module(f"{package}.client")
    models = importlib.import_module(f"{package}.models")

    def run(journey: str) -> dict[str, Any]:
        with client.DslHttpBulkheadClient(app.url, timeout=60) as opened:
            outcome = opened.start(models.DslHttpBulkheadInput(id=journey))
        assert outcome.phase == "SUCCEEDED", outcome.error
        output: dict[str, Any] = outcome.output
        return output

    with ThreadPoolExecutor(max_workers=5) as pool:
        started = [pool.submit(run, f"j{n}") for n in range(1, 6)]
        try:
            # two calls reach the downstream and two journeys end at once, refused
            wait_for(
                lambda: (len(slow.seen), sum(f.done() for f in started)),
                lambda found: found == (2, 2),
            )
            assert slow.in_flight == 2
        finally:
            slow.release.set()
        outputs = [f.result() for f in started]
    sent = sorted(o["id"] for o in outputs if o["status"] == 200)
    refused = [o for o in outputs if o["status"] != 200]
    assert sorted(slow.seen) == sent and len(sent) == 3
    assert slow.peak == 2
    assert [(o["status"], o["problem"]) for o in refused] == [
        # no answer arrived: the result has no status (DSL §5.1), `default` takes over
        ("none", {"kind": "BULKHEAD_FULL", "sent": False}),
        ("none", {"kind": "BULKHEAD_FULL", "sent": False}),
    ]
    assert all(o["problem"] is None for o in outputs if o["status"] == 200)
    # the slots are free again: the next call is sent
    assert run("j6") == {"id": "j6", "status": 200, "problem": None}
    assert slow.seen[-1] == "j6"
