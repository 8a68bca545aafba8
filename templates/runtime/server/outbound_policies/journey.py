"""A journey's outbound policy: what the HTTP performer (`outbound.Outbound`) sends every
httpCall through when the journey declares `spec.policies` or `spec.cookies`.

Per call it applies the task's resilience policy (its `resiliencePolicyRef`, else
`spec.defaults.tasks.resiliencePolicyRef`, else `spec.policies.httpResilience.default`, as
the generator resolved it), its `auth.policyRef` and the instance's cookie jar. The jar is
the journey instance's: read from the stored instance on the first call of a burst, kept on
the run's `Services.cookies` and persisted with the instance (so it survives a restart).
A notify call carries the jar's cookies too: they are attached on the journey's thread
(`before_notify`) before the call goes to the background, where the jar is not touched.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import httpx

from ..outbound import HttpOperation, OutboundError, current_call
from ..outbound_checks import size_limit
from ..services import COOKIES, Services
from ..settings import Settings
from . import OutboundPolicies, OutboundSpec, settings_secret
from .auth import AuthSpec, OutboundAuthError
from .bulkhead import BulkheadFullError
from .cookies import CookieJar
from .resilience import CircuitOpenError

__all__ = ["JourneyPolicy"]

_logger = logging.getLogger("journeygen.server")


class JourneyPolicy:
    """The `OutboundPolicy` of one app running a journey with outbound policies."""

    def __init__(self, spec: OutboundSpec, settings: Settings, **clocks: Any) -> None:
        """``clocks``: ``clock``, ``wall``, ``sleep``, ``rand`` of ``OutboundPolicies``."""
        self.spec = spec
        self.policies = OutboundPolicies(
            {r.name: r for r in spec.resilience},
            {a.name: _deployed(a, settings) for a in spec.auth},
            settings_secret(settings),
            **clocks,
            response_hooks=(size_limit(settings),),
        )

    def send(
        self, client: httpx.Client, request: httpx.Request, operation: HttpOperation
    ) -> httpx.Response:
        """Send one call through its policies; a circuit that is open, a bulkhead that is
        full or a call that could not be authenticated is an `OutboundError`
        (CIRCUIT_OPEN, BULKHEAD_FULL, AUTH) of the result.
        """
        resilience = operation.resilience_policy
        auth = operation.auth_policy
        call = self.policies.for_call(
            resilience if resilience in self.policies.resilience else None,
            auth if auth in self.policies.auth else None,
        )
        site = current_call()
        services = site.services if site is not None else None
        # a notify call's cookies were attached by before_notify, on the journey's thread
        jar = (
            self._jar(services)
            if services is not None and not operation.notify
            else None
        )
        try:
            answer = call.send(
                client,
                request,
                jar=jar,
                use_jar=operation.use_cookie_jar,
                notify=operation.notify,
            )
        except CircuitOpenError as exc:
            raise OutboundError("CIRCUIT_OPEN", str(exc)) from None
        except BulkheadFullError as exc:
            _logger.warning("httpCall %r not sent: %s", operation.state, exc)
            raise OutboundError("BULKHEAD_FULL", str(exc)) from None
        except OutboundAuthError as exc:
            _logger.warning("httpCall %r not sent: %s", operation.state, exc)
            raise OutboundError("AUTH", str(exc)) from None
        finally:
            if jar is not None and services is not None and not operation.notify:
                services.cookies = jar.to_json()
        return answer

    def before_notify(self, request: httpx.Request, operation: HttpOperation) -> None:
        """Attach the run's jar cookies to a notify call (unless `useJar: false` or the call
        has its own `Cookie` header), as `send` does for the other calls."""
        site = current_call()
        if site is None or not operation.use_cookie_jar or "cookie" in request.headers:
            return
        jar = self._jar(site.services)
        header = (
            jar.header_for(str(request.url), self.policies.wall())
            if jar is not None
            else None
        )
        if header is not None:
            request.headers["Cookie"] = header

    def _jar(self, services: Services) -> CookieJar | None:
        rules = self.spec.cookies
        if rules is None:
            return None
        if services.cookies is None:
            services.cookies = _stored(services) or {}
        return CookieJar.from_json(rules, services.cookies)

    def close(self) -> None:
        """Close the policies' own TLS clients."""
        self.policies.close()

    def close_with(self, app: Any) -> None:
        """Close when the app's lifespan ends (wraps its lifespan context)."""
        inner = app.router.lifespan_context

        @asynccontextmanager
        async def lifespan(target: Any) -> AsyncIterator[Any]:
            async with inner(target) as state:
                try:
                    yield state
                finally:
                    self.close()

        app.router.lifespan_context = lifespan


def _stored(services: Services) -> dict[str, Any] | None:
    """The jar as stored with the instance (None: a new instance, or none stored)."""
    read: Callable[[str], Any] | None = None
    if services.tx is not None:
        read = services.tx.get_journey
    elif services.store is not None:
        read = services.store.get_journey
    record = read(services.journey_id) if read is not None else None
    found = (record.runtime or {}).get(COOKIES) if record is not None else None
    return found if isinstance(found, dict) else None


def _deployed(spec: AuthSpec, settings: Settings) -> AuthSpec:
    """The policy with this deployment's tokenEndpoint, when one is set."""
    found = settings.token_endpoint(spec.name)
    if spec.kind != "oauth2ClientCredentials" or found is None:
        return spec
    url, where = found
    if not url.startswith(("http://", "https://")):
        raise ValueError(
            f"{where} must be an absolute http:// or https:// URL, got {url!r}"
        )
    return replace(spec, token_endpoint=url)
