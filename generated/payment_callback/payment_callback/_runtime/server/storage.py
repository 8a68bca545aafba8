"""Choosing the store from ``Settings.store_path``: a file path is SQLite, a
``postgresql://`` or ``postgres://`` URL is PostgreSQL. Anything else that looks like a URL is
refused with what to write instead; nothing falls back to SQLite silently."""

from __future__ import annotations

import difflib
import re

from .settings import Settings
from .sqlite import SQLiteStore
from .store import JourneyStore

__all__ = ["StoreConfigError", "open_store", "store_scheme"]

_SCHEMES = ("postgresql", "postgres")
# A URL scheme (RFC 3986) followed by ':'; one letter is a Windows drive (C:\...), not a URL.
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):")


class StoreConfigError(ValueError):
    """The store setting names no store this server can open."""


def store_scheme(target: str) -> str | None:
    """``"postgresql"`` for a PostgreSQL URL, None for a file path; raise for anything else."""
    found = _SCHEME.match(target)
    if found is None:
        return None
    scheme = found.group(1).lower()
    if scheme in _SCHEMES and target[found.end() :].startswith("//"):
        return "postgresql"
    if scheme in _SCHEMES:
        hint = f"write it as {scheme}://user@host:5432/database"
    else:
        near = difflib.get_close_matches(scheme, _SCHEMES, n=1, cutoff=0.5)
        hint = (
            f"did you mean {near[0]}://...?" if near else "use a file path for SQLite"
        )
        hint += " (PostgreSQL: postgresql://user@host:5432/database)"
    raise StoreConfigError(f"store {target.split('@')[-1]!r} is not usable: {hint}")


def open_store(settings: Settings, package: str = "<package>") -> JourneyStore:
    """Open the store the settings name (SQLite file or PostgreSQL URL); ``package`` is the
    distribution whose ``[postgres]`` extra brings psycopg, for the message when it is missing.
    """
    target = settings.store_path
    if store_scheme(target) is None:
        return SQLiteStore(target, durability=settings.durability)
    try:
        from .postgres import PostgresStore
    except ImportError as exc:
        raise StoreConfigError(
            "the store is a PostgreSQL URL but psycopg 3 and psycopg_pool are not "
            "installed: install the package's postgres extra "
            f"(pip install '{package}[postgres]')"
        ) from exc
    return PostgresStore(
        target,
        min_size=settings.pool_min_size,
        max_size=settings.pool_max_size,
        pool_timeout=settings.pool_timeout_seconds,
        connect_timeout=settings.connect_timeout_seconds,
        durability=settings.durability,
    )
