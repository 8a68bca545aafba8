"""Load templates/runtime as the package `jg_server_runtime`; provide stores and live servers."""

from __future__ import annotations

import importlib.util
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

RUNTIME_DIR = Path(__file__).resolve().parents[2] / "templates" / "runtime"


def _load_runtime() -> None:
    if "jg_server_runtime" in sys.modules:
        return
    spec = importlib.util.spec_from_file_location(
        "jg_server_runtime",
        RUNTIME_DIR / "__init__.py",
        submodule_search_locations=[str(RUNTIME_DIR)],
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["jg_server_runtime"] = module
    spec.loader.exec_module(module)


_load_runtime()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class LiveServer:
    """A uvicorn server running an app in a background thread on 127.0.0.1."""

    url: str
    stop: Callable[[], None]


def run_live(app: Any) -> LiveServer:
    """Serve an ASGI app with a real uvicorn on a free port until stop() is called."""
    import uvicorn

    port = _free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"
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

    return LiveServer(url=f"http://127.0.0.1:{port}", stop=stop)


@pytest.fixture
def db_path(tmp_path: Path) -> str:
    """A fresh SQLite file path."""
    return str(tmp_path / "journeys.sqlite3")


@pytest.fixture
def live() -> Iterator[Callable[[Any], LiveServer]]:
    """Start live servers; every one still running is stopped at teardown."""
    started: list[LiveServer] = []

    def start(app: Any) -> LiveServer:
        server = run_live(app)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
