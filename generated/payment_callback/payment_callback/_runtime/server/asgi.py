"""Assemble the FastAPI app for one compiled journey and its provider webhook receivers.

Request bodies are read by ``intake.read_json`` rather than by FastAPI's body parameters so
that every rejection is a problem+json answer with the right status (415 wrong media type, 413
too large, enforced while reading, 408 too slow, 400 not strict JSON or breaking the schema) and
nothing is reflected back; ``limits.TransportLimits`` refuses oversized request heads (431, 414)
before routing. Engine work is synchronous: a request that changes state runs it on the event
loop when the store's writes never wait and nothing on its way may wait (inline.py), and
otherwise hands it to a worker thread once (offload.py); a read of one instance runs on the
event loop when the store's reads never wait.

The journey routes are ``_JourneyRoute``s: FastAPI documents them from the endpoint signatures as
usual, but a request goes straight to the endpoint (path parameters and the request passed in)
and its JSON body is written by pydantic's serializer, the bytes FastAPI's ``dict[str, Any]``
response model would write, without FastAPI's per-request dependency solving and response
validation (the engine builds and shapes every body itself). Errors still reach the app's
exception handlers. Routes a user adds to the app keep FastAPI's own handling.
"""

from __future__ import annotations

import functools
import inspect
import time
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Coroutine,
    Mapping,
    Sequence,
)
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.routing import APIRoute
from pydantic import BaseModel
from pydantic_core import to_json
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from .access import guarded_record
from .auth import RequestMeta
from .cancel import CANCEL_STEP, cancel_journey
from .contract import served_contract
from .engine import ExternalInput, JourneyEngine, PreparedStart
from .idempotency import idempotency_key
from .inline import Inline
from .intake import read_json
from .limits import TransportLimits
from .offload import offload
from .outage import retrying
from .outbound_policies.cookies import client_cookies
from .problem import install_problem_handlers
from .results import SUCCEEDED
from .scheduler import TimerScheduler
from .services import COOKIES
from .settings import Settings
from .store import JourneyRecord, StoreUnavailableError
from .webhooks import ProviderBinding, receive_event

__all__ = ["API_PREFIX", "create_journey_app", "read_json"]

API_PREFIX = "/api/v1"


class _JourneyRoute(APIRoute):
    """An APIRoute documented by FastAPI but served by calling the endpoint directly.

    Its ASGI app is the handler and the response alone: no dependency exit stacks (the
    endpoints have no dependencies) and no second exception wrapper; what the endpoint raises
    reaches the app's exception handlers through Starlette's exception middleware.
    """

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        handle = self.get_route_handler()

        async def app(scope: Any, receive: Any, send: Any) -> None:
            response = await handle(Request(scope, receive, send))
            await response(scope, receive, send)

        self.app = app

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        endpoint: Callable[..., Awaitable[Any]] = self.endpoint
        names = tuple(inspect.signature(endpoint).parameters)
        status = self.status_code or 200

        async def handle(request: Request) -> Response:
            path = request.path_params
            args = {n: request if n == "request" else path[n] for n in names}
            body = await endpoint(**args)
            if isinstance(body, _WithCookies):
                answer = Response(
                    to_json(body.body), status, media_type="application/json"
                )
                for value in body.cookies:
                    answer.headers.append("set-cookie", value)
                return answer
            return Response(to_json(body), status, media_type="application/json")

        return handle


@dataclass(frozen=True)
class _WithCookies:
    """A body answered with `Set-Cookie` headers (spec.cookies.returnToClient)."""

    body: dict[str, Any]
    cookies: list[str]


def _returning(
    engine: JourneyEngine[Any],
) -> Callable[[dict[str, Any], JourneyRecord | None], Awaitable[Any]] | None:
    """What adds the jar's cookies to a succeeded run's answer (DSL §22.4); None when the
    journey returns none."""
    outbound = engine.definition.outbound
    rules = outbound.cookies if outbound is not None else None
    if rules is None or rules.return_mode == "none":
        return None

    async def add(body: dict[str, Any], record: JourneyRecord | None) -> Any:
        if record is None and body.get("phase") in ("SUCCEEDED", SUCCEEDED):
            record = await run_in_threadpool(
                engine.store.get_journey, body["journeyId"]
            )
        if record is None or record.phase != SUCCEEDED:
            return body
        stored = (record.runtime or {}).get(COOKIES)
        found = client_cookies(rules, stored, time.time())
        return _WithCookies(body, found) if found else body

    return add


def _route(
    app: FastAPI,
    path: str,
    endpoint: Callable[..., Awaitable[dict[str, Any]]],
    method: str,
    **extra: Any,
) -> None:
    app.router.add_api_route(
        path, endpoint, methods=[method], route_class_override=_JourneyRoute, **extra
    )


def _json_schema(model: type[BaseModel]) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": model.model_json_schema()}},
        }
    }


def _headers(request: Request) -> Mapping[str, str]:
    """The request's header fields by lower-case name (the last of a repeated one)."""
    return {
        k.decode("latin-1").lower(): v.decode("latin-1")
        for k, v in request.scope["headers"]
    }


async def _work(
    inline: Inline | None,
    idempotent: bool,
    fn: Callable[..., dict[str, Any]],
    *args: Any,
    failed: StoreUnavailableError | None = None,
) -> dict[str, Any]:
    """Run engine work on the event loop (``inline``, see inline.py) or else on a worker
    thread, again after a transient store failure (``failed``: how a first try failed).
    """
    call = functools.partial(fn, *args)
    if inline is not None:
        try:
            answer = await inline.run(call)
        except StoreUnavailableError as exc:
            answer, failed = None, exc
        if answer is not None:
            return answer
    again = functools.partial(retrying, idempotent=idempotent, failed=failed)
    return await offload.run(again, call)


async def _start_work(
    inline: tuple[Inline, Inline] | None,
    idempotent: bool,
    engine: JourneyEngine[Any],
    *args: Any,
) -> dict[str, Any]:
    """A start: on the event loop when nothing on its way waits (``inline``: the route's
    attempts at the whole start, and at its transaction); else its run, the handler calls
    included, on a worker thread, and its transaction back on the loop, where the answer
    goes anyway: the worker never holds the store's write connection."""
    if inline is None:
        return await _work(None, idempotent, engine.start, *args)
    whole, finishing = inline
    try:
        answer = await whole.run(engine.start, *args)
        if answer is not None:
            return answer
        again = functools.partial(retrying, idempotent=idempotent)
        call = functools.partial(engine.prepare_start, *args)
        prepared: PreparedStart | dict[str, Any] = await offload.run(again, call)
        if not isinstance(prepared, PreparedStart):
            return prepared  # a replayed answer
        answer = await finishing.run(engine.finish_start, prepared)
    except (
        StoreUnavailableError
    ) as exc:  # rolled back: the whole start again, on a worker
        return await _work(None, idempotent, engine.start, *args, failed=exc)
    if answer is not None:
        return answer
    # the file is locked by another process, or the disk syncs slowly: on a worker
    finish = functools.partial(engine.finish_start, prepared)
    return await offload.run(functools.partial(retrying, idempotent=idempotent), finish)


def _inline(engine: JourneyEngine[Any]) -> Inline | None:
    """A route's attempts on the event loop, when the store's writes never wait."""
    if getattr(engine.store, "writes_without_blocking", False) is True:
        return Inline()
    return None


def _meta(request: Request) -> RequestMeta:
    scope = request.scope
    extensions = scope.get("extensions") or {}
    tls = extensions.get("tls") if isinstance(extensions, dict) else None
    chain = tls.get("client_cert_chain") if isinstance(tls, dict) else None
    certs = tuple(c for c in chain or () if isinstance(c, str))
    query = dict(request.query_params) if scope.get("query_string") else {}
    has_cookies = any(k == b"cookie" for k, _ in scope["headers"])
    cookies = dict(request.cookies) if has_cookies else {}
    return RequestMeta(query, cookies, certs)


def _add_start(app: FastAPI, engine: JourneyEngine[Any], settings: Settings) -> None:
    name = engine.definition.name
    accepted = engine.definition.start_mode == "async"  # 202 + JourneyStartResponse
    returning = _returning(engine)
    inline = None if _inline(engine) is None else (Inline(), Inline())

    async def start(request: Request) -> dict[str, Any]:
        _, body = await read_json(request, settings)
        headers = _headers(request)
        keyed = idempotency_key(headers) is not None  # a replay is answered, not re-run
        # the server's own URL, only for an async start's statusUrl
        base = str(request.base_url).rstrip("/") if accepted else ""
        meta = _meta(request)
        answer = await _start_work(inline, keyed, engine, body, headers, meta, base)
        return answer if returning is None else await returning(answer, None)

    _route(
        app,
        f"{API_PREFIX}/journeys/{name}/start",
        start,
        "POST",
        name=f"{name}:start",
        status_code=202 if accepted else 200,
        openapi_extra=_json_schema(engine.definition.input_model),
    )


def _add_reads(app: FastAPI, engine: JourneyEngine[Any]) -> None:
    # A store whose single-instance read never waits (SQLiteStore on a file: its own WAL
    # reader connection) is read on the event loop, sparing two thread hops per read; any
    # other store, or a journey with a read guard (it runs states), is read in the threadpool.
    guarded = engine.definition.read_guard is not None
    inline = not guarded and getattr(engine.store, "reads_without_blocking", False)
    returning = _returning(engine)

    async def read(journey_id: str, request: Request) -> JourneyRecord:
        if inline is True:
            return engine.get(journey_id)
        if guarded:
            meta = _meta(request)
            call = functools.partial(
                guarded_record, engine, journey_id, _headers(request), meta
            )
            return await offload.run(call)
        return await offload.run(engine.get, journey_id)

    async def get_status(journeyId: str, request: Request) -> dict[str, Any]:
        return engine.status_body(await read(journeyId, request))

    async def get_result(journeyId: str, request: Request) -> dict[str, Any]:
        record = await read(journeyId, request)
        answer = engine.outcome_body(record)
        return answer if returning is None else await returning(answer, record)

    _route(app, f"{API_PREFIX}/journeys/{{journeyId}}", get_status, "GET")
    _route(app, f"{API_PREFIX}/journeys/{{journeyId}}/result", get_result, "GET")


def _add_step(
    app: FastAPI,
    engine: JourneyEngine[Any],
    ext: ExternalInput,
    settings: Settings,
    route: str,
) -> None:
    returning = _returning(engine)
    inline = _inline(engine)

    async def submit(journeyId: str, request: Request) -> dict[str, Any]:
        headers = _headers(request)
        _, body = await read_json(request, settings)
        key = idempotency_key(headers)
        answer = await _work(
            inline,
            key is not None,
            engine.submit,
            *(journeyId, ext.name, body, headers, key, _meta(request)),
        )
        return answer if returning is None else await returning(answer, None)

    _route(
        app,
        f"{API_PREFIX}/journeys/{{journeyId}}/steps/{route}",
        submit,
        "POST",
        name=f"{engine.definition.name}:{route}",
        openapi_extra=_json_schema(ext.input_model),
    )


def _add_cancel(app: FastAPI, engine: JourneyEngine[Any]) -> None:
    inline = _inline(engine)
    guarded = engine.definition.read_guard is not None

    async def cancel(journeyId: str, request: Request) -> dict[str, Any]:
        args = (engine, journeyId, _headers(request), _meta(request))
        if guarded:  # a caller the read guard denies cannot see, so cannot cancel: 404
            await offload.run(functools.partial(guarded_record, *args))
        return await _work(inline, True, cancel_journey, *args)

    _route(
        app,
        f"{API_PREFIX}/journeys/{{journeyId}}/steps/{CANCEL_STEP}",
        cancel,
        "POST",
        name=f"{engine.definition.name}:cancel",
    )


def _add_receiver(
    app: FastAPI,
    engine: JourneyEngine[Any],
    binding: ProviderBinding,
    settings: Settings,
) -> None:
    inline = _inline(engine)

    async def receive(request: Request) -> dict[str, Any]:
        raw, body = await read_json(request, settings)
        headers = _headers(request)
        args = (engine, binding, raw, body, headers, _meta(request))
        return await _work(inline, True, receive_event, *args)

    _route(
        app,
        binding.route,
        receive,
        "POST",
        name=f"webhook:{binding.provider}",
        openapi_extra=_json_schema(binding.payload_model),
    )


def create_journey_app(
    engine: JourneyEngine[Any],
    *,
    bindings: Sequence[ProviderBinding] = (),
    title: str | None = None,
    version: str = "0.1.0",
    contract: Mapping[str, Any] | None = None,
    close_store: bool = False,
) -> FastAPI:
    """Build the app: start, status, steps, result, provider webhooks; errors as problem+json.

    The app's lifespan runs a ``TimerScheduler`` (``app.state.scheduler``) that fires durable
    timers, wait timeouts and schedule runs; serve it with lifespan enabled (uvicorn's default).
    With ``contract`` (the journey's per-journey OpenAPI) /openapi.json and /docs serve it,
    completed by ``contract.served_contract``, instead of FastAPI's rendering of the routes.
    ``close_store``: the store was opened for this app; it is closed when the lifespan ends.
    """
    scheduler = TimerScheduler(engine, engine.settings.timer_poll_seconds)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        scheduler.start()
        try:
            yield
        finally:
            await run_in_threadpool(scheduler.stop)
            if close_store:
                await run_in_threadpool(engine.store.close)

    app = FastAPI(
        title=title or engine.definition.name, version=version, lifespan=lifespan
    )
    app.state.engine = engine
    app.state.scheduler = scheduler
    install_problem_handlers(app)
    app.add_middleware(TransportLimits, settings=engine.settings)
    settings = engine.settings
    # /openapi.json and /docs, added by FastAPI itself
    framework = len(app.router.routes)
    _add_start(app, engine, settings)
    _add_reads(app, engine)
    for route, ext in engine.routes.items():
        _add_step(app, engine, ext, settings, route)
    if engine.definition.cancellable and CANCEL_STEP not in engine.routes:
        _add_cancel(app, engine)
    own = {getattr(r, "path", None) for r in app.router.routes[:framework]}
    for binding in bindings:
        if binding.target_step not in engine.inputs:
            raise ValueError(
                f"binding {binding.provider!r}: no step {binding.target_step!r}"
            )
        if binding.route in own:
            raise ValueError(
                f"binding {binding.provider!r}: route {binding.route!r} is the app's own"
                " documentation path; choose another"
            )
        _add_receiver(app, engine, binding, settings)
    # The journey's routes are matched first: Starlette tries routes in order, and no journey
    # path is one of FastAPI's own (documentation) routes (journey paths are fixed, provider
    # routes are checked above), so this changes no answer, only spares every journey request
    # the regex matches of the documentation routes.
    routes = app.router.routes
    routes[:] = routes[framework:] + routes[:framework]
    if contract is not None:
        served = served_contract(contract, bindings)
        app.openapi = lambda: served  # type: ignore[method-assign]
    return app
