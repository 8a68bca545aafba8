"""A raw TCP server on 127.0.0.1 that plays one scripted behaviour per connection: honest,
slow, trickling or resetting answers for the transport tests."""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Seen:
    """One request as the server read it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


Behaviour = Callable[[socket.socket], None]


def respond(
    status: int, body: bytes = b"", headers: dict[str, str] | None = None
) -> Behaviour:
    """Answer with a complete response and close the connection."""

    def run(conn: socket.socket) -> None:
        head = {"Content-Type": "application/json", **(headers or {})}
        lines = [f"HTTP/1.1 {status} X"] + [f"{k}: {v}" for k, v in head.items()]
        lines += [f"Content-Length: {len(body)}", "Connection: close", "", ""]
        conn.sendall("\r\n".join(lines).encode() + body)

    return run


def reset() -> Behaviour:
    """Abort the connection with a TCP RST before answering."""

    def run(conn: socket.socket) -> None:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    return run


def trickle(interval: float, count: int, in_headers: bool = False) -> Behaviour:
    """Send one byte every `interval` seconds, in the body or while still in the headers."""

    def run(conn: socket.socket) -> None:
        try:
            if in_headers:
                conn.sendall(b"HTTP/1.1 200 OK\r\n")
                for _ in range(count):
                    conn.sendall(b"X")
                    time.sleep(interval)
                return
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
            for _ in range(count):
                conn.sendall(b" ")
                time.sleep(interval)
        except OSError:
            return

    return run


@dataclass
class ScriptedServer:
    """A TCP server on 127.0.0.1 that plays one behaviour per accepted connection."""

    behaviours: list[Behaviour]
    seen: list[Seen] = field(default_factory=list)
    sock: socket.socket = field(default_factory=socket.socket)

    @property
    def url(self) -> str:
        """Base URL of the server."""
        host, port = self.sock.getsockname()
        return f"http://{host}:{port}"

    def start(self) -> None:
        """Bind and start serving on a daemon thread."""
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        for behaviour in self.behaviours:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(
                target=self._handle, args=(conn, behaviour), daemon=True
            ).start()

    def _handle(self, conn: socket.socket, behaviour: Behaviour) -> None:
        with conn:
            self.seen.append(_read_request(conn))
            behaviour(conn)


def _read_request(conn: socket.socket) -> Seen:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    first, *lines = head.decode("latin-1").split("\r\n")
    headers = {
        k.strip().lower(): v.strip()
        for k, v in (ln.split(":", 1) for ln in lines if ln)
    }
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        body += conn.recv(65536)
    method, path, _ = first.split(" ", 2)
    return Seen(method, path, headers, body)


def delayed(seconds: float, then: Behaviour) -> Behaviour:
    """Wait `seconds` before playing `then` (a slow but honest server)."""

    def run(conn: socket.socket) -> None:
        time.sleep(seconds)
        then(conn)

    return run
