"""The journey driver: runs a compiled journey's step functions and persists every transition.

Generated code describes a journey as a ``JourneyDefinition``: one step function per internal
state (task, choice, transform, succeed, fail) returning ``Next``, ``Succeed`` or ``Fail``, plus
an ``ExternalInput`` per webhook/wait state. Entering an external-input state pauses the run;
a step submission validates its payload, stores it in ``context.payload`` and resumes at the
state's ``next``. A submission whose run falls back to an external-input state after an
apiKeyValidate failure is refused with 401 and rolled back, so the instance is unchanged.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from .problem import ProblemError, schema_problem
from .security import Guard, auth_problem, check_api_key, enforce_guard, require_secret
from .settings import Settings
from .store import (
    EventReceipt,
    EventRecord,
    JourneyRecord,
    JourneyStore,
    StaleVersionError,
    StoreTransaction,
    Transition,
    body_hash,
    utc_now,
)

__all__ = [
    "FAILED",
    "RUNNING",
    "SUCCEEDED",
    "ExternalInput",
    "Fail",
    "JourneyDefinition",
    "JourneyEngine",
    "Next",
    "RunContext",
    "StepFn",
    "StepResult",
    "Succeed",
    "TaskResult",
    "correlation_scope",
    "validate_payload",
]

H = TypeVar("H")
RUNNING, SUCCEEDED, FAILED = "Running", "Succeeded", "Failed"
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
    """End the journey successfully with this output."""

    output: Any


@dataclass(frozen=True)
class Fail:
    """End the journey with a failure code and reason."""

    code: str
    reason: str


StepResult = Next | Succeed | Fail


class TaskResult(BaseModel):
    """What an outbound task handler returns; stored as context.<resultVar>."""

    status: int
    ok: bool
    headers: dict[str, str] = {}
    body: Any = None
    error: dict[str, Any] | None = None


class RunContext(Generic[H]):
    """What a step function sees: the journey context, the handlers and the current request."""

    def __init__(
        self,
        context: dict[str, Any],
        handlers: H,
        headers: Mapping[str, str],
        settings: Settings,
    ) -> None:
        self.context = context
        self.handlers = handlers
        self.headers = {k.lower(): v for k, v in headers.items()}
        self.settings = settings
        self.auth_failed = False

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

    def validate_api_key(
        self, profile: str, header: str, auth_var: str = "auth"
    ) -> None:
        """apiKeyValidate:v1: set context.<authVar>.apiKey.keyId or .problem (503: no secret)."""
        secret = require_secret(self.settings, profile)
        code = check_api_key(self.headers.get(header.lower()), secret)
        namespace = self.context.setdefault(auth_var, {})
        if code is None:
            namespace["apiKey"] = {"keyId": profile}
        else:
            namespace["apiKey"] = {"problem": auth_problem(code)}
            self.auth_failed = True

    def output(self, output_var: str | None) -> Any:
        """Return context.<outputVar> when set and present, else the whole context."""
        if output_var is not None and output_var in self.context:
            return self.context[output_var]
        return self.context


StepFn = Callable[[RunContext[H]], StepResult]


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
    max_steps: int = 1000

    def profiles(self) -> tuple[str, ...]:
        """Return the apiKeyValidate profiles the guards use (to read their secrets)."""
        return tuple(sorted({i.guard.profile for i in self.inputs.values() if i.guard}))


@dataclass
class _Run:
    state: str
    phase: str
    context: dict[str, Any]
    transitions: list[Transition] = field(default_factory=list)
    output: Any = None
    error: dict[str, str] | None = None


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
    shaped: dict[str, Any] = model.model_validate(body).model_dump(
        mode="json", by_alias=True, exclude_none=True
    )
    return shaped


def _not_found(journey_id: str) -> ProblemError:
    return ProblemError(
        404,
        "Journey not found",
        f"No journey {journey_id!r}.",
        slug="journey-not-found",
    )


class JourneyEngine(Generic[H]):
    """Starts journeys, accepts step submissions and reads status and results."""

    def __init__(
        self,
        definition: JourneyDefinition[H],
        handlers: H,
        store: JourneyStore,
        settings: Settings,
    ) -> None:
        self.definition = definition
        self.handlers = handlers
        self.store = store
        self.settings = settings

    # -- running ---------------------------------------------------------------------------

    def _run(self, rc: RunContext[H], state: str, first: Transition) -> _Run:
        run = _Run(state, RUNNING, rc.context, [first])
        for _ in range(self.definition.max_steps):
            if state in self.definition.inputs:
                rc.context.pop("payload", None)
                run.state = state
                return run
            result = self._step(state)(rc)
            if isinstance(result, Next):
                run.transitions.append(Transition(state, result.state, first.event_id))
                state = result.state
                continue
            return self._finish(run, state, result)
        limit = self.definition.max_steps
        raise RuntimeError(f"journey {self.definition.name} exceeded {limit} steps")

    def _step(self, state: str) -> StepFn[H]:
        step = self.definition.steps.get(state)
        if step is None:
            raise RuntimeError(f"journey {self.definition.name} has no state {state!r}")
        return step

    @staticmethod
    def _finish(run: _Run, state: str, result: Succeed | Fail) -> _Run:
        run.state = state
        if isinstance(result, Succeed):
            run.phase, run.output = SUCCEEDED, result.output
        else:
            run.phase, run.error = FAILED, {
                "code": result.code,
                "reason": result.reason,
            }
        return run

    # -- start -----------------------------------------------------------------------------

    def start(self, body: Any, headers: Mapping[str, str]) -> dict[str, Any]:
        """Validate the input, run to the first external-input or terminal state, persist."""
        data = validate_payload(self.definition.input_model, body)
        journey_id = str(uuid.uuid4())
        rc = RunContext(dict(data), self.handlers, headers, self.settings)
        run = self._run(
            rc, self.definition.start, Transition(None, self.definition.start)
        )
        now = utc_now()
        record = JourneyRecord(
            id=journey_id,
            name=self.definition.name,
            phase=run.phase,
            current_state=run.state,
            context=run.context,
            created_at=now,
            updated_at=now,
            output=run.output,
            error=run.error,
        )
        with self.store.transaction() as tx:
            tx.insert_journey(record)
            tx.add_history(journey_id, run.transitions)
            self._index(tx, journey_id, data)
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
        """Return the external-input state named step (404 when the journey has none)."""
        found = self.definition.inputs.get(step)
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
            record = self._submit_once(tx, event, journey_id, ext, payload, headers)
        return self.step_body(record, ext)

    def _submit_once(
        self,
        tx: StoreTransaction,
        event: EventRecord,
        journey_id: str,
        ext: ExternalInput,
        payload: dict[str, Any],
        headers: Mapping[str, str],
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
            tx, journey_id, ext.name, payload, headers, event.event_id
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
    ) -> JourneyRecord:
        """Resume a paused instance with a validated payload inside the caller's transaction."""
        ext = self.external_input(step)
        record = self._load(tx, journey_id)
        self._require_current(record, step)
        context = {**record.context, "payload": payload}
        rc = RunContext(context, self.handlers, headers, self.settings)
        run = self._run(rc, ext.next, Transition(step, ext.next, event_id))
        if (
            rc.auth_failed
            and run.phase == RUNNING
            and run.state in self.definition.inputs
        ):
            raise self._auth_refusal(rc)
        updated = replace(
            record,
            phase=run.phase,
            current_state=run.state,
            context=run.context,
            output=run.output,
            error=run.error,
            updated_at=utc_now(),
            version=record.version + 1,
        )
        try:
            tx.update_journey(updated, record.version)
        except StaleVersionError:
            raise ProblemError(
                409, "Journey changed concurrently", slug="concurrent"
            ) from None
        tx.add_history(journey_id, run.transitions)
        return updated

    @staticmethod
    def _auth_refusal(rc: RunContext[H]) -> ProblemError:
        codes = [
            ns.get("apiKey", {}).get("problem", {}).get("code")
            for ns in rc.context.values()
            if isinstance(ns, dict)
        ]
        code = next((c for c in codes if c), None)
        return ProblemError(
            401,
            "Unauthorized",
            "The request is not authenticated.",
            slug="unauthorized",
            extensions={"code": code} if code else None,
        )

    @staticmethod
    def _require_current(record: JourneyRecord, step: str) -> None:
        extra = {"phase": record.phase, "currentState": record.current_state}
        if record.phase != RUNNING:
            raise ProblemError(
                409,
                "Journey already finished",
                f"The journey is {record.phase}; it accepts no more steps.",
                slug="journey-terminal",
                extensions=extra,
            )
        if record.current_state != step:
            raise ProblemError(
                409,
                "Step is not active",
                f"The journey is waiting at {record.current_state!r}, not {step!r}.",
                slug="step-not-current",
                extensions=extra,
            )

    # -- reading ---------------------------------------------------------------------------

    def get(self, journey_id: str) -> JourneyRecord:
        """Return an instance of this journey (404 otherwise)."""
        record = self.store.get_journey(journey_id)
        if record is None or record.name != self.definition.name:
            raise _not_found(journey_id)
        return record

    def status_body(self, record: JourneyRecord) -> dict[str, Any]:
        """Return the JourneyStatus document."""
        body = {
            "journeyId": record.id,
            "journeyName": record.name,
            "phase": record.phase,
            "currentState": record.current_state,
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
            raise ProblemError(
                409,
                "Journey not finished",
                f"The journey is still running at {record.current_state!r}.",
                slug="journey-not-terminal",
                extensions={
                    "phase": record.phase,
                    "currentState": record.current_state,
                },
            )
        body: dict[str, Any] = {
            "journeyId": record.id,
            "journeyName": record.name,
            "phase": record.phase.upper(),
            "status": _business_status(record),
        }
        if record.phase == SUCCEEDED:
            body["output"] = record.output
        else:
            body["error"] = record.error
        return _shape(self.definition.outcome_model, body)


def _business_status(record: JourneyRecord) -> str:
    output = record.output
    if isinstance(output, dict) and isinstance(output.get("status"), str):
        return str(output["status"])
    if record.error:
        return record.error["code"]
    return record.phase.upper()
