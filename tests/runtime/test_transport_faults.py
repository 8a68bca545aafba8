"""Fault behaviour of the sync and async transports against real sockets on 127.0.0.1."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from jg_runtime.client.errors import (
    DeadlineExceeded,
    DecodeError,
    RateLimited,
    ServerError,
    TransportError,
    Unauthorized,
)
from jg_runtime.client.retry import RetryPolicy, Timing
from jg_runtime.client.transport import (
    ApiResponse,
    AsyncTransport,
    ClientConfig,
    RequestSpec,
    SyncTransport,
)
from pydantic import BaseModel, TypeAdapter

from tests.support.scripted import ScriptedServer, reset, respond, trickle

MODES = ["sync", "async"]
Serve = Callable[..., ScriptedServer]


class Status(BaseModel):
    phase: str


class Recorder:
    """Records requested sleeps instead of sleeping."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    async def async_sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    def timing(self) -> Timing:
        return Timing(
            random=lambda: 0.5, sleep=self.sleep, async_sleep=self.async_sleep
        )


def make_config(url: str, rec: Recorder, **kwargs: Any) -> ClientConfig:
    return ClientConfig(
        base_url=url,
        timing=rec.timing(),
        retry=RetryPolicy(max_attempts=3),
        **kwargs,
    )


def call(
    mode: str, config: ClientConfig, spec: RequestSpec, adapter: Any = None
) -> ApiResponse[Any]:
    if mode == "sync":
        with SyncTransport(config) as transport:
            return transport.request(spec, adapter)

    async def run() -> ApiResponse[Any]:
        async with AsyncTransport(config) as transport:
            return await transport.request(spec, adapter)

    return asyncio.run(run())


GET_STATUS = RequestSpec("GET", "/journeys/{id}", path_params={"id": "j 1/2"})
STATUS = TypeAdapter(Status)


@pytest.mark.parametrize("mode", MODES)
def test_503_then_200_is_retried(mode: str, serve: Serve) -> None:
    server = serve(respond(503), respond(200, b'{"phase":"RUNNING"}'))
    rec = Recorder()
    result = call(mode, make_config(server.url, rec), GET_STATUS, STATUS)
    assert result.value == Status(phase="RUNNING")
    assert [s.path for s in server.seen] == ["/journeys/j%201%2F2"] * 2
    assert rec.sleeps == [0.25]  # initial 0.5 s x jitter 0.5


@pytest.mark.parametrize("mode", MODES)
def test_429_retry_after_is_honoured(mode: str, serve: Serve) -> None:
    server = serve(
        respond(429, headers={"Retry-After": "1"}), respond(200, b'{"phase":"X"}')
    )
    rec = Recorder()
    call(mode, make_config(server.url, rec), GET_STATUS, STATUS)
    assert rec.sleeps == [1.0]


@pytest.mark.parametrize("mode", MODES)
def test_retry_after_beyond_deadline_fails_fast(mode: str, serve: Serve) -> None:
    server = serve(respond(429, headers={"Retry-After": "30"}), respond(200, b"{}"))
    rec = Recorder()
    with pytest.raises(RateLimited) as info:
        call(mode, make_config(server.url, rec, deadline=5.0), GET_STATUS, STATUS)
    assert info.value.retry_after == 30.0
    assert rec.sleeps == []
    assert len(server.seen) == 1


@pytest.mark.parametrize("mode", MODES)
def test_connection_reset_is_retried_for_get(mode: str, serve: Serve) -> None:
    server = serve(reset(), respond(200, b'{"phase":"DONE"}'))
    rec = Recorder()
    result = call(mode, make_config(server.url, rec), GET_STATUS, STATUS)
    assert result.value.phase == "DONE"
    assert len(server.seen) == 2


@pytest.mark.parametrize("mode", MODES)
def test_reset_on_every_attempt_raises_transport_error(mode: str, serve: Serve) -> None:
    server = serve(reset(), reset(), reset())
    with pytest.raises(TransportError):
        call(mode, make_config(server.url, Recorder()), GET_STATUS, STATUS)
    assert len(server.seen) == 3


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("in_headers", [False, True], ids=["body", "headers"])
def test_trickling_server_is_stopped_by_the_deadline(
    mode: str, in_headers: bool, serve: Serve
) -> None:
    server = serve(trickle(0.2, 60, in_headers=in_headers))
    config = ClientConfig(
        base_url=server.url,
        deadline=1.0,
        timeout=httpx.Timeout(5.0),
        retry=RetryPolicy(1),
    )
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded):
        call(mode, config, GET_STATUS, STATUS)
    assert time.monotonic() - started < 3.0


@pytest.mark.parametrize("mode", MODES)
def test_html_served_as_json_is_a_decode_error(mode: str, serve: Serve) -> None:
    html = b"<html><body>Bad gateway page</body></html>"
    server = serve(respond(200, html, headers={"Content-Type": "application/json"}))
    with pytest.raises(DecodeError) as info:
        call(mode, make_config(server.url, Recorder()), GET_STATUS, STATUS)
    assert info.value.status == 200
    assert info.value.content_type == "application/json"
    assert info.value.body_excerpt.startswith("<html>")


@pytest.mark.parametrize("mode", MODES)
def test_wrong_shape_is_a_decode_error(mode: str, serve: Serve) -> None:
    server = serve(respond(200, b'{"unexpected": 1}'))
    with pytest.raises(DecodeError, match="schema"):
        call(mode, make_config(server.url, Recorder()), GET_STATUS, STATUS)


START = RequestSpec("POST", "/journeys", body={"paymentId": "p1"})


@pytest.mark.parametrize("mode", MODES)
def test_post_without_idempotency_key_is_not_retried(mode: str, serve: Serve) -> None:
    server = serve(respond(503), respond(201, b'{"phase":"RUNNING"}'))
    rec = Recorder()
    with pytest.raises(ServerError) as info:
        call(mode, make_config(server.url, rec), START, STATUS)
    assert info.value.status == 503
    assert len(server.seen) == 1
    assert rec.sleeps == []


@pytest.mark.parametrize("mode", MODES)
def test_post_with_idempotency_key_is_retried_with_the_same_key(
    mode: str, serve: Serve
) -> None:
    server = serve(respond(503), respond(502), respond(201, b'{"phase":"RUNNING"}'))
    spec = RequestSpec(
        "POST",
        "/journeys",
        headers={"Idempotency-Key": "key-123"},
        body={"paymentId": "p1"},
    )
    result = call(mode, make_config(server.url, Recorder()), spec, STATUS)
    assert result.status == 201
    assert [s.headers["idempotency-key"] for s in server.seen] == ["key-123"] * 3
    assert {s.body for s in server.seen} == {b'{"paymentId":"p1"}'}


@pytest.mark.parametrize("mode", MODES)
def test_secret_header_is_sent_but_never_shown_in_errors(
    mode: str, serve: Serve
) -> None:
    problem = b'{"title":"Unauthorized","detail":"bad secret","status":401}'
    server = serve(
        respond(401, problem, headers={"Content-Type": "application/problem+json"})
    )
    config = make_config(
        server.url, Recorder(), secret_headers={"X-Webhook-Secret": "s3cr3t"}
    )
    with pytest.raises(Unauthorized) as info:
        call(mode, config, RequestSpec("POST", "/callbacks", body={}), None)
    assert server.seen[0].headers["x-webhook-secret"] == "s3cr3t"
    error = info.value
    assert error.problem is not None and error.problem.detail == "bad secret"
    for text in (str(error), repr(error), repr(config), str(error.headers)):
        assert "s3cr3t" not in text


def test_async_cancellation_stops_at_once(serve: Serve) -> None:
    server = serve(trickle(0.2, 100))

    async def run() -> float:
        config = ClientConfig(base_url=server.url, deadline=30.0)
        async with AsyncTransport(config) as transport:
            task = asyncio.create_task(transport.request(GET_STATUS, STATUS))
            await asyncio.sleep(0.3)
            task.cancel()
            started = time.monotonic()
            with pytest.raises(asyncio.CancelledError):
                await task
            return time.monotonic() - started

    assert asyncio.run(run()) < 1.0


def test_connect_refused_post_is_retried_because_nothing_was_sent() -> None:
    rec = Recorder()
    config = make_config("http://127.0.0.1:9", rec)
    with pytest.raises(TransportError, match="ConnectError"):
        call("sync", config, START, STATUS)
    assert len(rec.sleeps) == 2
