"""Idempotency keys on SQLite and on PostgreSQL (`store_target`): insert-first claim, the
holder returned, expiry, restart, processes (replicas) agreeing on one holder."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from jg_runtime.server.settings import Settings
from jg_runtime.server.storage import open_store
from jg_runtime.server.store import IdempotencyRecord

_OPENED: list[Any] = []


def _open(target: str) -> Any:
    """The store `target` names (a SQLite file or a PostgreSQL URL), as the server opens it."""
    _OPENED.append(open_store(Settings(store_path=target)))
    return _OPENED[-1]


@pytest.fixture(autouse=True)
def _close_stores(store_target: str) -> Iterator[None]:
    yield
    while _OPENED:
        _OPENED.pop().close()


def _record(
    key: str = "k1",
    request_hash: str = "h1",
    journey_id: str = "j1",
    created_at: str = "2026-01-01T00:00:00.000Z",
    expires_at: str = "2026-01-02T00:00:00.000Z",
) -> IdempotencyRecord:
    return IdempotencyRecord(
        scope="start:payment-callback",
        key=key,
        request_hash=request_hash,
        status_code=200,
        response=b'{"journeyId":"' + journey_id.encode() + b'"}',
        journey_id=journey_id,
        created_at=created_at,
        expires_at=expires_at,
    )


def test_first_claim_wins_and_a_second_claim_gets_the_holder(store_target: str) -> None:
    store = _open(store_target)
    first = _record()
    with store.transaction() as tx:
        assert tx.claim_idempotency_key(first) is None
    with store.transaction() as tx:
        holder = tx.claim_idempotency_key(_record(request_hash="h2", journey_id="j2"))
    assert holder == first
    assert store.get_idempotency_key(first.scope, "k1") == first
    assert store.get_idempotency_key(first.scope, "other") is None


def test_a_claim_rolled_back_with_its_transaction_leaves_the_key_free(
    store_target: str,
) -> None:
    store = _open(store_target)
    try:
        with store.transaction() as tx:
            tx.claim_idempotency_key(_record())
            raise RuntimeError("crash before commit")
    except RuntimeError:
        pass
    assert store.get_idempotency_key("start:payment-callback", "k1") is None


def test_an_expired_key_is_claimed_afresh_and_purged(store_target: str) -> None:
    store = _open(store_target)
    with store.transaction() as tx:
        tx.claim_idempotency_key(_record())
        tx.claim_idempotency_key(_record(key="k2"))
    later = _record(
        request_hash="h2",
        journey_id="j2",
        created_at="2026-01-02T00:00:00.000Z",
        expires_at="2026-01-03T00:00:00.000Z",
    )
    with store.transaction() as tx:
        assert tx.claim_idempotency_key(later) is None
    assert store.get_idempotency_key(later.scope, "k1") == later
    with store.transaction() as tx:
        assert tx.purge_idempotency_keys("2026-01-02T00:00:00.000Z") == 1
    assert store.get_idempotency_key(later.scope, "k2") is None
    assert store.get_idempotency_key(later.scope, "k1") == later


def test_a_key_survives_reopening_the_file(store_target: str) -> None:
    store = _open(store_target)
    with store.transaction() as tx:
        tx.claim_idempotency_key(_record())
    store.close()
    reopened = _open(store_target)
    with reopened.transaction() as tx:
        holder = tx.claim_idempotency_key(replace(_record(), journey_id="j9"))
    assert holder is not None and holder.journey_id == "j1"


def _claim(path: str, journey_id: str, results: multiprocessing.Queue[str]) -> None:
    store = _open(path)
    with store.transaction() as tx:
        holder = tx.claim_idempotency_key(_record(journey_id=journey_id))
    store.close()
    results.put(journey_id if holder is None else f"held:{holder.journey_id}")


def test_two_processes_claiming_one_key_agree_on_one_holder(store_target: str) -> None:
    _open(store_target).close()
    ctx = multiprocessing.get_context("fork")
    results: multiprocessing.Queue[str] = ctx.Queue()
    procs = [
        ctx.Process(target=_claim, args=(store_target, f"j{n}", results))
        for n in range(4)
    ]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(30)
    answers = sorted(results.get(timeout=5) for _ in procs)
    winners = [a for a in answers if not a.startswith("held:")]
    assert len(winners) == 1
    assert answers.count(f"held:{winners[0]}") == 3
