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


def retrying(work: Callable[[], T], *, idempotent: bool) -> T:
    """Run ``work``; run it again after a transient store failure (see the module)."""
    for attempt in range(ATTEMPTS):
        try:
            return work()
        except StoreUnavailableError as exc:
            last = attempt + 1 == ATTEMPTS
            if last or not exc.retryable or (exc.in_doubt and not idempotent):
                _logger.warning("store unavailable, answering 503: %s", exc.detail)
                raise store_unavailable(exc) from exc
            _logger.info("store failure (%s); trying again", exc.detail)
            time.sleep(random.uniform(0.01, 0.05) * (2**attempt))  # noqa: S311
    raise AssertionError("unreachable")
