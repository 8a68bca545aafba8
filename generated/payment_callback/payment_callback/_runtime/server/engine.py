"""The journey engine: starts runs, accepts step submissions, fires timers, reads results.

Generated code imports the definition types from here (see definition.py for the format). The
engine is assembled by concern: ``driver`` (the one interpreter of states, dispatching to
``states/``), ``ending`` (deadline, named outcomes, compensation), ``persistence``, ``firing``
(timers and schedules) and ``views`` (the status and outcome documents); this module holds the
request side (start, submit, advance).

- Entering an external-input state pauses the run; a step submission validates its payload,
  stores it in ``context.payload`` and resumes at the state's ``next``, wherever the state
  sits: at the top level, in a parallel branch, in a subjourney call (however nested) or, once
  the journey ended, in its paused ``spec.compensation``. A wait/webhook
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
- An auth task (apiKey/JWT/mTLS) that finds the request unauthenticated writes its problem and
  the run goes on to its ``next`` (DSL §18.8). A start whose run then ends failed or falls back
  to an external-input state is refused with 401 and nothing is stored. A step or provider
  webhook delivery in that case is refused with 401 too, but what the run did is committed (the
  journey's own control flow, e.g. counting refusals, holds); its event is kept unprocessed, so
  a retry with the same Idempotency-Key or event id is run again.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import to_json

from .auth import RequestMeta
from .context import RunContext
from .definition import (
    Branch,
    ExternalInput,
    JourneyDefinition,
    Machine,
    Parallel,
    PlatformKey,
    RequestBinding,
    StepFn,
    SubjourneyCall,
    Timer,
)
from .firing import Firing
from .idempotency import (
    IdempotentReplay,
    answer_of,
    idempotency_key,
    new_record,
    prior_answer,
    request_hash,
)
from .lifecycle import DEADLINE
from .persistence import correlation_scope
from .problem import ProblemError, schema_problem
from .results import (
    DEFINITION_INVALID,
    FAILED,
    RUNNING,
    SUCCEEDED,
    Fail,
    JsonObject,
    Leave,
    Next,
    StepResult,
    SubjourneyResult,
    Succeed,
    TaskAnswer,
    TaskResult,
)
from .run import Run, Thread, root_from_record
from .security import require_secret
from .store import (
    EventReceipt,
    EventRecord,
    JourneyRecord,
    StoreTransaction,
    Transition,
    body_hash,
    utc_now,
)
from .strictjson import canonical_json
from .views import ReadViews, not_found

__all__ = [
    "DEFINITION_INVALID",
    "FAILED",
    "RUNNING",
    "SUCCEEDED",
    "Advanced",
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
    "PreparedStart",
    "RequestBinding",
    "RequestMeta",
    "RunContext",
    "StepFn",
    "StepResult",
    "SubjourneyCall",
    "SubjourneyResult",
    "Succeed",
    "TaskAnswer",
    "TaskResult",
    "Timer",
    "canonical_hash",
    "correlation_scope",
    "validate_payload",
]

H = TypeVar("H")


@dataclass
class PreparedStart:
    """A start run to its first pause, not yet written (``JourneyEngine.prepare_start``)."""

    run: Run
    root: Thread
    data: dict[str, Any]
    now: str
    base_url: str
    scope: str
    key: str | None
    key_hash: str


@dataclass(frozen=True)
class Advanced:
    """A resumed instance as saved (``JourneyEngine.advance``) and, when the request failed
    its auth task and its run then failed or paused at an external input again, the 401 to
    answer once the transaction committed."""

    record: JourneyRecord
    refusal: ProblemError | None = None


def validate_payload(model: type[BaseModel], data: Any) -> dict[str, Any]:
    """Validate JSON data with a model, strictly (400 on failure); return it as JSON.

    Strict as JSON Schema is: a string is not a number and a boolean is not a number, while
    strings still stand for dates, times and enum values. Unknown fields are kept.
    """
    try:
        parsed = model.model_validate_json(to_json(data), strict=True)
    except ValidationError as exc:
        raise schema_problem(exc.errors(include_input=False)) from None
    dumped: dict[str, Any] = parsed.model_dump(
        mode="json", by_alias=True, exclude_unset=True
    )
    return dumped


def canonical_hash(data: Any) -> str:
    """Hash JSON by value, so a redelivery re-serialised by the sender still matches."""
    return body_hash(canonical_json(data).encode("utf-8"))


class JourneyEngine(Firing[H], ReadViews[H]):
    """Starts journeys, accepts step submissions, fires timers and reads status and results."""

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

    def start(
        self,
        body: Any,
        headers: Mapping[str, str],
        meta: RequestMeta | None = None,
        base_url: str = "",
    ) -> dict[str, Any]:
        """Validate the input, run to the first pause or terminal state, persist.

        ``startMode: async`` answers a JourneyStartResponse whose ``statusUrl`` is the status
        resource under ``base_url`` (the server's own URL, as the request reached it).
        With an ``Idempotency-Key`` header the first answer is stored with the journey and a
        retry with the same key and body is answered it again (see idempotency.py).
        The two halves, ``prepare_start`` (the run, handlers included, nothing written) and
        ``finish_start`` (its one transaction), may run on different threads.
        """
        prepared = self.prepare_start(body, headers, meta, base_url)
        if isinstance(prepared, PreparedStart):
            return self.finish_start(prepared)
        return prepared

    def prepare_start(
        self,
        body: Any,
        headers: Mapping[str, str],
        meta: RequestMeta | None = None,
        base_url: str = "",
    ) -> PreparedStart | dict[str, Any]:
        """Validate the input and run to the first pause or terminal state, writing
        nothing; the answer itself when an ``Idempotency-Key`` replays a stored one."""
        self._check_platform()
        key = idempotency_key(headers)
        scope = f"start:{self.definition.name}"
        key_hash = "" if key is None else request_hash(body)
        if key is not None:
            found = prior_answer(self.store, scope, key, key_hash, utc_now())
            if found is not None:
                return found
        data = validate_payload(self.definition.input_model, body)
        journey_id = str(uuid.uuid4())
        now = utc_now()
        run = self._new_run(journey_id, now, headers, meta, None)
        if self.definition.metadata is not None:
            run.metadata = self.definition.metadata.evaluate(data, headers)
            run.services.attributes = dict(run.metadata["attributes"])
        execution = self.definition.execution
        if execution is not None:
            budget = timedelta(seconds=execution.max_duration_sec)
            run.deadline = self.clock() + budget * self.settings.timer_scale
            self.add_timer(run, (), DEADLINE, "", DEADLINE, run.deadline)
        binding = self.definition.http_bindings.get("start")
        if binding is not None:
            run.services.passthrough = binding.apply(data, headers, run.meta)
        root = Thread(self.definition.start, dict(data))
        run.transitions.append(Transition(None, self.definition.start))
        self.run_thread(run, self.machine, root, ())
        self._refuse_unauthenticated(run, root)
        return PreparedStart(run, root, data, now, base_url, scope, key, key_hash)

    def finish_start(self, prepared: PreparedStart) -> dict[str, Any]:
        """Persist a prepared start in one transaction; answer it."""
        run, root, now, key = prepared.run, prepared.root, prepared.now, prepared.key
        try:
            with self.store.transaction() as tx:
                run.services.tx = tx
                record = self._save(tx, run, root, None, now)
                self._index(tx, run.journey_id, prepared.data)
                answer = self._start_answer(record, prepared.base_url)
                if key is not None:
                    ttl = self.settings.idempotency_ttl_seconds
                    tx.purge_idempotency_keys(now)
                    mine = new_record(
                        prepared.scope,
                        key,
                        prepared.key_hash,
                        answer,
                        run.journey_id,
                        now,
                        ttl,
                    )
                    holder = tx.claim_idempotency_key(mine)
                    if holder is not None:
                        raise IdempotentReplay(holder)
        except IdempotentReplay as replay:
            return answer_of(replay.holder, prepared.key_hash)
        return answer

    def _start_answer(self, record: JourneyRecord, base_url: str) -> dict[str, Any]:
        if self.definition.start_mode == "async":
            return self.start_body(record, base_url)
        if self.definition.start_outcome and record.phase != RUNNING:
            return self.outcome_body(record)
        return self.status_body(record)

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
        """Validate, resume and persist a step submission with its event atomically.

        A step guarded by the apiKeyValidate state it goes to answers 503 up front when that
        profile has no secret; the key itself is the state's to check (DSL §18.8): a wrong
        one is written to its problem and the journey's own control flow goes on."""
        ext = self.external_input(step)
        if ext.guard is not None:
            require_secret(self.settings, ext.guard.profile)
        payload = validate_payload(ext.input_model, body)
        key = idempotency_key or str(uuid.uuid4())
        event = EventRecord(
            source=f"step:{self.definition.name}",
            event_id=f"{journey_id}/{step}/{key}",
            body=json.dumps(payload, sort_keys=True).encode("utf-8"),
            body_hash=canonical_hash(payload),
            processed=True,  # inserted with the transition it drives, or not at all
            outcome="processed",
            journey_id=journey_id,
        )
        with self.store.transaction() as tx:
            advanced = self._submit_once(
                tx, event, journey_id, ext, payload, headers, meta
            )
        if advanced.refusal is not None:  # committed: the journey's own steps hold
            raise advanced.refusal
        return self.step_body(advanced.record, ext)

    def _submit_once(
        self,
        tx: StoreTransaction,
        event: EventRecord,
        journey_id: str,
        ext: ExternalInput,
        payload: dict[str, Any],
        headers: Mapping[str, str],
        meta: RequestMeta | None,
    ) -> Advanced:
        receipt = tx.record_event(event)
        if receipt is EventReceipt.CONFLICT:
            raise ProblemError(
                422,
                "Idempotency-Key reused with a different body",
                "This Idempotency-Key was first sent with another request body; use a new "
                "key for a new request.",
                slug="idempotency-key-reused",
            )
        if receipt is EventReceipt.DUPLICATE:
            return Advanced(self._load(tx, journey_id))
        advanced = self.advance(
            tx, journey_id, ext.name, payload, headers, event.event_id, meta
        )
        if advanced.refusal is not None:  # refused: the same key may be sent again
            tx.mark_event(
                event.source, event.event_id, outcome="refused", processed=False
            )
        elif receipt is not EventReceipt.NEW:  # stored unprocessed: processed now
            tx.mark_event(
                event.source, event.event_id, outcome="processed", processed=True
            )
        return advanced

    def _load(self, tx: StoreTransaction, journey_id: str) -> JourneyRecord:
        record = tx.get_journey(journey_id)
        if record is None or record.name != self.definition.name:
            raise not_found(journey_id)
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
    ) -> Advanced:
        """Resume a paused instance with a validated payload inside the caller's transaction.

        What the run did is saved even when the request failed its auth task: the 401 it
        then gets is ``refusal``, for the caller to raise after the commit."""
        ext = self.external_input(step)
        record = self._load(tx, journey_id)
        root = root_from_record(record)
        path = self._find_input(root, self.machine, step, ())
        if path is None:
            run = self._new_run(
                journey_id, record.created_at, headers, meta, tx, event_id
            )
            if record.phase != RUNNING:
                compensated = self._submit_compensation(tx, run, record, ext, payload)
                if compensated is not None:
                    return Advanced(compensated)
            self._require_current(record, step)
            raise RuntimeError("unreachable: the step is not active")
        run = self._new_run(journey_id, record.created_at, headers, meta, tx, event_id)
        run.scheduled = bool((record.runtime or {}).get("schedule"))
        run.deadline = self._deadline_of(record)
        thread, machine = self._locate(root, path)[-1]
        target = self._deliver(run, thread, machine, ext, payload)
        self._resume(run, root, path, target or ext.next)
        saved = self._save(
            tx, run, root, record, record.created_at, self._schedule_id(record)
        )
        return Advanced(saved, self._auth_refusal(run, root))

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
