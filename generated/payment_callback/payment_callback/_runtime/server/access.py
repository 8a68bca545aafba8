"""Read access to a journey (DSL §23.1, ``spec.access.read.guardRef``).

Before ``GET /journeys/{id}`` or ``GET /journeys/{id}/result`` answers, the guard subjourney
runs from its ``start`` on a deep copy of the stored context (nothing it writes is stored),
with the read request's headers, query and client certificate, so auth tasks
(``apiKeyValidate:v1``, ``jwtValidate:v1``, ``mtlsValidate:v1``) inside it see the caller.
Its output (the ``succeed`` state's ``outputVar``, else its final context) must be an object
whose ``allowed`` is ``true``; anything else denies: ``allowed: false``, a guard that fails,
pauses, raises or answers something other than an object. A denied read is answered exactly
as a journey that does not exist (404 ``journey-not-found``); the guard's ``problem`` is
never sent (only logged at debug level without its content).
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .results import SUCCEEDED
from .run import Thread
from .views import not_found

if TYPE_CHECKING:
    from .auth import RequestMeta
    from .definition import Machine
    from .driver import Driver
    from .store import JourneyRecord

__all__ = ["ReadGuard", "guarded_record"]

H = TypeVar("H")
_logger = logging.getLogger("journeygen.server")


@dataclass(frozen=True)
class ReadGuard(Generic[H]):
    """``spec.access.read.guardRef``: the guard subjourney's name, states and start."""

    name: str
    machine: Machine[H]
    start: str


def guarded_record(
    driver: Driver[H],
    journey_id: str,
    headers: Mapping[str, str],
    meta: RequestMeta | None,
) -> JourneyRecord:
    """The journey for a read request; 404 when it does not exist or its guard denies."""
    record = driver.store.get_journey(journey_id)
    if record is None or record.name != driver.definition.name:
        raise not_found(journey_id)
    guard = driver.definition.read_guard
    if guard is not None and not _allowed(driver, guard, record, headers, meta):
        raise not_found(journey_id)
    return record


def _allowed(
    driver: Driver[H],
    guard: ReadGuard[H],
    record: JourneyRecord,
    headers: Mapping[str, str],
    meta: RequestMeta | None,
) -> bool:
    run = driver._new_run(record.id, record.created_at, headers, meta, None)
    context = copy.deepcopy(record.context)
    thread = Thread(guard.start, context, recorded=False, depth=1)
    try:
        driver.run_thread(run, guard.machine, thread, ())
    except Exception as exc:  # a broken guard denies (fail closed)
        _logger.error("read guard %r raised; read denied", guard.name, exc_info=exc)
        return False
    output: Any = thread.output
    if thread.status != SUCCEEDED or not isinstance(output, dict):
        _logger.warning(
            "read guard %r ended %s at %r without an {allowed} object; read denied",
            guard.name,
            thread.status,
            thread.state,
        )
        return False
    if output.get("allowed") is not True:
        _logger.debug("read guard %r denied a read of %s", guard.name, record.id)
        return False
    return True
