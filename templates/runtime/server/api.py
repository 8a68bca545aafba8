"""Serve a ``kind: Api`` definition: one synchronous, stateless endpoint (DSL §2.2.2, §17.1).

One request validates its JSON body against the input schema, makes it the context of an
ephemeral run (``spec.bindings.http.start`` projects headers and query parameters into it),
runs the states from ``spec.start`` to ``succeed`` or ``fail`` with the same interpreter as a
journey (tasks and their httpCalls, choices, transforms, parallels, subjourneys) and answers:

- ``succeed``: the output (``context.<outputVar>``, else the whole context) as the JSON body;
- ``fail``: the error as ``application/problem+json`` (``type`` = the error code, ``title`` =
  the reason, ``status`` = the answered status), or the ``spec.errors.envelope`` custom body.

The status comes from ``ApiSurface`` (api_surface.py, ``spec.bindings.http.apiResponses``);
it never changes the body. Nothing is stored: there is no journeyId, no status or result
resource, no step endpoint. ``spec.execution.maxDurationSec`` bounds the run (it fails with
``onTimeout`` before its next state), ``spec.compensation`` (``mode: sync``) runs before the
answer, a request whose auth task reported a problem and whose run failed is refused 401, and
a success carries the ``spec.cookies.returnToClient`` cookies of the call's own jar.

A call runs on the event loop, as a journey's request does at ``synchronous = NORMAL``
(inline.py): there is no store to wait for, so only a handler call (httpCall, every outbound
task, an auth task's check) or a cache operation stops it, before it starts, and the call runs
again from the start on a worker thread (offload.py), nothing of the first attempt applied.
"""

from __future__ import annotations

import copy
import functools
import logging
import time
import uuid
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from pydantic import ValidationError
from pydantic_core import to_json
from starlette.responses import Response

from .api_surface import ApiSurface
from .asgi import API_PREFIX, _headers, _meta
from .auth import RequestMeta
from .cache import Cache
from .contract import served_contract
from .definition import JourneyDefinition
from .engine import validate_payload
from .inline import Inline
from .intake import read_json
from .lifecycle import ENVELOPE, problem_of
from .limits import TransportLimits
from .offload import offload
from .outbound_policies.cookies import client_cookies
from .persistence import Persistence
from .problem import PROBLEM_JSON, ProblemError, install_problem_handlers
from .results import DEFINITION_INVALID, FAILED, RUNNING, SUCCEEDED, Fail
from .run import Run, Thread
from .services import Services, utc_clock
from .settings import Settings
from .store import StoreTransaction, Transition, utc_now

__all__ = ["ApiAnswer", "ApiEngine", "create_api_app"]

H = TypeVar("H")
_logger = logging.getLogger("journeygen.server")


class ApiAnswer:
    """One answer of the endpoint: its HTTP status, body, media type and `Set-Cookie`s."""

    def __init__(
        self, status: int, body: Any, media_type: str, cookies: list[str] | None = None
    ) -> None:
        self.status = status
        self.body = body
        self.media_type = media_type
        self.cookies = cookies or []


class _NoStore:
    """A kind: Api call keeps no journey instance: anything that would store one is a bug."""

    def _refuse(self, *_: Any) -> Any:
        raise RuntimeError("a kind: Api call stores no journey instance")

    def transaction(self) -> AbstractContextManager[StoreTransaction]:
        return self._refuse()  # type: ignore[no-any-return]

    get_journey = history = get_event = get_idempotency_key = next_due = _refuse

    def close(self) -> None:
        return None


class ApiEngine(Persistence[H]):
    """Runs a kind: Api definition, one ephemeral run per request."""

    def __init__(
        self,
        definition: JourneyDefinition[H],
        handlers: H,
        settings: Settings,
        *,
        cache: Cache | None = None,
        clock: Callable[[], datetime] = utc_clock,
    ) -> None:
        if definition.api is None:
            raise ValueError(f"{definition.name} is a kind: Journey definition")
        store = _NoStore()
        super().__init__(
            definition, handlers, store, settings, cache=cache, clock=clock
        )
        self.surface: ApiSurface = definition.api

    def _new_run(
        self,
        journey_id: str,
        started_at: str,
        headers: Mapping[str, str],
        meta: RequestMeta | None,
        tx: StoreTransaction | None,
        event_id: str | None = None,
    ) -> Run:
        services = Services(
            self.definition.name,
            self.definition.version,
            journey_id,
            started_at,
            self.clock,
            self.cache,
            self.definition.cache_ttl_seconds,
            self._platform_config(),
        )
        return Run(journey_id, headers, meta or RequestMeta(), services, event_id)

    def call(
        self, body: Any, headers: Mapping[str, str], meta: RequestMeta | None = None
    ) -> ApiAnswer:
        """Validate the input, run to succeed or fail, and answer (nothing is stored)."""
        for key in self.definition.platform_keys:
            if key.required and key.name not in self.settings.platform_config:
                raise ProblemError(
                    503,
                    "Platform configuration missing",
                    f"platform.config.{key.name} is required by this API; "
                    f"{self.settings.config_hint(key.name)}.",
                    slug="platform-config-missing",
                )
        data = validate_payload(self.definition.input_model, body)
        # an id for the log lines of this call only: it is never answered or stored
        run = self._new_run(f"api-{uuid.uuid4()}", utc_now(), headers, meta, None)
        execution = self.definition.execution
        if execution is not None:
            budget = timedelta(seconds=execution.max_duration_sec)
            run.deadline = self.clock() + budget * self.settings.timer_scale
        binding = self.definition.http_bindings.get("start")
        if binding is not None:
            run.services.passthrough = binding.apply(data, headers, run.meta)
        root = Thread(self.definition.start, dict(data))
        run.transitions.append(Transition(None, self.definition.start))
        self.run_thread(run, self.machine, root, ())
        if run.timed_out and root.status == RUNNING:
            self._time_out(run, root)
        if root.status == RUNNING:  # a kind: Api has no state that pauses
            reason = (
                f"the run stopped at {root.state!r} without reaching succeed or fail"
            )
            self.end(root, Fail(DEFINITION_INVALID, reason))
        self._refuse_unauthenticated(run, root)
        self._finish(run, root)  # the error envelope, a sync compensation
        return self._answer(run, root)

    # -- the answer ------------------------------------------------------------------------

    def _answer(self, run: Run, root: Thread) -> ApiAnswer:
        ctx = self.context_for(run, copy.deepcopy(root.context))
        if root.status == SUCCEEDED:
            self._check_output(root)
            status = self._status(SUCCEEDED, ctx, root.output, None)
            return ApiAnswer(
                status, root.output, "application/json", self._cookies(run)
            )
        error = dict(root.error or {})
        problem = problem_of(error)
        status = self._status(FAILED, ctx, None, problem)
        if ENVELOPE in error:  # spec.errors.envelope, format: custom
            return ApiAnswer(status, error[ENVELOPE], "application/json")
        return ApiAnswer(status, {**problem, "status": status}, PROBLEM_JSON)

    def _check_output(self, root: Thread) -> None:
        """Log a success body ``spec.output.schema`` rejects (DSL §11), with the succeed state
        it came from; it is answered as it is (the typed client's DecodeError names the field).
        """
        model = self.surface.output_model
        if model is None:
            return
        try:
            model.model_validate(root.output)
        except ValidationError as exc:
            site = self.definition.output_sites.get(root.state or "")
            broken = "; ".join(
                f"/{'/'.join(str(part) for part in error['loc'])}: {error['msg']}"
                for error in exc.errors(include_url=False, include_input=False)
            )
            _logger.warning(
                "API %s: the output of state %r%s breaks spec.output.schema (%s);"
                " answered as it is, and the typed client refuses it",
                self.surface.path,
                root.state,
                f" ({site})" if site else "",
                broken,
            )

    def _cookies(self, run: Run) -> list[str]:
        """spec.cookies.returnToClient (DSL §22.4): the jar's selected cookies, from this
        call's jar (it lives as long as the call), with a successful answer."""
        outbound = self.definition.outbound
        rules = outbound.cookies if outbound is not None else None
        if rules is None or rules.return_mode == "none":
            return []
        return client_cookies(rules, run.services.cookies, time.time())

    def _status(self, phase: str, ctx: Any, payload: Any, error: Any) -> int:
        wanted = phase.upper()
        for rule in self.surface.rules:
            if rule.phase != wanted:
                continue
            if rule.error_type is not None and (
                not isinstance(error, dict) or error.get("type") != rule.error_type
            ):
                continue
            if rule.predicate is not None and not self._holds(
                rule.predicate, (ctx, payload, error), rule.site, "when.predicate"
            ):
                continue
            if rule.status is not None:
                return rule.status
            if rule.status_expr is not None:
                found = self._evaluate(
                    rule.status_expr, (ctx, payload, error), rule.site
                )
                code = _status_code(found, wanted)
                if code is not None:
                    return code
                _logger.warning(
                    "apiResponses rule %s: statusExpr gave %r, not a %s status for %s; the"
                    " next rule applies",
                    rule.site, found, "2xx" if wanted == "SUCCEEDED" else "4xx/5xx", wanted,
                )  # fmt: skip
        if wanted == "SUCCEEDED":
            return self.surface.succeeded
        if self.surface.failed is not None:
            return self.surface.failed
        given = error.get("status") if isinstance(error, dict) else None
        return _status_code(given, wanted) or 500

    @staticmethod
    def _holds(
        predicate: Callable[..., bool], args: tuple[Any, ...], site: str, what: str
    ) -> bool:
        try:
            return bool(predicate(*args))
        except Exception as exc:  # a failing predicate does not match
            _logger.warning(
                "apiResponses rule %s: %s failed (%s: %s); the rule does not match",
                site, what, type(exc).__name__, exc,
            )  # fmt: skip
            return False

    @staticmethod
    def _evaluate(expr: Callable[..., Any], args: tuple[Any, ...], site: str) -> Any:
        try:
            return expr(*args)
        except Exception as exc:
            _logger.warning(
                "apiResponses rule %s: statusExpr failed (%s: %s)",
                site, type(exc).__name__, exc,
            )  # fmt: skip
            return None


def _status_code(status: Any, phase: str) -> int | None:
    """The HTTP status ``status`` names when this phase may answer it (2xx for a success,
    4xx/5xx for a failure), else None."""
    if isinstance(status, bool) or not isinstance(status, int | float):
        return None
    if isinstance(status, float) and not status.is_integer():
        return None
    code = int(status)
    ok = 200 <= code <= 299 if phase == "SUCCEEDED" else 400 <= code <= 599
    return code if ok else None


def create_api_app(
    engine: ApiEngine[Any],
    *,
    title: str | None = None,
    version: str = "0.1.0",
    contract: Mapping[str, Any] | None = None,
) -> FastAPI:
    """Build the app of a kind: Api definition: its one endpoint; errors as problem+json.

    With ``contract`` (the Api's OpenAPI) /openapi.json and /docs serve it.
    """

    app = FastAPI(title=title or engine.definition.name, version=version)
    app.state.engine = engine
    install_problem_handlers(app)
    app.add_middleware(TransportLimits, settings=engine.settings)
    settings = engine.settings
    surface = engine.surface
    inline = Inline()  # no store: a call runs on the loop until it reaches a handler

    async def call(request: Request) -> Response:
        _, body = await read_json(request, settings)
        headers, meta = _headers(request), _meta(request)
        work = functools.partial(engine.call, body, headers, meta)
        answer = await inline.run(work)
        if answer is None:  # it reached a handler or a cache: run again on a worker
            answer = await offload.run(work)
        response = Response(
            to_json(answer.body), answer.status, media_type=answer.media_type
        )
        for value in answer.cookies:
            response.headers.append("set-cookie", value)
        return response

    app.router.add_api_route(
        API_PREFIX + surface.path,
        call,
        methods=[surface.method],
        name=f"{engine.definition.name}:call",
        response_class=Response,
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": engine.definition.input_model.model_json_schema()
                    }
                },
            }
        },
    )
    if contract is not None:
        served = served_contract(contract, (), api=True)
        app.openapi = lambda: served  # type: ignore[method-assign]
    return app
