"""What the engine persists and the store interface it persists through (SQLite by default,
in sqlite.py; another store implements ``JourneyStore`` beside it).

Every change to an instance happens inside ``JourneyStore.transaction()``: the received event,
the new instance row and its history rows commit together or not at all, so a crash between
"event stored" and "transition committed" leaves no trace and the redelivered event is processed.
Deduplication is insert-first on the UNIQUE (source, event_id) key, never check-then-act.
"""

from __future__ import annotations

import enum
import hashlib
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = [
    "EventReceipt",
    "EventRecord",
    "IdempotencyRecord",
    "JourneyRecord",
    "JourneyStore",
    "ScheduleRecord",
    "StaleVersionError",
    "StoreTransaction",
    "StoreUnavailableError",
    "TimerRecord",
    "Transition",
    "body_hash",
    "utc_now",
]


_second: list[Any] = [-1, ""]  # the last whole second formatted, and its text


def utc_now() -> str:
    """Return the current UTC time as an RFC 3339 string with millisecond precision."""
    second, nanos = divmod(time.time_ns(), 1_000_000_000)
    if second != _second[0]:
        _second[1] = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        _second[0] = second
    return f"{_second[1]}.{nanos // 1_000_000:03d}Z"


def body_hash(body: bytes) -> str:
    """Return the SHA-256 hex digest used to tell a redelivery from a conflicting reuse of an id."""
    return hashlib.sha256(body).hexdigest()


class StaleVersionError(Exception):
    """Raised when an instance changed since it was read (optimistic concurrency)."""


class StoreUnavailableError(Exception):
    """The database could not be reached, dropped the connection, or gave up the transaction
    (a serialization failure or deadlock): the work was rolled back and may be tried again.

    ``in_doubt`` is true when the connection was lost during COMMIT, so the work may or may
    not have been applied: only work that is deduplicated (a webhook delivery, a step with an
    ``Idempotency-Key``, a read) is then run again. ``retryable`` is false when trying again
    at once cannot help (no connection could be had within the pool's timeout). The server
    answers it 503 with ``Retry-After``.
    """

    def __init__(
        self, detail: str, *, in_doubt: bool = False, retryable: bool = True
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.in_doubt = in_doubt
        self.retryable = retryable


class EventReceipt(enum.Enum):
    """What inserting a received event found."""

    NEW = "new"
    DUPLICATE = "duplicate"  # same id, same body, already processed
    UNPROCESSED = (
        "unprocessed"  # same id, same body, stored earlier but never processed
    )
    CONFLICT = "conflict"  # same id, different body


@dataclass(frozen=True)
class JourneyRecord:
    """One journey instance as stored."""

    id: str
    name: str
    phase: str
    current_state: str
    context: dict[str, Any]
    created_at: str
    updated_at: str
    version: int = 1
    output: Any = None
    error: dict[str, str] | None = None
    runtime: dict[str, Any] | None = (
        None  # engine bookkeeping: parallel branches, tokens
    )


@dataclass(frozen=True)
class TimerRecord:
    """A durable timer: a timer state, a wait/webhook timeout, due at ``due_at``.

    ``path`` names the parallel branches leading to the paused state (empty at top level);
    ``token`` identifies the visit of the state that scheduled it, so a timer from an earlier
    visit (a loop back to the same state) is recognised as stale.
    """

    journey_name: str
    journey_id: str
    path: tuple[str, ...]
    state: str
    token: str
    kind: str  # "timer" | "timeout"
    due_at: str
    id: int | None = None
    status: str = "pending"


@dataclass(frozen=True)
class ScheduleRecord:
    """A schedule binding created by a schedule:v1 task."""

    id: str
    journey_name: str
    subject_id: str | None
    start_state: str
    interval: str
    max_runs: int
    next_run_at: str
    last_context: dict[str, Any]
    runs_executed: int = 0
    active_journey_id: str | None = None
    created_at: str = field(default_factory=lambda: utc_now())


@dataclass(frozen=True)
class Transition:
    """One history row: a move from one state to another."""

    from_state: str | None
    to_state: str
    event_id: str | None = None
    at: str = field(default_factory=utc_now)


@dataclass(frozen=True)
class EventRecord:
    """One received event (provider webhook delivery or step submission)."""

    source: str
    event_id: str
    body: bytes
    body_hash: str
    received_at: str = field(default_factory=utc_now)
    processed: bool = False
    outcome: str | None = None
    correlation_key: str | None = None
    journey_id: str | None = None


@dataclass(frozen=True)
class IdempotencyRecord:
    """The first answer to a request sent with an ``Idempotency-Key``.

    ``scope`` names the operation (``start:<journey>``), ``key`` is the header's value and
    ``request_hash`` the canonical hash of the request body, so a retry with the same key and
    body is answered ``status_code``/``response`` again and the same key with another body is
    refused. The record is stored in the transaction that created ``journey_id``, so it exists
    exactly when the journey does. After ``expires_at`` the key may be used afresh.
    """

    scope: str
    key: str
    request_hash: str
    status_code: int
    response: bytes
    journey_id: str | None
    created_at: str
    expires_at: str


class StoreTransaction(Protocol):
    """Operations available inside one atomic unit of work."""

    def get_journey(self, journey_id: str) -> JourneyRecord | None:
        """Return the instance or None."""

    def insert_journey(self, record: JourneyRecord) -> None:
        """Insert a new instance."""

    def update_journey(self, record: JourneyRecord, expected_version: int) -> None:
        """Replace an instance; raise StaleVersionError when its version moved on."""

    def add_history(self, journey_id: str, transitions: Sequence[Transition]) -> None:
        """Append history rows."""

    def add_correlation(self, scope: str, key: str, journey_id: str) -> None:
        """Index an instance under a correlation key (e.g. a payment id)."""

    def find_correlated(self, scope: str, key: str) -> str | None:
        """Return the newest instance id indexed under the key, or None."""

    def record_event(self, event: EventRecord) -> EventReceipt:
        """Insert the event first; report whether it is new, a duplicate or a conflict."""

    def mark_event(
        self,
        source: str,
        event_id: str,
        *,
        outcome: str,
        processed: bool,
        journey_id: str | None = None,
    ) -> None:
        """Set an event's outcome, processed flag and (when known) its journey instance."""

    def claim_idempotency_key(
        self, record: IdempotencyRecord
    ) -> IdempotencyRecord | None:
        """Store the record unless its (scope, key) is held; return the holder, else None.

        Insert-first on the UNIQUE (scope, key): a record whose ``expires_at`` is at or before
        ``record.created_at`` no longer holds its key and is replaced.
        """

    def purge_idempotency_keys(self, now: str) -> int:
        """Delete the records expired by ``now``; return how many."""

    def add_timer(self, timer: TimerRecord) -> None:
        """Persist a pending timer."""

    def cancel_timers(self, journey_id: str, prefix: tuple[str, ...] = ()) -> None:
        """Cancel the pending timers of an instance under a branch path prefix."""

    def claim_due_timer(self, journey_name: str, now: str) -> TimerRecord | None:
        """Mark the earliest pending timer due by ``now`` fired and return it (else None).

        The claim and the transition it triggers commit together, so a timer fires once even
        with several workers or a restart in between.
        """

    def set_timer_status(self, timer_id: int, status: str) -> None:
        """Set a timer's status (for example 'error' after a failed firing)."""

    def find_schedule(
        self, journey_name: str, subject_id: str | None, start_state: str
    ) -> ScheduleRecord | None:
        """Return the first binding with this identity, or None."""

    def save_schedule(self, schedule: ScheduleRecord) -> None:
        """Insert a binding or replace the one with the same id."""

    def claim_due_schedule(self, journey_name: str, now: str) -> ScheduleRecord | None:
        """Return the earliest binding due by ``now`` with runs left and no active run."""

    def schedule_of_run(self, journey_id: str) -> ScheduleRecord | None:
        """Return the binding whose active run is this instance, or None."""


class JourneyStore(Protocol):
    """A store of journey instances; implement it to back several replicas with one database."""

    def transaction(self) -> AbstractContextManager[StoreTransaction]:
        """Open an atomic unit of work: commit on normal exit, roll back on exception."""

    def get_journey(self, journey_id: str) -> JourneyRecord | None:
        """Read one instance outside a transaction."""

    def history(self, journey_id: str) -> list[Transition]:
        """Return an instance's transitions, oldest first."""

    def get_event(self, source: str, event_id: str) -> EventRecord | None:
        """Read one received event."""

    def get_idempotency_key(self, scope: str, key: str) -> IdempotencyRecord | None:
        """Read the record holding a key (expired or not), or None."""

    def close(self) -> None:
        """Release resources."""

    def next_due(self, journey_name: str) -> str | None:
        """Return when the earliest pending timer or schedule run is due, or None."""
