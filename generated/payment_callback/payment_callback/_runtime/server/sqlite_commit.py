"""Group commit on the SQLite store's one write connection.

Every unit of work (one ``SQLiteStore.transaction()``) runs inside a SAVEPOINT of the batch
open on the connection. A unit that finishes while other units are waiting for the connection
leaves the batch open for them; the last unit in line (or the one that fills the batch) commits
the whole batch: one COMMIT, so one fsync at ``synchronous = FULL``, for every unit in it. Each
unit returns only once the COMMIT holding it has returned, so a request is never answered
before its writes are on disk; durability is the same as one COMMIT per unit.

The first unit of a batch runs without a savepoint (an uncontended request pays no extra
statement); a later one runs inside a SAVEPOINT. A unit that raises is rolled back (to its
savepoint, or the whole transaction when it was alone in it) and leaves the others' work. If
SQLite abandoned the whole transaction (an I/O error, a full disk), or the COMMIT failed, every
unit of the batch raises ``StoreUnavailableError`` and none of it was applied (in doubt when
the COMMIT itself failed: the frames may have reached the log).

Where the disk syncs fast, a thread handoff costs more than the fsync it would share, so a
unit may also run on the event loop (inline.py) and commit itself there, as a hand-written
server does: the COMMIT, fsync included, still returns before the request is answered. Every
COMMIT's duration feeds a moving average; while it stays under ``CHEAP_COMMIT_SECONDS`` a
unit on the loop goes ahead, and once the disk is slower a unit on the loop raises
``WouldBlock(lasting=True)`` before touching anything, so its route's requests go to worker
threads, and group commit, until the average (still measured there) falls again.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from .inline import WouldBlock, on_loop
from .store import StoreUnavailableError

__all__ = ["CHEAP_COMMIT_SECONDS", "MAX_UNITS", "Batch", "GroupCommit"]

MAX_UNITS = 64  # units one COMMIT may hold before the batch is committed anyway
# A COMMIT (its fsync) quicker than this on average is cheaper on the event loop than the two
# thread switches that would share it: a few times what one handoff costs in CPU.
CHEAP_COMMIT_SECONDS = 0.002
_WEIGHT = 0.1  # of the newest COMMIT in the moving average of their durations


def _busy(exc: sqlite3.OperationalError) -> bool:
    """The database is locked by another connection."""
    return getattr(exc, "sqlite_errorcode", None) in (
        sqlite3.SQLITE_BUSY,
        sqlite3.SQLITE_LOCKED,
    )


class Batch:
    """The units sharing one transaction; ``finished`` once it committed or failed."""

    def __init__(self) -> None:
        self.units = 0
        self.finished = False
        self.error: StoreUnavailableError | None = None

    def fail(self, detail: str, *, in_doubt: bool) -> None:
        if self.error is None:
            self.error = StoreUnavailableError(detail, in_doubt=in_doubt)


class GroupCommit:
    """Units of work on ``conn`` under ``lock``, committed together (see the module).

    ``group`` false commits every unit on its own (an in-memory database has no fsync to
    share). ``busy_timeout_ms``: the connection's busy timeout, lifted while units run on
    the event loop (0 for an in-memory database, which no other connection writes). ``commits`` and ``units`` count what was committed, for diagnostics.
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        lock: threading.RLock,
        *,
        group: bool,
        busy_timeout_ms: int = 0,
    ) -> None:
        self._conn = conn
        self._busy_timeout_ms = busy_timeout_ms  # 0: nothing to wait for
        self._waits = True  # the connection has its busy timeout now
        self._lock = lock
        self._group = group
        self._line = threading.Lock()  # guards _waiting and every batch's outcome
        self._settled = threading.Condition(self._line)  # a batch finished
        self._waiting = 0  # units waiting for the connection
        self._batch: Batch | None = None
        self._mine = threading.local()  # depth of this thread's open units
        self._free_waiters: list[Callable[[], None]] = []  # units on the event loop
        self.commit_seconds = (
            0.0  # moving average of a COMMIT's duration (grouped only)
        )
        self.commits = 0
        self.units = 0

    def commits_cheaply(self) -> bool:
        """A COMMIT costs less than handing it to a worker (always, ungrouped: no fsync)."""
        return not self._group or self.commit_seconds < CHEAP_COMMIT_SECONDS

    @contextmanager
    def unit(self) -> Iterator[sqlite3.Connection]:
        """Run the body as one unit; return after its batch committed (raise if not).

        On the event loop (inline.py) a unit never waits: it raises ``WouldBlock`` when a
        worker thread holds the connection or another process the database, and it commits
        itself, never leaving its batch open for a worker's unit."""
        if getattr(self._mine, "depth", 0):
            with self._nested():
                yield self._conn
            return
        inline = on_loop()
        if inline:
            if not self.commits_cheaply():  # the disk is slow now: share its fsyncs
                raise WouldBlock(lasting=True)
            if not self._lock.acquire(blocking=False):
                raise WouldBlock(when_free=self._when_free)
        else:
            with self._line:
                self._waiting += 1
            self._lock.acquire()
            with self._line:
                self._waiting -= 1
        try:
            batch = self._open(inline)
            self._mine.depth = 1
            try:
                with self._savepoint(batch):
                    yield self._conn
            except sqlite3.OperationalError as exc:
                if inline and _busy(exc):  # another process: wait for it on a worker
                    raise WouldBlock from None
                raise
            finally:
                self._mine.depth = 0
                self._settle(batch, alone=inline)
        finally:
            self._lock.release()
            if self._free_waiters:
                self._wake_free()
        self._wait(batch)

    def _when_free(self, callback: Callable[[], None]) -> bool:
        """Call ``callback`` once the connection is let go; False (nothing registered) when
        it is free now."""
        with self._line:
            if self._lock.acquire(blocking=False):
                self._lock.release()
                return False
            self._free_waiters.append(callback)  # its holder calls it (see unit)
            return True

    def _wake_free(self) -> None:
        with self._line:
            waiting, self._free_waiters = self._free_waiters, []
        for callback in waiting:
            callback()

    def _wait(self, batch: Batch) -> None:
        """Return once the batch is committed; raise when it was not."""
        with self._line:
            while not batch.finished:
                self._settled.wait()
        if batch.error is not None:
            detail, in_doubt = batch.error.detail, batch.error.in_doubt
            raise StoreUnavailableError(detail, in_doubt=in_doubt)

    def _finish(self, batch: Batch) -> None:
        with self._line:
            batch.finished = True
            self._settled.notify_all()

    @contextmanager
    def _nested(self) -> Iterator[None]:
        """A unit inside this thread's own unit: a savepoint of it, committed with it."""
        self._mine.depth += 1
        try:
            self._conn.execute("SAVEPOINT unit")
            try:
                yield
            except BaseException:
                self._undo()
                raise
            self._conn.execute("RELEASE unit")
        finally:
            self._mine.depth -= 1

    def _open(self, inline: bool) -> Batch:
        batch = self._batch
        if batch is not None and self._conn.in_transaction:
            return batch
        if batch is not None:  # SQLite dropped the transaction between two units
            batch.fail("the database abandoned the transaction", in_doubt=False)
            self._finish(batch)
        self._batch = None
        if self._busy_timeout_ms:
            self._wait_for_others(not inline)
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if inline and _busy(exc):  # another process holds the write lock
                raise WouldBlock from None
            raise
        self._batch = Batch()
        return self._batch

    def _wait_for_others(self, waits: bool) -> None:
        """Give the connection its busy timeout (a unit on a worker thread) or none (on the
        event loop: a lock held by another process is not waited for there); set only when
        it changes."""
        if self._waits is not waits:
            timeout = self._busy_timeout_ms if waits else 0
            self._conn.execute(f"PRAGMA busy_timeout = {timeout}")
            self._waits = waits

    @contextmanager
    def _savepoint(self, batch: Batch) -> Iterator[None]:
        """The unit inside the batch: the first one of a fresh batch needs no savepoint (on
        failure the whole, otherwise empty, transaction is rolled back)."""
        alone = batch.units == 0
        if not alone:
            self._conn.execute("SAVEPOINT unit")
        try:
            yield
        except BaseException:
            if alone:
                batch.fail("rolled back", in_doubt=False)  # nothing else was in it
            elif not self._undo():
                batch.fail("the database abandoned the transaction", in_doubt=False)
            raise
        if not alone:
            self._conn.execute("RELEASE unit")
        batch.units += 1

    def _undo(self) -> bool:
        """Roll the current unit back; False when SQLite already dropped the transaction."""
        if not self._conn.in_transaction:
            return False
        self._conn.execute("ROLLBACK TO unit")
        self._conn.execute("RELEASE unit")
        return True

    def _settle(self, batch: Batch, *, alone: bool = False) -> None:
        """Commit the batch unless another unit is in line to join it (lock held); ``alone``:
        commit it anyway."""
        if (
            not alone
            and batch.error is None
            and self._group
            and batch.units < MAX_UNITS
        ):
            with self._line:
                if self._waiting:
                    return  # the next unit commits it
        self._batch = None
        try:
            if batch.error is not None:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                return
            began = time.perf_counter()
            try:
                self._conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                batch.fail(f"COMMIT failed: {exc}", in_doubt=True)
                return
            if self._group:
                took = time.perf_counter() - began
                self.commit_seconds += _WEIGHT * (took - self.commit_seconds)
            if batch.units:
                self.commits += 1
                self.units += batch.units
        finally:
            self._finish(batch)
