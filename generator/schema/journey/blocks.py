"""The configuration blocks of `spec` that no state reads directly: defaults, policies, cookies,
error configuration, access, HTTP surface, metadata bindings (DSL §2.3, §2.6, §2.8.4, §13, §19,
§22, §23, §24).

Each is typed so an unknown or misspelled key anywhere in them is reported (check.py) instead of
being kept silently; maps whose keys are the author's (policy ids, header names) stay maps.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from ...diagnostics import did_you_mean
from .base import Expression, MapperHolder, Open


class HttpDefaults(Open):
    """`spec.defaults.http`."""

    timeoutMs: int | None = Field(default=None, ge=1, strict=True)
    headers: dict[str, str] = Field(default_factory=dict)


class TaskDefaults(Open):
    """`spec.defaults.tasks`."""

    resiliencePolicyRef: str | None = None


class Defaults(Open):
    """`spec.defaults` (DSL §2.3)."""

    http: HttpDefaults | None = None
    tasks: TaskDefaults | None = None


class Links(Open):
    """`spec.httpSurface.links` (DSL §2.6)."""

    enabled: bool = Field(default=True, strict=True)


class HttpSurface(Open):
    """`spec.httpSurface`."""

    links: Links | None = None


class PathSource(Open):
    """`{path: <dotPath>}` of a metadata binding."""

    path: str = Field(min_length=1)


class HeaderSource(Open):
    """`{header: <name>}` of a metadata binding."""

    header: str = Field(min_length=1)


class BaggageSource(Open):
    """`{key: <baggage key>}` of a metadata binding."""

    key: str = Field(min_length=1)


class TagBindings(Open):
    """`spec.metadata.bindings.tags`."""

    fromPayload: list[PathSource] = Field(default_factory=list)
    fromHeaders: list[HeaderSource] = Field(default_factory=list)
    fromBaggage: list[BaggageSource] = Field(default_factory=list)


# The source list a misplaced attribute binding belongs to, by the one key it has.
ATTRIBUTE_SOURCES = {
    "path": "fromPayload",
    "header": "fromHeaders",
    "key": "fromBaggage",
}


def attribute_source(value: Any) -> str | None:
    """`fromPayload` for `{path: ...}` (etc.): where an attribute written directly under
    `attributes` belongs; None when the value is not one source."""
    if isinstance(value, dict) and len(value) == 1:
        return ATTRIBUTE_SOURCES.get(next(iter(value)))
    return None


class AttributeBindings(Open):
    """`spec.metadata.bindings.attributes`: attribute name -> source.

    An attribute written directly under `attributes` (`orderId: {path: order.id}`) is read
    under the list its source names (`fromPayload`); the checker warns where it is."""

    @model_validator(mode="before")
    @classmethod
    def _misplaced(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        moved: dict[str, Any] = {k: v for k, v in data.items() if k in _LISTS}
        for key, value in data.items():
            if key in _LISTS:
                continue
            where = attribute_source(value)
            target = moved.get(where) if where is not None else None
            free = target is None or (isinstance(target, dict) and key not in target)
            if where is not None and free:
                moved[where] = {**(target or {}), key: value}
                continue
            moved[key] = value
        return moved

    fromPayload: dict[str, PathSource] = Field(default_factory=dict)
    fromHeaders: dict[str, HeaderSource] = Field(default_factory=dict)
    fromBaggage: dict[str, BaggageSource] = Field(default_factory=dict)


_LISTS = frozenset(ATTRIBUTE_SOURCES.values())


class MetadataBindings(Open):
    """`spec.metadata.bindings` (DSL §2.8.4)."""

    tags: TagBindings | None = None
    attributes: AttributeBindings | None = None


class SpecMetadata(Open):
    """`spec.metadata`."""

    bindings: MetadataBindings | None = None


class Backoff(Open):
    """`backoff` of a resilience policy."""

    kind: Literal["fixed", "exponential"] = "exponential"
    baseDelayMs: int | None = Field(default=None, ge=0)
    maxDelayMs: int | None = Field(default=None, ge=0)
    jitter: Literal["none", "full"] = "none"


class CircuitBreaker(Open):
    """`circuitBreaker` of a resilience policy (defined, not enforced: DSL §13)."""

    enabled: bool = True
    failureRateThreshold: float | None = None
    slidingWindowSize: int | None = None
    openTimeoutSec: int | None = None


class Bulkhead(Open):
    """`bulkhead` of a resilience policy: a concurrency limit per policy (DSL §13)."""

    maxConcurrent: int | None = Field(default=None, strict=True)
    queueSize: int | None = Field(default=None, strict=True)


class ResiliencePolicy(Open):
    """One `spec.policies.httpResilience.definitions.<id>` (DSL §13)."""

    maxAttempts: int = Field(default=1, ge=1, strict=True)
    retryOn: list[str] = Field(default_factory=list)
    backoff: Backoff | None = None
    circuitBreaker: CircuitBreaker | None = None
    bulkhead: Bulkhead | None = None


class HttpResilience(Open):
    """`spec.policies.httpResilience`."""

    default: str | None = None
    definitions: dict[str, ResiliencePolicy] = Field(default_factory=dict)


class ClientAuth(Open):
    """`auth` of an oauth2ClientCredentials policy."""

    method: Literal["clientSecretPost", "clientSecretBasic", "tlsClientAuth"] = (
        "clientSecretPost"
    )
    clientId: str | None = None
    clientSecretRef: str | None = None
    clientCertRef: str | None = None


class PemRef(Open):
    """One outbound trust anchor of an mtlsClient policy."""

    pemRef: str


class AuthPolicy(Open):
    """One `spec.policies.httpClientAuth.definitions.<id>` (DSL §19.1)."""

    kind: str  # checked in policies.py, with a did-you-mean
    tokenRef: str | None = None
    tokenEndpoint: str | None = None
    auth: ClientAuth | None = None
    form: dict[str, str] = Field(default_factory=dict)
    clientCertRef: str | None = None
    trustAnchors: list[PemRef] = Field(default_factory=list)


class HttpClientAuth(Open):
    """`spec.policies.httpClientAuth`."""

    default: str | None = None
    definitions: dict[str, AuthPolicy] = Field(default_factory=dict)


class Policies(Open):
    """`spec.policies` (DSL §13, §19)."""

    httpResilience: HttpResilience | None = None
    httpClientAuth: HttpClientAuth | None = None


class CookieDomain(Open):
    """One `spec.cookies.jar.domains` entry."""

    pattern: str = Field(min_length=1)


class CookieJar(Open):
    """`spec.cookies.jar`."""

    domains: list[CookieDomain] = Field(default_factory=list)


class CookieInclude(Open):
    """`spec.cookies.returnToClient.include`."""

    names: list[str] = Field(default_factory=list)
    namePatterns: list[str] = Field(default_factory=list)


class ReturnToClient(Open):
    """`spec.cookies.returnToClient` (DSL §22.4): `mode` is required."""

    mode: Literal["none", "allFromAllowedDomains", "filtered"]
    include: CookieInclude | None = None


class CookiesConfig(Open):
    """`spec.cookies` (DSL §22.1)."""

    jar: CookieJar | None = None
    returnToClient: ReturnToClient | None = None


class Normaliser(Open):
    """One `spec.errors.normalisers.<id>`."""

    mapper: Expression


class Envelope(MapperHolder):
    """`spec.errors.envelope`: `format: custom` needs a mapper or mapperRef (rules.py)."""

    format: Literal["problemDetails", "custom"] = "problemDetails"


class ErrorsConfig(Open):
    """`spec.errors` (DSL §24)."""

    canonicalFormat: Literal["rfc9457"] = "rfc9457"
    normalisers: dict[str, Normaliser] = Field(default_factory=dict)
    envelope: Envelope | None = None


class ReadAccess(Open):
    """`spec.access.read`."""

    guardRef: str | None = Field(default=None, min_length=1)


class Access(Open):
    """`spec.access` (DSL §23.1)."""

    read: ReadAccess | None = None


_HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE")


class Route(Open):
    """`spec.bindings.http.route` (kind: Api, DSL §2.2.2): an absolute path under `/api/v1`
    with no host, query or fragment, and POST (the only method of the initial version;
    `post` in another case is read as POST, and rules.py warns)."""

    path: str | None = None
    method: Literal["POST"] = "POST"

    @field_validator("path", mode="before")
    @classmethod
    def _path(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        bare = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/]*", "", value)
        bare = re.split(r"[?#]", bare, maxsplit=1)[0].strip()
        fixed = "/" + bare.lstrip("/") if bare.strip("/") else "/apis/<name>"
        if bare != value:
            what = "be a path without a host, query or fragment"
        elif not value.startswith("/"):
            what = "start with '/'"
        elif "//" in value or any(c.isspace() for c in value):
            what = "have no empty segments or spaces"
            fixed = re.sub(r"/+", "/", re.sub(r"\s+", "", value))
        elif "{" in value or "}" in value:
            # the DSL gives a path parameter no way into the context: the input is the body
            names = re.findall(r"\{([^}/]*)\}", value)
            what = (
                "be a literal path: the input of a kind: Api call is its JSON body, and a "
                "path parameter would reach no state"
            )
            fixed = (re.sub(r"/[^/]*[{}][^/]*", "", value) or "/apis/<name>") + (
                f" and send {', '.join(names)} in the body" if names else ""
            )
        else:
            return value
        raise PydanticCustomError(
            "route_path",
            "route.path must {what} (the endpoint's path under /api/v1, DSL §2.2.2): "
            "write {fixed}",
            {"what": what, "fixed": fixed},
        )

    @field_validator("method", mode="before")
    @classmethod
    def _method(cls, value: Any) -> Any:
        if isinstance(value, str) and value.upper() == "POST":
            return "POST"
        if isinstance(value, str) and value.upper() in _HTTP_METHODS:
            why = f"{value.upper()} is not supported: "
        else:
            hint = did_you_mean(value, ["POST"]) if isinstance(value, str) else ""
            why = "not an HTTP method" + (f" ({hint})" if hint else "") + "; "
        raise PydanticCustomError(
            "route_method",
            "{why}the initial version of kind: Api serves POST only (DSL §2.2.2): write "
            "method: POST or remove it",
            {"why": why},
        )


class ApiResponseWhen(Open):
    """`when` of an apiResponses rule."""

    phase: Literal["SUCCEEDED", "FAILED"]
    errorType: str | None = None
    predicate: Expression | None = None


class ApiResponseRule(Open):
    """One `spec.bindings.http.apiResponses.rules` entry."""

    when: ApiResponseWhen
    status: int | None = None
    statusExpr: Expression | None = None


class ApiResponses(Open):
    """`spec.bindings.http.apiResponses` (kind: Api)."""

    rules: list[ApiResponseRule] = Field(default_factory=list)
    default: dict[str, Any] = Field(default_factory=dict)
