"""Provider webhook receivers: dedup by event id, correlate to an instance, drive its step.

A ``ProviderBinding`` is data (the generator builds it from ``<journey>.bindings.yaml``, see
BINDINGS.md): where the provider posts, how its payload is validated, which field is the event id,
which field correlates with which start-input field, how events map to the journey's webhook
step, and the guard.

Security decision: the receiver is guarded with the SAME apiKeyValidate requirement (header and
profile) as the step it drives. The receiver turns a provider call into that step's input, so an
unguarded receiver would let anyone bypass the journey's own check; it is also checked before
anything is stored, so unauthenticated traffic never fills the event table. The request's headers
and meta (query parameters, cookies, client certificate chain: what a step submission passes) go on
to the journey, whose own ``apiKeyValidate``/``jwtValidate``/``mtlsValidate`` state then sees the
same credential wherever it reads it.

Receipt, correlation and transition commit in one store transaction: a duplicate waits on the
write lock of the first copy and is answered ``already_processed`` only after the first copy's
transition committed; if processing fails the event row is rolled back and a redelivery is
processed. Events for no known instance are kept unprocessed (``unmatched``) and answered 200 so
the provider stops retrying; a redelivery of such an event tries the correlation again.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ConfigDict

from .auth import RequestMeta
from .engine import JourneyEngine, canonical_hash, correlation_scope, validate_payload
from .problem import ProblemError
from .security import Guard, enforce_guard
from .store import EventReceipt, EventRecord, StoreTransaction

__all__ = [
    "Action",
    "Concat",
    "Const",
    "EventRule",
    "Field",
    "FirstOf",
    "GenericEvent",
    "ProviderBinding",
    "ValueSpec",
    "evaluate",
    "lookup",
    "receive_event",
]


class GenericEvent(BaseModel):
    """Any JSON object (the `generic` payload of a bindings file)."""

    model_config = ConfigDict(extra="allow")


@dataclass(frozen=True)
class Const:
    """A literal value."""

    value: Any


@dataclass(frozen=True)
class Field:
    """The value at a dotted path in the event (None when absent)."""

    path: str


@dataclass(frozen=True)
class FirstOf:
    """The first option that is present and not empty."""

    options: tuple[ValueSpec, ...]


@dataclass(frozen=True)
class Concat:
    """The parts joined as text; None when any part is absent."""

    parts: tuple[ValueSpec, ...]


ValueSpec = Const | Field | FirstOf | Concat


class Action(enum.Enum):
    """What a matched event does."""

    DELIVER = "deliver"  # post a payload to the target step
    ACKNOWLEDGE = "acknowledge"  # answer 200, the journey keeps waiting
    RECORD = "record"  # keep the event, no transition


@dataclass(frozen=True)
class EventRule:
    """When every `when` path equals its value, apply the action (first matching rule wins)."""

    when: Mapping[str, Any]
    action: Action
    outcome: str
    payload: Mapping[str, ValueSpec] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Rules are shared, module-level data: freeze their mappings.
        object.__setattr__(self, "when", MappingProxyType(dict(self.when)))
        object.__setattr__(self, "payload", MappingProxyType(dict(self.payload)))


@dataclass(frozen=True)
class ProviderBinding:
    """How one provider's webhook drives one journey step."""

    provider: str
    route: str
    payload_model: type[BaseModel]
    event_id_field: str
    correlation_field: str
    journey_input: str
    target_step: str
    rules: tuple[EventRule, ...]
    default: EventRule = EventRule({}, Action.RECORD, "unmapped")
    guard: Guard | None = None

    def rule_for(self, event: Mapping[str, Any]) -> EventRule:
        """Return the first rule whose conditions all hold, else the default."""
        for rule in self.rules:
            if all(lookup(event, path) == want for path, want in rule.when.items()):
                return rule
        return self.default


def lookup(data: Any, path: str) -> Any:
    """Return the value at a dotted path, or None."""
    current = data
    for part in path.split("."):
        if not isinstance(current, Mapping) or part not in current:
            return None
        current = current[part]
    return current


def evaluate(spec: ValueSpec, event: Mapping[str, Any]) -> Any:
    """Compute a value from an event."""
    if isinstance(spec, Const):
        return spec.value
    if isinstance(spec, Field):
        return lookup(event, spec.path)
    if isinstance(spec, FirstOf):
        values = (evaluate(option, event) for option in spec.options)
        return next((v for v in values if v not in (None, "")), None)
    parts = [evaluate(part, event) for part in spec.parts]
    return None if any(p is None for p in parts) else "".join(str(p) for p in parts)


def _required_text(event: Mapping[str, Any], path: str) -> str:
    value = lookup(event, path)
    if value is None or value == "" or isinstance(value, dict | list | bool):
        raise ProblemError(
            400,
            "Event is missing a required field",
            f"The event has no usable {path!r}.",
            slug="schema-violation",
            extensions={
                "errors": [{"pointer": "/" + path.replace(".", "/"), "type": "missing"}]
            },
        )
    return str(value)


def receive_event(
    engine: JourneyEngine[Any],
    binding: ProviderBinding,
    raw: bytes,
    body: Any,
    headers: Mapping[str, str],
    meta: RequestMeta | None = None,
) -> dict[str, Any]:
    """Handle one delivery: guard, validate, dedup, correlate, map and drive the step."""
    if binding.guard is not None:
        enforce_guard(binding.guard, headers, engine.settings)
    event = validate_payload(binding.payload_model, body)
    record = EventRecord(
        source=binding.provider,
        event_id=_required_text(event, binding.event_id_field),
        body=raw,
        body_hash=canonical_hash(event),
        correlation_key=_required_text(event, binding.correlation_field),
    )
    with engine.store.transaction() as tx:
        receipt = tx.record_event(record)
        if receipt is EventReceipt.CONFLICT:
            raise _conflict(record.event_id)
        if receipt is EventReceipt.DUPLICATE:
            return {"status": "already_processed", "eventId": record.event_id}
        answer, refusal = _process(tx, engine, binding, record, event, headers, meta)
    if refusal is not None:  # committed: the journey's own steps hold
        raise refusal
    return answer


def _conflict(event_id: str) -> ProblemError:
    return ProblemError(
        409,
        "Event id reused with a different body",
        f"Event {event_id!r} was already received with different content.",
        slug="event-conflict",
    )


def _process(
    tx: StoreTransaction,
    engine: JourneyEngine[Any],
    binding: ProviderBinding,
    record: EventRecord,
    event: Mapping[str, Any],
    headers: Mapping[str, str],
    meta: RequestMeta | None,
) -> tuple[dict[str, Any], ProblemError | None]:
    """The answer, and the 401 to give instead once committed (see ``_deliver``)."""
    rule = binding.rule_for(event)
    scope = correlation_scope(engine.definition.name, binding.journey_input)
    journey_id = tx.find_correlated(scope, record.correlation_key or "")
    answer: dict[str, Any] = {"eventId": record.event_id}
    if rule.action is Action.RECORD:
        _mark(tx, record, rule.outcome, journey_id)
        return {**answer, "status": "recorded", "outcome": rule.outcome}, None
    if journey_id is None:
        tx.mark_event(
            record.source, record.event_id, outcome="unmatched", processed=False
        )
        return {**answer, "status": "accepted_unmatched"}, None
    answer["journeyId"] = journey_id
    if rule.action is Action.ACKNOWLEDGE:
        _mark(tx, record, rule.outcome, journey_id)
        return {**answer, "status": "acknowledged", "outcome": rule.outcome}, None
    delivered, refusal = _deliver(
        tx, engine, binding, record, rule, event, headers, meta, journey_id
    )
    return {**answer, **delivered}, refusal


def _mark(
    tx: StoreTransaction, record: EventRecord, outcome: str, journey_id: str | None
) -> None:
    tx.mark_event(
        record.source,
        record.event_id,
        outcome=outcome,
        processed=True,
        journey_id=journey_id,
    )


def _deliver(
    tx: StoreTransaction,
    engine: JourneyEngine[Any],
    binding: ProviderBinding,
    record: EventRecord,
    rule: EventRule,
    event: Mapping[str, Any],
    headers: Mapping[str, str],
    meta: RequestMeta | None,
    journey_id: str,
) -> tuple[dict[str, Any], ProblemError | None]:
    """Drive the target step. When the journey's auth task refused the delivery (its run
    failed or waits at an external input again) what the run did is kept, the event stays
    unprocessed (a redelivery runs again) and the 401 is given once committed."""
    raw_payload = {k: evaluate(v, event) for k, v in rule.payload.items()}
    raw_payload = {k: v for k, v in raw_payload.items() if v is not None}
    ext = engine.external_input(binding.target_step)
    payload = validate_payload(ext.input_model, json.loads(json.dumps(raw_payload)))
    advanced = engine.advance(
        tx, journey_id, ext.name, payload, headers, record.event_id, meta
    )
    if advanced.refusal is not None:
        tx.mark_event(
            record.source,
            record.event_id,
            outcome="refused",
            processed=False,
            journey_id=journey_id,
        )
        return {}, advanced.refusal
    _mark(tx, record, rule.outcome, journey_id)
    answer = {"status": "processed", "outcome": rule.outcome}
    return {**answer, "phase": advanced.record.phase}, None
