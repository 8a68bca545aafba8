"""cache:v1: get and put through the engine's cache (TTL scaled by Settings.timer_scale)."""

from __future__ import annotations

import json
from typing import Any

from ..inline import may_block
from .base import TaskContext

__all__ = ["CacheTasks"]


class CacheTasks(TaskContext):
    """cache:v1 operations."""

    def cache_get(self, key: Any) -> Any:
        """cache:v1 get: the value under the key, or None when absent or expired."""
        may_block()  # a cache may be a network service: not on the event loop
        return self.services.cache.get(_cache_key(key))

    def cache_put(self, key: Any, value: Any, ttl_seconds: float | None = None) -> None:
        """cache:v1 put: store the value (its TTL scaled by Settings.timer_scale)."""
        may_block()  # nor is a put, applied before the transaction commits
        ttl = self.services.default_ttl if ttl_seconds is None else ttl_seconds
        self.services.cache.put(_cache_key(key), value, ttl * self.settings.timer_scale)


def _cache_key(key: Any) -> str:
    if isinstance(key, str):
        return key
    return json.dumps(key, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
