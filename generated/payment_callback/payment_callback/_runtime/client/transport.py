"""HTTP transport: shared request building, response parsing and retry loop state.

`SyncTransport` and `AsyncTransport` only do I/O; every decision lives in plain functions.
"""

from __future__ import annotations

import asyncio
import enum
import functools
import json
import re
import threading
from collections.abc import Mapping
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from types import MappingProxyType, TracebackType
from typing import Any, Generic, Self, TypeVar
from urllib.parse import quote

import httpx
import pydantic
from pydantic import BaseModel, TypeAdapter
from pydantic_core import to_jsonable_python

from .bodies import decode as decode_media
from .bodies import encode as encode_media
from .bodies import media_kind
from .errors import (
    ApiError,
    ClientError,
    DeadlineExceeded,
    DecodeError,
    RequestTimeout,
    TransportError,
    api_error,
)
from .retry import (
    GIVE_UP,
    Decision,
    RetryPolicy,
    Timing,
    decide_exception,
    decide_status,
    is_replayable,
    parse_retry_after,
)

T = TypeVar("T")
_PATH_PARAM = re.compile(r"\{([^{}]+)\}")
_DEFAULT_PORTS = MappingProxyType({"http": 80, "https": 443})


@dataclass(frozen=True)
class ClientConfig:
    """Connection settings shared by every call of one client."""

    base_url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    secret_headers: Mapping[str, str] = field(default_factory=dict)
    timeout: httpx.Timeout = field(
        default_factory=lambda: httpx.Timeout(10.0, connect=5.0)
    )
    deadline: float | None = 60.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    timing: Timing = field(default_factory=Timing)

    def __repr__(self) -> str:
        return f"ClientConfig(base_url={self.base_url!r}, deadline={self.deadline!r})"


class _NoBody(enum.Enum):
    NO_BODY = enum.auto()


NO_BODY = _NoBody.NO_BODY


@dataclass(frozen=True)
class RequestSpec:
    """One operation call as the generated code describes it."""

    method: str
    path: str
    path_params: Mapping[str, object] = field(default_factory=dict)
    query: Mapping[str, object] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    body: object = NO_BODY
    success: frozenset[int] | None = None
    deadline: float | None = None
    # The OpenAPI server URL's path in front of `path` (`/api/v1`): not repeated when the
    # client's base URL already ends with it (`Client("http://host/api/v1")`).
    prefix: str = ""
    media_type: str | None = None  # None: JSON
    encoding: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    response: str = "json"  # json, text (str) or binary (bytes)


@dataclass(frozen=True)
class Prepared:
    """A fully built request: absolute URL, encoded query, final headers and body bytes."""

    method: str
    url: str
    params: tuple[tuple[str, str], ...]
    headers: dict[str, str]
    content: bytes | None
    same_origin: bool = True
    target: httpx.URL | None = None  # `url`, parsed once


@dataclass(frozen=True)
class RawResponse:
    """What one attempt read from the wire."""

    status: int
    headers: httpx.Headers
    content: bytes


@dataclass(frozen=True)
class ApiResponse(Generic[T]):
    """A successful response: the typed value plus what Arazzo expressions may read."""

    status: int
    headers: httpx.Headers
    data: Any
    value: T


def encode_scalar(value: object) -> str:
    """Render a path or query value the way OpenAPI `simple`/`form` styles expect."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)


def expand_path(template: str, params: Mapping[str, object]) -> str:
    """Fill `{name}` placeholders with percent-encoded values; a missing one is an error."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in params or params[name] is None:
            raise ValueError(f"missing path parameter {name!r}")
        return quote(encode_scalar(params[name]), safe="")

    return _PATH_PARAM.sub(fill, template)


def encode_query(query: Mapping[str, object]) -> list[tuple[str, str]]:
    """Flatten query values: None dropped, sequences repeated, scalars encoded."""
    pairs: list[tuple[str, str]] = []
    for name, value in query.items():
        if value is None:
            continue
        items = value if isinstance(value, list | tuple) else [value]
        pairs.extend((name, encode_scalar(item)) for item in items if item is not None)
    return pairs


def encode_body(body: object) -> bytes:
    """Serialize a JSON body; pydantic models keep aliases and drop unset fields."""
    if isinstance(body, BaseModel):
        data = body.model_dump(mode="json", by_alias=True, exclude_unset=True)
    else:
        data = to_jsonable_python(body, by_alias=True)
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def origin(url: str | httpx.URL) -> tuple[str, str, int | None]:
    """Return (scheme, host, port) with default ports made explicit."""
    parsed = httpx.URL(url)
    return parsed.scheme, parsed.host, parsed.port or _DEFAULT_PORTS.get(parsed.scheme)


@functools.lru_cache(maxsize=64)
def _base_origin(base_url: str) -> tuple[str, str, int | None]:
    return origin(base_url)


def prepare(config: ClientConfig, spec: RequestSpec) -> Prepared:
    """Build the request; secret headers are attached only for the base URL's origin."""
    url = join_url(
        config.base_url, spec.prefix, expand_path(spec.path, spec.path_params)
    )
    target = httpx.URL(url)
    headers = {**config.headers, **spec.headers}
    same = origin(target) == _base_origin(config.base_url)
    if same:
        headers.update(config.secret_headers)
    content = None
    if spec.body is not NO_BODY and media_kind(spec.media_type) != "json":
        content, media = encode_media(spec.body, str(spec.media_type), spec.encoding)
        if not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = media
    elif spec.body is not NO_BODY:
        content = encode_body(spec.body)
        headers.setdefault("Content-Type", spec.media_type or "application/json")
    params = tuple(encode_query(spec.query)) if spec.query else ()
    return Prepared(spec.method.upper(), url, params, headers, content, same, target)


def join_url(base_url: str, prefix: str, path: str) -> str:
    """`base_url` + `prefix` + `path`, with or without trailing slashes; the prefix is left
    out when the base URL already ends with it (the openai-python convention)."""
    base = base_url.rstrip("/")
    prefix = prefix.rstrip("/")
    if prefix and path.startswith(prefix) and httpx.URL(base).path.endswith(prefix):
        path = path[len(prefix) :] or "/"
    return base + path


def safe_url(url: str | httpx.URL) -> str:
    """The URL without credentials, query or fragment, for messages."""
    parsed = httpx.URL(url)
    port = f":{parsed.port}" if parsed.port else ""
    return f"{parsed.scheme}://{parsed.host}{port}{parsed.path}"


def is_success(status: int, success: frozenset[int] | None) -> bool:
    """True for the statuses an operation declares (2xx when it declares none)."""
    return status in success if success is not None else 200 <= status < 300


def decode_json(raw: RawResponse) -> Any:
    """Decode a body as JSON; empty bodies are None; HTML or broken JSON is a DecodeError."""
    if not raw.content.strip():
        return None
    content_type = raw.headers.get("content-type", "")
    try:
        return json.loads(raw.content)
    except ValueError:
        reason = "response body is not valid JSON"
        raise DecodeError(
            reason, status=raw.status, content_type=content_type, body=raw.content
        ) from None


def parse_success(
    raw: RawResponse, adapter: TypeAdapter[T] | None, kind: str = "json"
) -> ApiResponse[T]:
    """Decode and validate a success response into the operation's declared type."""
    if kind == "json":
        data = decode_json(raw)
    else:
        data = decode_media(raw.content, kind, raw.headers.get("content-type", ""))
    if adapter is None:
        return ApiResponse(raw.status, raw.headers, data, None)  # type: ignore[arg-type]
    try:
        value = adapter.validate_python(data)
    except pydantic.ValidationError as exc:
        reason = (
            f"response does not match the declared schema ({exc.error_count()} errors)"
        )
        raise DecodeError(
            reason,
            status=raw.status,
            content_type=raw.headers.get("content-type", ""),
            body=raw.content,
        ) from exc
    return ApiResponse(raw.status, raw.headers, data, value)


def map_transport_error(exc: httpx.HTTPError, prepared: Prepared) -> ClientError:
    """Translate an httpx failure into the client's hierarchy (no headers in the message)."""
    where = f"{prepared.method} {safe_url(prepared.url)}"
    kind = type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        return RequestTimeout(f"{kind} for {where}")
    return TransportError(f"{kind} for {where}")


class CallState:
    """Bookkeeping of one logical call across attempts: deadline, attempt count, last status."""

    def __init__(
        self, config: ClientConfig, prepared: Prepared, deadline: float | None
    ) -> None:
        self.config = config
        self.prepared = prepared
        self.attempt = 0
        self.last_status: int | None = None
        self.replayable = is_replayable(prepared.method, prepared.headers)
        budget = deadline if deadline is not None else config.deadline
        now = config.timing.monotonic()
        self.deadline_at = None if budget is None else now + budget

    def remaining(self) -> float | None:
        """Seconds left before the overall deadline (None when unbounded)."""
        if self.deadline_at is None:
            return None
        return self.deadline_at - self.config.timing.monotonic()

    def begin_attempt(self) -> float | None:
        """Count an attempt; raise DeadlineExceeded when no time is left. Returns the budget."""
        self.attempt += 1
        left = self.remaining()
        if left is not None and left <= 0:
            raise self.deadline_error()
        return left

    def deadline_error(self) -> DeadlineExceeded:
        """The error raised when the overall deadline runs out."""
        where = f"{self.prepared.method} {safe_url(self.prepared.url)}"
        return DeadlineExceeded(
            f"deadline exceeded for {where} after {self.attempt} attempt(s)",
            last_status=self.last_status,
        )

    def timeout_for(self, left: float | None) -> httpx.Timeout:
        """Per-attempt httpx timeouts, never longer than the remaining budget."""
        base = self.config.timeout
        if left is None:
            return base
        return httpx.Timeout(
            connect=_cap(base.connect, left),
            read=_cap(base.read, left),
            write=_cap(base.write, left),
            pool=_cap(base.pool, left),
        )

    def after_response(
        self, raw: RawResponse, success: frozenset[int] | None
    ) -> Decision:
        """Decide what a response means: done, retry, or (via the caller) an error."""
        self.last_status = raw.status
        if is_success(raw.status, success):
            return GIVE_UP
        return decide_status(
            self.config.retry,
            attempt=self.attempt,
            replayable=self.replayable,
            status=raw.status,
            retry_after=self.retry_after(raw),
            remaining=self.remaining(),
            rand=self.config.timing.random,
        )

    def after_exception(self, exc: httpx.HTTPError) -> Decision:
        """Decide whether a transport failure is retried."""
        connect_failed = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)
        return decide_exception(
            self.config.retry,
            attempt=self.attempt,
            replayable=self.replayable,
            connect_failed=connect_failed,
            remaining=self.remaining(),
            rand=self.config.timing.random,
        )

    def retry_after(self, raw: RawResponse) -> float | None:
        """The server's Retry-After in seconds, if it sent one."""
        return parse_retry_after(
            raw.headers.get("retry-after"), self.config.timing.wall()
        )

    def error_for(self, raw: RawResponse) -> ApiError:
        """The ApiError for a response that is neither success nor retried."""
        error = api_error(
            raw.status,
            raw.headers,
            raw.content,
            method=self.prepared.method,
            url=safe_url(self.prepared.url),
        )
        error.retry_after = self.retry_after(raw)
        return error

    def finish(
        self, raw: RawResponse, spec: RequestSpec, adapter: TypeAdapter[T] | None
    ) -> ApiResponse[T]:
        """Turn the final response into a value or raise its ApiError."""
        if not is_success(raw.status, spec.success):
            raise self.error_for(raw)
        return parse_success(raw, adapter, spec.response)


def _cap(value: float | None, left: float) -> float:
    return max(0.001, left if value is None else min(value, left))


def _build(
    client: httpx.Client | httpx.AsyncClient, prepared: Prepared, timeout: httpx.Timeout
) -> httpx.Request:
    return client.build_request(
        prepared.method,
        prepared.target if prepared.target is not None else prepared.url,
        params=httpx.QueryParams(prepared.params) if prepared.params else None,
        headers=prepared.headers,
        content=prepared.content,
        timeout=timeout,
    )


def _expired(state: CallState) -> bool:
    left = state.remaining()
    return left is not None and left <= 0


def read_sync(
    client: httpx.Client, request: httpx.Request, state: CallState
) -> RawResponse:
    """Send one request and read its body, checking the deadline between chunks."""
    response = client.send(request, stream=True, follow_redirects=False)
    try:
        chunks: list[bytes] = []
        for chunk in response.iter_bytes():
            chunks.append(chunk)
            if _expired(state):
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
            if _expired(state):
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
        """A socket stream whose every operation is bounded by the running call's deadline."""

        def __init__(self, inner: httpcore.NetworkStream) -> None:
            self._inner = inner

        def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            capped = _cap_now(timeout)
            try:
                return self._inner.read(max_bytes, capped)
            except httpcore.ReadTimeout:
                if capped != timeout:
                    raise _DeadlineHit from None
                raise

        def write(self, buffer: bytes, timeout: float | None = None) -> None:
            capped = _cap_now(timeout)
            try:
                self._inner.write(buffer, capped)
            except httpcore.WriteTimeout:
                if capped != timeout:
                    raise _DeadlineHit from None
                raise

        def close(self) -> None:
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
    _, backend_class = _NETWORK
    try:
        transport = client._transport_for_url(httpx.URL(base_url))
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
    except (AttributeError, TypeError):  # another httpx layout: keep the worker thread
        return False
    if isinstance(backend, backend_class):
        return True
    import httpcore

    if not isinstance(backend, httpcore.NetworkBackend):
        return False
    pool._network_backend = backend_class(backend)  # type: ignore[union-attr]
    return True


class SyncTransport:
    """Blocking transport over an httpx.Client (injected, or created and owned)."""

    def __init__(
        self, config: ClientConfig, client: httpx.Client | None = None
    ) -> None:
        self.config = config
        self._owns = client is None
        self._client = client if client is not None else httpx.Client()
        self._on_socket = bind_deadlines(self._client, config.base_url)

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
        self, spec: RequestSpec, adapter: TypeAdapter[T] | None = None
    ) -> ApiResponse[T]:
        """Send `spec` with retries and the overall deadline; return the parsed response."""
        prepared = prepare(self.config, spec)
        state = CallState(self.config, prepared, spec.deadline)
        while True:
            left = state.begin_attempt()
            request = _build(self._client, prepared, state.timeout_for(left))
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


class AsyncTransport:
    """Asynchronous transport over an httpx.AsyncClient (injected, or created and owned)."""

    def __init__(
        self, config: ClientConfig, client: httpx.AsyncClient | None = None
    ) -> None:
        self.config = config
        self._owns = client is None
        self._client = client if client is not None else httpx.AsyncClient()

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
        self, spec: RequestSpec, adapter: TypeAdapter[T] | None = None
    ) -> ApiResponse[T]:
        """Send `spec` with retries and the overall deadline; return the parsed response."""
        prepared = prepare(self.config, spec)
        state = CallState(self.config, prepared, spec.deadline)
        while True:
            left = state.begin_attempt()
            request = _build(self._client, prepared, state.timeout_for(left))
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
