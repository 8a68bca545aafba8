"""The store contract, on SQLite and on PostgreSQL (`store_target`): persistence, insert-first
dedup, atomic event + transition, crash recovery; then what only SQLite has (WAL, PRAGMAs).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest
from jg_runtime.server.settings import Settings
from jg_runtime.server.sqlite import SQLiteStore
from jg_runtime.server.storage import open_store
from jg_runtime.server.store import (
    EventReceipt,
    EventRecord,
    JourneyRecord,
    StaleVersionError,
    Transition,
    body_hash,
    utc_now,
)


def _journey(journey_id: str = "j1", state: str = "waitForCallback") -> JourneyRecord:
    now = utc_now()
    return JourneyRecord(
        id=journey_id,
        name="payment-callback",
        phase="Running",
        current_state=state,
        context={"paymentId": "ORDER-1", "amount": 10.5},
        created_at=now,
        updated_at=now,
    )


@pytest.fixture
def open_target(store_target: str) -> Iterator[Callable[[], Any]]:
    """Open the store `store_target` names, as the server does; all closed at teardown."""
    opened: list[Any] = []

    def open_one() -> Any:
        opened.append(open_store(Settings(store_path=store_target)))
        return opened[-1]

    yield open_one
    for store in opened:
        store.close()


def _event(event_id: str, body: bytes = b'{"a":1}') -> EventRecord:
    return EventRecord(
        source="appypay",
        event_id=event_id,
        body=body,
        body_hash=body_hash(body),
        correlation_key="ORDER-1",
    )


def test_journey_round_trips_through_a_reopened_store(
    open_target: Callable[[], Any],
) -> None:
    store = open_target()
    original = _journey()
    with store.transaction() as tx:
        tx.insert_journey(original)
        tx.add_history(
            "j1", [Transition(None, "authorize"), Transition("authorize", "wait")]
        )
        tx.add_correlation("payment-callback:paymentId", "ORDER-1", "j1")
    store.close()

    reopened = open_target()
    assert reopened.get_journey("j1") == original
    assert [t.to_state for t in reopened.history("j1")] == ["authorize", "wait"]
    with reopened.transaction() as tx:
        assert tx.find_correlated("payment-callback:paymentId", "ORDER-1") == "j1"
        assert tx.find_correlated("payment-callback:paymentId", "ORDER-2") is None


def test_the_sqlite_file_is_in_wal_mode(db_path: str) -> None:
    SQLiteStore(db_path).close()
    journal = sqlite3.connect(db_path).execute("PRAGMA journal_mode").fetchone()[0]
    assert journal == "wal"


def test_stale_version_is_refused(open_target: Callable[[], Any]) -> None:
    store = open_target()
    with store.transaction() as tx:
        tx.insert_journey(_journey())
    moved = replace(_journey(), version=2, phase="Succeeded")
    with store.transaction() as tx:
        tx.update_journey(moved, expected_version=1)
    with pytest.raises(StaleVersionError), store.transaction() as tx:
        tx.update_journey(moved, expected_version=1)
    assert store.get_journey("j1").phase == "Succeeded"  # type: ignore[union-attr]


def test_event_dedup_reports_duplicate_and_conflict(
    open_target: Callable[[], Any],
) -> None:
    store = open_target()
    with store.transaction() as tx:
        assert tx.record_event(_event("e1")) is EventReceipt.NEW
        assert tx.record_event(_event("e1")) is EventReceipt.UNPROCESSED
        tx.mark_event(
            "appypay", "e1", outcome="delivered", processed=True, journey_id="j1"
        )
        assert tx.record_event(_event("e1")) is EventReceipt.DUPLICATE
        assert tx.record_event(_event("e1", b'{"a":2}')) is EventReceipt.CONFLICT
    stored = store.get_event("appypay", "e1")
    assert stored is not None
    assert (stored.processed, stored.outcome, stored.journey_id) == (
        True,
        "delivered",
        "j1",
    )
    assert stored.body == b'{"a":1}'


def test_crash_after_event_insert_loses_nothing_and_redelivery_is_processed(
    open_target: Callable[[], Any],
) -> None:
    store = open_target()
    with store.transaction() as tx:
        tx.insert_journey(_journey())

    def deliver(crash: bool) -> EventReceipt:
        with store.transaction() as tx:
            receipt = tx.record_event(_event("e1"))
            if crash:
                raise RuntimeError("process died before the transition committed")
            done = replace(_journey(), version=2)
            tx.update_journey(done, expected_version=1)
            tx.add_history("j1", [Transition("waitForCallback", "captured", "e1")])
            tx.mark_event("appypay", "e1", outcome="delivered", processed=True)
            return receipt

    with pytest.raises(RuntimeError):
        deliver(crash=True)
    assert store.get_event("appypay", "e1") is None
    assert store.history("j1") == []
    assert deliver(crash=False) is EventReceipt.NEW
    assert [t.event_id for t in store.history("j1")] == ["e1"]


def test_concurrent_inserts_of_one_event_admit_exactly_one(
    open_target: Callable[[], Any],
) -> None:
    stores = [open_target() for _ in range(4)]  # several connections, like replicas
    receipts: list[EventReceipt] = []
    lock = threading.Lock()

    def insert(i: int) -> None:
        with stores[i % 4].transaction() as tx:
            receipt = tx.record_event(_event("same"))
            if receipt is EventReceipt.NEW:
                tx.mark_event("appypay", "same", outcome="done", processed=True)
        with lock:
            receipts.append(receipt)

    threads = [threading.Thread(target=insert, args=(i,)) for i in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert receipts.count(EventReceipt.NEW) == 1
    assert receipts.count(EventReceipt.DUPLICATE) == 49


@pytest.mark.parametrize(("durability", "level"), [("full", 2), ("normal", 1)])
def test_the_store_syncs_every_commit_unless_told_otherwise(
    db_path: str, durability: str, level: int
) -> None:
    """`full` (the default) puts each commit on disk before the answer; `normal` trades the
    last commits before a power loss for speed. SQLite reports FULL as 2 and NORMAL as 1.
    """
    store = (
        SQLiteStore(db_path)
        if durability == "full"
        else SQLiteStore(db_path, durability=durability)
    )
    assert store._conn.execute("PRAGMA synchronous").fetchone()[0] == level
    assert store._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_durability_comes_from_the_env_and_bad_values_are_refused() -> None:
    from jg_runtime.server.settings import Settings

    assert Settings().durability == "full"
    env = {"PAY_DURABILITY": "Normal"}
    assert Settings.from_env("PAY", (), environ=env).durability == "normal"
    with pytest.raises(ValueError, match="PAY_DURABILITY must be one of full, normal"):
        Settings.from_env("PAY", (), environ={"PAY_DURABILITY": "off"})
    with pytest.raises(ValueError, match="durability must be"):
        SQLiteStore(":memory:", durability="off")


def test_utc_now_is_rfc3339_utc_with_milliseconds_and_the_current_time() -> None:
    from datetime import UTC, datetime, timedelta

    before = datetime.now(UTC)
    stamp = utc_now()
    after = datetime.now(UTC)
    assert len(stamp) == 24 and stamp.endswith("Z") and stamp[10] == "T", stamp
    parsed = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    slack = timedelta(milliseconds=1)
    assert (
        before.replace(microsecond=before.microsecond // 1000 * 1000) - slack <= parsed
    )
    assert parsed <= after + slack
