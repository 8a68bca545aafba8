"""cache:v1: one logical key-value cache per deployment, with a TTL per entry.

``MemoryCache`` is the in-process provider (the DSL's ``inMemory`` kind): JSON values, an
expiry per entry, least-recently-used eviction beyond ``max_entries``. To share a cache between
replicas implement the ``Cache`` protocol (for example over Redis) and pass it to ``create_app``.
"""

from __future__ import annotations

import copy
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Protocol

__all__ = ["DEFAULT_MAX_ENTRIES", "DEFAULT_TTL_SECONDS", "Cache", "MemoryCache"]

DEFAULT_TTL_SECONDS = 300.0
DEFAULT_MAX_ENTRIES = 10_000


class Cache(Protocol):
    """What cache:v1 tasks read and write through."""

    def get(self, key: str) -> Any:
        """Return the JSON value stored under key, or None when absent or expired."""

    def put(self, key: str, value: Any, ttl_seconds: float) -> None:
        """Store a JSON value under key for ttl_seconds."""


class MemoryCache:
    """An in-process cache: TTL per entry, LRU eviction, safe across threads."""

    def __init__(
        self,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_entries = max(1, max_entries)
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, tuple[float, str]] = OrderedDict()

    def get(self, key: str) -> Any:
        """Return a copy of the value under key, or None when absent or expired."""
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            expires, text = found
            if expires <= self._clock():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
        return json.loads(text)

    def put(self, key: str, value: Any, ttl_seconds: float) -> None:
        """Store value (serialised as JSON) under key until ttl_seconds from now."""
        text = json.dumps(copy.deepcopy(value), separators=(",", ":"))
        with self._lock:
            self._entries[key] = (self._clock() + ttl_seconds, text)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
