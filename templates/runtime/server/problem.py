"""RFC 9457 problem details: one exception type, helpers, and handlers to install on an app."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response

from .store import StoreUnavailableError

__all__ = [
    "PROBLEM_JSON",
    "ProblemError",
    "install_problem_handlers",
    "problem_response",
    "store_unavailable",
    "validation_errors",
]

PROBLEM_JSON = "application/problem+json"
_TYPE_BASE = "urn:journeygen:problem:"
RETRY_AFTER_SECONDS = 1  # what a 503 for a store outage tells the sender to wait
_logger = logging.getLogger("journeygen.server")


class ProblemError(Exception):
    """An HTTP error answered as application/problem+json; raising it changes nothing."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str | None = None,
        *,
        slug: str | None = None,
        extensions: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {title}: {detail or ''}")
        self.status = status
        self.title = title
        self.detail = detail
        self.type = _TYPE_BASE + slug if slug else "about:blank"
        self.extensions = dict(extensions or {})
        self.headers = dict(headers or {})

    def to_dict(self, instance: str | None = None) -> dict[str, Any]:
        """Return the problem document."""
        body: dict[str, Any] = {
            "type": self.type,
            "title": self.title,
            "status": self.status,
        }
        if self.detail:
            body["detail"] = self.detail
        if instance:
            body["instance"] = instance
        body.update({k: v for k, v in self.extensions.items() if k not in body})
        return body


def problem_response(
    problem: ProblemError, instance: str | None = None
) -> JSONResponse:
    """Render a ProblemError as a problem+json response."""
    return JSONResponse(
        problem.to_dict(instance),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=problem.headers,
    )


def validation_errors(errors: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """List pydantic/FastAPI errors as pointer + message + type, never echoing the input value."""
    listed = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ())]
        if location and location[0] == "body":
            location = location[1:]
        pointer = "/" + "/".join(
            p.replace("~", "~0").replace("/", "~1") for p in location
        )
        message = str(error.get("msg", ""))
        listed.append(
            {"pointer": pointer, "detail": message, "type": error.get("type")}
        )
    return listed


def schema_problem(errors: Sequence[Mapping[str, Any]]) -> ProblemError:
    """Return the 400 problem for a payload that breaks its schema (DSL §12)."""
    return ProblemError(
        400,
        "Request body does not match the schema",
        "See 'errors' for each violation.",
        slug="schema-violation",
        extensions={"errors": validation_errors(errors)},
    )


async def _on_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ProblemError)
    return problem_response(exc, request.url.path)


async def _on_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    return problem_response(schema_problem(exc.errors()), request.url.path)


async def _on_http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    problem = ProblemError(exc.status_code, str(exc.detail), headers=exc.headers)
    return problem_response(problem, request.url.path)


def store_unavailable(exc: StoreUnavailableError) -> ProblemError:
    """The 503 answer (with ``Retry-After``) for a store outage; nothing was applied."""
    return ProblemError(
        503,
        "Store unavailable",
        f"{exc.detail}; nothing was changed, try again shortly.",
        slug="store-unavailable",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


async def _on_store_unavailable(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StoreUnavailableError)
    _logger.warning("store unavailable on %s: %s", request.url.path, exc.detail)
    return problem_response(store_unavailable(exc), request.url.path)


async def _on_unexpected(request: Request, exc: Exception) -> Response:
    _logger.error("unhandled error on %s", request.url.path, exc_info=exc)
    problem = ProblemError(500, "Internal Server Error", slug="internal")
    return problem_response(problem, request.url.path)


def install_problem_handlers(app: FastAPI) -> None:
    """Answer every error raised in the app as application/problem+json."""
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(StoreUnavailableError, _on_store_unavailable)
    app.add_exception_handler(Exception, _on_unexpected)
