"""Fixtures every test folder can use (registered by tests/conftest.py): a SQLite file path,
a fresh PostgreSQL database, a store target of each kind, live uvicorn servers, scripted TCP
servers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.live import LiveServer, run_live
from tests.support.postgres import fresh_database
from tests.support.scripted import Behaviour, ScriptedServer


@pytest.fixture
def db_path(tmp_path: Path) -> str:
    """A fresh SQLite file path."""
    return str(tmp_path / "journeys.sqlite3")


@pytest.fixture
def pg_url() -> Iterator[str]:
    """The URL of a fresh PostgreSQL database, dropped after the test."""
    with fresh_database() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def store_target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """What `<PREFIX>_STORE` holds, once per store: a fresh SQLite file path, then the URL of
    a fresh PostgreSQL database (dropped after the test)."""
    if request.param == "sqlite":
        yield str(tmp_path / "journeys.sqlite3")
        return
    with fresh_database() as url:
        yield url


@pytest.fixture
def live() -> Iterator[Callable[..., LiveServer]]:
    """Start live servers (`live(app)`, `live(app, lifespan="on")`); every one still running
    is stopped at teardown."""
    started: list[LiveServer] = []

    def launch(app: Any, lifespan: str = "off", **options: Any) -> LiveServer:
        server = run_live(app, lifespan, **options)
        started.append(server)
        return server

    yield launch
    for server in started:
        server.stop()


@pytest.fixture
def serve() -> Iterator[Callable[..., ScriptedServer]]:
    """Start a scripted server: `serve(respond(503), respond(200, b'{}'))`."""
    started: list[ScriptedServer] = []

    def start(*behaviours: Behaviour) -> ScriptedServer:
        server = ScriptedServer(list(behaviours))
        server.start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.sock.close()
