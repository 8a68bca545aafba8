"""User cancellation (DSL §2.7 ``spec.lifecycle.cancellable``, §2.6 ``_links.cancel``).

``POST /api/v1/journeys/{journeyId}/steps/cancel`` (served unless ``cancellable: false``; a
state of the journey called ``cancel`` keeps its own step endpoint) ends a running journey as
FAILED with ``JOURNEY_CANCELLED`` / "Cancelled by user": no further state runs, its timers and
unfinished parallel branches are cancelled, and ``spec.compensation`` runs with
``outcome.terminationKind == "Cancel"``. It answers the JourneyStatus. Cancelling a journey that
already ended changes nothing and answers its status again (idempotent). A request body, if
any, is not read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from .results import RUNNING, Fail
from .run import root_from_record

if TYPE_CHECKING:
    from .auth import RequestMeta
    from .engine import JourneyEngine

__all__ = ["CANCELLED", "CANCEL_STEP", "cancel_journey"]

H = TypeVar("H")
CANCEL_STEP = "cancel"
CANCELLED = "JOURNEY_CANCELLED"


def cancel_journey(
    engine: JourneyEngine[H],
    journey_id: str,
    headers: Mapping[str, str],
    meta: RequestMeta | None = None,
) -> dict[str, Any]:
    """Cancel a running journey (nothing changes once it ended); answer its status."""
    with engine.store.transaction() as tx:
        record = engine._load(tx, journey_id)
        if record.phase == RUNNING:
            run = engine._new_run(journey_id, record.created_at, headers, meta, tx)
            run.deadline = engine._deadline_of(record)
            run.cancelled = True
            root = root_from_record(record)
            root.branches, root.entry, root.done, root.leave = None, None, [], None
            root.call = None
            engine.end(root, Fail(CANCELLED, "Cancelled by user"))
            schedule = engine._schedule_id(record)
            record = engine._save(tx, run, root, record, record.created_at, schedule)
    return engine.status_body(record)
