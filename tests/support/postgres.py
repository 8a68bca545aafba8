"""The PostgreSQL the machine runs (127.0.0.1:5432, user postgres, trust authentication), and
a fresh database per test: created with a unique name, dropped (connections and all) after.

``JOURNEYGEN_TEST_POSTGRES`` overrides the server's admin URL. When nothing answers there the
tests that need it fail with a message saying so: the suite never skips PostgreSQL silently.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

ADMIN_URL = os.environ.get(
    "JOURNEYGEN_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def _admin() -> psycopg.Connection[Any]:
    try:
        return psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        raise RuntimeError(
            f"PostgreSQL does not answer at {ADMIN_URL} ({str(exc).strip()}): start it "
            "(the suite needs PostgreSQL 15 on 127.0.0.1:5432, user postgres, trust "
            "authentication) or set JOURNEYGEN_TEST_POSTGRES to an admin URL"
        ) from None


def database_url(name: str) -> str:
    """The URL of database ``name`` on the test server."""
    base, _, _ = ADMIN_URL.rpartition("/")
    return f"{base}/{name}"


def create_database() -> str:
    """Create an empty database with a unique name; return its name."""
    name = f"jg_test_{uuid.uuid4().hex[:12]}"
    with _admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name


def drop_database(name: str) -> None:
    """Drop a test database, ending any connection still open on it."""
    with _admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def fresh_database() -> Iterator[str]:
    """A fresh database for the block; its URL is yielded, and it is dropped after."""
    name = create_database()
    try:
        yield database_url(name)
    finally:
        drop_database(name)


def terminate_connections(url: str) -> int:
    """``pg_terminate_backend`` every connection to the database of ``url``; return how many."""
    name = url.rpartition("/")[2].split("?")[0]
    with _admin() as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        ).fetchall()
    return len(rows)
