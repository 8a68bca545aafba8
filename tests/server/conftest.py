"""Fixtures for the generated server: a SQLite file path and live uvicorn servers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pc_support import LiveServer, run_live


@pytest.fixture
def db_path(tmp_path: Path) -> str:
    """A fresh SQLite file path."""
    return str(tmp_path / "journeys.sqlite3")


@pytest.fixture
def live() -> Iterator[Callable[..., LiveServer]]:
    """Start live servers; every one still running is stopped at teardown."""
    started: list[LiveServer] = []

    def launch(app: Any, lifespan: str = "off") -> LiveServer:
        server = run_live(app, lifespan)
        started.append(server)
        return server

    yield launch
    for server in started:
        server.stop()
