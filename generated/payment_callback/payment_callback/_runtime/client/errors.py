"""Exception hierarchy of the generated client; secrets never reach messages or reprs."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import httpx

SENSITIVE_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-webhook-secret",
        "x-api-key",
    }
)
REDACTED = "[redacted]"
EXCERPT_LIMIT = 200


def redact_headers(
    headers: Mapping[str, str] | httpx.Headers, extra: frozenset[str] = frozenset()
) -> httpx.Headers:
    """Return a copy of headers with every sensitive value replaced by a marker."""
    hidden = SENSITIVE_HEADERS | {name.lower() for name in extra}
    items = (
        headers.multi_items() if isinstance(headers, httpx.Headers) else headers.items()
    )
    return httpx.Headers(
        [(key, REDACTED if key.lower() in hidden else value) for key, value in items]
    )


def excerpt(content: bytes, limit: int = EXCERPT_LIMIT) -> str:
    """Return a short, printable excerpt of a response body."""
    text = content[:limit].decode("utf-8", errors="replace")
    return text + ("..." if len(content) > limit else "")


@dataclass(frozen=True)
class Problem:
    """RFC 9457 problem details; unknown members are kept in `extensions`."""

    type: str | None = None
    title: str | None = None
    status: int | None = None
    detail: str | None = None
    instance: str | None = None
    extensions: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: object) -> Problem | None:
        """Build a Problem from a decoded JSON object, or None when it is not one."""
        if not isinstance(data, dict):
            return None
        known = ("type", "title", "status", "detail", "instance")
        status = data.get("status")
        return cls(
            type=_str_or_none(data.get("type")),
            title=_str_or_none(data.get("title")),
            status=(
                status
                if isinstance(status, int) and not isinstance(status, bool)
                else None
            ),
            detail=_str_or_none(data.get("detail")),
            instance=_str_or_none(data.get("instance")),
            extensions={k: v for k, v in data.items() if k not in known},
        )


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


class ClientError(Exception):
    """Base class of every error raised by the generated client."""


class TransportError(ClientError):
    """The connection failed (refused, reset, closed mid-response)."""


class RequestTimeout(ClientError):
    """httpx gave up waiting (connect, read, write or pool timeout)."""


class DeadlineExceeded(ClientError):
    """The overall deadline of a call or a poll ran out."""

    def __init__(
        self,
        message: str,
        *,
        last_status: int | None = None,
        last_value: object = None,
    ) -> None:
        super().__init__(message)
        self.last_status = last_status
        self.last_value = last_value


class DecodeError(ClientError):
    """A response body could not be decoded or validated as the expected type."""

    def __init__(
        self,
        reason: str,
        *,
        status: int,
        content_type: str,
        body: bytes,
        fields: tuple[tuple[str, str], ...] = (),
    ) -> None:
        self.reason = reason
        self.status = status
        self.content_type = content_type
        self.body_excerpt = excerpt(body)
        # (JSON pointer into the body, what is wrong there) for each field that broke
        self.fields = fields
        super().__init__(
            f"{reason} (status {status}, content-type {content_type or 'none'!r}, "
            f"body starts {self.body_excerpt[:80]!r})"
        )


class ApiError(ClientError):
    """The server answered with an unexpected status."""

    def __init__(
        self,
        status: int,
        *,
        headers: httpx.Headers,
        body: object = None,
        problem: Problem | None = None,
        method: str = "",
        url: str = "",
    ) -> None:
        self.status = status
        self.headers = redact_headers(headers)
        self.body = body
        self.problem = problem
        self.method = method
        self.url = url
        self.retry_after: float | None = None
        super().__init__(self._message())

    def _message(self) -> str:
        where = f" for {self.method} {self.url}" if self.method else ""
        summary = ""
        if self.problem is not None:
            parts = [p for p in (self.problem.title, self.problem.detail) if p]
            summary = ": " + " - ".join(parts) if parts else ""
        return f"HTTP {self.status}{where}{summary}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status}, url={self.url!r})"


class BadRequest(ApiError):
    """HTTP 400."""


class Unauthorized(ApiError):
    """HTTP 401."""


class Forbidden(ApiError):
    """HTTP 403."""


class NotFound(ApiError):
    """HTTP 404."""


class Conflict(ApiError):
    """HTTP 409 (for a result endpoint: not terminal yet)."""


class UnprocessableEntity(ApiError):
    """HTTP 422."""


class RateLimited(ApiError):
    """HTTP 429; `retry_after` holds the server's requested delay in seconds, if any."""


class ServerError(ApiError):
    """HTTP 5xx."""


class WorkflowError(ClientError):
    """An Arazzo workflow step failed (criteria unmet, failure action `end`, loop bound hit)."""

    def __init__(self, step_id: str, reason: str, *, status: int | None = None) -> None:
        self.step_id = step_id
        self.reason = reason
        self.status = status
        super().__init__(f"step {step_id!r} failed: {reason}")


_BY_STATUS: Mapping[int, type[ApiError]] = MappingProxyType(
    {
        400: BadRequest,
        401: Unauthorized,
        403: Forbidden,
        404: NotFound,
        409: Conflict,
        422: UnprocessableEntity,
        429: RateLimited,
    }
)


def error_class(status: int) -> type[ApiError]:
    """Return the ApiError subclass for an HTTP status."""
    if status >= 500:
        return ServerError
    return _BY_STATUS.get(status, ApiError)


def api_error(
    status: int,
    headers: httpx.Headers,
    content: bytes,
    *,
    method: str = "",
    url: str = "",
) -> ApiError:
    """Build the ApiError for a non-success response, parsing problem+json when present."""
    body: object = excerpt(content) if content else None
    problem = None
    if _looks_json(headers.get("content-type", "")):
        try:
            body = json.loads(content)
        except ValueError:
            pass
        else:
            problem = Problem.from_json(body)
    return error_class(status)(
        status, headers=headers, body=body, problem=problem, method=method, url=url
    )


def _looks_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")
