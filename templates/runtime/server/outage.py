"""Running a request's work through store outages: a unit of work that the database gave up
(a dropped connection, a serialization failure, a deadlock) is run again on a fresh
connection a bounded number of times; what still fails is answered 503 with ``Retry-After``,
never 500, and nothing of it was applied.

Work whose outcome is in doubt (the connection was lost during COMMIT) is run again only when
it is deduplicated: a webhook delivery (by its event id), a step with an ``Idempotency-Key``,
a read. Anything else is answered 503 for its sender to decide.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from .problem import store_unavailable
from .store import StoreUnavailableError

__all__ = ["ATTEMPTS", "retrying"]

T = TypeVar("T")
ATTEMPTS = 4
_logger = logging.getLogger("journeygen.server")


def retrying(
    work: Callable[[], T],
    *,
    idempotent: bool,
    failed: StoreUnavailableError | None = None,
) -> T:
    """Run ``work``; run it again after a transient store failure (see the module).

    ``failed``: how a first attempt made elsewhere (on the event loop, inline.py) failed; it
    counts as one of the ``ATTEMPTS``."""
    failures = 0
    error = failed
    while True:
        if error is not None:
            failures += 1
            if (
                failures == ATTEMPTS
                or not error.retryable
                or (error.in_doubt and not idempotent)
            ):
                _logger.warning("store unavailable, answering 503: %s", error.detail)
                raise store_unavailable(error) from error
            _logger.info("store failure (%s); trying again", error.detail)
            time.sleep(random.uniform(0.01, 0.05) * (2 ** (failures - 1)))  # noqa: S311
        try:
            return work()
        except StoreUnavailableError as exc:
            error = exc
