"""The rules of `spec.policies` (DSL §13 resilience, §19 outbound auth) and of the defaults
that name them (§2.3) that the field types cannot say.

The server runs what these blocks declare (`_runtime/server/outbound_policies`), so anything
it could not run is an error here and anything it would not use is a warning.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ...diagnostics import Level, did_you_mean
from ...load import escape_pointer_token
from .blocks import AuthPolicy, ResiliencePolicy
from .tasks import HttpCall

if TYPE_CHECKING:
    from .check import Checker

# The retryOn conditions the runtime knows (outbound_policies/resilience.py RETRY_CONDITIONS).
RETRY_CONDITIONS = ("NETWORK_ERROR", "HTTP_5XX", "HTTP_429")
AUTH_KINDS = ("bearerStatic", "oauth2ClientCredentials", "mtlsClient")
# The fields each auth kind reads (`kind` aside); another kind's field is not used.
AUTH_FIELDS = {
    "bearerStatic": ("tokenRef",),
    "oauth2ClientCredentials": ("tokenEndpoint", "auth", "form"),
    "mtlsClient": ("clientCertRef", "trustAnchors"),
}
RESILIENCE = "/spec/policies/httpResilience"
CLIENT_AUTH = "/spec/policies/httpClientAuth"


def check(c: Checker) -> None:
    """Every rule of spec.policies, spec.defaults.tasks and spec.cookies.returnToClient."""
    cookies(c)
    policies = c.journey.spec.policies
    resilience = policies.httpResilience if policies else None
    clients = policies.httpClientAuth if policies else None
    defined = resilience.definitions if resilience else {}
    for name, policy in defined.items():
        _resilience(c, f"{RESILIENCE}/definitions/{escape_pointer_token(name)}", policy)
    default = resilience.default if resilience else None
    _known(c, f"{RESILIENCE}/default", "spec.policies.httpResilience.default", default, "httpResilience", "DSL §13")  # fmt: skip
    tasks = c.journey.spec.defaults.tasks if c.journey.spec.defaults else None
    default_ref = tasks.resiliencePolicyRef if tasks else None
    _known(c, "/spec/defaults/tasks/resiliencePolicyRef", "spec.defaults.tasks.resiliencePolicyRef", default_ref, "httpResilience", "DSL §2.3: a validation warning", Level.WARNING)  # fmt: skip
    auth = clients.definitions if clients else {}
    for name, client in auth.items():
        _auth(c, f"{CLIENT_AUTH}/definitions/{escape_pointer_token(name)}", client)
    hint = clients.default if clients else None
    _known(c, f"{CLIENT_AUTH}/default", "spec.policies.httpClientAuth.default", hint, "httpClientAuth", "DSL §19.1")  # fmt: skip


def _known(c: Checker, at: str, field: str, ref: str | None, block: str, section: str, level: Level = Level.ERROR) -> None:  # fmt: skip
    """`ref`, when given, is an id of spec.policies.<block>.definitions."""
    policies = c.journey.spec.policies
    found = getattr(policies, block, None) if policies is not None else None
    definitions: Mapping[str, object] = found.definitions if found is not None else {}
    if ref is not None and ref not in definitions:
        c.report(at, f"{field} {ref!r} is not an id of spec.policies.{block}.definitions ({section}); " + (did_you_mean(ref, definitions) or "define the policy"), level)  # fmt: skip


def _resilience(c: Checker, at: str, policy: ResiliencePolicy) -> None:
    for i, condition in enumerate(policy.retryOn):
        if condition not in RETRY_CONDITIONS:
            hint = did_you_mean(condition, RETRY_CONDITIONS) or f"use one of {', '.join(RETRY_CONDITIONS)}"  # fmt: skip
            c.report(f"{at}/retryOn/{i}", f"retryOn condition {condition!r} is not one journeygen retries on (DSL §13); {hint}")  # fmt: skip
    if policy.maxAttempts > 1 and not policy.retryOn:
        c.report(f"{at}/maxAttempts", f"maxAttempts {policy.maxAttempts} without retryOn never retries (DSL §13: retryOn lists the conditions that permit a retry); add retryOn, e.g. [NETWORK_ERROR, HTTP_5XX]", Level.WARNING)  # fmt: skip
    backoff = policy.backoff
    if (
        backoff is not None
        and backoff.baseDelayMs is not None
        and backoff.maxDelayMs is not None
        and backoff.maxDelayMs < backoff.baseDelayMs
    ):
        c.report(f"{at}/backoff/maxDelayMs", f"backoff maxDelayMs {backoff.maxDelayMs} is below baseDelayMs {backoff.baseDelayMs}: every delay would be clamped to it; raise maxDelayMs or lower baseDelayMs")  # fmt: skip
    breaker = policy.circuitBreaker
    if breaker is not None:
        rate = breaker.failureRateThreshold
        if rate is not None and not 0 < rate <= 1:
            c.report(f"{at}/circuitBreaker/failureRateThreshold", f"circuitBreaker failureRateThreshold {rate} must be a fraction in (0, 1], e.g. 0.5 for half the calls")  # fmt: skip
        window = breaker.slidingWindowSize
        if window is not None and window < 1:
            c.report(f"{at}/circuitBreaker/slidingWindowSize", f"circuitBreaker slidingWindowSize {window} must be an integer >= 1 (the number of recent calls the failure rate is taken over)")  # fmt: skip
        seconds = breaker.openTimeoutSec
        if seconds is not None and seconds < 0:
            c.report(f"{at}/circuitBreaker/openTimeoutSec", f"circuitBreaker openTimeoutSec {seconds} must be >= 0")  # fmt: skip
    bulkhead = policy.bulkhead
    if bulkhead is not None:
        if bulkhead.maxConcurrent is None:
            c.report(f"{at}/bulkhead", "bulkhead needs maxConcurrent: the number of this policy's calls allowed in flight at once (DSL §13), e.g. maxConcurrent: 50")  # fmt: skip
        elif bulkhead.maxConcurrent < 1:
            c.report(f"{at}/bulkhead/maxConcurrent", f"bulkhead maxConcurrent {bulkhead.maxConcurrent} must be an integer >= 1 (the calls allowed in flight at once)")  # fmt: skip
        if bulkhead.queueSize is not None and bulkhead.queueSize < 0:
            c.report(f"{at}/bulkhead/queueSize", f"bulkhead queueSize {bulkhead.queueSize} must be an integer >= 0 (the calls allowed to wait for a slot; 0: none wait)")  # fmt: skip


def _auth(c: Checker, at: str, policy: AuthPolicy) -> None:
    if policy.kind not in AUTH_KINDS:
        hint = did_you_mean(policy.kind, AUTH_KINDS) or f"use one of {', '.join(AUTH_KINDS)}"  # fmt: skip
        c.report(f"{at}/kind", f"outbound auth kind {policy.kind!r} is not one of {', '.join(AUTH_KINDS)} (DSL §19.1: unknown kinds are invalid); {hint}")  # fmt: skip
        return
    for other, fields in AUTH_FIELDS.items():
        for name in fields if other != policy.kind else ():
            if name in policy.model_fields_set and name not in AUTH_FIELDS[policy.kind]:
                c.report(f"{at}/{name}", f"{name} belongs to {other} policies and is not used by kind {policy.kind} (DSL §19.1); remove it", Level.WARNING)  # fmt: skip
    if policy.kind == "bearerStatic" and not policy.tokenRef:
        c.report(at, "bearerStatic policies must set a non-empty tokenRef: the secretRef of the bearer token (DSL §19.1), e.g. tokenRef: secret://tokens/backend")  # fmt: skip
    elif policy.kind == "mtlsClient" and not policy.clientCertRef:
        c.report(at, "mtlsClient policies must set clientCertRef: the secretRef of the client certificate and key (DSL §19.1), e.g. clientCertRef: secret://certs/backend")  # fmt: skip
    elif policy.kind == "oauth2ClientCredentials":
        _oauth2(c, at, policy)


def _oauth2(c: Checker, at: str, policy: AuthPolicy) -> None:
    if not policy.tokenEndpoint:
        c.report(at, "oauth2ClientCredentials policies must set tokenEndpoint: the URL of the token endpoint (DSL §19.1)")  # fmt: skip
    elif not policy.tokenEndpoint.startswith(("http://", "https://")):
        c.report(f"{at}/tokenEndpoint", f"tokenEndpoint {policy.tokenEndpoint!r} must be an absolute http:// or https:// URL (DSL §19.1)")  # fmt: skip
    grant = policy.form.get("grant_type")
    if grant not in (None, "client_credentials"):
        c.report(f"{at}/form/grant_type", f"grant_type {grant!r} is invalid: oauth2ClientCredentials policies use client_credentials (DSL §19.1); write grant_type: client_credentials or leave it out")  # fmt: skip
    for reserved in ("client_id", "client_secret"):
        if reserved in policy.form:
            c.report(f"{at}/form/{reserved}", f"form.{reserved} is sent from auth (clientId, clientSecretRef), never written in the spec (DSL §19.1: secrets only by secretRef); remove it")  # fmt: skip
    auth = policy.auth
    if auth is None:
        c.report(at, "oauth2ClientCredentials policies must set auth: {method, clientId, clientSecretRef or clientCertRef} (DSL §19.1)")  # fmt: skip
        return
    if "method" not in auth.model_fields_set:
        c.report(f"{at}/auth", "oauth2ClientCredentials policies must set auth.method: clientSecretPost, clientSecretBasic or tlsClientAuth (DSL §19.1)")  # fmt: skip
    if not auth.clientId:
        c.report(f"{at}/auth", "oauth2ClientCredentials policies must set auth.clientId (DSL §19.1)")  # fmt: skip
    if auth.method == "tlsClientAuth" and not auth.clientCertRef:
        c.report(f"{at}/auth", "auth.method tlsClientAuth needs auth.clientCertRef: the secretRef of the client certificate and key (DSL §19.1)")  # fmt: skip
    if auth.method != "tlsClientAuth" and not auth.clientSecretRef:
        c.report(f"{at}/auth", f"auth.method {auth.method} needs auth.clientSecretRef: the secretRef of the client secret (DSL §19.1)")  # fmt: skip
    unused = "clientSecretRef" if auth.method == "tlsClientAuth" else "clientCertRef"
    if getattr(auth, unused):
        c.report(f"{at}/auth/{unused}", f"auth.{unused} is not used by auth.method {auth.method} (DSL §19.1); remove it or change the method")  # fmt: skip


def http_call(c: Checker, pointer: str, body: HttpCall) -> None:
    """A task's policy bindings: ids that name definitions (DSL §13, §19), and what they
    would silently override or not use."""
    spec = c.journey.spec
    ref = body.resiliencePolicyRef
    _known(c, pointer + "/resiliencePolicyRef", "resiliencePolicyRef", ref, "httpResilience", "DSL §13: unknown ids are a validation error")  # fmt: skip
    auth = body.auth.policyRef if body.auth is not None else None
    _known(c, pointer + "/auth/policyRef", "auth.policyRef", auth, "httpClientAuth", "DSL §19")  # fmt: skip
    jar = spec.cookies.jar if spec.cookies is not None else None
    if body.cookies is not None and jar is None:
        c.report(f"{pointer}/cookies", "task.cookies has no effect: there is no cookie jar without spec.cookies.jar (DSL §22.3); add spec.cookies.jar or remove task.cookies", Level.WARNING)  # fmt: skip
    clients = spec.policies.httpClientAuth if spec.policies else None
    policy = clients.definitions.get(auth) if clients and auth is not None else None
    if policy is None or policy.kind == "mtlsClient":
        return
    written = [("params/headers", body.params.headers if body.params else None), ("headers", body.headers)]  # fmt: skip
    for where, headers in written:
        for name in headers or {}:
            if str(name).lower() == "authorization":
                c.report(f"{pointer}/{where}/{name}", f"the {name} header is replaced by auth.policyRef {auth!r} ({policy.kind} sends Authorization: Bearer, DSL §19); remove the header or the policyRef", Level.WARNING)  # fmt: skip


def cookies(c: Checker) -> None:
    """spec.cookies.returnToClient: it needs a jar, its namePatterns compile, its include
    is read only by mode: filtered (DSL §22.1, §22.4)."""
    found = c.journey.spec.cookies
    returned = found.returnToClient if found is not None else None
    if found is None or returned is None:
        return
    if found.jar is None:
        c.report("/spec/cookies/returnToClient", "spec.cookies.returnToClient without spec.cookies.jar has no cookies to return (DSL §22.4: a configuration error); add spec.cookies.jar", Level.WARNING)  # fmt: skip
    include = returned.include
    for i, pattern in enumerate(include.namePatterns if include else []):
        try:
            re.compile(pattern)
        except re.error as exc:
            c.report(f"/spec/cookies/returnToClient/include/namePatterns/{i}", f"namePatterns entry {pattern!r} is not a valid regular expression ({exc}) (DSL §22.4)")  # fmt: skip
    if include is not None and returned.mode != "filtered":
        c.report("/spec/cookies/returnToClient/include", f"returnToClient.include is used only by mode: filtered, not {returned.mode} (DSL §22.1); remove include or write mode: filtered", Level.WARNING)  # fmt: skip
