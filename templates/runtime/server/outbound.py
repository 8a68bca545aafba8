"""The default of every httpCall task: the server performs the call itself (DSL §5.1).

One `Outbound` per app holds the shared `httpx.Client` (made on first use, closed with the
app's lifespan), the base URL of each downstream API and the outbound policy. `perform` builds
one `httpx.Request` from the call model and the operation the generator resolved from the
downstream OpenAPI document (method, path, parameters, server URL; `outbound_request`), hands
it to the policy (`OutboundPolicy.send`: retries, outbound auth and cookies plug in there; the
default sends it as it is) and turns what comes back into the task's result: never an
exception.

- 2xx: `ok: true`; other statuses: `ok: false`, with status, headers and body either way;
- a JSON content type is parsed (a body that is not JSON then is `ok: false`,
  `error.type: INVALID_BODY`, the text kept as body), any other body is kept as text;
- a JSON body is checked against the type the downstream OpenAPI document gives its status
  (`HttpOperation.results`) and handed on typed; one that breaks it is `ok: false`,
  `error.type: INVALID_BODY` (`outbound_checks`);
- a body over `Settings.max_response_bytes` fails while it arrives: the status and headers,
  `ok: false`, `error.type: RESPONSE_TOO_LARGE`;
- a timeout is `{ok: false, error: {type: TIMEOUT, message}}` with no `status` (DSL §5.1:
  absent when no answer arrived), a refused, reset or broken connection `error.type: NETWORK`,
  a call a policy refuses unsent its own type (`CIRCUIT_OPEN`, `BULKHEAD_FULL`, `AUTH`);
- `mode: notify` sends on a background thread and the journey goes on at once: nothing of the
  call is observed (errors are logged). What depends on the run (its cookie jar) is attached
  on the journey's thread first (`OutboundPolicy` `before_notify`).
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import httpx
from pydantic import BaseModel

from .outbound_checks import (
    ResponseTooLarge,
    ResultSchemas,
    limit_setting,
    size_limit,
    too_large,
)
from .outbound_request import JSON_KIND, build_request
from .results import TaskResult
from .services import Services
from .settings import Settings, api_base_url_env_name

__all__ = [
    "DEFAULT_TIMEOUT_MS",
    "BaseUrlError",
    "CallSite",
    "HttpDefaults",
    "HttpOperation",
    "Outbound",
    "OutboundError",
    "OutboundPolicy",
    "PassThrough",
    "call_site",
    "current_call",
    "http_default",
    "is_http_default",
]

DEFAULT_TIMEOUT_MS = (
    10_000  # DSL §5.1: when neither the task nor spec.defaults.http sets one
)

_logger = logging.getLogger("journeygen.server")


@dataclass(frozen=True)
class HttpOperation:
    """One httpCall task as the generator resolved it (see /work notes: outbound interface).

    `params` maps each call-model attribute to its wire name and location (path, query,
    header); `path`/`api` are None for the raw `method` + `url` form, whose call model
    carries method and url. `resilience_policy`, `auth_policy` and `use_cookie_jar` are for
    the policy; the performer itself does not read them. `results` pairs each documented
    status (`200`, `4XX`, `default`) with the type its JSON body is checked against.
    """

    name: str
    state: str
    method: str
    path: str | None = None
    api: str | None = None
    server_url: str | None = None
    params: tuple[tuple[str, str, str], ...] = ()
    accept: str = "application/json"
    timeout_ms: int = DEFAULT_TIMEOUT_MS
    notify: bool = False
    resilience_policy: str | None = None
    auth_policy: str | None = None
    use_cookie_jar: bool = True
    results: tuple[tuple[str, Any], ...] = ()


class OutboundPolicy(Protocol):
    """How a built request is sent: retries, outbound auth, cookies (the default sends it).

    A policy may also have `before_notify(request, operation)`: called on the journey's own
    thread before a notify call is handed to the background, to attach what belongs to the
    run (the cookie jar's cookies); `send` then runs on the background thread.
    """

    def send(
        self, client: httpx.Client, request: httpx.Request, operation: HttpOperation
    ) -> httpx.Response:
        """Send `request` (its timeout is in `request.extensions`); return the response
        to record, or raise an `httpx.TransportError` or `OutboundError`."""
        ...


class PassThrough:
    """The default policy: send the request once, as it is."""

    def send(
        self, client: httpx.Client, request: httpx.Request, operation: HttpOperation
    ) -> httpx.Response:
        """Send once."""
        return client.send(request)


class OutboundError(Exception):
    """A policy's own failure (e.g. an open circuit): recorded as `error.type`, no status."""

    def __init__(self, type_: str, message: str) -> None:
        self.type = type_
        self.message = message
        super().__init__(f"{type_}: {message}")


class BaseUrlError(RuntimeError):
    """A downstream API has no absolute base URL: neither a setting nor its document's."""


@dataclass(frozen=True)
class CallSite:
    """The journey instance an outbound call is made for (for cookie jars and logs)."""

    journey_id: str
    journey_name: str
    services: Services


_site: ContextVar[CallSite | None] = ContextVar("journeygen_call_site", default=None)


def current_call() -> CallSite | None:
    """The journey instance whose task is calling now; None outside a run."""
    return _site.get()


def call_site(services: Services) -> Callable[[], None]:
    """Mark the current thread's calls as made for this run; return the undo."""
    token = _site.set(CallSite(services.journey_id, services.journey_name, services))
    return lambda: _site.reset(token)


def _absolute(url: str | None) -> bool:
    return isinstance(url, str) and re.match(r"^https?://[^/]", url) is not None


class Outbound:
    """The HTTP performer of one app: shared client, base URLs, policy, notify workers."""

    def __init__(
        self,
        settings: Settings,
        operations: Mapping[str, HttpOperation],
        policy: OutboundPolicy | None = None,
        client: httpx.Client | None = None,
    ) -> None:
        self.settings = settings
        self.operations = dict(operations)
        self.policy: OutboundPolicy = policy or PassThrough()
        self._owned = client is None
        self._lock = threading.Lock()
        self._workers: ThreadPoolExecutor | None = None
        self.schemas = ResultSchemas()
        self.limit = settings.max_response_bytes
        self.cap = size_limit(settings)
        if client is not None:  # the cap holds on a client passed in too
            hooks = client.event_hooks
            client.event_hooks = {**hooks, "response": [*hooks["response"], self.cap]}
        self._client = client

    # -- lifecycle -------------------------------------------------------------------

    @property
    def client(self) -> httpx.Client:
        """The one shared client (made on first use)."""
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = httpx.Client(
                        follow_redirects=False, event_hooks={"response": [self.cap]}
                    )
        return self._client

    def close(self) -> None:
        """Wait for pending notify calls, then close the client this Outbound made."""
        workers, self._workers = self._workers, None
        if workers is not None:
            workers.shutdown(wait=True)
        client = self._client
        if client is not None and self._owned:
            self._client = None
            client.close()

    def close_with(self, app: Any) -> None:
        """Close when the app's lifespan ends (wraps its lifespan context)."""
        inner = app.router.lifespan_context

        @asynccontextmanager
        async def lifespan(target: Any) -> AsyncIterator[Any]:
            async with inner(target) as state:
                try:
                    yield state
                finally:
                    self.close()

        app.router.lifespan_context = lifespan

    # -- base URLs -------------------------------------------------------------------

    def base_url(self, operation: HttpOperation) -> str:
        """The base URL of the operation's API: the setting, else the document's server."""
        configured = (
            self.settings.api_base_urls.get(operation.api) if operation.api else None
        )
        url = configured or operation.server_url
        if url is None or not _absolute(url):
            raise BaseUrlError(self._missing(operation, configured))
        return url.rstrip("/")

    def _missing(self, operation: HttpOperation, configured: str | None) -> str:
        prefix = self.settings.env_prefix
        name = api_base_url_env_name(prefix, operation.api or "") if prefix else None
        setting = name or f"Settings.api_base_urls[{operation.api!r}]"
        if configured:
            found = f"{setting} is {configured!r}, not an absolute URL"
        elif operation.server_url:
            found = f"its server URL {operation.server_url!r} is not absolute"
        else:
            found = "its OpenAPI document names no server URL"
        where = f"set {name}" if name else f"configure {setting}"
        return (
            f"httpCall {operation.state!r} calls API {operation.api!r}, but {found}: "
            f"{where} to the API's absolute base URL (http:// or https://)"
        )

    def check(self, names: Iterable[str]) -> None:
        """Raise `BaseUrlError` naming every variable missing for these calls (at startup)."""
        problems = []
        for name in names:
            operation = self.operations[name]
            if operation.path is None:
                continue
            try:
                self.base_url(operation)
            except BaseUrlError as exc:
                problems.append(str(exc))
        if problems:
            raise BaseUrlError("\n".join(dict.fromkeys(problems)))

    # -- the call --------------------------------------------------------------------

    def perform(self, operation: HttpOperation, call: BaseModel) -> TaskResult[Any]:
        """Make the call; its result (a notify call: sent in the background, not observed)."""
        request = self.build(operation, call)
        if operation.notify:
            self._notify(operation, request)
            return TaskResult(ok=True)
        result = self._exchange(operation, request)
        if not operation.results:
            return result
        target = (
            f"{operation.method} {operation.path} of API {operation.api!r}"
            if operation.path is not None
            else f"httpCall {operation.state!r}"
        )
        return self.schemas.typed(operation.results, result, target)

    def build(self, operation: HttpOperation, call: BaseModel) -> httpx.Request:
        """The request of one call: URL, query, headers, body and the timeout."""
        base_url = self.base_url(operation) if operation.path is not None else ""
        return build_request(self.client, operation, call.__dict__, base_url)

    def _exchange(
        self, operation: HttpOperation, request: httpx.Request
    ) -> TaskResult[Any]:
        try:
            response = self.policy.send(self.client, request, operation)
            try:
                response.read()
            finally:
                response.close()
        except ResponseTooLarge as exc:
            return too_large(exc)
        except httpx.TimeoutException as exc:
            return _failure("TIMEOUT", _describe(exc, operation))
        except httpx.TransportError as exc:
            return _failure("NETWORK", _describe(exc, operation))
        except OutboundError as exc:
            return _failure(exc.type, exc.message)
        decoded = len(response.content)
        if decoded > self.limit:  # a compressed body that decodes past the cap
            size = f"{decoded} bytes once decoded"
            return too_large(
                ResponseTooLarge(
                    response, self.limit, limit_setting(self.settings), size
                )
            )
        return _result(response)

    def _notify(self, operation: HttpOperation, request: httpx.Request) -> None:
        prepare = getattr(self.policy, "before_notify", None)
        if callable(prepare):
            prepare(request, operation)
        with self._lock:
            if self._workers is None:
                self._workers = ThreadPoolExecutor(
                    max_workers=4, thread_name_prefix="journeygen-notify"
                )
            workers = self._workers
        workers.submit(self._send_quietly, operation, request)

    def _send_quietly(self, operation: HttpOperation, request: httpx.Request) -> None:
        result = self._exchange(operation, request)
        if not result.ok:
            _logger.warning(
                "notify call of state %r: %s",
                operation.state,
                result.error or f"status {result.status}",
            )


def _failure(type_: str, message: str) -> TaskResult[Any]:
    return TaskResult(ok=False, error={"type": type_, "message": message})


def _describe(exc: Exception, operation: HttpOperation) -> str:
    try:
        request: httpx.Request | None = (
            exc.request if isinstance(exc, httpx.RequestError) else None
        )
    except RuntimeError:  # an exception raised without its request
        request = None
    target = (
        f"{request.method} {request.url.copy_with(query=None)}"
        if request is not None
        else operation.name
    )
    detail = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        return f"{target}: no answer within {operation.timeout_ms} ms ({detail})"
    return f"{target}: {type(exc).__name__}: {detail}"


def _result(response: httpx.Response) -> TaskResult[Any]:
    headers = {key: value for key, value in response.headers.items()}
    ok = 200 <= response.status_code < 300
    kind = response.headers.get("content-type", "")
    raw = response.content
    if not raw:
        return TaskResult(status=response.status_code, ok=ok, headers=headers)
    text = response.text
    if not JSON_KIND.match(kind):
        return TaskResult(
            status=response.status_code, ok=ok, headers=headers, body=text
        )
    try:
        body = json.loads(text)
    except ValueError as exc:
        error = {
            "type": "INVALID_BODY",
            "message": f"the {kind} body is not JSON: {exc}",
        }
        return TaskResult(
            status=response.status_code,
            ok=False,
            headers=headers,
            body=text,
            error=error,
        )
    return TaskResult(status=response.status_code, ok=ok, headers=headers, body=body)


F = TypeVar("F", bound=Callable[..., Any])
_MARK = "__journeygen_http_default__"


def http_default(method: F) -> F:
    """Mark a generated method as the server's own HTTP call (what an override replaces)."""
    setattr(method, _MARK, True)
    return method


def is_http_default(method: Any) -> bool:
    """Whether a (bound) method is a generated HTTP default, not the server team's code."""
    return bool(getattr(getattr(method, "__func__", method), _MARK, False))


class HttpDefaults:
    """Base of the generated `<Journey>HttpHandlers`: subclass it and override the calls you
    make yourself; `create_app` binds it to the app's `Outbound` (its `outbound`)."""

    def __init__(self, outbound: Outbound | None = None) -> None:
        self.outbound = outbound

    def perform(self, operation: HttpOperation, call: BaseModel) -> TaskResult[Any]:
        """Make the call over HTTP through the app's Outbound."""
        outbound = getattr(self, "outbound", None)
        if not isinstance(outbound, Outbound):
            raise RuntimeError(
                f"{type(self).__name__} makes HTTP calls only once it is passed to "
                "create_app (which binds it to the app's HTTP client)"
            )
        return outbound.perform(operation, call)
