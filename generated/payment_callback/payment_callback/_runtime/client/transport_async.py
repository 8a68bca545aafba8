"""The asyncio transport: an httpx.AsyncClient call with retries under the call's deadline."""

from __future__ import annotations

import asyncio
import contextlib
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx
from pydantic import TypeAdapter

from .transport_call import (
    COALESCE_MAX,
    CallState,
    build_request,
    is_request_head,
    lean_cookies,
    wrap_pool_backend,
)
from .transport_request import (
    ClientConfig,
    Prepared,
    RequestSpec,
    prepare,
)
from .transport_response import (
    ApiResponse,
    RawResponse,
    map_transport_error,
)

T = TypeVar("T")


def _coalescing_network() -> tuple[type[Any], type[Any]] | None:
    """The wrapper classes over httpcore's async network layer (None without httpcore)."""
    try:
        import httpcore
    except ImportError:  # pragma: no cover - httpx always installs it
        return None

    class Stream(httpcore.AsyncNetworkStream):
        """A socket stream that sends a request's head together with its body.

        httpcore writes them one after the other: two sends and (its sockets set
        TCP_NODELAY) two TCP segments. A request head is held until the next write (sent
        with it when the two are small) or the first read; the bytes on the wire are the same.
        """

        def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
            self._inner = inner
            self._held = b""
            self._held_timeout: float | None = None

        async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            if self._held:
                # a failed request write is what httpcore passes over too: the server may
                # have answered before it closed
                with contextlib.suppress(httpcore.WriteError):
                    await self._send(b"", self._held_timeout)
            return await self._inner.read(max_bytes, timeout)

        async def write(self, buffer: bytes, timeout: float | None = None) -> None:
            if not self._held and is_request_head(buffer):
                self._held, self._held_timeout = buffer, timeout
                return
            await self._send(buffer, timeout)

        async def _send(self, buffer: bytes, timeout: float | None) -> None:
            held, self._held = self._held, b""
            if held and len(held) + len(buffer) > COALESCE_MAX:
                await self._inner.write(held, timeout)
                held = b""
            await self._inner.write(held + buffer if held else buffer, timeout)

        async def aclose(self) -> None:
            self._held = b""
            await self._inner.aclose()

        async def start_tls(
            self,
            ssl_context: Any,
            server_hostname: str | None = None,
            timeout: float | None = None,
        ) -> httpcore.AsyncNetworkStream:
            inner = await self._inner.start_tls(ssl_context, server_hostname, timeout)
            return Stream(inner)

        def get_extra_info(self, info: str) -> Any:
            return self._inner.get_extra_info(info)

    class Backend(httpcore.AsyncNetworkBackend):
        """httpcore's async network backend with `Stream` over every connection it opens."""

        def __init__(self, inner: httpcore.AsyncNetworkBackend) -> None:
            self.inner = inner

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
            return Stream(stream)

        async def connect_unix_socket(
            self, path: str, timeout: float | None = None, socket_options: Any = None
        ) -> httpcore.AsyncNetworkStream:
            stream = await self.inner.connect_unix_socket(path, timeout, socket_options)
            return Stream(stream)

        async def sleep(self, seconds: float) -> None:
            await self.inner.sleep(seconds)

    return Stream, Backend


_NETWORK = _coalescing_network()


def bind_coalescing(client: httpx.AsyncClient, base_url: str) -> bool:
    """Make the connection pool that serves `base_url` send each request's head with its
    body (see `Stream`). True when done; False when the client is not built the way httpx
    0.27/0.28 builds it (a custom transport, say), which then sends as it always does.
    """
    if _NETWORK is None:  # pragma: no cover - httpx always installs httpcore
        return False
    import httpcore

    return wrap_pool_backend(
        client, base_url, _NETWORK[1], httpcore.AsyncNetworkBackend
    )


class AsyncTransport:
    """Asynchronous transport over an httpx.AsyncClient (injected, or created and owned)."""

    def __init__(
        self, config: ClientConfig, client: httpx.AsyncClient | None = None
    ) -> None:
        self.config = config
        self._owns = client is None
        self._client = client if client is not None else httpx.AsyncClient()
        lean_cookies(self._client)
        bind_coalescing(self._client, config.base_url)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the underlying client if this transport created it."""
        if self._owns:
            await self._client.aclose()

    async def request(
        self,
        spec: RequestSpec,
        adapter: TypeAdapter[T] | None = None,
        prepared: Prepared | None = None,
    ) -> ApiResponse[T]:
        """Send `spec` with retries and the overall deadline; return the parsed response.

        `prepared` is `prepare(self.config, spec)` when the caller has it already.
        """
        if prepared is None:
            prepared = prepare(self.config, spec)
        state = CallState(self.config, prepared, spec.deadline, spec.once)
        while True:
            left = state.begin_attempt()
            request = build_request(self._client, prepared, state.timeout_for(left))
            try:
                raw = await self._attempt(request, state, left)
            except httpx.HTTPError as exc:
                decision = state.after_exception(exc)
                if not decision.retry:
                    raise map_transport_error(exc, prepared) from exc
            else:
                decision = state.after_response(raw, spec.success)
                if not decision.retry:
                    return state.finish(raw, spec, adapter)
            await self.config.timing.async_sleep(decision.delay)

    async def _attempt(
        self, request: httpx.Request, state: CallState, left: float | None
    ) -> RawResponse:
        try:
            async with asyncio.timeout(left):
                return await self._read(request)
        except TimeoutError:
            raise state.deadline_error() from None

    async def _read(self, request: httpx.Request) -> RawResponse:
        response = await self._client.send(request, stream=True, follow_redirects=False)
        try:
            content = b"".join([chunk async for chunk in response.aiter_bytes()])
            return RawResponse(response.status_code, response.headers, content)
        finally:
            await response.aclose()
