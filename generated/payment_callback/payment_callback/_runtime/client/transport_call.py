"""One logical call across its attempts: the deadline, the attempt count, retry decisions
and the httpx request each attempt sends (shared by the sync and async transports)."""

from __future__ import annotations

from typing import Any, TypeVar

import httpx
from pydantic import TypeAdapter

from .errors import (
    ApiError,
    DeadlineExceeded,
    api_error,
)
from .retry import (
    GIVE_UP,
    Decision,
    decide_exception,
    decide_status,
    is_replayable,
    parse_retry_after,
)
from .transport_request import (
    ClientConfig,
    Prepared,
    RequestSpec,
    safe_url,
)
from .transport_response import (
    ApiResponse,
    RawResponse,
    is_success,
    parse_success,
)

T = TypeVar("T")


class CallState:
    """Bookkeeping of one logical call across attempts: deadline, attempt count, last status."""

    def __init__(
        self,
        config: ClientConfig,
        prepared: Prepared,
        deadline: float | None,
        once: bool = False,
    ) -> None:
        self.config = config
        self.prepared = prepared
        self.attempt = 0
        self.last_status: int | None = None
        # `once` (a kind: Api call): not resent whatever headers it carries
        self.replayable = not once and is_replayable(prepared.method, prepared.headers)
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
            connect=cap(base.connect, left),
            read=cap(base.read, left),
            write=cap(base.write, left),
            pool=cap(base.pool, left),
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


def cap(value: float | None, left: float) -> float:
    return max(0.001, left if value is None else min(value, left))


class _SetCookieCookies(httpx.Cookies):
    """httpx's cookies over the same jar, read from a response only when it sets a cookie.

    httpx hands every response to the standard library's cookie jar, which first builds
    urllib views of the request and the response (about a tenth of a small call's CPU) and
    then takes nothing from an answer without Set-Cookie or Set-Cookie2. Skipping those
    answers keeps the jar exactly as it would be.
    """

    def extract_cookies(self, response: httpx.Response) -> None:
        headers = response.headers
        if "set-cookie" in headers or "set-cookie2" in headers:
            super().extract_cookies(response)


def lean_cookies(client: httpx.Client | httpx.AsyncClient) -> bool:
    """Let `client` skip the cookie jar for answers that set no cookie (see
    `_SetCookieCookies`); its cookies, and every cookie set later, stay in the same jar.
    True when done; False when the client keeps its cookies another way."""
    cookies = getattr(client, "_cookies", None)
    if isinstance(cookies, _SetCookieCookies):
        return True
    if type(cookies) is not httpx.Cookies:
        return False
    client._cookies = _SetCookieCookies(cookies.jar)
    return True


# A request head and its body are sent together while they fit in this many bytes.
COALESCE_MAX = 65536


def is_request_head(buffer: bytes) -> bool:
    """True for the bytes of an HTTP/1.x request head (`GET /x HTTP/1.1 ... CRLF CRLF`):
    what a transport's socket stream holds back to send with the body that follows."""
    if len(buffer) > COALESCE_MAX or not buffer.endswith(b"\r\n\r\n"):
        return False
    line = buffer[: buffer.find(b"\r\n")]
    return line.endswith((b" HTTP/1.1", b" HTTP/1.0"))


def build_request(
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


def expired(state: CallState) -> bool:
    left = state.remaining()
    return left is not None and left <= 0


def wrap_pool_backend(
    client: httpx.Client | httpx.AsyncClient,
    base_url: str,
    backend_class: type[Any],
    base: type[Any],
) -> bool:
    """Wrap the network backend of the connection pool that serves `base_url` in
    `backend_class(backend)`, once. True when done (or already done); False when the client
    is not built the way httpx 0.27/0.28 builds it (a custom transport, say), or its backend
    is not a `base` (httpcore's NetworkBackend or AsyncNetworkBackend)."""
    try:
        transport = client._transport_for_url(httpx.URL(base_url))
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
    except (AttributeError, TypeError):  # another httpx layout
        return False
    if isinstance(backend, backend_class):
        return True
    if not isinstance(backend, base):
        return False
    pool._network_backend = backend_class(backend)  # type: ignore[union-attr]
    return True
