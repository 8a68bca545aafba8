"""`spec.cookies` (DSL §22): the per-run jar filled from downstream `Set-Cookie` (§22.2),
attached to later httpCalls unless `cookies.useJar: false` or an explicit Cookie header
(§22.3), kept across a pause and a server restart, and returned to the client filtered when
the run succeeds (§22.4). A `mode: notify` call carries the jar's cookies like the others
(unless `useJar: false`). A real downstream on 127.0.0.1 sets and echoes the cookies; the
jar is stored with the instance in SQLite and in PostgreSQL alike.
"""

from __future__ import annotations

import time
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

NAME = "dsl-http-cookies"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return server_module(generate_journey(NAME, tmp_path_factory.mktemp("cookies")))


def downstream(seen: list[tuple[str, str | None]]) -> Starlette:
    async def login(request: Request) -> Response:
        seen.append(("login", request.headers.get("cookie")))
        answer = JSONResponse({})
        for value in (
            "session=abc; Path=/; HttpOnly",
            "x-app-theme=dark; Path=/api",
            "tracker=1; Domain=example.com",  # not this host's: refused
            "other=1; Path=/",
        ):
            answer.headers.append("set-cookie", value)
        return answer

    async def profile(request: Request) -> Response:
        seen.append(("profile", request.headers.get("cookie")))
        return JSONResponse({"cookie": request.headers.get("cookie")})

    async def ping(request: Request) -> Response:
        seen.append(
            (f"ping:{request.query_params['who']}", request.headers.get("cookie"))
        )
        return Response(status_code=204)

    async def logout(request: Request) -> Response:
        seen.append(("logout", request.headers.get("cookie")))
        answer = JSONResponse({})
        answer.headers.append("set-cookie", "x-app-theme=; Path=/api; Max-Age=0")
        return answer

    return Starlette(
        routes=[
            Route("/login", login, methods=["POST"]),
            Route("/api/profile", profile),
            Route("/api/ping", ping, methods=["POST"]),
            Route("/logout", logout, methods=["POST"]),
        ]
    )


def test_the_jar_carries_cookies_across_a_restart_and_returns_the_filtered_ones(
    server: Any, store_target: str, live: Callable[..., LiveServer]
) -> None:
    seen: list[tuple[str, str | None]] = []
    api = live(downstream(seen))
    settings = server.Settings(
        store_path=store_target, api_base_urls={"outbound": api.url}
    )
    first = live(server.create_app(settings=settings))
    with httpx.Client(base_url=first.url, timeout=30) as client:
        started = client.post(f"{API}/journeys/{NAME}/start", json={"id": "c-1"})
        assert started.status_code == 200, started.text
        assert "set-cookie" not in started.headers  # paused: nothing returned yet
    journey_id = started.json()["journeyId"]
    first.stop()  # a restart: the jar is only in the store now
    second = live(server.create_app(settings=settings))
    with httpx.Client(base_url=second.url, timeout=30) as client:
        step = client.post(
            f"{API}/journeys/{journey_id}/steps/confirm", json={"go": True}
        )
        assert step.status_code == 200, step.text
        result = client.get(f"{API}/journeys/{journey_id}/result")
    deadline = time.monotonic() + 10
    while sum(who.startswith("ping") for who, _ in seen) < 2:
        assert (
            time.monotonic() < deadline
        ), seen  # notify calls are sent in the background
        time.sleep(0.02)
    pings = sorted(entry for entry in seen if entry[0].startswith("ping"))
    assert pings == [
        ("ping:anonymous", None),  # cookies.useJar: false
        ("ping:jar", "x-app-theme=dark; session=abc; other=1"),  # notify: the jar's too
    ]
    assert [entry for entry in seen if not entry[0].startswith("ping")] == [
        ("login", None),
        ("profile", "x-app-theme=dark; session=abc; other=1"),  # longest path first
        ("profile", None),  # cookies.useJar: false
        ("profile", "mine=1"),  # an explicit Cookie header wins, no merging
        ("logout", "session=abc; other=1"),  # /api cookie not sent to /logout
    ]
    body = result.json()
    assert body["phase"] == "SUCCEEDED", body
    assert body["output"] == {
        # the call's result shows only the cookies the jar took
        "loginCookies": "session=abc; Path=/; HttpOnly, x-app-theme=dark; Path=/api, other=1; Path=/",
        "profile": "x-app-theme=dark; session=abc; other=1",
        "anonymous": None,
        "explicit": "mine=1",
    }
    returned = [
        "session=abc; Path=/; HttpOnly",  # names: [session]
        "x-app-theme=; Path=/api; Max-Age=0",  # namePatterns ^x-app-: its deletion
    ]  # not `other`: the filter does not select it
    assert step.headers.get_list("set-cookie") == returned
    assert result.headers.get_list("set-cookie") == returned
