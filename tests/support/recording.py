"""A threaded HTTP server on 127.0.0.1 that answers with a Python function and keeps every
request it read: the downstream API or journey server a generated client talks to."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Request:
    """One request as a server read it."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: Any


Reply = tuple[int, dict[str, str], Any]
Handler = Callable[[Request], Reply]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        path, _, query = self.path.partition("?")
        request = Request(
            self.command,
            path,
            query,
            {k.lower(): v for k, v in self.headers.items()},
            json.loads(raw) if raw else None,
        )
        server: Server = self.server.owner  # type: ignore[attr-defined]
        server.seen.append(request)
        status, headers, body = server.handler(request)
        content = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        for key, value in {"Content-Type": "application/json", **headers}.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    # http.server dispatches on these names
    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve  # noqa: N815

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@dataclass
class Server:
    """A threaded HTTP server answering with `handler`; every request is kept in `seen`."""

    handler: Handler
    seen: list[Request] = field(default_factory=list)
    url: str = ""

    def __enter__(self) -> Server:
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._http.owner = self  # type: ignore[attr-defined]
        self._http.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._http.server_address[1]}"
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._http.shutdown()
        self._http.server_close()
