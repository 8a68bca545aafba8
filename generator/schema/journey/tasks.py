"""One model per task kind (`task.kind`, DSL §5.1-5.4, §15, §18), discriminated on `kind`.

A kind the DSL reference does not define is an `UnknownTask` (plugin-defined fields, DSL §5
"Task plugins"): it validates, and the server compiler reports it as not supported.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag, field_validator
from pydantic_core import PydanticCustomError

from .base import MapperHolder, Open, Target

# A literal or a mapper (a cache value, a timer's duration): literals keep their JSON type.
Value = MapperHolder | str | bool | int | float | list[Any] | None

PLUGIN_KIND = re.compile(r"^[A-Za-z][A-Za-z0-9]*:v[1-9][0-9]*$")


class Params(Open):
    """`params` of an httpCall task: values by OpenAPI parameter name."""

    path: dict[str, Any] = Field(default_factory=dict)
    query: dict[str, Any] = Field(default_factory=dict)
    headers: dict[str, Any] = Field(default_factory=dict)


class ErrorMapping(MapperHolder):
    """`errorMapping` of an httpCall task (DSL §5.1)."""

    when: Literal["nonOk"] = "nonOk"
    target: Target | None = None
    resultVar: str | None = None


class AuthRef(Open):
    """`auth: {policyRef}` of an httpCall task (DSL §19)."""

    policyRef: str


class Cookies(Open):
    """`cookies` of an httpCall task (DSL §22.3)."""

    useJar: bool = Field(default=True, strict=True)


class HttpCall(Open):
    """`httpCall:v1`: an outbound HTTP call by operationRef or raw method/url."""

    kind: Literal["httpCall:v1"]
    mode: Literal["requestResponse", "notify"] = "requestResponse"
    operationRef: str | None = None
    params: Params | None = None
    method: str | None = None
    url: str | None = None
    headers: dict[str, Any] | None = None
    body: Any = None
    accept: str | None = None
    timeoutMs: int | None = Field(default=None, ge=1)
    resultVar: str | None = None
    resiliencePolicyRef: str | None = None
    auth: AuthRef | None = None
    errorMapping: ErrorMapping | None = None
    cookies: Cookies | None = None


class KeySource(Open):
    """Where an auth task reads its credential (`source`, DSL §18)."""

    location: str = "header"
    name: str | None = None
    scheme: str | None = None


# `source: <location>:<name>`, the string form of a token source (DSL §5 "Task plugins")
SOURCE_FORM = re.compile(r"^([^:\s]+):(\S+)$")


def key_source(raw: KeySource | str | None) -> KeySource | None:
    """The source an auth task reads, from either form; None when omitted (the profile's).

    `header:Authorization` is the object form `{location: header, name: Authorization}`; the
    `Authorization` header keeps the default source's `Bearer` scheme (stripped when present).
    A string not of the form `<location>:<name>` gives a source without a name (the checker
    reports it at its position).
    """
    if not isinstance(raw, str):
        return raw
    found = SOURCE_FORM.match(raw)
    if found is None:
        return KeySource(location=raw, name=None)
    location, name = found.groups()
    bearer = location == "header" and name.lower() == "authorization"
    return KeySource(location=location, name=name, scheme="Bearer" if bearer else None)


class ApiKeyValidate(Open):
    """`apiKeyValidate:v1` (DSL §18.8)."""

    kind: Literal["apiKeyValidate:v1"]
    profile: str | None = None
    source: KeySource | None = None
    authVar: str | None = None


class JwtValidate(Open):
    """`jwtValidate:v1` (DSL §18.6)."""

    kind: Literal["jwtValidate:v1"]
    profile: str | None = None
    source: KeySource | str | None = None
    authVar: Any = None
    requiredScopes: list[str] | None = None


class TrustAnchor(Open):
    """One inline trust anchor of an mtlsValidate task."""

    pem: str | None = None


class MtlsValidate(Open):
    """`mtlsValidate:v1` (DSL §18.7)."""

    kind: Literal["mtlsValidate:v1"]
    profile: str | None = None
    authVar: Any = None
    trustAnchors: list[TrustAnchor] | None = None
    allowAnyFromTrusted: bool = True
    allowSubjects: list[str] | None = None
    allowSans: list[dict[str, str]] | None = None
    allowSerials: list[str] | None = None


class Cache(Open):
    """`cache:v1` get/put (DSL §15)."""

    kind: Literal["cache:v1"]
    operation: Literal["get", "put"]
    key: MapperHolder | None = None
    value: Value = None
    ttlSeconds: int | None = Field(default=None, ge=1, strict=True)
    resultVar: str | None = None


class Schedule(Open):
    """`schedule:v1` (DSL §5.4 schedule)."""

    kind: Literal["schedule:v1"]
    start: str | None = None
    startAt: MapperHolder | str | None = None
    interval: MapperHolder | str | None = None
    maxRuns: MapperHolder | int | str | None = None
    subjectId: MapperHolder | None = None
    context: MapperHolder | None = None
    onExisting: Literal["fail", "upsert", "addAnother"] = "fail"


def _is_mapper(value: Any) -> bool:
    """`{mapper: {...}}` or `{mapperRef: id}` (DSL §10.1)."""
    return isinstance(value, dict) and (
        isinstance(value.get("mapper"), dict) or isinstance(value.get("mapperRef"), str)
    )


class KafkaPublish(Open):
    """`kafkaPublish:v1` (DSL §5.2)."""

    kind: Literal["kafkaPublish:v1"]
    topic: str = Field(default=None, validate_default=True)
    key: str | MapperHolder | None = None
    value: MapperHolder | None = Field(default=None, validate_default=True)
    headers: dict[str, str] | None = None
    connectionSecretRef: str | None = None
    keySchemaRef: str | None = None
    valueSchemaRef: str | None = None
    # a publish has no result: these MUST NOT be used (DSL §5.2)
    resultVar: Any = None
    errorMapping: Any = None
    resiliencePolicyRef: Any = None

    @field_validator("resultVar", "errorMapping", "resiliencePolicyRef", mode="before")
    @classmethod
    def _no_result(cls, value: Any, info: Any) -> Any:
        raise PydanticCustomError(
            "kafka_field",
            "kafkaPublish:v1 does not allow {field} (a publish has no result)",
            {"field": info.field_name},
        )

    @field_validator("topic", mode="before")
    @classmethod
    def _topic(cls, value: Any) -> Any:
        if value is None:
            raise PydanticCustomError("missing", "Field required")
        if not isinstance(value, str) or not value:
            raise PydanticCustomError(
                "kafka_topic", "kafkaPublish:v1 needs a non-empty topic"
            )
        return value

    @field_validator("value", mode="before")
    @classmethod
    def _value(cls, value: Any) -> Any:
        if value is None:
            raise PydanticCustomError("missing", "Field required")
        if not _is_mapper(value):
            raise PydanticCustomError(
                "kafka_value",
                "kafkaPublish:v1 needs value.mapper or value.mapperRef (the event payload)",
            )
        return value

    @field_validator("key", mode="before")
    @classmethod
    def _key(cls, value: Any) -> Any:
        if isinstance(value, str) or _is_mapper(value):
            return value
        raise PydanticCustomError(
            "kafka_key",
            "kafkaPublish:v1 key must be a string or an object with a mapper or mapperRef",
        )

    @field_validator("headers", mode="before")
    @classmethod
    def _headers(cls, value: Any) -> Any:
        if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
            return value
        raise PydanticCustomError(
            "kafka_headers", "kafkaPublish:v1 headers must map names to strings"
        )

    @field_validator(
        "connectionSecretRef", "keySchemaRef", "valueSchemaRef", mode="before"
    )
    @classmethod
    def _ref(cls, value: Any, info: Any) -> Any:
        if isinstance(value, str) and value:
            return value
        raise PydanticCustomError(
            "kafka_ref",
            "kafkaPublish:v1 {field} must be a non-empty string",
            {"field": info.field_name},
        )


class XmlDecode(Open):
    """`xmlDecode:v1` (DSL §5.3)."""

    kind: Literal["xmlDecode:v1"]
    sourceVar: str
    target: Target | None = None
    resultVar: str | None = None


class UnknownTask(Open):
    """A task kind the reference does not define: a plugin's, whose fields are its own.

    A missing or malformed kind is a validation error here (DSL §5: `<pluginType>:v<major>`);
    a well-formed one validates and the server compiler reports it as not supported.
    """

    kind: Any = Field(default=None, validate_default=True)

    @field_validator("kind", mode="before")
    @classmethod
    def _plugin_kind(cls, value: Any) -> Any:
        if value is None:
            raise PydanticCustomError("missing", "Field required")
        if not isinstance(value, str) or not PLUGIN_KIND.match(value):
            raise PydanticCustomError(
                "plugin_kind",
                "task.kind must have the form <pluginType>:v<major>, e.g. httpCall:v1",
            )
        return value


TASK_MODELS: dict[str, type[Open]] = {
    "httpCall:v1": HttpCall,
    "apiKeyValidate:v1": ApiKeyValidate,
    "jwtValidate:v1": JwtValidate,
    "mtlsValidate:v1": MtlsValidate,
    "cache:v1": Cache,
    "schedule:v1": Schedule,
    "kafkaPublish:v1": KafkaPublish,
    "xmlDecode:v1": XmlDecode,
}


def _kind(value: Any) -> str:
    kind = (
        value.get("kind") if isinstance(value, dict) else getattr(value, "kind", None)
    )
    return kind if isinstance(kind, str) and kind in TASK_MODELS else "unknown"


Task = Annotated[
    Annotated[HttpCall, Tag("httpCall:v1")]
    | Annotated[ApiKeyValidate, Tag("apiKeyValidate:v1")]
    | Annotated[JwtValidate, Tag("jwtValidate:v1")]
    | Annotated[MtlsValidate, Tag("mtlsValidate:v1")]
    | Annotated[Cache, Tag("cache:v1")]
    | Annotated[Schedule, Tag("schedule:v1")]
    | Annotated[KafkaPublish, Tag("kafkaPublish:v1")]
    | Annotated[XmlDecode, Tag("xmlDecode:v1")]
    | Annotated[UnknownTask, Tag("unknown")],
    Discriminator(_kind),
]

__all__ = ["PLUGIN_KIND", "TASK_MODELS", "Task", "Value", "key_source"]
