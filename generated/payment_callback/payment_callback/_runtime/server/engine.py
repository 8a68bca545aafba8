"""The journey driver: runs a compiled journey's states and persists every transition.

Generated code describes a journey as a ``JourneyDefinition``: one step function per internal
state (task, choice, transform, succeed, fail) returning ``Next``, ``Succeed``, ``Fail`` or
``Leave``, an ``ExternalInput`` per webhook/wait state, a ``Timer`` per timer state and a
``Parallel`` per parallel state (each branch a ``Machine`` of the same parts).

- Entering an external-input state pauses the run; a step submission validates its payload,
  stores it in ``context.payload`` and resumes at the state's ``next``. A wait/webhook
  ``timeoutSec`` is a durable timer that resumes at ``onTimeout`` when nothing arrived.
- Entering a timer state persists a timer row due at ``now + duration`` (or ``until``), both
  multiplied by ``Settings.timer_scale``; the scheduler (``fire_due``, run by the app's
  lifespan) claims a due row and resumes at ``next`` in the same transaction, so a timer fires
  exactly once across restarts and workers. A timer whose state was left meanwhile is stale.
- A parallel state runs each branch on a copy of the context until every branch is paused or
  finished, persists the branches, and joins by ``strategy`` (allOf: all finished; anyOf and
  firstCompleted: the first one; ``errorPolicy: failFast``: the first failure). The join
  merges each finished branch's changes into the context, evaluates the mapper with
  ``branches.<name>`` (a branch's succeed output, or ``{"error": ...}`` for a failed one) into
  ``resultVar``, cancels unfinished branches and their timers, and continues at ``next``;
  without ``next`` the first finished branch's outcome ends the journey. A branch state whose
  ``next`` names a state outside the branch (``Leave``) ends the parallel there.
- A schedule:v1 task records a binding; the scheduler starts a run of the journey at the
  binding's start state when due, carrying the previous run's final context.
- A request whose run, after an auth task (apiKey/JWT/mTLS) reported a problem, ends failed or
  falls back to an external-input state is refused with 401 and rolled back, so nothing changes.
"""

from __future__ import annotations

import copy
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from .auth import (
    AuthFailure,
    JwtSource,
    MtlsPolicy,
    RequestMeta,
    auth_failure_problem,
    check_jwt_claims,
    check_mtls_identity,
    decode_jwt,
    fingerprint,
    jose_header,
    parse_certificates,
    read_certificates,
    read_token,
)
from .cache import DEFAULT_TTL_SECONDS, Cache, MemoryCache
from .dataweave import DataWeaveRuntimeError
from .durations import (
    DurationError,
    due_after,
    due_until,
    format_instant,
    parse_duration,
    parse_instant,
)
from .lifecycle import (
    COMPENSATION,
    DEADLINE,
    Compensation,
    Deadline,
    NamedOutcome,
    outcome_binding,
)
from .problem import ProblemError, schema_problem
from .security import Guard, auth_problem, check_api_key, enforce_guard, require_secret
from .settings import Settings
from .store import (
    EventReceipt,
    EventRecord,
    JourneyRecord,
    JourneyStore,
    ScheduleRecord,
    StaleVersionError,
    StoreTransaction,
    TimerRecord,
    Transition,
    body_hash,
    utc_now,
)

__all__ = [
    "FAILED",
    "RUNNING",
    "SUCCEEDED",
    "Branch",
    "ExternalInput",
    "Fail",
    "JourneyDefinition",
    "JourneyEngine",
    "JsonObject",
    "Leave",
    "Machine",
    "Next",
    "Parallel",
    "PlatformKey",
    "RequestBinding",
    "RequestMeta",
    "RunContext",
    "StepFn",
    "StepResult",
    "Succeed",
    "TaskResult",
    "Timer",
    "correlation_scope",
    "validate_payload",
]

H = TypeVar("H")
C = TypeVar("C", bound=BaseModel)
RUNNING, SUCCEEDED, FAILED = "Running", "Succeeded", "Failed"
CANCELLED = "Cancelled"
DEFINITION_INVALID = "JOURNEY_DEFINITION_INVALID"
# A state's expression failed on the data it met (DataWeave fails, e.g. `null * 0.25`, or a
# context transform produced no object): the journey fails, the request does not.
EXPRESSION_FAILED = "JOURNEY_EXPRESSION_FAILED"
_RESERVED = frozenset(
    {
        "journeyId",
        "journeyName",
        "phase",
        "currentState",
        "updatedAt",
        "tags",
        "attributes",
    }
    | {"_links"}
)
_logger = logging.getLogger("journeygen.server")


@dataclass(frozen=True)
class Next:
    """Go to another state."""

    state: str


@dataclass(frozen=True)
class Succeed:
    """End the journey (or the branch) successfully with this output."""

    output: Any


@dataclass(frozen=True)
class Fail:
    """End the journey (or the branch) with a failure code and reason."""

    code: str
    reason: str


@dataclass(frozen=True)
class Leave:
    """End the enclosing parallel and continue at a state of the machine that holds it."""

    state: str


StepResult = Next | Succeed | Fail | Leave


class TaskResult(BaseModel):
    """What an outbound task handler returns; stored as context.<resultVar>."""

    status: int
    ok: bool
    headers: dict[str, str] = {}
    body: Any = None
    error: dict[str, Any] | None = None


class JsonObject(BaseModel):
    """The start input of a journey that declares no input properties: any JSON object."""

    model_config = ConfigDict(extra="allow")


@dataclass
class _Services:
    """What the engine lends a run: identity, clock, cache, schedule requests."""

    journey_name: str
    journey_version: str
    journey_id: str
    started_at: str
    now: Callable[[], datetime]
    cache: Cache
    default_ttl: float
    platform_config: Mapping[str, Any]
    tx: StoreTransaction | None = None
    store: JourneyStore | None = None
    schedules: list[_ScheduleRequest] = field(default_factory=list)
    passthrough: dict[str, str] = field(default_factory=dict)
    outcome: dict[str, Any] | None = None  # the compensation states' `outcome` binding


@dataclass(frozen=True)
class _ScheduleRequest:
    start: str
    next_run_at: str
    interval: str
    max_runs: int
    subject_id: str | None
    context: dict[str, Any]
    on_existing: str


class RunContext(Generic[H]):
    """What a step function sees: the journey context, the handlers and the current request."""

    def __init__(
        self,
        context: dict[str, Any],
        handlers: H,
        headers: Mapping[str, str],
        settings: Settings,
        *,
        meta: RequestMeta | None = None,
        services: _Services | None = None,
    ) -> None:
        self.context = context
        self.handlers = handlers
        self.headers = {k.lower(): v for k, v in headers.items()}
        self.settings = settings
        self.meta = meta or RequestMeta()
        self.services = services or _Services(
            "journey", "0", "", utc_now(), _utc, MemoryCache(), DEFAULT_TTL_SECONDS, {}
        )
        self.auth_failed = False
        self.auth_codes: list[str] = []

    # -- outbound calls ---------------------------------------------------------------------

    def call(self, task: Callable[[], TaskResult]) -> dict[str, Any]:
        """Run an outbound handler; an exception becomes an error result, never a crash."""
        try:
            return task().model_dump(mode="json")
        except Exception as exc:
            _logger.warning("task handler raised %s", type(exc).__name__, exc_info=exc)
            error = {
                "type": "urn:journeygen:error:handler",
                "title": type(exc).__name__,
            }
            return TaskResult(status=0, ok=False, error=error).model_dump(mode="json")

    def pass_headers(self, headers: dict[str, str]) -> None:
        """Add the request's passthrough headers to an outbound call (its own ones win)."""
        for name, value in self.services.passthrough.items():
            if name.lower() not in {k.lower() for k in headers}:
                headers[name] = value

    # -- inbound auth -----------------------------------------------------------------------

    def _fail_auth(self, namespace: dict[str, Any], kind: str, code: str) -> None:
        namespace[kind] = {"problem": auth_failure_problem(code)}
        self.auth_failed = True
        self.auth_codes.append(code)

    def _namespace(self, auth_var: str) -> dict[str, Any]:
        found = self.context.get(auth_var)
        if not isinstance(found, dict):
            found = self.context[auth_var] = {}
        return found

    def validate_api_key(
        self, profile: str, header: str, auth_var: str = "auth"
    ) -> None:
        """apiKeyValidate:v1: set context.<authVar>.apiKey.keyId or .problem (503: no secret)."""
        secret = require_secret(self.settings, profile)
        code = check_api_key(self.headers.get(header.lower()), secret)
        namespace = self._namespace(auth_var)
        if code is None:
            namespace["apiKey"] = {"keyId": profile}
        else:
            namespace["apiKey"] = {"problem": auth_problem(code)}
            self.auth_failed = True
            self.auth_codes.append(code)

    def validate_jwt(
        self,
        call_model: type[C],
        verify: Callable[[C], TaskResult],
        *,
        profile: str = "default",
        source: JwtSource | None = None,
        auth_var: str = "auth",
        required_scopes: Sequence[str] = (),
    ) -> None:
        """jwtValidate:v1: context.<authVar>.jwt.{header, claims} or .problem."""
        namespace = self._namespace(auth_var)
        token = read_token(source or JwtSource(), self.headers, self.meta)
        try:
            if token is None:
                raise AuthFailure("JWT_TOKEN_MISSING")
            header, claims = decode_jwt(token)
            call = call_model.model_validate(
                {"profile": profile, "token": token, "header": header, "claims": claims}
            )
            result = TaskResult.model_validate(self.call(lambda: verify(call)))
            verified = result.body if isinstance(result.body, dict) else {}
            if not result.ok or not isinstance(verified.get("claims"), dict):
                raise AuthFailure(_code(result.error, "JWT_SIG_INVALID", "JWT_"))
            check_jwt_claims(
                verified["claims"],
                self.services.now(),
                self.settings.jwt_leeway_seconds,
                required_scopes,
            )
        except AuthFailure as failure:
            self._fail_auth(namespace, "jwt", failure.code)
            return
        found = verified.get("header")
        namespace["jwt"] = {
            "header": jose_header(found if isinstance(found, dict) else header),
            "claims": verified["claims"],
        }

    def validate_mtls(
        self,
        call_model: type[C],
        verify: Callable[[C], TaskResult],
        *,
        profile: str = "default",
        trust_anchors: Sequence[str] = (),
        policy: MtlsPolicy | None = None,
        auth_var: str = "auth",
    ) -> None:
        """mtlsValidate:v1: context.<authVar>.mtls.{subjectDn, issuerDn, ...} or .problem."""
        namespace = self._namespace(auth_var)
        pem = read_certificates(self.settings.mtls_cert_header, self.headers, self.meta)
        try:
            if pem is None:
                raise AuthFailure("MTLS_CERT_MISSING")
            chain = parse_certificates(pem)
            digest = fingerprint(chain[0])
            call = call_model.model_validate(
                {
                    "profile": profile,
                    "certificate_chain": pem,
                    "fingerprint_sha256": digest,
                    "trust_anchors": list(trust_anchors),
                }
            )
            result = TaskResult.model_validate(self.call(lambda: verify(call)))
            identity = result.body if isinstance(result.body, dict) else {}
            if not result.ok:
                raise AuthFailure(_code(result.error, "MTLS_CERT_UNTRUSTED", "MTLS_"))
            check_mtls_identity(identity, policy or MtlsPolicy())
        except AuthFailure as failure:
            self._fail_auth(namespace, "mtls", failure.code)
            return
        view = {"subjectDn": identity["subjectDn"], "fingerprintSha256": digest}
        if isinstance(identity.get("issuerDn"), str):
            view["issuerDn"] = identity["issuerDn"]
        namespace["mtls"] = view

    # -- cache, schedule, platform --------------------------------------------------------

    def cache_get(self, key: Any) -> Any:
        """cache:v1 get: the value under the key, or None when absent or expired."""
        return self.services.cache.get(_cache_key(key))

    def cache_put(self, key: Any, value: Any, ttl_seconds: float | None = None) -> None:
        """cache:v1 put: store the value (its TTL scaled by Settings.timer_scale)."""
        ttl = self.services.default_ttl if ttl_seconds is None else ttl_seconds
        self.services.cache.put(_cache_key(key), value, ttl * self.settings.timer_scale)

    def schedule(
        self,
        start: str,
        *,
        interval: Any,
        max_runs: Any,
        start_at: Any = None,
        subject_id: Any = None,
        context: Any = None,
        on_existing: str = "fail",
    ) -> Fail | None:
        """schedule:v1: record a schedule binding; a Fail when it is invalid or exists."""
        now = self.services.now()
        try:
            parse_duration(interval, now)
            first = (
                now
                if start_at is None
                else due_until(now, start_at, self.settings.timer_scale)
            )
        except DurationError as exc:
            return Fail("SCHEDULE_INVALID", str(exc))
        if isinstance(max_runs, bool) or not isinstance(max_runs, int) or max_runs < 1:
            return Fail("SCHEDULE_INVALID", f"maxRuns must be >= 1, got {max_runs!r}")
        if subject_id is not None and (
            not isinstance(subject_id, str) or not subject_id
        ):
            return Fail("SCHEDULE_INVALID", "subjectId must be a non-empty string")
        snapshot = self.context if context is None else context
        if not isinstance(snapshot, dict):
            return Fail("SCHEDULE_INVALID", "the schedule context must be an object")
        if on_existing == "fail" and self._schedule_exists(subject_id, start):
            return Fail(
                "SCHEDULE_EXISTS", f"a schedule for {start!r} and this subject exists"
            )
        self.services.schedules.append(
            _ScheduleRequest(
                start,
                format_instant(first),
                str(interval),
                max_runs,
                subject_id,
                copy.deepcopy(snapshot),
                on_existing,
            )
        )
        return None

    def _schedule_exists(self, subject_id: str | None, start: str) -> bool:
        name = self.services.journey_name
        if any(
            r.subject_id == subject_id and r.start == start
            for r in self.services.schedules
        ):
            return True
        if self.services.tx is not None:
            return self.services.tx.find_schedule(name, subject_id, start) is not None
        if self.services.store is None:
            return False
        with self.services.store.transaction() as tx:
            return tx.find_schedule(name, subject_id, start) is not None

    @property
    def outcome(self) -> dict[str, Any]:
        """The read-only ``outcome`` binding of compensation states (a copy)."""
        return copy.deepcopy(self.services.outcome or {})

    @property
    def platform(self) -> dict[str, Any]:
        """The read-only platform binding of expressions."""
        services = self.services
        return {
            "environment": self.settings.environment,
            "journey": {
                "name": services.journey_name,
                "kind": "Journey",
                "version": services.journey_version,
            },
            "run": {
                "id": services.journey_id,
                "startedAt": services.started_at,
                "traceparent": self.headers.get("traceparent"),
            },
            "config": copy.deepcopy(dict(services.platform_config)),
        }

    def output(self, output_var: str | None) -> Any:
        """Return context.<outputVar> when set and present, else the whole context."""
        if output_var is not None and output_var in self.context:
            return self.context[output_var]
        return self.context


def _utc() -> datetime:
    return datetime.now(UTC)


def _holds(predicate: Callable[..., Any], args: tuple[Any, ...], what: str) -> bool:
    """Evaluate a classification predicate; one that raises counts as false (logged)."""
    try:
        return bool(predicate(*args))
    except Exception as exc:
        _logger.warning(
            "predicate %s raised %s", what, type(exc).__name__, exc_info=exc
        )
        return False


def _token() -> str:
    """A visit token: unique, and ordered by creation (the newest open step is reported)."""
    return f"{time.time_ns():020d}{uuid.uuid4().hex[:12]}"


def _code(error: Any, default: str, prefix: str) -> str:
    code = error.get("code") if isinstance(error, dict) else None
    return code if isinstance(code, str) and code.startswith(prefix) else default


def _cache_key(key: Any) -> str:
    if isinstance(key, str):
        return key
    return json.dumps(key, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


StepFn = Callable[[RunContext[H]], StepResult]
ValueFn = Callable[[RunContext[H]], Any]


@dataclass(frozen=True)
class ExternalInput:
    """A webhook or wait state: where the run pauses until a step submission arrives."""

    name: str
    kind: Literal["webhook", "wait"]
    input_model: type[BaseModel]
    next: str
    guard: Guard | None = None
    response_var: str | None = None
    response_model: type[BaseModel] | None = None
    timeout_sec: float | None = None
    on_timeout: str | None = None
    route: str | None = (
        None  # the step endpoint's name when the OpenAPI names it otherwise
    )


@dataclass(frozen=True)
class Timer(Generic[H]):
    """A timer state: ``duration`` (ISO-8601) or ``until`` (RFC 3339), computed per visit."""

    name: str
    next: str
    duration: ValueFn[H] | None = None
    until: ValueFn[H] | None = None


@dataclass(frozen=True)
class Machine(Generic[H]):
    """The states of a journey or of one parallel branch."""

    steps: Mapping[str, StepFn[H]]
    inputs: Mapping[str, ExternalInput] = field(default_factory=dict)
    timers: Mapping[str, Timer[H]] = field(default_factory=dict)
    parallels: Mapping[str, Parallel[H]] = field(default_factory=dict)


@dataclass(frozen=True)
class Branch(Generic[H]):
    """One branch of a parallel state."""

    name: str
    start: str
    machine: Machine[H]


@dataclass(frozen=True)
class Parallel(Generic[H]):
    """A parallel state: branches and their join."""

    name: str
    branches: tuple[Branch[H], ...]
    strategy: Literal["allOf", "anyOf", "firstCompleted"] = "allOf"
    error_policy: Literal["collectAll", "failFast", "ignoreErrors"] = "collectAll"
    join: Callable[[RunContext[H], dict[str, Any]], Any] | None = None
    result_var: str | None = None
    next: str | None = None


@dataclass(frozen=True)
class RequestBinding:
    """``spec.bindings.http.start`` or ``.steps.<id>``: request values copied into the run.

    ``headers_to_context``/``query_to_context`` copy a present header or query parameter to
    ``context.<field>``; ``passthrough`` forwards an inbound header to the outbound calls of
    this request only (never persisted).
    """

    headers_to_context: tuple[tuple[str, str], ...] = ()
    query_to_context: tuple[tuple[str, str], ...] = ()
    passthrough: tuple[tuple[str, str], ...] = ()

    def apply(
        self, context: dict[str, Any], headers: Mapping[str, str], meta: RequestMeta
    ) -> dict[str, str]:
        """Copy the bound values into context; return the passthrough headers."""
        lowered = {k.lower(): v for k, v in headers.items()}
        for header, name in self.headers_to_context:
            if header.lower() in lowered:
                context[name] = lowered[header.lower()]
        for param, name in self.query_to_context:
            if param in meta.query:
                context[name] = meta.query[param]
        return {
            to: lowered[source.lower()]
            for source, to in self.passthrough
            if source.lower() in lowered
        }


@dataclass(frozen=True)
class PlatformKey:
    """One ``spec.platform.config`` key."""

    name: str
    type: str = "string"
    required: bool = False


@dataclass(frozen=True)
class JourneyDefinition(Generic[H]):
    """A compiled journey: what the generator emits per journey."""

    name: str
    start: str
    input_model: type[BaseModel]
    steps: Mapping[str, StepFn[H]]
    inputs: Mapping[str, ExternalInput]
    correlation_fields: tuple[str, ...] = ()
    status_model: type[BaseModel] | None = None
    outcome_model: type[BaseModel] | None = None
    # the start answers with the outcome when the run ended (the contract's start returns it)
    start_outcome: bool = False
    max_steps: int = 1000
    timers: Mapping[str, Timer[H]] = field(default_factory=dict)
    parallels: Mapping[str, Parallel[H]] = field(default_factory=dict)
    version: str = "0.1.0"
    platform_keys: tuple[PlatformKey, ...] = ()
    cache_ttl_seconds: float = DEFAULT_TTL_SECONDS
    cache_max_entries: int = 10_000
    http_bindings: Mapping[str, RequestBinding] = field(default_factory=dict)
    status_phases: tuple[
        str, ...
    ] = ()  # JourneyStatus.phase values the contract declares
    outcome_phases: tuple[
        str, ...
    ] = ()  # JourneyOutcome.phase values the contract declares
    outcomes: tuple[NamedOutcome, ...] = ()  # spec.outcomes (see lifecycle.py)
    execution: Deadline | None = None  # spec.execution
    compensation: Compensation | None = None  # spec.compensation

    @property
    def machine(self) -> Machine[H]:
        """The top-level states as a Machine."""
        return Machine(self.steps, self.inputs, self.timers, self.parallels)

    def all_inputs(self) -> dict[str, ExternalInput]:
        """Every external-input state, top level and inside parallel branches."""
        found: dict[str, ExternalInput] = {}
        for machine in _machines(self.machine):
            found.update(machine.inputs)
        return found

    def profiles(self) -> tuple[str, ...]:
        """Return the apiKeyValidate profiles the guards use (to read their secrets)."""
        inputs = self.all_inputs().values()
        return tuple(sorted({i.guard.profile for i in inputs if i.guard}))


def _machines(machine: Machine[H]) -> Iterator[Machine[H]]:
    yield machine
    for parallel in machine.parallels.values():
        for branch in parallel.branches:
            yield from _machines(branch.machine)


@dataclass
class _Thread:
    """Where one line of execution is: the journey itself or one parallel branch."""

    state: str
    context: dict[str, Any]
    status: str = RUNNING
    output: Any = None
    error: dict[str, str] | None = None
    leave: str | None = None
    token: str | None = None
    branches: dict[str, _Thread] | None = None
    entry: dict[str, Any] | None = None
    done: list[str] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return self.status != RUNNING or self.leave is not None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"state": self.state, "status": self.status}
        for key in ("output", "error", "leave", "token", "entry"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        if self.branches is not None:
            data["branches"] = {n: b.to_json() for n, b in self.branches.items()}
            data["done"] = list(self.done)
        return data

    def extras(self) -> dict[str, Any]:
        """The root's bookkeeping beyond the journey row's own columns."""
        data = self.to_json()
        for key in ("state", "status", "output", "error"):
            data.pop(key, None)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any], context: dict[str, Any]) -> _Thread:
        thread = cls(
            state=data["state"],
            context=context,
            status=data.get("status", RUNNING),
            output=data.get("output"),
            error=data.get("error"),
            leave=data.get("leave"),
            token=data.get("token"),
            entry=data.get("entry"),
        )
        branches = data.get("branches")
        if isinstance(branches, dict):
            thread.branches = {
                n: cls.from_json(b, b.get("context", {})) for n, b in branches.items()
            }
            thread.done = list(data.get("done", []))
        return thread


def _branch_json(thread: _Thread) -> dict[str, Any]:
    data = thread.to_json()
    data["context"] = thread.context
    if thread.branches is not None:
        data["branches"] = {n: _branch_json(b) for n, b in thread.branches.items()}
    return data


def _root_from_record(record: JourneyRecord) -> _Thread:
    runtime = record.runtime or {}
    data = {
        **{k: v for k, v in runtime.items() if k not in ("display", "schedule")},
        "state": record.current_state,
        "status": record.phase,
        "output": record.output,
        "error": record.error,
    }
    return _Thread.from_json(data, dict(record.context))


@dataclass
class _Run:
    """One synchronous burst of execution and everything it must persist."""

    journey_id: str
    headers: Mapping[str, str]
    meta: RequestMeta
    services: _Services
    event_id: str | None = None
    scheduled: bool = False
    steps: int = 0
    transitions: list[Transition] = field(default_factory=list)
    timer_ops: list[TimerRecord | tuple[str, ...]] = field(default_factory=list)
    auth_codes: list[str] = field(default_factory=list)
    deadline: datetime | None = None  # spec.execution: when the run times out
    timed_out: bool = False


def correlation_scope(journey_name: str, input_field: str) -> str:
    """Return the correlation index scope for a start-input field."""
    return f"{journey_name}:{input_field}"


def validate_payload(model: type[BaseModel], data: Any) -> dict[str, Any]:
    """Validate JSON data with a model (422 on failure); return it as JSON, unknown fields kept."""
    try:
        parsed = model.model_validate(data)
    except ValidationError as exc:
        raise schema_problem(exc.errors(include_input=False)) from None
    dumped: dict[str, Any] = parsed.model_dump(
        mode="json", by_alias=True, exclude_unset=True
    )
    return dumped


def canonical_hash(data: Any) -> str:
    """Hash JSON by value, so a redelivery re-serialised by the sender still matches."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return body_hash(text.encode("utf-8"))


def _shape(model: type[BaseModel] | None, body: dict[str, Any]) -> dict[str, Any]:
    if model is None:
        return body
    try:
        parsed = model.model_validate(body)
    except ValidationError as exc:  # e.g. an output the journey's own schema rejects
        _logger.warning(
            "%s does not match the declared %s (%d errors); served as stored",
            body.get("journeyId"),
            model.__name__,
            exc.error_count(),
        )
        return body
    shaped: dict[str, Any] = parsed.model_dump(
        mode="json", by_alias=True, exclude_none=True
    )
    return shaped


def _wire_phase(model: type[BaseModel] | None, phase: str) -> str:
    """The phase as the status model spells it (Running, or RUNNING in some contracts)."""
    field = model.model_fields.get("phase") if model is not None else None
    members = getattr(getattr(field, "annotation", None), "__members__", None) or {}
    for member in members.values():
        value = getattr(member, "value", None)
        if isinstance(value, str) and value.casefold() == phase.casefold():
            return value
    return phase


def _not_found(journey_id: str) -> ProblemError:
    return ProblemError(
        404,
        "Journey not found",
        f"No journey {journey_id!r}.",
        slug="journey-not-found",
    )


def _merge(
    target: dict[str, Any], entry: Mapping[str, Any], branch: Mapping[str, Any]
) -> None:
    """Apply what a branch changed relative to the context it started from; objects merge
    key by key, so branches writing different fields of one object all keep theirs."""
    for key, value in branch.items():
        before = entry.get(key)
        if key in entry and before == value:
            continue
        current = target.get(key)
        if (
            isinstance(value, dict)
            and isinstance(current, dict)
            and isinstance(before, dict | None)
        ):
            _merge(current, before or {}, value)
        else:
            target[key] = copy.deepcopy(value)
    for key in entry:
        if key not in branch:
            target.pop(key, None)


def _branch_view(thread: _Thread) -> Any:
    if thread.status == FAILED:
        return {"error": thread.error}
    if thread.status == SUCCEEDED:
        return thread.output
    return thread.context


class JourneyEngine(Generic[H]):
    """Starts journeys, accepts step submissions, fires timers and reads status and results."""

    def __init__(
        self,
        definition: JourneyDefinition[H],
        handlers: H,
        store: JourneyStore,
        settings: Settings,
        *,
        cache: Cache | None = None,
        clock: Callable[[], datetime] = _utc,
    ) -> None:
        self.definition = definition
        self.handlers = handlers
        self.store = store
        self.settings = settings
        self.cache: Cache = cache or MemoryCache(definition.cache_max_entries)
        self.clock = clock
        self.inputs = definition.all_inputs()
        self.routes = dict(self.inputs)  # step endpoint name -> state, aliases included
        for ext in self.inputs.values():
            if ext.route is not None:
                self.routes.setdefault(ext.route, ext)
        self.wakeup = threading.Event()  # set when a timer or schedule is persisted

    # -- run plumbing ----------------------------------------------------------------------

    def _new_run(
        self,
        journey_id: str,
        started_at: str,
        headers: Mapping[str, str],
        meta: RequestMeta | None,
        tx: StoreTransaction | None,
        event_id: str | None = None,
    ) -> _Run:
        services = _Services(
            self.definition.name,
            self.definition.version,
            journey_id,
            started_at,
            self.clock,
            self.cache,
            self.definition.cache_ttl_seconds,
            self._platform_config(),
            tx=tx,
            store=self.store,
        )
        return _Run(journey_id, headers, meta or RequestMeta(), services, event_id)

    def _platform_config(self) -> dict[str, Any]:
        declared = {k.name for k in self.definition.platform_keys}
        config = self.settings.platform_config
        return {k: v for k, v in config.items() if k in declared}

    def _check_platform(self) -> None:
        for key in self.definition.platform_keys:
            if key.required and key.name not in self.settings.platform_config:
                raise ProblemError(
                    503,
                    "Platform configuration missing",
                    f"platform.config.{key.name} is required by this journey; "
                    f"{self.settings.config_hint(key.name)}.",
                    slug="platform-config-missing",
                )

    def _context(self, run: _Run, thread: _Thread) -> RunContext[H]:
        return RunContext(
            thread.context,
            self.handlers,
            run.headers,
            self.settings,
            meta=run.meta,
            services=run.services,
        )

    def _move(self, run: _Run, thread: _Thread, target: str) -> None:
        run.transitions.append(Transition(thread.state, target, run.event_id))
        thread.state, thread.token = target, None

    @staticmethod
    def _end(thread: _Thread, result: Succeed | Fail) -> None:
        if isinstance(result, Succeed):
            thread.status, thread.output = SUCCEEDED, result.output
        else:
            thread.status = FAILED
            thread.error = {"code": result.code, "reason": result.reason}

    def _count(self, run: _Run) -> None:
        run.steps += 1
        if run.steps > self.definition.max_steps:
            limit = self.definition.max_steps
            raise RuntimeError(f"journey {self.definition.name} exceeded {limit} steps")

    # -- deadline, named outcomes, compensation (see lifecycle.py) ----------------------------

    def _past_deadline(self, run: _Run, thread: _Thread) -> bool:
        """End the thread with spec.execution.onTimeout once the run's deadline has passed."""
        execution = self.definition.execution
        if execution is None or run.deadline is None or self.clock() < run.deadline:
            return False
        run.timed_out = True
        self._end(thread, Fail(execution.error_code, execution.reason))
        return True

    def _time_out(self, run: _Run, root: _Thread) -> None:
        """Fail the whole run with spec.execution.onTimeout (branches are abandoned)."""
        execution = self.definition.execution
        if execution is None:
            return
        run.timed_out = True
        root.branches, root.entry, root.done = None, None, []
        root.leave = None
        self._end(root, Fail(execution.error_code, execution.reason))

    @staticmethod
    def _deadline_of(record: JourneyRecord) -> datetime | None:
        found = (record.runtime or {}).get(DEADLINE)
        return parse_instant(found) if isinstance(found, str) else None

    def _view(self, run: _Run, context: dict[str, Any]) -> RunContext[H]:
        return RunContext(
            context,
            self.handlers,
            run.headers,
            self.settings,
            meta=run.meta,
            services=run.services,
        )

    def _finish(self, run: _Run, root: _Thread) -> dict[str, Any]:
        """Classify a run that just ended and start (or run) its compensation."""
        extra: dict[str, Any] = {}
        if not self.definition.outcomes and self.definition.compensation is None:
            return extra  # nothing to classify: skip the copies below
        phase = root.status.upper()
        error = copy.deepcopy(root.error)
        output = copy.deepcopy(root.output) if root.status == SUCCEEDED else None
        view = copy.deepcopy(root.context)
        if root.status == FAILED:
            view["error"] = copy.deepcopy(error)
        for named in self.definition.outcomes:
            if named.phase != phase:
                continue
            args = (self._view(run, copy.deepcopy(view)), output, error)
            if named.predicate is None or _holds(named.predicate, args, named.name):
                extra["outcomeId"] = named.name
                break
        compensation = self.definition.compensation
        if compensation is None:
            return extra
        if root.status == SUCCEEDED and not any(
            rule is None
            or _holds(rule, (self._view(run, copy.deepcopy(view)), output), "alsoFor")
            for rule in compensation.also_for
        ):
            return extra
        kind = (
            "Success"
            if root.status == SUCCEEDED
            else "Timeout" if run.timed_out else "Fail"
        )
        outcome = outcome_binding(
            phase, kind, error, root.state, run.journey_id, self.definition.name
        )
        context = copy.deepcopy(root.context)
        if compensation.mode == "sync":
            extra[COMPENSATION] = self._compensate(run, compensation, context, outcome)
        else:
            extra[COMPENSATION] = {
                "status": "pending",
                "outcome": outcome,
                "context": context,
            }
        return extra

    def _compensate(
        self,
        run: _Run,
        compensation: Compensation,
        context: dict[str, Any],
        outcome: dict[str, Any],
    ) -> dict[str, Any]:
        """Run the compensation states to their end; return what is stored and logged."""
        services = replace(run.services, outcome=outcome, schedules=[])
        sub = _Run(run.journey_id, run.headers, run.meta, services, run.event_id)
        thread = _Thread(compensation.start, context)
        try:
            self._enter(sub, compensation.machine, thread, (COMPENSATION,))
        except Exception as exc:
            _logger.error("compensation of %s raised", run.journey_id, exc_info=exc)
            thread.status = FAILED
            thread.error = {"code": "COMPENSATION_ERROR", "reason": type(exc).__name__}
        if thread.status == RUNNING:
            thread.status = FAILED
            reason = f"compensation paused at {thread.state!r}"
            thread.error = {"code": DEFINITION_INVALID, "reason": reason}
        result: dict[str, Any] = {
            "status": "done",
            "phase": thread.status.upper(),
            "state": thread.state,
            "outcome": outcome,
        }
        if thread.error is not None:
            result["error"] = thread.error
        _logger.info(
            "compensation of %s (%s) ended %s at %s",
            run.journey_id,
            outcome.get("terminationKind"),
            result["phase"],
            thread.state,
        )
        return result

    def _fire_compensation(
        self, tx: StoreTransaction, record: JourneyRecord | None
    ) -> None:
        compensation = self.definition.compensation
        if record is None or compensation is None:
            return
        runtime = dict(record.runtime or {})
        pending = runtime.get(COMPENSATION)
        if not isinstance(pending, dict) or pending.get("status") != "pending":
            return
        run = self._new_run(record.id, record.created_at, {}, None, tx, COMPENSATION)
        runtime[COMPENSATION] = self._compensate(
            run, compensation, dict(pending.get("context") or {}),
            dict(pending.get("outcome") or {}),
        )  # fmt: skip
        updated = replace(
            record, runtime=runtime, version=record.version + 1, updated_at=utc_now()
        )
        tx.update_journey(updated, record.version)

    # -- driving ---------------------------------------------------------------------------

    def _enter(
        self, run: _Run, machine: Machine[H], thread: _Thread, path: tuple[str, ...]
    ) -> None:
        """Run a thread that just arrived at thread.state until it pauses or finishes."""
        while True:
            self._count(run)
            state = thread.state
            if self._past_deadline(run, thread):
                return
            if state in machine.inputs:
                self._pause_input(run, machine.inputs[state], thread, path)
                return
            if state in machine.timers:
                self._pause_timer(run, machine.timers[state], thread, path)
                return
            if state in machine.parallels:
                parallel = machine.parallels[state]
                self._start_parallel(run, parallel, thread, path)
                if not self._join(run, parallel, thread, path) or thread.finished:
                    return
                continue
            step = machine.steps.get(state)
            if step is None:
                reason = f"state {state!r} is not a state of this journey"
                self._end(thread, Fail(DEFINITION_INVALID, reason))
                return
            rc = self._context(run, thread)
            try:
                result = step(rc)
            except (DataWeaveRuntimeError, TypeError) as exc:
                _logger.warning(
                    "state %r of %s failed: %s",
                    state,
                    run.journey_id,
                    exc,
                    exc_info=exc,
                )
                result = Fail(EXPRESSION_FAILED, f"state {state!r}: {exc}")
            finally:
                run.auth_codes.extend(rc.auth_codes)
            if isinstance(result, Next):
                self._move(run, thread, result.state)
                continue
            if isinstance(result, Leave):
                thread.leave = result.state
                return
            self._end(thread, result)
            return

    def _pause_input(
        self, run: _Run, ext: ExternalInput, thread: _Thread, path: tuple[str, ...]
    ) -> None:
        thread.context.pop("payload", None)
        if run.scheduled:
            reason = f"a scheduled run reached the external-input state {ext.name!r}"
            self._end(thread, Fail("SCHEDULED_RUN_INTERACTIVE", reason))
            return
        thread.token = _token()
        if ext.timeout_sec is not None and ext.on_timeout is not None:
            delay = timedelta(seconds=ext.timeout_sec) * self.settings.timer_scale
            due = self.clock() + delay
            self._add_timer(run, path, ext.name, thread.token, "timeout", due)

    def _pause_timer(
        self, run: _Run, timer: Timer[H], thread: _Thread, path: tuple[str, ...]
    ) -> None:
        now, scale = self.clock(), self.settings.timer_scale
        rc = self._context(run, thread)
        try:
            if timer.duration is not None:
                due = due_after(now, timer.duration(rc), scale)
            elif timer.until is not None:
                due = due_until(now, timer.until(rc), scale)
            else:
                raise DurationError("a timer needs a duration or until")
        except DurationError as exc:
            self._end(thread, Fail("TIMER_INVALID", f"timer {timer.name!r}: {exc}"))
            return
        thread.token = _token()
        self._add_timer(run, path, timer.name, thread.token, "timer", due)

    def _add_timer(
        self,
        run: _Run,
        path: tuple[str, ...],
        state: str,
        token: str,
        kind: str,
        due: datetime,
    ) -> None:
        run.timer_ops.append(
            TimerRecord(
                self.definition.name,
                run.journey_id,
                path,
                state,
                token,
                kind,
                format_instant(due),
            )
        )

    def _start_parallel(
        self, run: _Run, parallel: Parallel[H], thread: _Thread, path: tuple[str, ...]
    ) -> None:
        thread.entry = copy.deepcopy(thread.context)
        thread.branches = {
            b.name: _Thread(b.start, copy.deepcopy(thread.context))
            for b in parallel.branches
        }
        thread.done = []
        for branch in parallel.branches:
            if self._ready(parallel, thread):
                break
            run.transitions.append(
                Transition(parallel.name, branch.start, run.event_id)
            )
            child = thread.branches[branch.name]
            self._enter(run, branch.machine, child, (*path, branch.name))
            if child.finished:
                thread.done.append(branch.name)

    @staticmethod
    def _ready(parallel: Parallel[H], thread: _Thread) -> bool:
        branches = thread.branches or {}
        done = [branches[n] for n in thread.done]
        if any(b.leave is not None for b in done):
            return True
        if parallel.error_policy == "failFast" and any(
            b.status == FAILED for b in done
        ):
            return True
        if parallel.strategy in ("anyOf", "firstCompleted"):
            return bool(done)
        return len(done) == len(branches)

    def _join(
        self, run: _Run, parallel: Parallel[H], thread: _Thread, path: tuple[str, ...]
    ) -> bool:
        """Join when the strategy says so; True when the thread moved on or finished."""
        if not self._ready(parallel, thread):
            return False
        branches = thread.branches or {}
        done = [n for n in thread.done if n in branches]
        for name, child in branches.items():
            if name not in done:
                child.status = CANCELLED
                run.timer_ops.append((*path, name))
        entry = thread.entry or {}
        merged = copy.deepcopy(entry)
        for name in done:
            _merge(merged, entry, branches[name].context)
        thread.context.clear()
        thread.context.update(merged)
        views = {name: _branch_view(branches[name]) for name in done}
        if parallel.join is not None:
            result = parallel.join(self._context(run, thread), views)
            if parallel.result_var is not None:
                thread.context[parallel.result_var] = result
        leaver = next((branches[n] for n in done if branches[n].leave), None)
        thread.branches, thread.entry, thread.done = None, None, []
        if leaver is not None and leaver.leave is not None:
            self._move(run, thread, leaver.leave)
            return True
        if parallel.next is not None:
            self._move(run, thread, parallel.next)
            return True
        failed = [branches[n] for n in done if branches[n].status == FAILED]
        if failed and parallel.error_policy != "ignoreErrors":
            error = failed[0].error or {}
            self._end(
                thread,
                Fail(error.get("code", "BRANCH_FAILED"), error.get("reason", "")),
            )
        elif len(done) == 1:
            self._end(thread, Succeed(_branch_view(branches[done[0]])))
        else:
            self._end(thread, Succeed(views))
        return True

    def _locate(
        self, root: _Thread, path: Sequence[str]
    ) -> list[tuple[_Thread, Machine[H], Parallel[H] | None]]:
        """The chain from the root to the thread at path: (thread, its machine, parallel)."""
        chain: list[tuple[_Thread, Machine[H], Parallel[H] | None]] = []
        thread, machine = root, self.definition.machine
        for name in path:
            parallel = machine.parallels.get(thread.state)
            if parallel is None or thread.branches is None:
                return []
            chain.append((thread, machine, parallel))
            branch = next((b for b in parallel.branches if b.name == name), None)
            child = thread.branches.get(name)
            if branch is None or child is None:
                return []
            thread, machine = child, branch.machine
        chain.append((thread, machine, None))
        return chain

    def _resume(
        self, run: _Run, root: _Thread, path: tuple[str, ...], target: str
    ) -> None:
        """Move the thread at path to target, run it, then join upwards as far as possible."""
        chain = self._locate(root, path)
        thread, machine, _ = chain[-1]
        self._move(run, thread, target)
        self._enter(run, machine, thread, path)
        for depth in range(len(chain) - 2, -1, -1):
            child = chain[depth + 1][0]
            parent, parent_machine, parallel = chain[depth]
            if not child.finished or parallel is None:
                return
            if path[depth] not in parent.done:
                parent.done.append(path[depth])
            here = path[:depth]
            if not self._join(run, parallel, parent, here):
                return
            if parent.finished:
                continue
            self._enter(run, parent_machine, parent, here)

    def _find_input(
        self, thread: _Thread, machine: Machine[H], step: str, path: tuple[str, ...]
    ) -> tuple[str, ...] | None:
        if thread.status != RUNNING or thread.leave is not None:
            return None
        if thread.branches is None:
            return path if thread.state == step and step in machine.inputs else None
        parallel = machine.parallels.get(thread.state)
        if parallel is None:
            return None
        for branch in parallel.branches:
            child = thread.branches.get(branch.name)
            if child is None:
                continue
            found = self._find_input(child, branch.machine, step, (*path, branch.name))
            if found is not None:
                return found
        return None

    def _display(self, thread: _Thread, machine: Machine[H]) -> tuple[str, bool]:
        """The state to report: of the external inputs open inside branches, the newest."""
        shown, waiting, _ = self._newest(thread, machine)
        return shown, waiting

    def _newest(self, thread: _Thread, machine: Machine[H]) -> tuple[str, bool, str]:
        """(state, is an external input, entry token) of the state to report."""
        if thread.branches is None:
            state = thread.state
            return state, state in machine.inputs, thread.token or ""
        parallel = machine.parallels.get(thread.state)
        found: list[tuple[str, bool, str]] = []
        for branch in parallel.branches if parallel else ():
            child = thread.branches.get(branch.name)
            if child is not None and not child.finished:
                found.append(self._newest(child, branch.machine))
        inputs = [f for f in found if f[1]]
        if inputs:
            return max(inputs, key=lambda f: f[2])
        return found[0] if found else (thread.state, False, "")

    # -- persisting ------------------------------------------------------------------------

    def _save(
        self,
        tx: StoreTransaction,
        run: _Run,
        root: _Thread,
        previous: JourneyRecord | None,
        created: str,
        schedule_id: str | None = None,
    ) -> JourneyRecord:
        if run.timed_out and root.status == RUNNING:
            self._time_out(run, root)
        runtime = root.extras()
        runtime["display"] = self._display(root, self.definition.machine)[0]
        if run.deadline is not None:
            runtime[DEADLINE] = format_instant(run.deadline)
        if root.status != RUNNING and (previous is None or previous.phase == RUNNING):
            runtime.update(self._finish(run, root))
        if schedule_id is not None:
            runtime["schedule"] = schedule_id
        for key in ("branches",):
            if key in runtime:
                runtime[key] = {
                    n: _branch_json(b) for n, b in (root.branches or {}).items()
                }
        now = utc_now()
        record = JourneyRecord(
            id=run.journey_id,
            name=self.definition.name,
            phase=root.status,
            current_state=root.state,
            context=root.context,
            created_at=created,
            updated_at=now,
            version=1 if previous is None else previous.version + 1,
            output=root.output,
            error=root.error,
            runtime=runtime,
        )
        if previous is None:
            tx.insert_journey(record)
        else:
            try:
                tx.update_journey(record, previous.version)
            except StaleVersionError:
                raise ProblemError(
                    409, "Journey changed concurrently", slug="concurrent"
                ) from None
        tx.add_history(run.journey_id, run.transitions)
        for op in run.timer_ops:
            if isinstance(op, TimerRecord):
                tx.add_timer(op)
            else:
                tx.cancel_timers(run.journey_id, op)
        if record.phase != RUNNING:
            tx.cancel_timers(run.journey_id, ())
            self._finish_scheduled(tx, record)
            pending = runtime.get(COMPENSATION)
            if isinstance(pending, dict) and pending.get("status") == "pending":
                due = format_instant(self.clock())
                tx.add_timer(
                    TimerRecord(
                        self.definition.name, run.journey_id, (), COMPENSATION, "",
                        COMPENSATION, due,
                    )
                )  # fmt: skip
                self.wakeup.set()
        for request in run.services.schedules:
            self._save_schedule(tx, request)
        if run.timer_ops or run.services.schedules:
            self.wakeup.set()
        return record

    def _save_schedule(self, tx: StoreTransaction, request: _ScheduleRequest) -> None:
        name = self.definition.name
        existing = tx.find_schedule(name, request.subject_id, request.start)
        if existing is not None and request.on_existing == "fail":
            raise ProblemError(
                409, "Schedule exists", "A schedule with this identity exists."
            )
        keep = existing if request.on_existing == "upsert" else None
        tx.save_schedule(
            ScheduleRecord(
                id=keep.id if keep else uuid.uuid4().hex,
                journey_name=name,
                subject_id=request.subject_id,
                start_state=request.start,
                interval=request.interval,
                max_runs=request.max_runs,
                next_run_at=request.next_run_at,
                last_context=request.context,
                runs_executed=keep.runs_executed if keep else 0,
                active_journey_id=keep.active_journey_id if keep else None,
                created_at=keep.created_at if keep else utc_now(),
            )
        )

    def _finish_scheduled(self, tx: StoreTransaction, record: JourneyRecord) -> None:
        if not (record.runtime or {}).get("schedule"):
            return
        binding = tx.schedule_of_run(record.id)
        if binding is not None:
            tx.save_schedule(self._after_run(binding, record.context))

    def _after_run(
        self, binding: ScheduleRecord, context: dict[str, Any]
    ) -> ScheduleRecord:
        now = self.clock()
        planned = parse_instant(binding.next_run_at)
        try:
            following = due_after(planned, binding.interval, self.settings.timer_scale)
        except DurationError:
            following = now
        return replace(
            binding,
            last_context=context,
            runs_executed=binding.runs_executed + 1,
            active_journey_id=None,
            next_run_at=format_instant(max(following, now)),
        )

    def _refuse_unauthenticated(self, run: _Run, root: _Thread) -> None:
        if not run.auth_codes or root.status == SUCCEEDED:
            return
        waiting = self._display(root, self.definition.machine)[1]
        if root.status == FAILED or waiting:
            raise ProblemError(
                401,
                "Unauthorized",
                "The request is not authenticated.",
                slug="unauthorized",
                extensions={"code": run.auth_codes[0]},
            )

    # -- start -----------------------------------------------------------------------------

    def start(
        self,
        body: Any,
        headers: Mapping[str, str],
        meta: RequestMeta | None = None,
    ) -> dict[str, Any]:
        """Validate the input, run to the first pause or terminal state, persist."""
        self._check_platform()
        data = validate_payload(self.definition.input_model, body)
        journey_id = str(uuid.uuid4())
        now = utc_now()
        run = self._new_run(journey_id, now, headers, meta, None)
        execution = self.definition.execution
        if execution is not None:
            budget = timedelta(seconds=execution.max_duration_sec)
            run.deadline = self.clock() + budget * self.settings.timer_scale
            self._add_timer(run, (), DEADLINE, "", DEADLINE, run.deadline)
        binding = self.definition.http_bindings.get("start")
        if binding is not None:
            run.services.passthrough = binding.apply(data, headers, run.meta)
        root = _Thread(self.definition.start, dict(data))
        run.transitions.append(Transition(None, self.definition.start))
        self._enter(run, self.definition.machine, root, ())
        self._refuse_unauthenticated(run, root)
        with self.store.transaction() as tx:
            run.services.tx = tx
            record = self._save(tx, run, root, None, now)
            self._index(tx, journey_id, data)
        if self.definition.start_outcome and record.phase != RUNNING:
            return self.outcome_body(record)
        return self.status_body(record)

    def _index(
        self, tx: StoreTransaction, journey_id: str, data: Mapping[str, Any]
    ) -> None:
        for name in self.definition.correlation_fields:
            value = data.get(name)
            if isinstance(value, str | int) and not isinstance(value, bool):
                scope = correlation_scope(self.definition.name, name)
                tx.add_correlation(scope, str(value), journey_id)

    # -- steps -----------------------------------------------------------------------------

    def external_input(self, step: str) -> ExternalInput:
        """Return the external-input state of a step endpoint (404 when there is none)."""
        found = self.routes.get(step)
        if found is None:
            raise ProblemError(
                404, "Step not found", f"No step {step!r}.", slug="step-not-found"
            )
        return found

    def submit(
        self,
        journey_id: str,
        step: str,
        body: Any,
        headers: Mapping[str, str],
        idempotency_key: str | None = None,
        meta: RequestMeta | None = None,
    ) -> dict[str, Any]:
        """Guard, validate, resume and persist a step submission with its event atomically."""
        ext = self.external_input(step)
        if ext.guard is not None:
            enforce_guard(ext.guard, headers, self.settings)
        payload = validate_payload(ext.input_model, body)
        key = idempotency_key or str(uuid.uuid4())
        event = EventRecord(
            source=f"step:{self.definition.name}",
            event_id=f"{journey_id}/{step}/{key}",
            body=json.dumps(payload, sort_keys=True).encode("utf-8"),
            body_hash=canonical_hash(payload),
            journey_id=journey_id,
        )
        with self.store.transaction() as tx:
            record = self._submit_once(
                tx, event, journey_id, ext, payload, headers, meta
            )
        return self.step_body(record, ext)

    def _submit_once(
        self,
        tx: StoreTransaction,
        event: EventRecord,
        journey_id: str,
        ext: ExternalInput,
        payload: dict[str, Any],
        headers: Mapping[str, str],
        meta: RequestMeta | None,
    ) -> JourneyRecord:
        receipt = tx.record_event(event)
        if receipt is EventReceipt.CONFLICT:
            raise ProblemError(
                409,
                "Idempotency key reused",
                "This Idempotency-Key was already used with a different body.",
                slug="event-conflict",
            )
        if receipt is EventReceipt.DUPLICATE:
            return self._load(tx, journey_id)
        record = self.advance(
            tx, journey_id, ext.name, payload, headers, event.event_id, meta
        )
        tx.mark_event(event.source, event.event_id, outcome="processed", processed=True)
        return record

    def _load(self, tx: StoreTransaction, journey_id: str) -> JourneyRecord:
        record = tx.get_journey(journey_id)
        if record is None or record.name != self.definition.name:
            raise _not_found(journey_id)
        return record

    def advance(
        self,
        tx: StoreTransaction,
        journey_id: str,
        step: str,
        payload: dict[str, Any],
        headers: Mapping[str, str],
        event_id: str | None,
        meta: RequestMeta | None = None,
    ) -> JourneyRecord:
        """Resume a paused instance with a validated payload inside the caller's transaction."""
        ext = self.external_input(step)
        record = self._load(tx, journey_id)
        root = _root_from_record(record)
        path = self._find_input(root, self.definition.machine, step, ())
        if path is None:
            self._require_current(record, step)
            raise RuntimeError("unreachable: the step is not active")
        run = self._new_run(journey_id, record.created_at, headers, meta, tx, event_id)
        run.scheduled = bool((record.runtime or {}).get("schedule"))
        run.deadline = self._deadline_of(record)
        chain = self._locate(root, path)
        context = chain[-1][0].context
        binding = self.definition.http_bindings.get(ext.name)
        if binding is not None:
            run.services.passthrough = binding.apply(context, headers, run.meta)
        context["payload"] = payload
        self._resume(run, root, path, ext.next)
        self._refuse_unauthenticated(run, root)
        return self._save(
            tx, run, root, record, record.created_at, self._schedule_id(record)
        )

    @staticmethod
    def _schedule_id(record: JourneyRecord) -> str | None:
        found = (record.runtime or {}).get("schedule")
        return found if isinstance(found, str) else None

    @staticmethod
    def _require_current(record: JourneyRecord, step: str) -> None:
        shown = (record.runtime or {}).get("display") or record.current_state
        extra = {"phase": record.phase, "currentState": shown}
        if record.phase != RUNNING:
            raise ProblemError(
                409,
                "Journey already finished",
                f"The journey is {record.phase}; it accepts no more steps.",
                slug="journey-terminal",
                extensions=extra,
            )
        raise ProblemError(
            409,
            "Step is not active",
            f"The journey is waiting at {shown!r}, not {step!r}.",
            slug="step-not-current",
            extensions=extra,
        )

    # -- timers and schedules --------------------------------------------------------------

    def fire_due(self, now: datetime | None = None, limit: int = 100) -> int:
        """Fire the timers and schedule runs due by ``now``; return how many were handled.

        Each one is claimed and processed in its own transaction, so a crash before the commit
        leaves it pending (it fires after the restart) and a commit makes it fire only once.
        """
        handled = 0
        while handled < limit:
            stamp = format_instant(now or self.clock())
            if not (self._fire_one_timer(stamp) or self._run_one_schedule(stamp)):
                break
            handled += 1
        return handled

    def _fire_one_timer(self, stamp: str) -> bool:
        claimed: TimerRecord | None = None
        try:
            with self.store.transaction() as tx:
                claimed = tx.claim_due_timer(self.definition.name, stamp)
                if claimed is None:
                    return False
                self._fire(tx, claimed)
        except Exception as exc:
            if claimed is None or claimed.id is None:
                raise
            _logger.error("timer %s failed", claimed.id, exc_info=exc)
            with self.store.transaction() as tx:
                tx.set_timer_status(claimed.id, "error")
        return True

    def _fire(self, tx: StoreTransaction, timer: TimerRecord) -> None:
        record = tx.get_journey(timer.journey_id)
        if timer.kind == COMPENSATION:
            self._fire_compensation(tx, record)
            return
        if record is None or record.phase != RUNNING:
            return
        root = _root_from_record(record)
        if timer.kind == DEADLINE:
            run = self._new_run(
                record.id, record.created_at, {}, None, tx, f"timer:{timer.id}"
            )
            run.deadline = self._deadline_of(record)
            self._time_out(run, root)
            schedule = self._schedule_id(record)
            self._save(tx, run, root, record, record.created_at, schedule)
            return
        chain = self._locate(root, timer.path)
        if not chain:
            return
        thread, machine, _ = chain[-1]
        if (
            thread.finished
            or thread.branches is not None
            or thread.state != timer.state
            or thread.token != timer.token
        ):
            if timer.id is not None:
                tx.set_timer_status(timer.id, "stale")
            return
        if timer.kind == "timeout":
            target = machine.inputs[timer.state].on_timeout
        else:
            target = machine.timers[timer.state].next
        if target is None:
            return
        run = self._new_run(
            record.id, record.created_at, {}, None, tx, f"timer:{timer.id}"
        )
        run.scheduled = bool((record.runtime or {}).get("schedule"))
        run.deadline = self._deadline_of(record)
        self._resume(run, root, timer.path, target)
        self._save(tx, run, root, record, record.created_at, self._schedule_id(record))

    def _run_one_schedule(self, stamp: str) -> bool:
        with self.store.transaction() as tx:
            binding = tx.claim_due_schedule(self.definition.name, stamp)
            if binding is None:
                return False
            journey_id = str(uuid.uuid4())
            now = utc_now()
            run = self._new_run(journey_id, now, {}, None, tx, f"schedule:{binding.id}")
            run.scheduled = True
            root = _Thread(binding.start_state, copy.deepcopy(binding.last_context))
            run.transitions.append(Transition(None, binding.start_state))
            self._enter(run, self.definition.machine, root, ())
            record = self._save(tx, run, root, None, now, binding.id)
            if record.phase == RUNNING:
                tx.save_schedule(replace(binding, active_journey_id=journey_id))
            else:
                tx.save_schedule(self._after_run(binding, record.context))
        return True

    def next_due(self) -> datetime | None:
        """When the earliest pending timer or schedule run is due, if any."""
        found = self.store.next_due(self.definition.name)
        return None if found is None else parse_instant(found)

    # -- reading ---------------------------------------------------------------------------

    def get(self, journey_id: str) -> JourneyRecord:
        """Return an instance of this journey (404 otherwise)."""
        record = self.store.get_journey(journey_id)
        if record is None or record.name != self.definition.name:
            raise _not_found(journey_id)
        return record

    def status_body(self, record: JourneyRecord) -> dict[str, Any]:
        """Return the JourneyStatus document."""
        shown = (record.runtime or {}).get("display") or record.current_state
        body = {
            "journeyId": record.id,
            "journeyName": record.name,
            "phase": _wire_phase(self.definition.status_model, record.phase),
            "currentState": shown,
            "updatedAt": record.updated_at,
        }
        return _shape(self.definition.status_model, body)

    def step_body(self, record: JourneyRecord, ext: ExternalInput) -> dict[str, Any]:
        """Return JourneyStatus plus the step's response.outputVar fields (reserved names kept)."""
        body = self.status_body(record)
        extra = record.context.get(ext.response_var) if ext.response_var else None
        if isinstance(extra, dict):
            body.update(
                {k: v for k, v in extra.items() if k not in _RESERVED and v is not None}
            )
        return _shape(ext.response_model, body)

    def outcome_body(self, record: JourneyRecord) -> dict[str, Any]:
        """Return the JourneyOutcome document (409 while the journey is running)."""
        if record.phase == RUNNING:
            shown = (record.runtime or {}).get("display") or record.current_state
            raise ProblemError(
                409,
                "Journey not finished",
                f"The journey is still running at {shown!r}.",
                slug="journey-not-terminal",
                extensions={"phase": record.phase, "currentState": shown},
            )
        body: dict[str, Any] = {
            "journeyId": record.id,
            "journeyName": record.name,
            "phase": _spelled(record.phase.upper(), self.definition.outcome_phases),
            "status": _business_status(record),
        }
        if record.phase == SUCCEEDED:
            body["output"] = record.output
        else:
            body["error"] = record.error
        named = (record.runtime or {}).get("outcomeId")
        if isinstance(named, str):
            body["outcomeId"] = named  # spec.outcomes: the named outcome of this run
        return _shape(self.definition.outcome_model, body)


def _spelled(phase: str, declared: Sequence[str]) -> str:
    """The phase as the journey's contract spells it (Running vs RUNNING)."""
    return next((v for v in declared if v.lower() == phase.lower()), phase)


def _business_status(record: JourneyRecord) -> str:
    output = record.output
    if isinstance(output, dict) and isinstance(output.get("status"), str):
        return str(output["status"])
    if record.error:
        return record.error["code"]
    return record.phase.upper()
