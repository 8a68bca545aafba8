"""The blocking transport: an httpx.Client call with retries, reading bodies and connecting
under the call's deadline (socket reads and writes are bounded by what is left of it).
"""

from __future__ import annotations

import contextlib
import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx
from pydantic import TypeAdapter

from .transport_call import (
    COALESCE_MAX,
    CallState,
    build_request,
    expired,
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


def read_sync(
    client: httpx.Client, request: httpx.Request, state: CallState
) -> RawResponse:
    """Send one request and read its body, checking the deadline between chunks."""
    response = client.send(request, stream=True, follow_redirects=False)
    try:
        chunks: list[bytes] = []
        for chunk in response.iter_bytes():
            chunks.append(chunk)
            if expired(state):
                raise state.deadline_error()
        return RawResponse(response.status_code, response.headers, b"".join(chunks))
    finally:
        response.close()


def _run_bounded(
    client: httpx.Client,
    request: httpx.Request,
    state: CallState,
    left: float | None,
    on_socket: bool = False,
) -> RawResponse:
    """Run one attempt so the deadline holds in every phase.

    httpx timeouts are per read; a server trickling headers would never trip them. When the
    client's connection pool reads through `_DeadlineBackend` (`on_socket`), every socket
    operation of this thread is capped by the time left, so the attempt runs right here.
    Otherwise it runs on a worker thread the caller stops waiting for at the deadline (the
    worker stops itself at the next chunk).
    """
    if left is None:
        return read_sync(client, request, state)
    if on_socket:
        _CURRENT.state = state
        try:
            return read_sync(client, request, state)
        except _DeadlineHit:
            raise state.deadline_error() from None
        except httpx.TimeoutException:
            if expired(state):
                raise state.deadline_error() from None
            raise
        finally:
            _CURRENT.state = None
    result: Future[RawResponse] = Future()

    def work() -> None:
        try:
            result.set_result(read_sync(client, request, state))
        except BaseException as exc:  # handed to the waiting caller, never swallowed
            result.set_exception(exc)

    threading.Thread(target=work, name="jg-http", daemon=True).start()
    try:
        return result.result(timeout=left)
    except FutureTimeout:
        raise state.deadline_error() from None


class _DeadlineHit(Exception):
    """Raised inside a socket operation when the current call's deadline has passed."""


class _Current(threading.local):
    state: CallState | None = None


# The call whose attempt this thread is running (set only around `read_sync`).
_CURRENT = _Current()


def _cap_now(timeout: float | None) -> float | None:
    """`timeout` capped by the running call's time left; raises once none is left."""
    state = _CURRENT.state
    if state is None:
        return timeout
    left = state.remaining()
    if left is None:
        return timeout
    if left <= 0:
        raise _DeadlineHit
    return left if timeout is None or left < timeout else timeout


def _deadline_network() -> tuple[type[Any], type[Any]] | None:
    """The wrapper classes over httpcore's network layer (None when httpcore is not there)."""
    try:
        import httpcore
    except ImportError:  # pragma: no cover - httpx always installs it
        return None

    class Stream(httpcore.NetworkStream):
        """A socket stream whose every operation is bounded by the running call's deadline.

        It also sends a request's head together with its body: httpcore writes them one
        after the other, two sends and (its sockets set TCP_NODELAY) two TCP segments. A
        request head is held until the next write (sent with it when the two are small) or
        the first read, whichever comes first; the bytes on the wire are the same.
        """

        def __init__(self, inner: httpcore.NetworkStream) -> None:
            self._inner = inner
            self._held = b""
            self._held_timeout: float | None = None

        def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            if self._held:
                # a failed request write is what httpcore passes over too: the server may
                # have answered before it closed
                with contextlib.suppress(httpcore.WriteError):
                    self._send(b"", self._held_timeout)
            capped = _cap_now(timeout)
            try:
                return self._inner.read(max_bytes, capped)
            except httpcore.ReadTimeout:
                if capped != timeout:
                    raise _DeadlineHit from None
                raise

        def write(self, buffer: bytes, timeout: float | None = None) -> None:
            if not self._held and is_request_head(buffer):
                _cap_now(timeout)
                self._held, self._held_timeout = buffer, timeout
                return
            self._send(buffer, timeout)

        def _send(self, buffer: bytes, timeout: float | None) -> None:
            held, self._held = self._held, b""
            if held and len(held) + len(buffer) > COALESCE_MAX:
                self._send(held, timeout)
                held = b""
            data = held + buffer if held else buffer
            capped = _cap_now(timeout)
            try:
                self._inner.write(data, capped)
            except httpcore.WriteTimeout:
                if capped != timeout:
                    raise _DeadlineHit from None
                raise

        def close(self) -> None:
            self._held = b""
            self._inner.close()

        def start_tls(
            self,
            ssl_context: Any,
            server_hostname: str | None = None,
            timeout: float | None = None,
        ) -> httpcore.NetworkStream:
            inner = self._inner.start_tls(
                ssl_context, server_hostname, _cap_now(timeout)
            )
            return Stream(inner)

        def get_extra_info(self, info: str) -> Any:
            return self._inner.get_extra_info(info)

    class Backend(httpcore.NetworkBackend):
        """httpcore's network backend with `Stream` over every connection it opens."""

        def __init__(self, inner: httpcore.NetworkBackend) -> None:
            self.inner = inner

        def connect_tcp(
            self,
            host: str,
            port: int,
            timeout: float | None = None,
            local_address: str | None = None,
            socket_options: Any = None,
        ) -> httpcore.NetworkStream:
            stream = self.inner.connect_tcp(
                host, port, _cap_now(timeout), local_address, socket_options
            )
            return Stream(stream)

        def connect_unix_socket(
            self, path: str, timeout: float | None = None, socket_options: Any = None
        ) -> httpcore.NetworkStream:
            stream = self.inner.connect_unix_socket(
                path, _cap_now(timeout), socket_options
            )
            return Stream(stream)

        def sleep(self, seconds: float) -> None:
            self.inner.sleep(seconds)

    return Stream, Backend


_NETWORK = _deadline_network()


def bind_deadlines(client: httpx.Client, base_url: str) -> bool:
    """Make the connection pool that serves `base_url` honour each call's deadline.

    Wraps the pool's network backend in one that caps every socket operation by the time the
    current call has left (it changes nothing for requests this module does not send). True
    when done; False when the client is not built the way httpx 0.27/0.28 builds it (a custom
    transport, say), and the transport then bounds each attempt with a worker thread instead.
    """
    if _NETWORK is None:  # pragma: no cover - httpx always installs httpcore
        return False
    import httpcore

    return wrap_pool_backend(client, base_url, _NETWORK[1], httpcore.NetworkBackend)


class SyncTransport:
    """Blocking transport over an httpx.Client (injected, or created and owned)."""

    def __init__(
        self, config: ClientConfig, client: httpx.Client | None = None
    ) -> None:
        self.config = config
        self._owns = client is None
        self._client = client if client is not None else httpx.Client()
        self._on_socket = bind_deadlines(self._client, config.base_url)
        lean_cookies(self._client)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the underlying client if this transport created it."""
        if self._owns:
            self._client.close()

    def request(
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
                raw = _run_bounded(
                    self._client,
                    request,
                    state,
                    left,
                    self._on_socket and prepared.same_origin,
                )
            except httpx.HTTPError as exc:
                decision = state.after_exception(exc)
                if not decision.retry:
                    raise map_transport_error(exc, prepared) from exc
            else:
                decision = state.after_response(raw, spec.success)
                if not decision.retry:
                    return state.finish(raw, spec, adapter)
            self.config.timing.sleep(decision.delay)
