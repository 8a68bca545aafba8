"""What an outbound httpCall goes through besides the request itself: the resilience policy
(`resilience`), the auth policy (`auth`) and the run's cookie jar (`cookies`).

``OutboundPolicies`` is one app's: its breakers, token cache and TLS clients are shared by
every journey instance. ``OutboundPolicies.for_call`` gives the ``CallPolicy`` of one task,
whose ``send`` the HTTP performer calls instead of ``client.send``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from random import random

import httpx

from ..settings import Settings
from .auth import AuthSpec, ClientAuth, OutboundAuthError, TokenCache, client_context
from .bulkhead import BulkheadFullError, Bulkheads, BulkheadSpec
from .cookies import CookieJar, CookieRules
from .resilience import (
    Breakers,
    BreakerSpec,
    CircuitOpenError,
    ResilienceSpec,
    Retrier,
)

__all__ = [
    "AuthSpec",
    "BreakerSpec",
    "BulkheadFullError",
    "BulkheadSpec",
    "CallPolicy",
    "CircuitOpenError",
    "CookieJar",
    "CookieRules",
    "OutboundAuthError",
    "OutboundPolicies",
    "OutboundSpec",
    "ResilienceSpec",
    "settings_secret",
]


@dataclass(frozen=True)
class OutboundSpec:
    """A journey's `spec.policies` and `spec.cookies`, as the generator emits them."""

    resilience: tuple[ResilienceSpec, ...] = ()
    auth: tuple[AuthSpec, ...] = ()
    cookies: CookieRules | None = None  # None: no jar (spec.cookies.jar absent)


@dataclass
class CallPolicy:
    """One task's policies: send a request through them."""

    retrier: Retrier | None
    auth: ClientAuth | None
    wall: Callable[[], float]

    def send(
        self,
        client: httpx.Client,
        request: httpx.Request,
        *,
        timeout: float | None = None,
        jar: CookieJar | None = None,
        use_jar: bool = True,
        notify: bool = False,
    ) -> httpx.Response:
        """Send ``request`` (``timeout`` seconds per attempt): jar cookies attached unless
        ``use_jar`` is false or it has its own ``Cookie`` header, credentials applied, retried per policy, a 401 under
        OAuth2 answered by one fresh token, ``Set-Cookie`` kept in the jar when allowed.

        Raises httpx.TransportError when no answer came (CircuitOpenError,
        BulkheadFullError: not sent) and
        OutboundAuthError when the call could not be authenticated.
        """
        if timeout is not None:
            request.extensions["timeout"] = httpx.Timeout(timeout).as_dict()
        attach = jar is not None and use_jar and "cookie" not in request.headers
        target = self.auth.client(client) if self.auth is not None else client

        def once(attempt: httpx.Request) -> httpx.Response:
            if attach and jar is not None:
                header = jar.header_for(str(attempt.url), self.wall())
                if header is not None:
                    attempt.headers["Cookie"] = header
            if self.auth is not None:
                self.auth.apply(client, attempt)
            answer = target.send(attempt)
            if jar is not None and not notify:
                _keep_cookies(jar, attempt, answer, self.wall())
            return answer

        answer = self.retrier.send(once, request) if self.retrier else once(request)
        if answer.status_code == 401 and self.auth is not None and self.auth.refreshes:
            self.auth.invalidate()
            answer = once(request)
        return answer


def _keep_cookies(
    jar: CookieJar, request: httpx.Request, answer: httpx.Response, now: float
) -> None:
    """Store the allowed `Set-Cookie`s; the others leave the answer too (DSL §22.2)."""
    offered = answer.headers.get_list("set-cookie")
    if not offered:
        return
    kept = jar.absorb(str(request.url), offered, now)
    others = [(k, v) for k, v in answer.headers.multi_items() if k != "set-cookie"]
    answer.headers = httpx.Headers(others + [("set-cookie", v) for v in kept])


@dataclass
class OutboundPolicies:
    """One app's outbound policies, by id, with their shared state."""

    resilience: Mapping[str, ResilienceSpec]
    auth: Mapping[str, AuthSpec]
    secret: Callable[[str], str]
    clock: Callable[[], float] = time.monotonic
    wall: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep
    rand: Callable[[], float] = random
    # httpx response hooks of the TLS clients made here (the body size cap)
    response_hooks: tuple[Callable[[httpx.Response], None], ...] = ()
    breakers: Breakers = field(init=False)
    bulkheads: Bulkheads = field(init=False)
    tokens: TokenCache = field(init=False)
    _tls: dict[str, httpx.Client] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.breakers = Breakers(self.clock)
        self.bulkheads = Bulkheads()  # real time: its waits are real Condition waits
        self.tokens = TokenCache(self.clock)

    def for_call(self, resilience: str | None, auth: str | None) -> CallPolicy:
        """The policies of one task (ids checked by the generator)."""
        retrier = None
        if resilience is not None:
            spec = self.resilience[resilience]
            retrier = Retrier(
                spec, self.breakers, self.sleep, self.rand, self.bulkheads
            )
        bound = None
        if auth is not None:
            bound = ClientAuth(
                self.auth[auth], self.secret, self.tokens, self._tls_client
            )
        return CallPolicy(retrier, bound, self.wall)

    def _tls_client(
        self, name: str, cert_ref: str | None, anchors: tuple[str, ...]
    ) -> httpx.Client:
        with self._lock:
            found = self._tls.get(name)
            if found is None:
                context = client_context(self.secret, cert_ref, anchors)
                found = self._tls[name] = httpx.Client(
                    verify=context, event_hooks={"response": list(self.response_hooks)}
                )
            return found

    def close(self) -> None:
        """Close the TLS clients (at app shutdown)."""
        with self._lock:
            clients, self._tls = list(self._tls.values()), {}
        for client in clients:
            client.close()


def settings_secret(settings: Settings) -> Callable[[str], str]:
    """A ``Secret`` reading ``Settings.secret``; a missing one names its variable."""

    def secret(ref: str) -> str:
        value = settings.secret(ref)
        if value is None:
            hint = settings.secret_hint(ref)
            raise OutboundAuthError(f"the secret {ref!r} is not configured: {hint}")
        return value

    return secret
