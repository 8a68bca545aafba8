"""Reading a request body at the door: media type, size, read timeout, strict JSON.

Every body the server accepts (start, steps, provider webhooks) goes through ``read_json``
before any other work: a wrong media type is 415, a body over ``max_body_bytes`` is 413
(enforced while reading, so a lying Content-Length does not help), a body not received within
``body_timeout_seconds`` is 408, and a body that is not strict JSON (see strictjson.py) is 400
naming the reason and the JSON pointer. Nothing of the body is echoed back.
"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request

from .problem import ProblemError
from .settings import Settings
from .strictjson import JsonRefusal, parse_strict

__all__ = ["read_json", "refusal_problem"]

# Bodies larger than this are parsed in the threadpool, not on the event loop.
_INLINE_PARSE_BYTES = 65_536


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def _check_media_type(request: Request) -> None:
    media = _media_type(request)
    if media != "application/json" and not (
        media.startswith("application/") and media.endswith("+json")
    ):
        raise ProblemError(
            415,
            "Unsupported Media Type",
            "Send the body as application/json.",
            slug="unsupported-media-type",
        )


def _too_large(limit: int) -> ProblemError:
    return ProblemError(
        413,
        "Request body too large",
        f"The limit is {limit} bytes.",
        slug="body-too-large",
    )


def _check_declared_length(request: Request, limit: int) -> None:
    declared = request.headers.get("content-length")
    if declared is None:
        return
    if not declared.isdigit():
        raise ProblemError(
            400, "Bad Request", "Invalid Content-Length.", slug="bad-request"
        )
    if int(declared) > limit:
        raise _too_large(limit)


async def _read_limited(request: Request, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


async def _read_in_time(request: Request, settings: Settings) -> bytes:
    try:
        async with asyncio.timeout(settings.body_timeout_seconds):  # no task of its own
            return await _read_limited(request, settings.max_body_bytes)
    except TimeoutError:
        raise ProblemError(
            408,
            "Request Timeout",
            f"The body did not arrive within {settings.body_timeout_seconds:g} seconds.",
            slug="body-timeout",
            headers={"Connection": "close"},
        ) from None
    except ClientDisconnect:
        raise ProblemError(
            400, "Bad Request", "The body was cut short.", slug="bad-request"
        ) from None


def refusal_problem(refusal: JsonRefusal) -> ProblemError:
    """Return the 400 problem for a body refused by the strict reader."""
    extensions: dict[str, Any] = {"pointer": refusal.pointer}
    if refusal.line is not None:
        extensions.update(line=refusal.line, column=refusal.column)
    extensions["errors"] = [
        {"pointer": refusal.pointer, "detail": refusal.detail, "type": refusal.reason}
    ]
    title = (
        "Malformed JSON"
        if refusal.reason == "malformed-json"
        else "Request body is not acceptable JSON"
    )
    return ProblemError(
        400, title, refusal.detail, slug=refusal.reason, extensions=extensions
    )


async def read_json(request: Request, settings: Settings) -> tuple[bytes, Any]:
    """Return the raw body and its value, or raise the problem that refuses it."""
    _check_media_type(request)
    _check_declared_length(request, settings.max_body_bytes)
    raw = await _read_in_time(request, settings)
    depth = settings.max_json_depth
    try:
        if len(raw) <= _INLINE_PARSE_BYTES:
            return raw, parse_strict(raw, max_depth=depth)
        return raw, await run_in_threadpool(parse_strict, raw, max_depth=depth)
    except JsonRefusal as refusal:
        raise refusal_problem(refusal) from None
