"""Transport limits every request meets before routing: header count and size, target length.

``TransportLimits`` is plain ASGI middleware, so the limits hold under any ASGI server: more
than ``max_header_count`` header fields or more than ``max_header_bytes`` of them (names,
values and separators) is answered 431, a request target (path and query) longer than
``max_target_bytes`` 414, each as problem+json and with the connection closed. The server in
front has its own, coarser limit on what it buffers before the app sees a request: ``serve``
sets uvicorn's to a multiple of these (README "Limits" names the settings of other servers).
"""

from __future__ import annotations

import json
from typing import Any

from .settings import Settings

__all__ = ["TransportLimits", "server_buffer_bytes"]

Scope = dict[str, Any]


def server_buffer_bytes(settings: Settings) -> int:
    """What the HTTP server may buffer for a request head: 4x the app's limits, so the app,
    not the server, answers a moderately oversized head with a problem document."""
    return 4 * (settings.max_header_bytes + settings.max_target_bytes)


class TransportLimits:
    """ASGI middleware refusing oversized request heads (431, 414) as problem+json."""

    def __init__(self, app: Any, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    def _refusal(self, scope: Scope) -> tuple[int, str, str, str] | None:
        limits = self.settings
        headers = scope.get("headers") or []
        if len(headers) > limits.max_header_count:
            return (
                431,
                "Request Header Fields Too Large",
                f"Send at most {limits.max_header_count} header fields.",
                "too-many-headers",
            )
        size = sum(len(k) + len(v) + 4 for k, v in headers)
        if size > limits.max_header_bytes:
            return (
                431,
                "Request Header Fields Too Large",
                f"The header fields may total at most {limits.max_header_bytes} bytes.",
                "headers-too-large",
            )
        target = len(scope.get("raw_path") or b"") + len(
            scope.get("query_string") or b""
        )
        if target > limits.max_target_bytes:
            return (
                414,
                "URI Too Long",
                f"The request target may be at most {limits.max_target_bytes} bytes.",
                "uri-too-long",
            )
        return None

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        refusal = self._refusal(scope) if scope["type"] == "http" else None
        if refusal is None:
            await self.app(scope, receive, send)
            return
        status, title, detail, slug = refusal
        body = json.dumps(
            {
                "type": f"urn:journeygen:problem:{slug}",
                "title": title,
                "status": status,
                "detail": detail,
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
