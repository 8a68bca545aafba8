"""DSL §5.1: an httpCall no HTTP answer came back for has no `status` in its result, on a live
server (uvicorn on 127.0.0.1, SQLite file) calling real downstreams on 127.0.0.1.

Journey folder `dsl-http-no-answer`, written as the reference shows it: a call to
`primaryUrl`, then a choice on `context.r.status == null` that routes to a call to
`fallbackUrl` (300 ms timeout); the report reads `status default "none"`. A closed port is
`error.type: NETWORK` and a downstream that does not answer in time `TIMEOUT`, both `ok: false`
with no `status` key; an answer, even a 503, keeps its status and takes the choice's default.
A handler's own result with `status=None` (`testing.reply(None, error=...)`) and a handler that
raises are stored the same way: no `status`, the fallback taken.
"""

from __future__ import annotations

import asyncio
import importlib
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
from tests.support.live import LiveServer, free_port

NAME = "dsl-http-no-answer"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return server_module(generate_journey(NAME, tmp_path_factory.mktemp("no-answer")))


def downstream(status: int, hits: list[int], delay: float = 0.0) -> Starlette:
    """/quote: answers `status` (a JSON body) after `delay` seconds, counting each call."""

    async def quote(request: Request) -> Response:
        hits.append(status)
        await asyncio.sleep(delay)
        return JSONResponse({"price": 7}, status_code=status)

    return Starlette(routes=[Route("/quote", quote)])


def _run(
    server: Any,
    live: Callable[..., LiveServer],
    db_path: str,
    primary: str,
    fallback: str,
    **options: Any,
) -> dict[str, Any]:
    settings = server.Settings(store_path=db_path)
    app = live(server.create_app(settings=settings, **options))
    with httpx.Client(base_url=app.url, timeout=30) as client:
        started = client.post(
            f"{API}/journeys/{NAME}/start",
            json={"primaryUrl": primary, "fallbackUrl": fallback},
        )
    assert started.status_code == 200, started.text
    assert started.json()["phase"] == "SUCCEEDED", started.text
    output: dict[str, Any] = started.json()["output"]
    return output


def test_a_closed_port_has_no_status_and_routes_to_the_fallback(
    server: Any, live: Callable[..., LiveServer], db_path: str
) -> None:
    hits: list[int] = []
    fallback = live(downstream(200, hits)).url
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    output = _run(server, live, db_path, closed, fallback)
    assert "status" not in output["r"], output["r"]
    assert (output["r"]["ok"], output["r"]["error"]["type"]) == (False, "NETWORK")
    assert output["r"]["error"]["message"]  # says what failed
    assert hits == [200]  # `context.r.status == null` took the fallback
    assert (output["primary"], output["primaryError"]) == ("none", "NETWORK")
    assert (output["fallback"], output["fallbackError"]) == (200, None)
    assert output["fb"]["body"] == {"price": 7}


def test_a_timeout_is_type_timeout_with_no_status(
    server: Any, live: Callable[..., LiveServer], db_path: str
) -> None:
    hits: list[int] = []
    slow = live(downstream(200, hits, delay=2.0)).url  # past the fallback's 300 ms
    closed = f"http://127.0.0.1:{free_port()}"
    output = _run(server, live, db_path, closed, slow)
    assert hits == [200]  # the request was sent, no answer came back in time
    assert "status" not in output["fb"], output["fb"]
    assert (output["fb"]["ok"], output["fb"]["error"]["type"]) == (False, "TIMEOUT")
    assert "300 ms" in output["fb"]["error"]["message"]
    assert (output["fallback"], output["fallbackError"]) == ("none", "TIMEOUT")


@pytest.mark.parametrize("status", [200, 503])
def test_an_answer_keeps_its_status_and_takes_the_default(
    server: Any, live: Callable[..., LiveServer], db_path: str, status: int
) -> None:
    primary_hits: list[int] = []
    fallback_hits: list[int] = []
    primary = live(downstream(status, primary_hits)).url
    fallback = live(downstream(200, fallback_hits)).url
    output = _run(server, live, db_path, primary, fallback)
    assert (output["r"]["status"], output["r"]["ok"]) == (status, status == 200)
    assert output["primary"] == status
    assert (output["fallback"], output["fb"]) == ("none", None)  # never called
    assert (primary_hits, fallback_hits) == ([status], [])


def test_a_handler_result_without_status_is_stored_without_one(
    server: Any, live: Callable[..., LiveServer], db_path: str
) -> None:
    testing = importlib.import_module(server.__name__.rpartition(".")[0] + ".testing")
    lost = {"type": "NETWORK", "message": "the gateway dropped it"}
    fake = testing.FakeHandlers(
        primary=testing.reply(None, error=lost), fallback=testing.reply(200, {"p": 1})
    )
    output = _run(
        server, live, db_path, "http://unused", "http://unused", handlers=fake
    )
    assert output["r"] == {"ok": False, "headers": {}, "body": None, "error": lost}
    assert len(fake.calls_to("fallback")) == 1  # the choice took the fallback
    assert (output["primary"], output["fallback"]) == ("none", 200)


def test_a_handler_that_raises_is_a_result_without_status(
    server: Any, live: Callable[..., LiveServer], db_path: str
) -> None:
    hits: list[int] = []
    fallback = live(downstream(200, hits)).url
    handlers = importlib.import_module(server.__name__.rpartition(".")[0] + ".handlers")

    class Broken(handlers.DslHttpNoAnswerHttpHandlers):  # type: ignore[misc, name-defined]
        def primary(self, call: Any) -> Any:
            raise RuntimeError("no route to the quote service")

    output = _run(server, live, db_path, "http://unused", fallback, handlers=Broken())
    assert "status" not in output["r"] and output["r"]["ok"] is False, output["r"]
    assert output["r"]["error"]["title"] == "RuntimeError"
    assert hits == [200]  # routed to the fallback, made over HTTP
