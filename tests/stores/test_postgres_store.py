"""What only the PostgreSQL store has: chosen by URL with no fallback, its schema version and
advisory-locked migrations, claims across connections, NOTIFY wake-ups, pool settings.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from jg_runtime.server.postgres import PostgresStore
from jg_runtime.server.settings import Settings
from jg_runtime.server.sqlite import SQLiteStore
from jg_runtime.server.storage import StoreConfigError, open_store
from jg_runtime.server.store import (
    JourneyRecord,
    ScheduleRecord,
    StoreUnavailableError,
    TimerRecord,
    utc_now,
)

from tests.support.paths import ROOT
from tests.support.postgres import terminate_connections


@pytest.fixture
def opened(pg_url: str) -> Iterator[Callable[..., PostgresStore]]:
    stores: list[PostgresStore] = []

    def open_one(**settings: Any) -> PostgresStore:
        store = open_store(Settings(store_path=pg_url, **settings))
        assert isinstance(store, PostgresStore)
        stores.append(store)
        return store

    yield open_one
    for store in stores:
        store.close()


def _journey(journey_id: str) -> JourneyRecord:
    now = utc_now()
    return JourneyRecord(journey_id, "pc", "Running", "wait", {}, now, now)


def _timer(journey_id: str, due: str = "2026-01-01T00:00:00.000Z") -> TimerRecord:
    return TimerRecord("pc", journey_id, (), "wait", "t1", "timer", due)


def test_both_url_schemes_open_postgres_and_a_path_opens_sqlite(
    pg_url: str, tmp_path: Path
) -> None:
    for url in (pg_url, pg_url.replace("postgresql://", "postgres://", 1)):
        store = open_store(Settings(store_path=url))
        assert isinstance(store, PostgresStore)
        store.close()
    sqlite = open_store(Settings(store_path=str(tmp_path / "j.sqlite3")))
    assert isinstance(sqlite, SQLiteStore)
    sqlite.close()


@pytest.mark.parametrize(
    ("target", "hint"),
    [
        ("postgresql:/db", "write it as postgresql://user@host:5432/database"),
        ("postgresq://u@h/db", "did you mean postgresql://"),
        ("mysql://u:secret@h/db", "use a file path for SQLite"),
        ("sqlite:///x.db", "use a file path for SQLite"),
    ],
)
def test_other_urls_are_refused_and_nothing_falls_back_to_sqlite(
    target: str, hint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(StoreConfigError, match=hint) as caught:
        open_store(Settings(store_path=target))
    assert "secret" not in str(caught.value)
    assert list(tmp_path.iterdir()) == []  # no SQLite file was created instead


def test_an_unreachable_database_is_a_clear_error_at_start() -> None:
    started = time.monotonic()
    with pytest.raises(StoreUnavailableError, match="cannot reach PostgreSQL at"):
        open_store(
            Settings(
                store_path="postgresql://postgres:pw@127.0.0.1:1/none",
                connect_timeout_seconds=2,
            )
        )
    assert time.monotonic() - started < 10


_MIGRATE = """
import sys, time
from tests.support.runtime import load_runtime
load_runtime()
from jg_runtime.server.postgres import PostgresStore
url, start = sys.argv[1], float(sys.argv[2])
while time.time() < start:
    pass
PostgresStore(url).close()
"""


def test_replicas_starting_at_once_on_an_empty_database_migrate_it_once(
    pg_url: str,
) -> None:
    start = str(time.time() + 2.5)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _MIGRATE, pg_url, start],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    errors = [p.communicate(timeout=60)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, errors
    with psycopg.connect(pg_url) as conn:
        versions = conn.execute("SELECT version FROM journeygen_schema").fetchall()
    assert versions == [(1,)]


def test_a_database_newer_than_the_server_is_refused(
    opened: Callable[..., PostgresStore], pg_url: str
) -> None:
    opened()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("INSERT INTO journeygen_schema (version) VALUES (99)")
    with pytest.raises(RuntimeError, match="schema is at version 99"):
        opened()


def test_a_due_timer_is_claimed_once_across_connections(
    opened: Callable[..., PostgresStore],
) -> None:
    stores = [opened() for _ in range(3)]
    with stores[0].transaction() as tx:
        for n in range(10):
            tx.insert_journey(_journey(f"j{n}"))
            tx.add_timer(_timer(f"j{n}"))
    claimed: list[str] = []
    lock = threading.Lock()

    def claim(i: int) -> None:
        while True:
            with stores[i % 3].transaction() as tx:
                timer = tx.claim_due_timer("pc", utc_now())
                if timer is None:
                    return
                time.sleep(0.005)  # the firing's work, holding the claim
            with lock:
                claimed.append(timer.journey_id)

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claimed) == sorted(f"j{n}" for n in range(10))


def test_a_held_journey_is_skipped_not_waited_for(
    opened: Callable[..., PostgresStore],
) -> None:
    first, second = opened(), opened()
    with first.transaction() as tx:
        tx.insert_journey(_journey("j1"))
        tx.add_timer(_timer("j1"))
    with first.transaction() as holder:
        holder.get_journey("j1")  # a transition in progress locks the journey
        started = time.monotonic()
        with second.transaction() as tx:
            assert tx.claim_due_timer("pc", utc_now()) is None
        assert time.monotonic() - started < 1
    with second.transaction() as tx:
        found = tx.claim_due_timer("pc", utc_now())
    assert found is not None and found.journey_id == "j1"


def test_a_due_schedule_is_claimed_by_one_transaction_at_a_time(
    opened: Callable[..., PostgresStore],
) -> None:
    first, second = opened(), opened()
    schedule = ScheduleRecord(
        "s1", "pc", None, "start", "PT1H", 3, "2026-01-01T00:00:00.000Z", {}
    )
    with first.transaction() as tx:
        tx.save_schedule(schedule)
    with first.transaction() as one:
        assert one.claim_due_schedule("pc", utc_now()) == schedule
        with second.transaction() as other:
            assert other.claim_due_schedule("pc", utc_now()) is None


def test_a_timer_added_on_one_replica_wakes_the_others(
    opened: Callable[..., PostgresStore],
) -> None:
    watcher, writer = opened(), opened()
    woken = threading.Event()
    watcher.watch("pc", woken.set)
    time.sleep(0.5)  # the listener connects and wakes once for what it may have missed
    woken.clear()
    with writer.transaction() as tx:
        tx.insert_journey(_journey("j1"))
        tx.add_timer(_timer("j1", "2999-01-01T00:00:00.000Z"))
        time.sleep(0.3)
        assert not woken.is_set()  # NOTIFY is delivered at commit, not before
    assert woken.wait(2)


def test_a_dropped_connection_fails_the_unit_of_work_and_commits_nothing(
    opened: Callable[..., PostgresStore], pg_url: str
) -> None:
    store = opened()
    with pytest.raises(StoreUnavailableError) as caught, store.transaction() as tx:
        tx.insert_journey(_journey("j1"))
        terminate_connections(pg_url)
        # swallowed by the caller: the transaction must still not commit
        with contextlib.suppress(StoreUnavailableError):
            tx.add_timer(_timer("j1"))
        tx.get_journey("j1")
    assert not caught.value.in_doubt
    assert store.get_journey("j1") is None  # a fresh, checked connection answers
    with store.transaction() as tx:
        tx.insert_journey(_journey("j1"))
    assert store.get_journey("j1") is not None


def test_pool_sizes_and_timeouts_come_from_the_environment(pg_url: str) -> None:
    env = {
        "PAY_STORE": pg_url,
        "PAY_POOL_MIN_SIZE": "2",
        "PAY_POOL_MAX_SIZE": "4",
        "PAY_POOL_TIMEOUT_SECONDS": "0.5",
        "PAY_CONNECT_TIMEOUT_SECONDS": "3",
    }
    settings = Settings.from_env("PAY", (), environ=env)
    assert (settings.pool_min_size, settings.pool_max_size) == (2, 4)
    store = open_store(settings)
    assert isinstance(store, PostgresStore)
    assert (store._pool.min_size, store._pool.max_size) == (2, 4)
    assert store._pool.timeout == 0.5
    store.close()
    defaults = Settings.from_env("PAY", (), environ={})
    assert (defaults.pool_min_size, defaults.pool_max_size) == (1, 10)
    with pytest.raises(ValueError, match="PAY_POOL_TIMEOUT_SECONDS must be"):
        Settings.from_env("PAY", (), environ={"PAY_POOL_TIMEOUT_SECONDS": "-1"})
