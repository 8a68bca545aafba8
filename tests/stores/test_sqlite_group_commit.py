"""Group commit on the SQLite store: concurrent transactions at synchronous=FULL share one
COMMIT, and each returns only once that COMMIT is done (its rows visible to any other
connection); a failing transaction in the batch takes nothing of the others with it."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from jg_runtime.server.inline import Inline
from jg_runtime.server.sqlite import SQLiteStore
from jg_runtime.server.sqlite_commit import CHEAP_COMMIT_SECONDS
from jg_runtime.server.store import JourneyRecord, StoreTransaction, utc_now

THREADS = 8


def _journey(journey_id: str) -> JourneyRecord:
    now = utc_now()
    return JourneyRecord(
        id=journey_id,
        name="payment-callback",
        phase="Running",
        current_state="waitForCallback",
        context={"paymentId": journey_id},
        created_at=now,
        updated_at=now,
    )


def _committed(path: Path) -> set[str]:
    """The journey ids another connection (another process, after a crash) can read."""
    with sqlite3.connect(path) as conn:
        return {row[0] for row in conn.execute("SELECT id FROM journeys")}


def _concurrently(
    store: SQLiteStore, path: Path, body: Callable[[StoreTransaction, int], None]
) -> tuple[dict[int, bool], dict[int, BaseException]]:
    """Run one transaction per thread, the first holding the connection for a while so the
    others queue behind it; report per thread whether its row was readable from another
    connection the moment its transaction returned, and what each one raised."""
    visible: dict[int, bool] = {}
    raised: dict[int, BaseException] = {}
    first_inside = threading.Event()

    def work(n: int) -> None:
        try:
            with store.transaction() as tx:
                if n == 0:
                    first_inside.set()
                    time.sleep(0.3)  # the others arrive meanwhile and wait in line
                body(tx, n)
        except BaseException as exc:  # reported to the test
            raised[n] = exc
            return
        visible[n] = f"j{n}" in _committed(path)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    threads[0].start()
    assert first_inside.wait(5)
    for thread in threads[1:]:
        thread.start()
    for thread in threads:
        thread.join(30)
    return visible, raised


def test_concurrent_transactions_share_a_commit_and_return_after_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "group.sqlite3"
    store = SQLiteStore(str(path), durability="full")
    try:
        visible, raised = _concurrently(
            store, path, lambda tx, n: tx.insert_journey(_journey(f"j{n}"))
        )
        assert raised == {}
        assert visible == {n: True for n in range(THREADS)}, "returned before COMMIT"
        assert _committed(path) == {f"j{n}" for n in range(THREADS)}
        assert store.group_commit.units == THREADS
        # the first commits alone; the seven that queued behind it share far fewer COMMITs
        assert store.group_commit.commits <= 3, store.group_commit.commits
    finally:
        store.close()


def test_a_failing_transaction_leaves_the_rest_of_its_batch_committed(
    tmp_path: Path,
) -> None:
    path = tmp_path / "group.sqlite3"
    store = SQLiteStore(str(path), durability="full")

    def body(tx: StoreTransaction, n: int) -> None:
        tx.insert_journey(_journey(f"j{n}"))
        if n % 3 == 1:
            raise ValueError(f"unit {n} fails after writing")

    try:
        visible, raised = _concurrently(store, path, body)
        failing = {n for n in range(THREADS) if n % 3 == 1}
        assert set(raised) == failing
        assert all(isinstance(e, ValueError) for e in raised.values())
        kept = {f"j{n}" for n in range(THREADS) if n not in failing}
        assert _committed(path) == kept
        assert visible == {n: True for n in range(THREADS) if n not in failing}
        assert store.group_commit.units == len(kept)
    finally:
        store.close()


@pytest.mark.parametrize("durability", ["normal", "full"])
def test_a_transaction_inside_a_transaction_commits_with_it(
    tmp_path: Path, durability: str
) -> None:
    path = tmp_path / "nested.sqlite3"
    store = SQLiteStore(str(path), durability=durability)
    try:
        with store.transaction() as outer:
            outer.insert_journey(_journey("outer"))
            with pytest.raises(ValueError), store.transaction() as inner:
                inner.insert_journey(_journey("undone"))
                raise ValueError("inner fails")
            with store.transaction() as inner:
                inner.insert_journey(_journey("inner"))
            assert _committed(path) == set(), "nothing is visible before the COMMIT"
        assert _committed(path) == {"outer", "inner"}
        assert store.group_commit.commits == 1
    finally:
        store.close()


def test_at_normal_each_transaction_commits_on_its_own(tmp_path: Path) -> None:
    path = tmp_path / "normal.sqlite3"
    store = SQLiteStore(str(path), durability="normal")
    try:
        visible, raised = _concurrently(
            store, path, lambda tx, n: tx.insert_journey(_journey(f"j{n}"))
        )
        assert raised == {} and all(visible.values())
        assert store.group_commit.commits == store.group_commit.units == THREADS
    finally:
        store.close()


def test_on_the_event_loop_a_unit_waits_for_a_worker_without_holding_the_loop(
    tmp_path: Path,
) -> None:
    """A transaction run on the event loop (inline.py) while a worker thread holds the
    connection lets the loop run other work, then commits once the worker let go."""
    path = tmp_path / "inline.sqlite3"
    store = SQLiteStore(str(path), durability="normal")
    inside, release = threading.Event(), threading.Event()

    def worker() -> None:
        with store.transaction() as tx:
            tx.insert_journey(_journey("worker"))
            inside.set()
            release.wait(10)

    def on_loop() -> str:
        with store.transaction() as tx:
            tx.insert_journey(_journey("loop"))
        return "committed"

    async def scenario() -> tuple[str | None, list[str]]:
        ran: list[str] = []
        attempt = asyncio.ensure_future(Inline().run(on_loop))

        async def meanwhile() -> None:
            await asyncio.sleep(0.05)
            ran.append("other work")  # the loop was free while the unit waited
            assert not attempt.done()
            release.set()

        await meanwhile()
        return await attempt, ran

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        assert inside.wait(10)
        answer, ran = asyncio.run(scenario())
        thread.join(10)
        assert (answer, ran) == ("committed", ["other work"])
        assert _committed(path) == {"worker", "loop"}
    finally:
        release.set()
        store.close()


def test_on_the_event_loop_a_database_locked_by_another_process_is_not_waited_for(
    tmp_path: Path,
) -> None:
    """On the loop, BEGIN does not wait out the busy timeout: the attempt is handed back
    (to run on a worker thread) at once, and nothing of it was written."""
    path = tmp_path / "locked.sqlite3"
    store = SQLiteStore(str(path), durability="normal", busy_timeout_ms=5000)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")

    def on_loop() -> str:
        with store.transaction() as tx:
            tx.insert_journey(_journey("loop"))
        return "committed"

    try:
        began = time.monotonic()
        answer = asyncio.run(Inline().run(on_loop))
        waited = time.monotonic() - began
        assert answer is None and waited < 4.0  # handed back, not a 5 s wait
        other.execute("COMMIT")
        with store.transaction() as tx:  # a worker's unit waits and commits
            tx.insert_journey(_journey("worker"))
        assert _committed(path) == {"worker"}
    finally:
        other.close()
        store.close()


def test_at_full_a_unit_commits_on_the_event_loop_while_the_disk_syncs_fast(
    tmp_path: Path,
) -> None:
    """At FULL a transaction runs on the loop and commits itself there (no thread handoff)
    while COMMITs are cheap; once their moving average says the disk is slow, the attempt
    is handed back before anything is written, so it runs on a worker and shares fsyncs.
    """
    path = tmp_path / "adaptive.sqlite3"
    store = SQLiteStore(str(path), durability="full")

    def on_loop(journey_id: str) -> str:
        with store.transaction() as tx:
            tx.insert_journey(_journey(journey_id))
        return "committed"

    try:
        assert asyncio.run(Inline().run(on_loop, "fast")) == "committed"
        assert _committed(path) == {"fast"}  # on disk when the attempt returned
        assert 0 < store.group_commit.commit_seconds < CHEAP_COMMIT_SECONDS
        store.group_commit.commit_seconds = 10 * CHEAP_COMMIT_SECONDS  # a slow disk
        inline = Inline()
        assert asyncio.run(inline.run(on_loop, "slow")) is None
        assert _committed(path) == {"fast"}  # nothing of the attempt was applied
        # the route's next requests go straight to a worker, without trying the loop
        assert asyncio.run(inline.run(on_loop, "skipped")) is None
        assert on_loop("worker") == "committed"  # a worker's unit commits as before
        assert _committed(path) == {"fast", "worker"}
    finally:
        store.close()
