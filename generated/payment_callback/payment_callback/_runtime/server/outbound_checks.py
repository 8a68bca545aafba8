"""What the server checks of a downstream answer before a journey (or a handler) sees it.

- Its size: a body over ``Settings.max_response_bytes`` (``<PREFIX>_MAX_RESPONSE_BYTES``) fails
  the call while it arrives (a ``Content-Length`` over the cap before any of it is read), so
  a huge answer is a failed result, never the server's memory. ``size_limit`` is an httpx
  response event hook: every client the server sends calls with carries it.
- Its body: the server checks a JSON answer against the type the downstream OpenAPI document
  gives its status (``HttpOperation.results``: the models of handlers.py), strictly (``"12"``
  is not a number), and the handler sees the typed ``TaskResult[...]``. A body that breaks
  its schema is ``ok: false`` with ``error.type: INVALID_BODY``, the answer kept as body.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import httpx
from pydantic import TypeAdapter, ValidationError

from .results import TaskResult
from .settings import Settings

__all__ = [
    "ResponseTooLarge",
    "ResultSchemas",
    "limit_setting",
    "size_limit",
    "too_large",
]

_JSON_KINDS = ("application/json", "+json")


class ResponseTooLarge(Exception):
    """A downstream body over the cap: raised while it is read, before it is kept."""

    def __init__(
        self, response: httpx.Response, limit: int, setting: str, size: str
    ) -> None:
        self.status = response.status_code
        self.headers = {key: value for key, value in response.headers.items()}
        request = response.request
        self.message = (
            f"{request.method} {request.url.copy_with(query=None)} answered {self.status} "
            f"with a body over {limit} bytes ({size}), which is not kept: raise {setting} "
            "if such answers are expected"
        )
        super().__init__(self.message)


class _Capped(httpx.SyncByteStream):
    """A response stream that raises ResponseTooLarge once more than `limit` bytes came."""

    def __init__(
        self,
        inner: httpx.SyncByteStream,
        response: httpx.Response,
        limit: int,
        setting: str,
    ) -> None:
        self.inner = inner
        self.response = response
        self.limit = limit
        self.setting = setting

    def __iter__(self) -> Iterator[bytes]:
        size = 0
        for chunk in self.inner:
            size += len(chunk)
            if size > self.limit:
                raise ResponseTooLarge(
                    self.response, self.limit, self.setting, "read until then"
                )
            yield chunk

    def close(self) -> None:
        self.inner.close()


def limit_setting(settings: Settings) -> str:
    """The name of the size cap a problem tells the operator to raise."""
    prefix = settings.env_prefix
    return f"{prefix}_MAX_RESPONSE_BYTES" if prefix else "Settings.max_response_bytes"


def size_limit(settings: Settings) -> Callable[[httpx.Response], None]:
    """An httpx response hook capping the body at `settings.max_response_bytes`."""
    limit, setting = settings.max_response_bytes, limit_setting(settings)

    def hook(response: httpx.Response) -> None:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            size = f"Content-Length {declared}, not read"
            raise ResponseTooLarge(response, limit, setting, size)
        stream = response.stream
        if isinstance(stream, httpx.SyncByteStream):
            response.stream = _Capped(stream, response, limit, setting)

    return hook


def too_large(exc: ResponseTooLarge) -> TaskResult[Any]:
    """The failed result of an answer over the cap: its status and headers, no body."""
    error = {"type": "RESPONSE_TOO_LARGE", "message": exc.message}
    return TaskResult(status=exc.status, ok=False, headers=exc.headers, error=error)


class ResultSchemas:
    """Checks answers against their documented types (one validator per type, made once)."""

    def __init__(self) -> None:
        self._adapters: dict[Any, TypeAdapter[Any]] = {}
        self._lock = threading.Lock()

    def typed(
        self,
        results: tuple[tuple[str, Any], ...],
        result: TaskResult[Any],
        target: str,
    ) -> TaskResult[Any]:
        """`result` with its body of the type documented for its status (`TaskResult[T]`),
        or failed with INVALID_BODY when the body breaks it; unchanged when the status is
        not documented with a JSON body or the answer is not JSON."""
        if result.status is None or result.body is None or result.error is not None:
            return result
        kind = _documented(results, result.status)
        if kind is None:
            return result
        media = result.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if not (media == _JSON_KINDS[0] or media.endswith(_JSON_KINDS[1])):
            return result
        try:
            body = self._adapter(kind).validate_python(result.body, strict=True)
        except ValidationError as exc:
            return _broken(result, exc, target)
        typed: type[TaskResult[Any]] = TaskResult[kind]  # type: ignore[valid-type]
        return typed(
            status=result.status, ok=result.ok, headers=result.headers, body=body
        )

    def _adapter(self, kind: Any) -> TypeAdapter[Any]:
        found = self._adapters.get(kind)
        if found is None:
            with self._lock:
                found = self._adapters.setdefault(kind, TypeAdapter(kind))
        return found


def _documented(results: tuple[tuple[str, Any], ...], status: int) -> Any:
    """The type of `status`: its own entry, else its range (`4XX`), else `default`."""
    found = dict((key.upper(), kind) for key, kind in results)
    for key in (str(status), f"{status // 100}XX", "DEFAULT"):
        if key in found:
            return found[key]
    return None


def _broken(
    result: TaskResult[Any], exc: ValidationError, target: str
) -> TaskResult[Any]:
    problems = [
        {
            "path": ".".join(str(part) for part in error["loc"]) or "(body)",
            "message": error["msg"],
        }
        for error in exc.errors(include_url=False, include_input=False)
    ]
    listed = "; ".join(f"{p['path']}: {p['message']}" for p in problems[:5])
    more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
    error = {
        "type": "INVALID_BODY",
        "message": (
            f"{target} answered {result.status} with a body its OpenAPI document does "
            f"not allow: {listed}{more}"
        ),
        "errors": problems,
    }
    return TaskResult(
        status=result.status,
        ok=False,
        headers=result.headers,
        body=result.body,
        error=error,
    )
