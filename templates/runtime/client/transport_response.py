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
        reason = "response does not match the declared schema: " + _violations(exc)
        raise DecodeError(
            reason,
            status=raw.status,
            content_type=raw.headers.get("content-type", ""),
            body=raw.content,
        ) from exc
    return ApiResponse(raw.status, raw.headers, data, value)


def _violations(exc: pydantic.ValidationError) -> str:
    """Where each of the first errors is (as a JSON pointer) and what is wrong there; the
    values themselves are left out (a response may carry secrets)."""
    found = exc.errors(include_url=False, include_input=False)
    shown = "; ".join(
        "/" + "/".join(str(part) for part in error["loc"]) + f": {error['msg']}"
        for error in found[:3]
    )
    more = f" (and {len(found) - 3} more)" if len(found) > 3 else ""
    return shown + more


def map_transport_error(exc: httpx.HTTPError, prepared: Prepared) -> ClientError:
    """Translate an httpx failure into the client's hierarchy (no headers in the message)."""
    where = f"{prepared.method} {safe_url(prepared.url)}"
    kind = type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        return RequestTimeout(f"{kind} for {where}")
    return TransportError(f"{kind} for {where}")
