"""What the transports put on the wire, against real sockets on 127.0.0.1: the cookies a server
sets come back on later calls (the jar is skipped only for answers that set none), and the
sync transport sends a request's head and its body in one write.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpcore
import httpx
import pytest
from jg_runtime.client.retry import RetryPolicy
from jg_runtime.client.transport import (
    AsyncTransport,
    ClientConfig,
    RequestSpec,
    SyncTransport,
)

from tests.support.scripted import ScriptedServer, respond

Serve = Callable[..., ScriptedServer]
GET = RequestSpec("GET", "/journeys/j-1")


def _config(url: str) -> ClientConfig:
    return ClientConfig(base_url=url, retry=RetryPolicy(1))


def _calls(
    mode: str, config: ClientConfig, count: int, client: Any = None
) -> list[Any]:
    """`count` GETs through one transport (over `client` when given); the answers' data."""
    if mode == "sync":
        with SyncTransport(config, client) as transport:
            return [transport.request(GET).data for _ in range(count)]

    async def run() -> list[Any]:
        async with AsyncTransport(config, client) as transport:
            return [(await transport.request(GET)).data for _ in range(count)]

    return asyncio.run(run())


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_cookie_the_server_sets_is_sent_until_the_server_expires_it(
    mode: str, serve: Serve
) -> None:
    server = serve(
        respond(200, b"1", {"Set-Cookie": "session=abc; Path=/"}),
        respond(200, b"2"),  # sets no cookie: the jar keeps what it has
        respond(200, b"3", {"Set-Cookie": "session=; Path=/; Max-Age=0"}),
        respond(200, b"4"),
    )
    assert _calls(mode, _config(server.url), 4) == [1, 2, 3, 4]
    sent = [seen.headers.get("cookie") for seen in server.seen]
    assert sent == [None, "session=abc", "session=abc", None]


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_an_injected_clients_cookies_are_sent_and_it_keeps_the_servers(
    mode: str, serve: Serve
) -> None:
    server = serve(
        respond(200, b"1", {"Set-Cookie": "session=abc; Path=/"}),
        respond(200, b"2"),
    )
    client: httpx.Client | httpx.AsyncClient = (
        httpx.Client(cookies={"pref": "dark"})
        if mode == "sync"
        else httpx.AsyncClient(cookies={"pref": "dark"})
    )
    assert _calls(mode, _config(server.url), 2, client) == [1, 2]
    sent = [seen.headers.get("cookie") for seen in server.seen]
    assert sent == ["pref=dark", "pref=dark; session=abc"]
    assert dict(client.cookies) == {"pref": "dark", "session": "abc"}
    client.cookies = {"other": "1"}  # httpx's own setter still replaces the jar
    assert dict(client.cookies) == {"other": "1"}


class _Recording(httpcore.NetworkBackend):
    """httpcore's socket backend, recording every write its connections make."""

    def __init__(self) -> None:
        self.inner = httpcore.SyncBackend()
        self.writes: list[bytes] = []

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        stream = self.inner.connect_tcp(
            host, port, timeout, local_address, socket_options
        )
        return _RecordingStream(stream, self.writes)


class _RecordingStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, writes: list[bytes]) -> None:
        self._inner, self._writes = inner, writes

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if buffer:
            self._writes.append(buffer)
        self._inner.write(buffer, timeout)

    def close(self) -> None:
        self._inner.close()

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


def _recorded_client() -> tuple[httpx.Client, _Recording]:
    client = httpx.Client()
    recording = _Recording()
    client._transport._pool._network_backend = recording  # type: ignore[attr-defined]
    return client, recording


def test_a_post_leaves_in_one_write_and_arrives_whole(serve: Serve) -> None:
    server = serve(respond(201, b'{"id": "j-1"}'), respond(200, b"{}"))
    client, recording = _recorded_client()
    post = RequestSpec("POST", "/journeys", body={"amount": 10.5})
    with client, SyncTransport(_config(server.url), client) as transport:
        assert transport.request(post).data == {"id": "j-1"}
        assert transport.request(GET).data == {}
    post_bytes, get_bytes = recording.writes
    assert post_bytes.startswith(b"POST /journeys HTTP/1.1\r\n")
    assert post_bytes.endswith(b'\r\n\r\n{"amount":10.5}')
    assert get_bytes.startswith(b"GET /journeys/j-1 HTTP/1.1\r\n")
    assert server.seen[0].body == b'{"amount":10.5}'
    assert server.seen[0].headers["content-length"] == "15"


def test_a_large_body_is_sent_after_its_head_as_it_is(serve: Serve) -> None:
    server = serve(respond(201, b"{}"), respond(201, b"{}"))
    client, recording = _recorded_client()
    note = "x" * 100_000
    post = RequestSpec("POST", "/journeys", body={"note": note})
    with client, SyncTransport(_config(server.url), client) as transport:
        transport.request(post)
        # the caller's own request through the same pool is sent the same way
        client.post(f"{server.url}/own", content=b"abc")
    head, body, own = recording.writes
    assert head.startswith(b"POST /journeys HTTP/1.1\r\n") and head.endswith(
        b"\r\n\r\n"
    )
    assert json.loads(body) == {"note": note}
    assert json.loads(server.seen[0].body) == {"note": note}
    assert own.startswith(b"POST /own HTTP/1.1\r\n") and own.endswith(b"\r\n\r\nabc")
    assert server.seen[1].body == b"abc"
