"""Real servers on 127.0.0.1 for tests: a free port and an ASGI app on uvicorn in a thread."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class LiveServer:
    """A uvicorn server running an app in a background thread on 127.0.0.1."""

    url: str
    stop: Callable[[], None]


def run_live(app: Any, lifespan: str = "off", **options: Any) -> LiveServer:
    """Serve an ASGI app with a real uvicorn on a free port until stop() is called.

    `lifespan="on"` runs the app's lifespan: the scheduler firing timers and schedules;
    `options` are further uvicorn.Config settings (e.g. a package's `uvicorn_options(app)`).
    """
    import uvicorn

    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=free_port(),
        log_level="warning",
        lifespan=lifespan,
        **options,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=10)

    return LiveServer(url=f"http://127.0.0.1:{config.port}", stop=stop)
