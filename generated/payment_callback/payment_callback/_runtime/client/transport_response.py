"""Responses: what one attempt read from the wire, the typed result of a call, success
statuses, JSON decoding and transport failures mapped to client errors."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import httpx
import pydantic
from pydantic import TypeAdapter

from .bodies import decode as decode_media
from .errors import (
    ClientError,
    DecodeError,
    RequestTimeout,
    TransportError,
)
from .transport_request import (
    Prepared,
    safe_url,
)

T = TypeVar("T")


@dataclass(frozen=True)
class RawResponse:
    """What one attempt read from the wire."""

    status: int
    headers: httpx.Headers
    content: bytes


@dataclass(frozen=True)
class ApiResponse(Generic[T]):
    """A successful response: the typed value plus what Arazzo expressions may read."""

    status: int
    headers: httpx.Headers
    data: Any
    value: T


def is_success(status: int, success: frozenset[int] | None) -> bool:
    """True for the statuses an operation declares (2xx when it declares none)."""
    return status in success if success is not None else 200 <= status < 300


def decode_json(raw: RawResponse) -> Any:
    """Decode a body as JSON; empty bodies are None; HTML or broken JSON is a DecodeError."""
    if not raw.content.strip():
        return None
    content_type = raw.headers.get("content-type", "")
    try:
        return json.loads(raw.content)
    except ValueError:
        reason = "response body is not valid JSON"
        raise DecodeError(
            reason, status=raw.status, content_type=content_type, body=raw.content
        ) from None


def answered_kind(content_type: str) -> str:
    """How an untyped answer is decoded: JSON media types as JSON, text and XML as str,
    anything else as bytes."""
    base = content_type.split(";", 1)[0].strip().lower()
    if base == "application/json" or base.endswith("+json"):
        return "json"
    if base.startswith("text/") or base.endswith(("/xml", "+xml")):
        return "text"
    return "binary"


def parse_success(
    raw: RawResponse, adapter: TypeAdapter[T] | None, kind: str = "json"
) -> ApiResponse[T]:
    """Decode and validate a success response into the operation's declared type."""
    if kind == "any":
        kind = answered_kind(raw.headers.get("content-type", ""))
    if kind == "json":
        data = decode_json(raw)
    else:
        data = decode_media(raw.content, kind, raw.headers.get("content-type", ""))
    if adapter is None:
        return ApiResponse(raw.status, raw.headers, data, None)  # type: ignore[arg-type]
    try:
        value = adapter.validate_python(data)
    except pydantic.ValidationError as exc:
        fields = broken_fields(exc, data)
        named = "; ".join(f"{at or '/'}: {why}" for at, why in fields[:MAX_NAMED])
        more = (
            f"; and {len(fields) - MAX_NAMED} more" if len(fields) > MAX_NAMED else ""
        )
        reason = (
            f"response does not match the declared schema ({_errors(exc)}: {named}"
            f"{more})"
        )
        raise DecodeError(
            reason,
            status=raw.status,
            content_type=raw.headers.get("content-type", ""),
            body=raw.content,
            fields=fields,
        ) from exc
    return ApiResponse(raw.status, raw.headers, data, value)


def _errors(exc: pydantic.ValidationError) -> str:
    count = exc.error_count()
    return f"{count} error" + ("" if count == 1 else "s")


MAX_NAMED = 5  # fields a DecodeError message names (all are in DecodeError.fields)


def broken_fields(
    exc: pydantic.ValidationError, data: Any
) -> tuple[tuple[str, str], ...]:
    """(JSON pointer into `data`, message) of every field a validation broke, in order; a
    field several union members reject is named once, with its first message. The input
    value is never echoed."""
    found: dict[str, str] = {}
    for error in exc.errors(include_url=False, include_input=False):
        found.setdefault(_pointer(error["loc"], data), str(error["msg"]))
    return tuple(found.items())


def _pointer(loc: tuple[int | str, ...], data: Any) -> str:
    """The JSON pointer of a pydantic location, leaving out the union members and
    validators pydantic names in it (`JourneyOutcome`, `function-after[...]`, `str`)."""
    parts: list[str] = []
    here = data
    for i, part in enumerate(loc):
        if isinstance(here, dict) and isinstance(part, str):
            if part not in here and (i < len(loc) - 1 or "[" in part):
                continue  # a tag: the body has no such key and the walk goes on
            parts.append(part)
            here = here.get(part)
        elif isinstance(here, list) and isinstance(part, int):
            parts.append(str(part))
            here = here[part] if 0 <= part < len(here) else None
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)


def map_transport_error(exc: httpx.HTTPError, prepared: Prepared) -> ClientError:
    """Translate an httpx failure into the client's hierarchy (no headers in the message)."""
    where = f"{prepared.method} {safe_url(prepared.url)}"
    kind = type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        return RequestTimeout(f"{kind} for {where}")
    return TransportError(f"{kind} for {where}")
