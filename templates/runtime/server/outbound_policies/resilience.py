"""`spec.policies.httpResilience` (DSL §13): retries with backoff on the failures a policy
names, a failure-rate circuit breaker per app, per policy and downstream origin, and the
policy's bulkhead (`bulkhead`: a concurrency limit per policy and app, around each attempt).

Retry conditions: ``NETWORK_ERROR`` (no response: connection refused or reset, a timeout),
``HTTP_5XX``, ``HTTP_429``. The delay before retry n (1-based) is ``baseDelayMs`` (fixed) or
``baseDelayMs * 2**(n-1)`` (exponential), at most ``maxDelayMs``; ``jitter: full`` draws it
uniformly from [0, delay]; a ``Retry-After`` of whole seconds on the answer is waited instead
when longer (still at most ``maxDelayMs``). Clock, sleep and randomness are injected.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from random import random
from urllib.parse import urlsplit

import httpx

from .bulkhead import BulkheadFullError, Bulkheads, BulkheadSpec

__all__ = [
    "RETRY_CONDITIONS",
    "Breaker",
    "BreakerSpec",
    "Breakers",
    "CircuitOpenError",
    "ResilienceSpec",
    "Retrier",
]

RETRY_CONDITIONS = ("NETWORK_ERROR", "HTTP_5XX", "HTTP_429")
DEFAULT_BASE_DELAY_MS = 100
DEFAULT_MAX_DELAY_MS = 2000


class CircuitOpenError(httpx.TransportError):
    """The breaker of this policy and origin is open: the call was not sent."""


@dataclass(frozen=True)
class BreakerSpec:
    """`circuitBreaker` of a policy: open when, over the last ``window`` attempts (a full
    window), at least ``threshold`` of them failed; stay open ``open_seconds``, then let one
    trial call through (half open)."""

    threshold: float = 0.5
    window: int = 20
    open_seconds: float = 30.0


@dataclass(frozen=True)
class ResilienceSpec:
    """One `spec.policies.httpResilience.definitions.<id>`."""

    name: str
    max_attempts: int = 1
    retry_on: tuple[str, ...] = ()
    backoff: str = "exponential"  # fixed | exponential
    base_delay_ms: int = DEFAULT_BASE_DELAY_MS
    max_delay_ms: int = DEFAULT_MAX_DELAY_MS
    jitter: str = "none"  # none | full
    breaker: BreakerSpec | None = None
    bulkhead: BulkheadSpec | None = None

    def delay(self, retry: int, rand: Callable[[], float]) -> float:
        """Seconds to wait before retry number ``retry`` (1 is the first retry)."""
        base = self.base_delay_ms * (
            2 ** (retry - 1) if self.backoff == "exponential" else 1
        )
        delay = min(base, self.max_delay_ms) / 1000
        return delay * rand() if self.jitter == "full" else delay

    def retryable(self, outcome: httpx.Response | Exception) -> bool:
        """Whether the policy's retryOn permits another attempt after this outcome."""
        if isinstance(outcome, (CircuitOpenError, BulkheadFullError)):
            return False
        if isinstance(outcome, Exception):
            return "NETWORK_ERROR" in self.retry_on
        if outcome.status_code >= 500:
            return "HTTP_5XX" in self.retry_on
        return outcome.status_code == 429 and "HTTP_429" in self.retry_on


def _failed(outcome: httpx.Response | Exception) -> bool:
    """What the breaker counts as a failure: no answer, or a 5xx."""
    return isinstance(outcome, Exception) or outcome.status_code >= 500


@dataclass
class Breaker:
    """One circuit breaker's state; ``clock`` is monotonic seconds."""

    spec: BreakerSpec
    clock: Callable[[], float]
    outcomes: deque[bool] = field(default_factory=deque)
    opened_at: float | None = None
    trial: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def state(self) -> str:
        """closed, open or half-open."""
        with self.lock:
            return self._state()

    def _state(self) -> str:
        if self.opened_at is None:
            return "closed"
        if self.clock() - self.opened_at >= self.spec.open_seconds:
            return "half-open"
        return "open"

    def admit(self) -> bool:
        """Whether an attempt may be sent now (half open: only one trial at a time)."""
        with self.lock:
            state = self._state()
            if state == "closed":
                return True
            if state == "half-open" and not self.trial:
                self.trial = True
                return True
            return False

    def record(self, failed: bool) -> None:
        with self.lock:
            if self.opened_at is not None:  # the half-open trial's answer
                self.trial = False
                if failed:
                    self.opened_at = self.clock()
                else:
                    self.opened_at = None
                    self.outcomes.clear()
                return
            self.outcomes.append(failed)
            while len(self.outcomes) > self.spec.window:
                self.outcomes.popleft()
            full = len(self.outcomes) == self.spec.window
            if full and sum(self.outcomes) / self.spec.window >= self.spec.threshold:
                self.opened_at = self.clock()
                self.outcomes.clear()


@dataclass
class Breakers:
    """Every breaker of one app, by (policy id, origin)."""

    clock: Callable[[], float] = time.monotonic
    found: dict[tuple[str, str], Breaker] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, policy: str, spec: BreakerSpec, url: httpx.URL) -> Breaker:
        parts = urlsplit(str(url))
        key = (policy, f"{parts.scheme}://{parts.netloc}")
        with self.lock:
            breaker = self.found.get(key)
            if breaker is None:
                breaker = self.found[key] = Breaker(spec, self.clock)
            return breaker


Send = Callable[[httpx.Request], httpx.Response]


@dataclass
class Retrier:
    """Sends a request under one policy: attempts, backoff, breaker, bulkhead."""

    spec: ResilienceSpec
    breakers: Breakers
    sleep: Callable[[float], None] = time.sleep
    rand: Callable[[], float] = random
    bulkheads: Bulkheads | None = None

    def send(self, send: Send, request: httpx.Request) -> httpx.Response:
        """Send until an attempt is not retryable or attempts run out; the last answer is
        returned, the last transport error raised."""
        breaker = (
            self.breakers.get(self.spec.name, self.spec.breaker, request.url)
            if self.spec.breaker is not None
            else None
        )
        attempt = 0
        outcome: httpx.Response | Exception | None = None
        while True:
            attempt += 1
            latest = self._attempt(send, request, breaker)
            if outcome is not None and isinstance(
                latest, (CircuitOpenError, BulkheadFullError)
            ):
                break  # the circuit opened or the bulkhead filled: the last real outcome
            outcome = latest
            if attempt >= self.spec.max_attempts or not self.spec.retryable(outcome):
                break
            self.sleep(self._wait(attempt, outcome))
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def _attempt(
        self, send: Send, request: httpx.Request, breaker: Breaker | None
    ) -> httpx.Response | Exception:
        if breaker is not None and not breaker.admit():
            return CircuitOpenError(
                f"circuit breaker of resilience policy {self.spec.name!r} is open for "
                f"{request.url.scheme}://{request.url.netloc.decode()}: call not sent",
                request=request,
            )
        bulkhead = self.spec.bulkhead
        if bulkhead is not None and self.bulkheads is not None:
            try:
                with self.bulkheads.get(self.spec.name, bulkhead).slot(
                    request, _timeout(request)
                ):
                    outcome = self._send(send, request)
            except BulkheadFullError as exc:
                return exc  # not sent: the breaker does not count it
        else:
            outcome = self._send(send, request)
        if breaker is not None:
            breaker.record(_failed(outcome))
        return outcome

    @staticmethod
    def _send(send: Send, request: httpx.Request) -> httpx.Response | Exception:
        try:
            return send(request)
        except httpx.TransportError as exc:
            return exc

    def _wait(self, attempt: int, outcome: httpx.Response | Exception) -> float:
        delay = self.spec.delay(attempt, self.rand)
        if isinstance(outcome, httpx.Response):
            after = outcome.headers.get("retry-after", "")
            if after.isdigit():
                delay = max(delay, min(int(after), self.spec.max_delay_ms / 1000))
        return delay


def _timeout(request: httpx.Request) -> float | None:
    """The attempt's timeout in seconds (its longest phase), None when it has none."""
    found = request.extensions.get("timeout")
    if not isinstance(found, dict):
        return None
    values = [v for v in found.values() if isinstance(v, (int, float))]
    return max(values) if values else None
