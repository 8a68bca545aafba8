"""The PostgreSQL store: one database shared by any number of replicas (psycopg 3 and
psycopg_pool, the package's ``[postgres]`` extra).

Chosen by a libpq URL in ``<PREFIX>_STORE`` (``postgresql://user@host:5432/db`` or
``postgres://...``). The server creates and migrates its tables itself (postgres_schema.py,
under an advisory lock). What a transaction locks and how duplicates and timers are decided
across replicas is described in postgres_tx.py. Connections come from a pool sized by the
settings and are checked before each use, so a connection the database dropped (a restart, a
failover, ``pg_terminate_backend``) is replaced instead of failing a request. A dedicated
connection LISTENs for the NOTIFY sent when a timer or schedule is added, and wakes this
replica's scheduler.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import DictRow, dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

from .postgres_schema import migrate
from .postgres_tx import (
    NOTIFY_CHANNEL,
    PostgresTransaction,
    row_to_event,
    row_to_idempotency,
    row_to_journey,
    row_to_schedule,
    row_to_timer,
    unavailable,
)
from .settings import DURABILITY_LEVELS
from .store import (
    EventRecord,
    IdempotencyRecord,
    JourneyRecord,
    ScheduleRecord,
    StoreTransaction,
    StoreUnavailableError,
    TimerRecord,
    Transition,
)

__all__ = ["POSTGRES_SCHEMES", "PostgresStore"]

POSTGRES_SCHEMES = ("postgresql", "postgres")
T = TypeVar("T")
_logger = logging.getLogger("journeygen.server")
_TRANSIENT = (psycopg.OperationalError, psycopg.errors.TransactionRollback)
_READ_ATTEMPTS = 3


def describe(url: str) -> str:
    """The URL without its password, for messages and logs."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "(an unreadable PostgreSQL URL)"
    user = parts.get("user") or ""
    host = parts.get("host") or "localhost"
    port = parts.get("port") or "5432"
    return f"postgresql://{user}{'@' if user else ''}{host}:{port}/{parts.get('dbname', '')}"


class _Listener:
    """A thread on its own connection that LISTENs and wakes the schedulers watching."""

    def __init__(self, url: str, connect_kwargs: dict[str, Any]) -> None:
        self._url = url
        self._kwargs = connect_kwargs
        self._watchers: dict[str, list[Callable[[], None]]] = defaultdict(list)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def watch(self, journey_name: str, wake: Callable[[], None]) -> None:
        with self._lock:
            self._watchers[journey_name].append(wake)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._loop, name="journeygen-listen", daemon=True
                )
                self._thread.start()

    def _wake(self, journey_name: str | None) -> None:
        with self._lock:
            found = [
                wake
                for name, wakes in self._watchers.items()
                if journey_name is None or name == journey_name
                for wake in wakes
            ]
        for wake in found:
            wake()

    def _loop(self) -> None:
        pause = 0.25
        while not self._stop.is_set():
            try:
                with psycopg.connect(
                    self._url, autocommit=True, **self._kwargs
                ) as conn:
                    conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    pause = 0.25
                    self._wake(None)  # anything added while we were not listening
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=0.5):
                            self._wake(note.payload)
            except psycopg.Error as exc:
                if self._stop.is_set():
                    break
                _logger.warning("LISTEN connection lost (%s); reconnecting", exc)
                self._stop.wait(pause)  # the scheduler still polls meanwhile
                pause = min(pause * 2, 5.0)

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=3)


class PostgresStore:
    """JourneyStore on PostgreSQL, safe for many replicas on one database.

    ``min_size``/``max_size`` bound the connection pool of this process (one more connection
    listens for timer notifications); ``pool_timeout`` is how long a request waits for a free
    connection before it is answered 503; ``connect_timeout`` bounds each new connection.
    ``durability="full"`` (the default) keeps PostgreSQL's ``synchronous_commit = on``: an
    answered request is on the database's disk (and on synchronous standbys);
    ``"normal"`` sets ``synchronous_commit = off``: a database crash may lose the last commits
    (never half of one), a crash of this process loses nothing it answered.
    """

    reads_without_blocking = False
    writes_without_blocking = False  # a COMMIT waits for the server: off the event loop

    def __init__(
        self,
        url: str,
        *,
        min_size: int = 1,
        max_size: int = 10,
        pool_timeout: float = 5.0,
        connect_timeout: int = 5,
        durability: str = "full",
    ) -> None:
        if durability not in DURABILITY_LEVELS:
            raise ValueError(
                f"durability must be one of {', '.join(DURABILITY_LEVELS)}, "
                f"got {durability!r}"
            )
        self.url = url
        self.where = describe(url)
        self._commit_mode = "on" if durability == "full" else "off"
        given = conninfo_to_dict(url)
        kwargs: dict[str, Any] = {}
        if "connect_timeout" not in given:
            kwargs["connect_timeout"] = connect_timeout
        if "application_name" not in given:
            kwargs["application_name"] = "journeygen"
        self._migrate(kwargs)
        self._pool: ConnectionPool[psycopg.Connection[DictRow]] = ConnectionPool(
            url,
            kwargs={**kwargs, "autocommit": False, "row_factory": dict_row},
            min_size=min_size,
            max_size=max(max_size, min_size),
            timeout=pool_timeout,
            configure=self._configure,
            check=ConnectionPool.check_connection,
            name="journeygen",
            open=False,
        )
        self._pool.open(wait=False)
        self._listener = _Listener(url, kwargs)

    def _migrate(self, kwargs: dict[str, Any]) -> None:
        try:
            with psycopg.connect(self.url, row_factory=dict_row, **kwargs) as conn:
                migrate(conn)
        except psycopg.OperationalError as exc:
            raise StoreUnavailableError(
                f"cannot reach PostgreSQL at {self.where}: {str(exc).strip()}",
                retryable=False,
            ) from exc

    def _configure(self, conn: psycopg.Connection[DictRow]) -> None:
        conn.autocommit = True
        conn.execute(f"SET synchronous_commit = {self._commit_mode}")
        conn.autocommit = False

    def _getconn(self) -> psycopg.Connection[DictRow]:
        try:
            return self._pool.getconn()
        except PoolTimeout as exc:
            raise StoreUnavailableError(
                f"no database connection to {self.where} within "
                f"{self._pool.timeout:g} s",
                retryable=False,
            ) from exc

    @staticmethod
    def _rollback(conn: psycopg.Connection[DictRow]) -> None:
        # On a broken connection the server rolled back already; the pool discards it.
        with contextlib.suppress(psycopg.Error):
            conn.rollback()

    @contextmanager
    def transaction(self) -> Iterator[StoreTransaction]:
        """One PostgreSQL transaction on a pooled connection: commit on normal exit, roll
        back on any exception. Losing the connection during COMMIT raises
        ``StoreUnavailableError(in_doubt=True)``."""
        conn = self._getconn()
        try:
            tx = PostgresTransaction(conn)
            try:
                yield tx
            except BaseException:
                self._rollback(conn)
                raise
            if tx.failed is not None:  # a swallowed database error: nothing commits
                self._rollback(conn)
                raise tx.failed
            try:
                conn.commit()
            except psycopg.errors.TransactionRollback as exc:
                raise unavailable(exc) from exc
            except psycopg.OperationalError as exc:
                raise unavailable(exc, in_doubt=True) from exc
        finally:
            self._pool.putconn(conn)

    def _read(self, work: Callable[[psycopg.Connection[DictRow]], T]) -> T:
        """Run a read on a pooled connection, again on a fresh one if the connection drops."""
        for attempt in range(_READ_ATTEMPTS):
            conn = self._getconn()
            try:
                conn.autocommit = True  # a read needs no transaction (nor its COMMIT)
                return work(conn)
            except _TRANSIENT as exc:
                self._rollback(conn)
                if attempt + 1 == _READ_ATTEMPTS:
                    raise unavailable(exc) from exc
                time.sleep(0.02 * (attempt + 1))
            finally:
                with contextlib.suppress(psycopg.Error):
                    conn.autocommit = False  # as the pool hands it out
                self._pool.putconn(conn)
        raise AssertionError("unreachable")

    def _rows(self, sql: str, params: tuple[Any, ...]) -> list[DictRow]:
        return self._read(lambda conn: conn.execute(sql, params).fetchall())

    def get_journey(self, journey_id: str) -> JourneyRecord | None:
        """Read one instance as last committed."""
        rows = self._rows("SELECT * FROM journeys WHERE id = %s", (journey_id,))
        return row_to_journey(rows[0]) if rows else None

    def history(self, journey_id: str) -> list[Transition]:
        """Return an instance's transitions, oldest first."""
        rows = self._rows(
            "SELECT from_state, to_state, event_id, at FROM history"
            " WHERE journey_id = %s ORDER BY seq",
            (journey_id,),
        )
        return [
            Transition(r["from_state"], r["to_state"], r["event_id"], r["at"])
            for r in rows
        ]

    def get_event(self, source: str, event_id: str) -> EventRecord | None:
        """Read one received event."""
        rows = self._rows(
            "SELECT * FROM events WHERE source = %s AND event_id = %s",
            (source, event_id),
        )
        return row_to_event(rows[0]) if rows else None

    def get_idempotency_key(self, scope: str, key: str) -> IdempotencyRecord | None:
        """Read the record holding a key (expired or not), or None."""
        rows = self._rows(
            "SELECT * FROM idempotency_keys WHERE scope = %s AND key = %s", (scope, key)
        )
        return row_to_idempotency(rows[0]) if rows else None

    def events(self, source: str) -> list[EventRecord]:
        """Return every event received from one source, oldest first."""
        rows = self._rows(
            "SELECT * FROM events WHERE source = %s ORDER BY received_at, seq",
            (source,),
        )
        return [row_to_event(r) for r in rows]

    def next_due(self, journey_name: str) -> str | None:
        """Return when the earliest pending timer or schedule run is due, or None."""
        rows = self._rows(
            "SELECT (SELECT MIN(due_at) FROM timers"
            "  WHERE status = 'pending' AND journey_name = %s) AS timer,"
            " (SELECT MIN(next_run_at) FROM schedules WHERE journey_name = %s"
            "  AND runs_executed < max_runs AND active_journey_id IS NULL) AS run",
            (journey_name, journey_name),
        )
        found = [d for d in (rows[0]["timer"], rows[0]["run"]) if d is not None]
        return min(found) if found else None

    def timers(self, journey_id: str) -> list[TimerRecord]:
        """Return every timer of an instance, oldest first (for tests and diagnostics)."""
        rows = self._rows(
            "SELECT * FROM timers WHERE journey_id = %s ORDER BY id", (journey_id,)
        )
        return [row_to_timer(r) for r in rows]

    def schedules(self, journey_name: str) -> list[ScheduleRecord]:
        """Return every schedule binding of a journey, oldest first."""
        rows = self._rows(
            "SELECT * FROM schedules WHERE journey_name = %s ORDER BY created_at, id",
            (journey_name,),
        )
        return [row_to_schedule(r) for r in rows]

    def watch(self, journey_name: str, wake: Callable[[], None]) -> None:
        """Call ``wake`` when any replica adds a timer or schedule for the journey."""
        self._listener.watch(journey_name, wake)

    def close(self) -> None:
        """Stop listening and close the pool."""
        self._listener.close()
        self._pool.close()
