"""`spec.policies` and `spec.cookies` -> the definition's `outbound=OutboundSpec(...)` (DSL §13,
§19, §22), which the server's outbound policy (`_runtime/server/outbound_policies`) runs.

The schema checked every rule (`schema/journey/policies.py`); every spec string reaches the
emitted code through `repr()`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..schema.journey.blocks import AuthPolicy, CookiesConfig, ResiliencePolicy
from ..schema.journey.spec import JourneySpec

if TYPE_CHECKING:
    from .compile import JourneyCompiler


def _call(name: str, args: list[str]) -> str:
    return f"{name}({', '.join(args)})"


def _resilience(c: JourneyCompiler, name: str, policy: ResiliencePolicy) -> str:
    args = [repr(name), f"max_attempts={policy.maxAttempts!r}"]
    if policy.retryOn:
        args.append(f"retry_on={tuple(policy.retryOn)!r}")
    backoff = policy.backoff
    if backoff is not None:
        args.append(f"backoff={backoff.kind!r}")
        if backoff.baseDelayMs is not None:
            args.append(f"base_delay_ms={backoff.baseDelayMs!r}")
        if backoff.maxDelayMs is not None:
            args.append(f"max_delay_ms={backoff.maxDelayMs!r}")
        if backoff.jitter != "none":
            args.append(f"jitter={backoff.jitter!r}")
    breaker = policy.circuitBreaker
    if breaker is not None and breaker.enabled:
        c.uses("outbound_policies", "BreakerSpec")
        found = []
        if breaker.failureRateThreshold is not None:
            found.append(f"threshold={float(breaker.failureRateThreshold)!r}")
        if breaker.slidingWindowSize is not None:
            found.append(f"window={breaker.slidingWindowSize!r}")
        if breaker.openTimeoutSec is not None:
            found.append(f"open_seconds={float(breaker.openTimeoutSec)!r}")
        args.append(f"breaker={_call('BreakerSpec', found)}")
    bulkhead = policy.bulkhead
    if bulkhead is not None and bulkhead.maxConcurrent is not None:
        c.uses("outbound_policies", "BulkheadSpec")
        found = [f"max_concurrent={bulkhead.maxConcurrent!r}"]
        if bulkhead.queueSize:
            found.append(f"queue_size={bulkhead.queueSize!r}")
        args.append(f"bulkhead={_call('BulkheadSpec', found)}")
    return _call("ResilienceSpec", args)


def _auth(name: str, policy: AuthPolicy) -> str:
    args = [repr(name), repr(policy.kind)]
    if policy.kind == "bearerStatic":
        args.append(f"token_ref={policy.tokenRef!r}")
    elif policy.kind == "mtlsClient":
        args.append(f"client_cert_ref={policy.clientCertRef!r}")
        if policy.trustAnchors:
            anchors = tuple(a.pemRef for a in policy.trustAnchors)
            args.append(f"trust_anchors={anchors!r}")
    else:
        auth = policy.auth
        assert auth is not None  # the schema requires it
        args += [
            f"token_endpoint={policy.tokenEndpoint!r}",
            f"method={auth.method!r}",
            f"client_id={auth.clientId!r}",
        ]
        if auth.method == "tlsClientAuth":
            args.append(f"client_cert_ref={auth.clientCertRef!r}")
        else:
            args.append(f"client_secret_ref={auth.clientSecretRef!r}")
        form = tuple((str(k), str(v)) for k, v in sorted(policy.form.items()))
        form = tuple(pair for pair in form if pair[0] != "grant_type")
        if form:
            args.append(f"form={form!r}")
    return _call("AuthSpec", args)


def _cookies(cookies: CookiesConfig) -> str | None:
    if cookies.jar is None:
        return None
    args = [f"domains={tuple(d.pattern for d in cookies.jar.domains)!r}"]
    returned = cookies.returnToClient
    if returned is not None and returned.mode != "none":
        args.append(f"return_mode={returned.mode!r}")
        include = returned.include
        if returned.mode == "filtered" and include is not None:
            if include.names:
                args.append(f"names={tuple(include.names)!r}")
            if include.namePatterns:
                args.append(f"name_patterns={tuple(include.namePatterns)!r}")
    return _call("CookieRules", args)


def outbound(c: JourneyCompiler) -> list[tuple[str, str]]:
    """`outbound=OutboundSpec(...)` of the definition; nothing when the journey declares no
    policy and no jar."""
    policies = c.spec.policies
    resilience = policies.httpResilience if policies else None
    clients = policies.httpClientAuth if policies else None
    args = []
    if resilience is not None and resilience.definitions:
        c.uses("outbound_policies", "ResilienceSpec")
        found = [_resilience(c, n, p) for n, p in resilience.definitions.items()]
        args.append(f"resilience=({''.join(f + ', ' for f in found)})")
    if clients is not None and clients.definitions:
        c.uses("outbound_policies", "AuthSpec")
        found = [_auth(n, p) for n, p in clients.definitions.items()]
        args.append(f"auth=({''.join(f + ', ' for f in found)})")
    rules = _cookies(c.spec.cookies) if c.spec.cookies is not None else None
    if rules is not None:
        c.uses("outbound_policies", "CookieRules")
        args.append(f"cookies={rules}")
    if not args:
        return []
    c.uses("outbound_policies", "OutboundSpec")
    return [("outbound", _call("OutboundSpec", args))]


def secret_refs(spec: JourneySpec) -> tuple[tuple[str, str], ...]:
    """(secretRef, what it is) of every outbound auth policy, for the README's settings."""
    clients = spec.policies.httpClientAuth if spec.policies else None
    found: dict[str, str] = {}
    for name, policy in (clients.definitions if clients else {}).items():
        refs = [("tokenRef", policy.tokenRef)] if policy.kind == "bearerStatic" else []
        if policy.kind == "mtlsClient":
            refs.append(("clientCertRef", policy.clientCertRef))
            refs += [("trustAnchors pemRef", a.pemRef) for a in policy.trustAnchors]
        elif policy.kind == "oauth2ClientCredentials" and policy.auth is not None:
            tls = policy.auth.method == "tlsClientAuth"
            refs.append(
                ("auth.clientCertRef", policy.auth.clientCertRef)
                if tls
                else ("auth.clientSecretRef", policy.auth.clientSecretRef)
            )
        for field, ref in refs:
            if ref:
                found.setdefault(ref, f"{field} of {policy.kind} policy {name}")
    return tuple(sorted(found.items()))


def token_endpoints(spec: JourneySpec) -> tuple[tuple[str, str], ...]:
    """(policy id, tokenEndpoint) of every oauth2ClientCredentials policy."""
    clients = spec.policies.httpClientAuth if spec.policies else None
    return tuple(
        (name, policy.tokenEndpoint or "")
        for name, policy in sorted((clients.definitions if clients else {}).items())
        if policy.kind == "oauth2ClientCredentials"
    )
