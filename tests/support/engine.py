"""Generate hand-written journeys for the engine tests; poll live servers; read their store."""

from __future__ import annotations

import importlib
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx

JOURNEYS = Path(__file__).resolve().parents[1] / "server" / "journeys"
API = "/api/v1"


def generate_case(name: str, out: Path, root: Path = JOURNEYS) -> str:
    """Generate `<root>/examples/technical/<name>` (a spec folder; by default one of
    tests/server/journeys) into `out`, put it on sys.path; return its module name."""
    from generator.format import Formatter
    from generator.pipeline import generate
    from generator.write import write_package

    case = root / "examples" / "technical" / name
    result = generate(case, root=root, formatter=Formatter())
    write_package(out, result.package, result.files)
    folder = str(out / result.package)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    return result.package


def server_module(module: str) -> ModuleType:
    """Import <module>.server."""
    return importlib.import_module(f"{module}.server")


def wait_for(
    read: Callable[[], Any], done: Callable[[Any], bool], seconds: float = 15.0
) -> Any:
    """Call read() until done(value) holds; fail after `seconds` (a safety net, not a timing)."""
    deadline = time.monotonic() + seconds
    value = read()
    while not done(value):
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not reached; last value: {value!r}")
        time.sleep(0.05)
        value = read()
    return value


def result_when_done(client: httpx.Client, journey_id: str) -> dict[str, Any]:
    """Poll the result endpoint until the journey is terminal; return the outcome."""
    reply = wait_for(
        lambda: client.get(f"{API}/journeys/{journey_id}/result"),
        lambda r: r.status_code != 409,
    )
    assert reply.status_code == 200, reply.text
    body: dict[str, Any] = reply.json()
    return body


def rows(db: str, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    """Read rows from the store directly (what is really persisted): a SQLite file, or a
    PostgreSQL URL (the query's `?` placeholders become `%s`)."""
    if db.startswith(("postgresql://", "postgres://")):
        import psycopg

        with psycopg.connect(db) as pg:
            return list(pg.execute(sql.replace("?", "%s"), args).fetchall())
    with sqlite3.connect(db) as conn:
        return list(conn.execute(sql, args).fetchall())
