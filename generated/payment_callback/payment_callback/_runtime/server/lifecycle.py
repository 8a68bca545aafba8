"""Journey-level lifecycle: named outcomes, the execution deadline and global compensation.

- ``spec.outcomes`` (``NamedOutcome``): when a run ends, the outcomes are tried in the order
  the spec lists them; the first whose ``when.phase`` matches and whose predicate holds (no
  predicate: always) names the run. The id is stored with the run and served as ``outcomeId``
  in ``JourneyOutcome``; nothing else changes. Predicates see ``context`` (the final context,
  with ``context.error`` set to the run's error on a failed run, as the DSL's examples read
  it), ``output`` and ``error``.
- ``spec.execution`` (``Deadline``): the start persists a ``deadline`` timer due at
  ``maxDurationSec`` (times ``Settings.timer_scale``) in the timers table, so it survives a
  restart and fires once. When it fires while the run is still running, the run fails with
  ``onTimeout.errorCode``/``reason``, pending timers and branches are cancelled. A burst of
  execution that is still going when the deadline passes stops before its next state.
- ``spec.compensation`` (``Compensation``): when a run fails (a fail state, the deadline, a
  refused step) or succeeds and one ``alsoFor`` rule matches, the compensation states run on
  a deep copy of the final context with the read-only ``outcome`` binding. ``mode: sync``
  runs them before the outcome is stored; ``async`` (the default) persists a
  ``compensation`` timer due at once, which the scheduler fires after the response. Their
  result is stored with the run (``runtime.compensation``) and logged; it never changes the
  run's phase or error.
- ``spec.errors.envelope`` with ``format: custom`` (``ErrorEnvelope``, DSL §24): when a run
  fails, its Problem Details object (``problem_of``: ``type`` = the error code, ``title`` = the
  reason) is mapped by the envelope's mapper (``context``: the final context, ``error``: the
  Problem) into the journey's one external error body, stored with the run's error and served
  as ``JourneyOutcome.error``. Without it (or with ``format: problemDetails``) the error is
  the canonical ``{code, reason}`` view of that Problem.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from .definition import Machine

__all__ = [
    "COMPENSATION",
    "DEADLINE",
    "ENVELOPE",
    "Compensation",
    "Deadline",
    "ErrorEnvelope",
    "NamedOutcome",
    "outcome_binding",
    "problem_of",
]

DEADLINE = "deadline"  # timers.kind of the execution deadline
COMPENSATION = "compensation"  # timers.kind of an asynchronous compensation run


ENVELOPE = "envelope"  # key of the run's error holding its custom error body


@dataclass(frozen=True)
class ErrorEnvelope:
    """``spec.errors.envelope`` (format: custom): the mapper ``(ctx, problem) -> body`` and
    where it is written (``path:line:col``, for the log when it fails)."""

    mapper: Callable[[Any, dict[str, Any]], Any]
    site: str = ""


def problem_of(error: dict[str, Any]) -> dict[str, Any]:
    """The RFC 9457 Problem Details object of a run's ``{code, reason}`` error."""
    problem = {"type": error.get("code"), "title": error.get("reason")}
    return {k: v for k, v in problem.items() if v is not None}


@dataclass(frozen=True)
class NamedOutcome:
    """One ``spec.outcomes`` entry: its id, phase and predicate ``(ctx, output, error)``."""

    name: str
    phase: Literal["SUCCEEDED", "FAILED"]
    predicate: Callable[[Any, Any, Any], bool] | None = None


@dataclass(frozen=True)
class Deadline:
    """``spec.execution``: the run's wall-clock budget and how a timeout fails it."""

    max_duration_sec: int
    error_code: str
    reason: str


@dataclass(frozen=True)
class Compensation:
    """``spec.compensation``: its states, start, mode and ``alsoFor`` predicates.

    Each ``also_for`` entry is a predicate ``(ctx, output)`` or None (matches every
    successful run).
    """

    start: str
    machine: Machine[Any]
    mode: Literal["sync", "async"] = "async"
    also_for: tuple[Callable[[Any, Any], bool] | None, ...] = ()


def outcome_binding(
    phase: str,
    kind: str,
    error: dict[str, Any] | None,
    state: str | None,
    journey_id: str,
    journey_name: str,
) -> dict[str, Any]:
    """The ``outcome`` binding of the compensation states."""
    error = error or {}
    return {
        "phase": phase,
        "terminationKind": kind,
        "error": {"code": error.get("code"), "reason": error.get("reason")},
        "terminatedAtState": state,
        "journeyId": journey_id,
        "journeyName": journey_name,
    }
