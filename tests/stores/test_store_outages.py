"""Failure behaviour on PostgreSQL: a database that goes away is answered 503 with
Retry-After (never 500, nothing applied) and the server is back to 2xx once it returns;
transient failures (dropped connections, deadlocks) are retried a bounded number of times.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from jg_runtime.server.outage import ATTEMPTS, retrying
from jg_runtime.server.problem import ProblemError
from jg_runtime.server.settings import Settings
from jg_runtime.server.storage import open_store
from jg_runtime.server.store import JourneyRecord, StoreUnavailableError, utc_now

from tests.server.pc_support import SECRET, START, callback
from tests.support.live import LiveServer
from tests.support.tcp_proxy import TcpProxy


def _flaky(failures: int, **error: Any) -> tuple[Callable[[], str], list[int]]:
    calls: list[int] = []

    def work() -> str:
        calls.append(1)
        if len(calls) <= failures:
            raise StoreUnavailableError("the database connection failed", **error)
        return "done"

    return work, calls


def test_transient_failures_are_retried_a_bounded_number_of_times() -> None:
    work, calls = _flaky(ATTEMPTS - 1)
    assert retrying(work, idempotent=False) == "done"
    assert len(calls) == ATTEMPTS
    work, calls = _flaky(100)
    with pytest.raises(ProblemError) as caught:
        retrying(work, idempotent=True)
    assert len(calls) == ATTEMPTS
    assert caught.value.status == 503
    assert caught.value.headers == {"Retry-After": "1"}


def test_an_in_doubt_commit_is_retried_only_for_deduplicated_work() -> None:
    work, calls = _flaky(1, in_doubt=True)
    with pytest.raises(ProblemError):
        retrying(work, idempotent=False)
    assert len(calls) == 1
    work, calls = _flaky(1, in_doubt=True)
    assert retrying(work, idempotent=True) == "done"
    work, calls = _flaky(1, retryable=False)  # the pool already waited its timeout
    with pytest.raises(ProblemError):
        retrying(work, idempotent=True)
    assert len(calls) == 1


def _journey(journey_id: str) -> JourneyRecord:
    now = utc_now()
    return JourneyRecord(journey_id, "pc", "Running", "wait", {}, now, now)


def test_a_deadlock_between_replicas_is_retried_and_both_commit(pg_url: str) -> None:
    stores = [open_store(Settings(store_path=pg_url)) for _ in range(2)]
    with stores[0].transaction() as tx:
        tx.insert_journey(_journey("a"))
        tx.insert_journey(_journey("b"))
    both_hold_one = threading.Barrier(2, timeout=5)
    attempts: list[str] = []

    def move(store: Any, first: str, second: str) -> str:
        def work() -> str:
            attempts.append(first)
            with store.transaction() as tx:
                tx.get_journey(first)  # locks `first`
                if len(attempts) <= 2:
                    both_hold_one.wait()
                tx.get_journey(second)  # waits for the other: a deadlock
            return first

        return retrying(work, idempotent=True)

    results: list[str] = []
    threads = [
        threading.Thread(target=lambda: results.append(move(stores[0], "a", "b"))),
        threading.Thread(target=lambda: results.append(move(stores[1], "b", "a"))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == ["a", "b"]
    assert len(attempts) == 3  # PostgreSQL gave one of them up; it ran again
    for store in stores:
        store.close()


@pytest.fixture
def proxied(pg_url: str) -> Iterator[tuple[str, TcpProxy]]:
    """The test database reached through a proxy the test can cut."""
    proxy = TcpProxy(("127.0.0.1", 5432))
    name = pg_url.rpartition("/")[2]
    yield f"postgresql://postgres@127.0.0.1:{proxy.port}/{name}", proxy
    proxy.close()


def test_an_unreachable_database_is_503_with_retry_after_then_back_to_2xx(
    proxied: tuple[str, TcpProxy], live: Callable[..., LiveServer]
) -> None:
    from payment_callback._runtime.server.storage import open_store as package_store
    from payment_callback.server import FakeHandlers, Settings, create_app

    url, proxy = proxied
    settings = Settings(
        store_path=url,
        api_keys={"payments-callback": SECRET},
        pool_timeout_seconds=1.0,
        connect_timeout_seconds=1,
    )
    store = package_store(settings)
    running = live(create_app(FakeHandlers(), store=store, settings=settings))
    with httpx.Client(base_url=running.url + "/api/v1", timeout=30) as client:
        start = client.post("/journeys/payment-callback/start", json=START)
        assert start.status_code == 200
        journey_id = start.json()["journeyId"]
        proxy.down()
        for reply in (
            client.post("/journeys/payment-callback/start", json=START),
            client.get(f"/journeys/{journey_id}"),
            callback(client, journey_id, {"paymentId": "PAY-1", "status": "SUCCESS"}),
        ):
            assert reply.status_code == 503, reply.text
            assert reply.headers["retry-after"] == "1"
            assert reply.headers["content-type"].startswith("application/problem+json")
            assert "try again" in reply.json()["detail"]
        proxy.up()
        back = time.monotonic()
        while (reply := client.get(f"/journeys/{journey_id}")).status_code != 200:
            assert reply.status_code == 503
            assert time.monotonic() - back < 5
            time.sleep(0.1)
        assert reply.json()["currentState"] == "waitForCallback"  # nothing was applied
        done = callback(client, journey_id, {"paymentId": "PAY-1", "status": "SUCCESS"})
        assert done.status_code == 200 and done.json()["phase"] == "Succeeded"
    store.close()
