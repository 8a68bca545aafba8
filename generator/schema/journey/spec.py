"""The journey document and its `spec` blocks: lifecycle, subjourneys, bindings, policies."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from .base import Expression, Open, ResponseProjection, SchemaHolder
from .blocks import (
    Access,
    ApiResponses,
    CookiesConfig,
    Defaults,
    ErrorsConfig,
    HttpSurface,
    Policies,
    Route,
    SpecMetadata,
)
from .states import State


class Metadata(Open):
    """`metadata` (DSL §2, §2.8)."""

    name: str = Field(pattern=r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$", max_length=100)
    version: str | None = None
    description: str | None = None
    tags: list[str] = Field(default_factory=list)
    attributes: Any = None


class ApiRef(Open):
    """`spec.apis.<name>`: a downstream OpenAPI document (DSL §2.2)."""

    openApiRef: str


class Output(SchemaHolder):
    """`spec.output`: the output schema and its projection into JourneyOutcome (DSL §11)."""

    response: ResponseProjection | None = None


class OutcomeWhen(Open):
    """`when` of a named outcome."""

    phase: Literal["SUCCEEDED", "FAILED"]
    predicate: Expression | None = None


class NamedOutcome(Open):
    """`spec.outcomes.<id>` (DSL §20)."""

    when: OutcomeWhen


class OnTimeout(Open):
    """`spec.execution.onTimeout`."""

    errorCode: str = Field(min_length=1)
    reason: str = Field(min_length=1)


class Execution(Open):
    """`spec.execution` (DSL §2.4): the run's wall-clock budget."""

    maxDurationSec: int = Field(ge=1, strict=True)
    onTimeout: OnTimeout


class AlsoForWhen(Open):
    """`when` of an alsoFor rule."""

    predicate: Expression | None = None


class AlsoFor(Open):
    """One `spec.compensation.alsoFor` rule."""

    when: AlsoForWhen | None = None


class Compensation(Open):
    """`spec.compensation` (DSL §2.5): a state machine run after a non-success end."""

    mode: Literal["sync", "async"] = "async"
    start: str
    states: dict[str, State] = Field(min_length=1)
    alsoFor: list[AlsoFor] = Field(default_factory=list)


class Lifecycle(Open):
    """`spec.lifecycle` (DSL §2.7)."""

    cancellable: bool = Field(default=True, strict=True)
    startMode: Literal["sync", "async"] = "sync"


class Subjourney(Open):
    """`spec.subjourneys.<id>` (DSL §5.8): a local graph entered by `type: subjourney`."""

    start: str
    states: dict[str, State] = Field(min_length=1)
    input: SchemaHolder | None = None
    output: SchemaHolder | None = None


class Passthrough(Open):
    """One `headersPassthrough` entry."""

    from_: str = Field(alias="from")
    to: str


class HttpSite(Open):
    """`spec.bindings.http.start` / `.steps.<id>` (DSL §17.1)."""

    headersToContext: dict[str, Any] = Field(default_factory=dict)
    queryToContext: dict[str, Any] = Field(default_factory=dict)
    headersPassthrough: list[Passthrough] = Field(default_factory=list)


class HttpBinding(Open):
    """`spec.bindings.http` (DSL §17.1)."""

    route: Route | None = None
    start: HttpSite | None = None
    steps: dict[str, HttpSite] = Field(default_factory=dict)
    apiResponses: ApiResponses | None = None


class Bindings(Open):
    """`spec.bindings` (DSL §17): HTTP is typed; the experimental transports are kept as
    written (the generator does not serve them)."""

    http: HttpBinding | None = None
    websocket: Any = None
    grpc: Any = None
    queue: Any = None
    cli: Any = None
    function: Any = None


class PlatformKey(Open):
    """`spec.platform.config.<key>` (DSL §2.3.1)."""

    type: Literal["string", "integer", "number", "boolean", "object"] = "string"
    required: bool = Field(default=False, strict=True)
    description: str | None = None


class Platform(Open):
    """`spec.platform`."""

    config: dict[str, PlatformKey] = Field(default_factory=dict)


class CacheResource(Open):
    """`spec.resources.caches.<id>` (a corpus block the reference does not define yet)."""

    kind: str | None = None
    ttlSeconds: Any = None
    maxEntries: Any = None


class Resources(Open):
    """`spec.resources`."""

    caches: dict[str, CacheResource] = Field(default_factory=dict)


class JourneySpec(Open):
    """`spec`."""

    apis: dict[str, ApiRef] = Field(default_factory=dict)
    input: SchemaHolder | None = None
    output: Output | None = None
    context: SchemaHolder | None = None
    start: str
    states: dict[str, State] = Field(min_length=1)
    subjourneys: dict[str, Subjourney] | None = None
    outcomes: dict[str, NamedOutcome] | None = None
    execution: Execution | None = None
    compensation: Compensation | None = None
    lifecycle: Lifecycle | None = None
    bindings: Bindings | None = None
    platform: Platform | None = None
    resources: Resources | None = None
    policies: Policies | None = None
    mappers: dict[str, Expression] = Field(default_factory=dict)
    defaults: Defaults | None = None
    httpSurface: HttpSurface | None = None
    metadata: SpecMetadata | None = None
    cookies: CookiesConfig | None = None
    errors: ErrorsConfig | None = None
    access: Access | None = None


class Journey(Open):
    """A journey definition (`kind: Journey`) or API endpoint (`kind: Api`)."""

    apiVersion: str
    kind: Literal["Journey", "Api"]
    metadata: Metadata
    spec: JourneySpec
