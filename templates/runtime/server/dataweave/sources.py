"""The clock, ids and randomness DataWeave reads (`now`, `uuid`, `random`), injectable in tests."""

from __future__ import annotations

import random as _random
import uuid as _uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any


def _system_now() -> datetime:
    return datetime.now(UTC)


def _system_uuid() -> str:
    return str(_uuid.uuid4())


_SOURCES: dict[str, Callable[[], Any]] = {
    "now": _system_now,
    "uuid": _system_uuid,
    "random": _random.random,
}


def _constant(value: Any) -> Callable[[], Any]:
    return lambda: value


@contextmanager
def pinned(
    now: datetime | None = None, uuid: str | None = None, random: float | None = None
) -> Iterator[None]:
    """Within the block `now()`, `uuid()` and `random()` answer the given values (tests)."""
    saved = dict(_SOURCES)
    for name, value in (("now", now), ("uuid", uuid), ("random", random)):
        if value is not None:
            _SOURCES[name] = _constant(value)
    try:
        yield
    finally:
        _SOURCES.update(saved)
