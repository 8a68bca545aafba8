"""Request building: the client configuration, what one operation call asks for
(`RequestSpec`), and the prepared request (URL, query, headers, body) every attempt sends.
"""

from __future__ import annotations

import enum
import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel
from pydantic_core import to_jsonable_python

from .bodies import encode as encode_media
from .bodies import media_kind
from .retry import (
    RetryPolicy,
    Timing,
)

T = TypeVar("T")
_PATH_PARAM = re.compile(r"\{([^{}]+)\}")
_DEFAULT_PORTS = MappingProxyType({"http": 80, "https": 443})


@dataclass(frozen=True)
class ClientConfig:
    """Connection settings shared by every call of one client."""

    base_url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    secret_headers: Mapping[str, str] = field(default_factory=dict)
    timeout: httpx.Timeout = field(
        default_factory=lambda: httpx.Timeout(10.0, connect=5.0)
    )
    deadline: float | None = 60.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    timing: Timing = field(default_factory=Timing)

    def __repr__(self) -> str:
        return f"ClientConfig(base_url={self.base_url!r}, deadline={self.deadline!r})"


class _NoBody(enum.Enum):
    NO_BODY = enum.auto()


NO_BODY = _NoBody.NO_BODY


@dataclass(frozen=True)
class RequestSpec:
    """One operation call as the generated code describes it."""

    method: str
    path: str
    path_params: Mapping[str, object] = field(default_factory=dict)
    query: Mapping[str, object] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    body: object = NO_BODY
    success: frozenset[int] | None = None
    deadline: float | None = None
    # The OpenAPI server URL's path in front of `path` (`/api/v1`): not repeated when the
    # client's base URL already ends with it (`Client("http://host/api/v1")`).
    prefix: str = ""
    media_type: str | None = None  # None: JSON
    encoding: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # json, text (str), binary (bytes) or any (by the answer's own Content-Type)
    response: str = "json"
    # OpenAPI `style`/`explode` of the path parameters that do not use the default
    # (simple, explode false): name -> (style, explode)
    path_styles: Mapping[str, tuple[str, bool]] = field(default_factory=dict)
    # A kind: Api endpoint (DSL §2.2.2): its server keeps no record of Idempotency-Keys, so
    # once the request may have reached it, it is not sent again (a connect failure still is)
    once: bool = False


@dataclass(frozen=True)
class Prepared:
    """A fully built request: absolute URL, encoded query, final headers and body bytes."""

    method: str
    url: str
    params: tuple[tuple[str, str], ...]
    headers: dict[str, str]
    content: bytes | None
    same_origin: bool = True
    target: httpx.URL | None = None  # `url`, parsed once


def encode_scalar(value: object) -> str:
    """Render a path or query value the way OpenAPI `simple`/`form` styles expect."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)


def expand_path(
    template: str,
    params: Mapping[str, object],
    styles: Mapping[str, tuple[str, bool]] | None = None,
) -> str:
    """Fill `{name}` placeholders with percent-encoded values serialized by the parameter's
    OpenAPI style (simple by default; label, matrix); a missing one is an error."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in params or params[name] is None:
            raise ValueError(f"missing path parameter {name!r}")
        style, explode = (styles or {}).get(name, ("simple", False))
        return serialize_path(name, params[name], style, explode)

    return _PATH_PARAM.sub(fill, template)


def serialize_path(name: str, value: object, style: str, explode: bool) -> str:
    """One path parameter by OpenAPI 3 `style` (simple, label, matrix) and `explode`: an
    array or object is serialized as the style says, never as Python's repr."""
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json", by_alias=True, exclude_none=True)
    sep = {"simple": ",", "label": ".", "matrix": ";"}[style]
    lead = {"simple": "", "label": ".", "matrix": ";"}[style]
    if isinstance(value, Mapping):
        pairs = [(str(k), _path_item(name, v)) for k, v in value.items()]
        if explode:
            return lead + sep.join(f"{k}={v}" for k, v in pairs)
        flat = ",".join(f"{k},{v}" for k, v in pairs)
        return f";{name}={flat}" if style == "matrix" else lead + flat
    if isinstance(value, list | tuple):
        items = [_path_item(name, v) for v in value]
        if style == "matrix":
            if explode:
                return "".join(f";{name}={v}" for v in items)
            return f";{name}={','.join(items)}"
        return lead + (sep if explode else ",").join(items)
    item = _path_item(name, value)
    return f";{name}={item}" if style == "matrix" else lead + item


def _path_item(name: str, value: object) -> str:
    if isinstance(value, Mapping | list | tuple | BaseModel):
        raise ValueError(
            f"path parameter {name!r}: OpenAPI defines no serialization of a nested "
            f"value ({type(value).__name__} inside an array or object); pass a scalar, "
            "or a flat array or object"
        )
    return quote(encode_scalar(value), safe="")


def encode_query(query: Mapping[str, object]) -> list[tuple[str, str]]:
    """Flatten query values: None dropped, sequences repeated, scalars encoded."""
    pairs: list[tuple[str, str]] = []
    for name, value in query.items():
        if value is None:
            continue
        items = value if isinstance(value, list | tuple) else [value]
        pairs.extend((name, encode_scalar(item)) for item in items if item is not None)
    return pairs


def encode_body(body: object) -> bytes:
    """Serialize a JSON body; pydantic models keep aliases and drop unset fields."""
    if isinstance(body, BaseModel):
        data = body.model_dump(mode="json", by_alias=True, exclude_unset=True)
    else:
        data = to_jsonable_python(body, by_alias=True)
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def origin(url: str | httpx.URL) -> tuple[str, str, int | None]:
    """Return (scheme, host, port) with default ports made explicit."""
    parsed = httpx.URL(url)
    return parsed.scheme, parsed.host, parsed.port or _DEFAULT_PORTS.get(parsed.scheme)


@functools.lru_cache(maxsize=64)
def _base_origin(base_url: str) -> tuple[str, str, int | None]:
    return origin(base_url)


@functools.lru_cache(maxsize=64)
def _base_path(base_url: str) -> str:
    return httpx.URL(base_url).path


def prepare(config: ClientConfig, spec: RequestSpec) -> Prepared:
    """Build the request; secret headers are attached only for the base URL's origin."""
    path = expand_path(spec.path, spec.path_params, spec.path_styles)
    # an absolute URL (a step's Redocly x-operation) is called as written
    absolute = spec.path.startswith(("http://", "https://"))
    url = path if absolute else join_url(config.base_url, spec.prefix, path)
    headers = {**config.headers, **spec.headers}
    base_origin = _base_origin(config.base_url)
    target: httpx.URL | None = None
    if not absolute and path.startswith("/") and base_origin[1]:
        # the base URL has a host, and "/..." after it cannot change it: same origin, and
        # the URL is parsed once, when httpx builds the request
        same = True
    else:
        target = httpx.URL(url)
        same = origin(target) == base_origin
    if same:
        headers.update(config.secret_headers)
    content = None
    if spec.body is not NO_BODY and media_kind(spec.media_type) != "json":
        content, media = encode_media(spec.body, str(spec.media_type), spec.encoding)
        if not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = media
    elif spec.body is not NO_BODY:
        content = encode_body(spec.body)
        headers.setdefault("Content-Type", spec.media_type or "application/json")
    params = tuple(encode_query(spec.query)) if spec.query else ()
    return Prepared(spec.method.upper(), url, params, headers, content, same, target)


def join_url(base_url: str, prefix: str, path: str) -> str:
    """`base_url` + `prefix` + `path`, with or without trailing slashes; the prefix is left
    out when the base URL already ends with it (the openai-python convention)."""
    base = base_url.rstrip("/")
    prefix = prefix.rstrip("/")
    if prefix and path.startswith(prefix) and _base_path(base).endswith(prefix):
        path = path[len(prefix) :] or "/"
    return base + path


def safe_url(url: str | httpx.URL) -> str:
    """The URL without credentials, query or fragment, for messages."""
    parsed = httpx.URL(url)
    port = f":{parsed.port}" if parsed.port else ""
    return f"{parsed.scheme}://{parsed.host}{port}{parsed.path}"
