"""`bulkhead` of a resilience policy (DSL §13: a concurrency limit per policy).

One ``Bulkhead`` per policy id and process, shared by every journey instance and every task
naming the policy: at most ``maxConcurrent`` attempts of its calls are in flight at once; a
further attempt waits in a queue of at most ``queueSize`` (default 0: no queue) for a slot,
for at most the call's own timeout (``timeoutMs``); an attempt finding the queue full, or still
queued when its timeout runs out, is not sent: ``BulkheadFullError``, which the task's result
shows as ``error.type: BULKHEAD_FULL`` (no ``status``, ``ok: false``; ``errorMapping`` sees it like
any failed call). A refused attempt is neither retried nor counted by the circuit breaker.
Queued attempts get a slot in arrival order.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx

__all__ = ["Bulkhead", "BulkheadFullError", "BulkheadSpec", "Bulkheads"]


class BulkheadFullError(httpx.TransportError):
    """Every slot of the policy's bulkhead is taken and its queue is full (or the wait for a
    slot outlasted the call's timeout): the call was not sent."""


@dataclass(frozen=True)
class BulkheadSpec:
    """`bulkhead` of a policy: ``max_concurrent`` >= 1 in flight, ``queue_size`` >= 0 waiting."""

    max_concurrent: int
    queue_size: int = 0


@dataclass
class Bulkhead:
    """The slots of one policy; ``clock`` is monotonic seconds."""

    name: str
    spec: BulkheadSpec
    clock: Callable[[], float] = time.monotonic
    in_flight: int = 0
    queue: deque[object] = field(default_factory=deque)
    cond: threading.Condition = field(default_factory=threading.Condition)

    @contextmanager
    def slot(self, request: httpx.Request, wait: float | None) -> Iterator[None]:
        """Hold one slot while the body runs; wait at most ``wait`` seconds (None: no
        limit) in the queue for it. Raises ``BulkheadFullError`` when none is given."""
        self._acquire(request, wait)
        try:
            yield
        finally:
            with self.cond:
                self.in_flight -= 1
                self.cond.notify_all()

    def _acquire(self, request: httpx.Request, wait: float | None) -> None:
        spec = self.spec
        with self.cond:
            if self.in_flight < spec.max_concurrent and not self.queue:
                self.in_flight += 1
                return
            if len(self.queue) >= spec.queue_size:
                raise self._full(request, f"its queue of {spec.queue_size} is full")
            ticket = object()
            self.queue.append(ticket)
            deadline = None if wait is None else self.clock() + wait
            try:
                while not (
                    self.queue[0] is ticket and self.in_flight < spec.max_concurrent
                ):
                    left = None if deadline is None else deadline - self.clock()
                    if left is not None and left <= 0:
                        waited = f"no slot was free within {(wait or 0) * 1000:.0f} ms"
                        raise self._full(request, waited)
                    self.cond.wait(left)
                self.in_flight += 1
            finally:
                self.queue.remove(ticket)
                self.cond.notify_all()

    def _full(self, request: httpx.Request, why: str) -> BulkheadFullError:
        return BulkheadFullError(
            f"bulkhead of resilience policy {self.name!r} refused "
            f"{request.method} {request.url.copy_with(query=None)}: "
            f"{self.spec.max_concurrent} calls in flight and {why}: call not sent",
            request=request,
        )


@dataclass
class Bulkheads:
    """Every bulkhead of one app, by policy id."""

    clock: Callable[[], float] = time.monotonic
    found: dict[str, Bulkhead] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, policy: str, spec: BulkheadSpec) -> Bulkhead:
        with self.lock:
            found = self.found.get(policy)
            if found is None:
                found = self.found[policy] = Bulkhead(policy, spec, self.clock)
            return found
