"""What the transports put on the wire, against real sockets on 127.0.0.1: the cookies a server
sets come back on later calls (the jar is skipped only for answers that set none), and both
send a request's head and its body in one write.
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

    def __init__(self, writes: list[bytes]) -> None:
        self.inner = httpcore.SyncBackend()
        self.writes = writes

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


class _AsyncRecording(httpcore.AsyncNetworkBackend):
    """httpcore's asyncio backend, recording every write its connections make."""

    def __init__(self, writes: list[bytes]) -> None:
        self.inner = httpcore.AnyIOBackend()
        self.writes = writes

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self.inner.connect_tcp(
            host, port, timeout, local_address, socket_options
        )
        return _AsyncRecordingStream(stream, self.writes)


class _AsyncRecordingStream(httpcore.AsyncNetworkStream):
    def __init__(self, inner: httpcore.AsyncNetworkStream, writes: list[bytes]) -> None:
        self._inner, self._writes = inner, writes

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if buffer:
            self._writes.append(buffer)
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


def _send_recorded(
    mode: str, url: str, specs: list[RequestSpec], own: bytes | None = None
) -> list[bytes]:
    """Send `specs` through one transport over a client whose socket writes are recorded
    (then, with `own`, a POST of the caller's own through the same client); the writes.
    """
    writes: list[bytes] = []
    if mode == "sync":
        client = httpx.Client()
        client._transport._pool._network_backend = _Recording(writes)  # type: ignore[attr-defined]
        with client, SyncTransport(_config(url), client) as transport:
            for spec in specs:
                transport.request(spec)
            if own is not None:
                client.post(f"{url}/own", content=own)
        return writes

    async def run() -> None:
        client = httpx.AsyncClient()
        client._transport._pool._network_backend = _AsyncRecording(writes)  # type: ignore[attr-defined]
        async with client, AsyncTransport(_config(url), client) as transport:
            for spec in specs:
                await transport.request(spec)
            if own is not None:
                await client.post(f"{url}/own", content=own)

    asyncio.run(run())
    return writes


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_post_leaves_in_one_write_and_arrives_whole(mode: str, serve: Serve) -> None:
    server = serve(respond(201, b'{"id": "j-1"}'), respond(200, b"{}"))
    post = RequestSpec("POST", "/journeys", body={"amount": 10.5})
    post_bytes, get_bytes = _send_recorded(mode, server.url, [post, GET])
    assert post_bytes.startswith(b"POST /journeys HTTP/1.1\r\n")
    assert post_bytes.endswith(b'\r\n\r\n{"amount":10.5}')
    assert get_bytes.startswith(b"GET /journeys/j-1 HTTP/1.1\r\n")
    assert server.seen[0].body == b'{"amount":10.5}'
    assert server.seen[0].headers["content-length"] == "15"


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_large_body_is_sent_after_its_head_as_it_is(mode: str, serve: Serve) -> None:
    server = serve(respond(201, b"{}"), respond(201, b"{}"))
    note = "x" * 100_000
    post = RequestSpec("POST", "/journeys", body={"note": note})
    # the caller's own request through the same pool is sent the same way
    head, body, own = _send_recorded(mode, server.url, [post], own=b"abc")
    assert head.startswith(b"POST /journeys HTTP/1.1\r\n") and head.endswith(
        b"\r\n\r\n"
    )
    assert json.loads(body) == {"note": note}
    assert json.loads(server.seen[0].body) == {"note": note}
    assert own.startswith(b"POST /own HTTP/1.1\r\n") and own.endswith(b"\r\n\r\nabc")
    assert server.seen[1].body == b"abc"
