"""At synchronous=NORMAL a state-changing request runs on the event loop unless it would wait,
and nothing that waits ever holds the loop up.

Driven on the generated payment-callback package over real HTTP (uvicorn on 127.0.0.1, a real
SQLite file): a start whose handler is blocked in a sync `def` leaves every other request of
the server answering, callbacks included; an `async def` handler is still awaited on the
server's loop; another process holding the database's write lock delays the writes, not the
reads, and the delayed write lands once the lock is let go; concurrent journeys at NORMAL all
reach their outcome with every answered transition in the file.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
from payment_callback.handlers import AuthorizePaymentCall, TaskResult
from payment_callback.server import Settings, create_app

from tests.server.pc_support import SECRET, START, callback, start
from tests.support.live import LiveServer

WAIT = 10.0  # seconds a test waits for something that must happen


def _start_alone(url: str, body: dict[str, object]) -> str:
    with httpx.Client(base_url=url, timeout=WAIT) as client:
        return start(client, body)


def _callback_alone(url: str, journey_id: str) -> httpx.Response:
    with httpx.Client(base_url=url, timeout=WAIT) as client:
        return callback(client, journey_id, {"paymentId": "PAY-1", "status": "SUCCESS"})


def _settings(db_path: str) -> Settings:
    return Settings(
        store_path=db_path, durability="normal", api_keys={"payments-callback": SECRET}
    )


class BlockingHandlers:
    """A sync handler that blocks, for the payments it is told to, until released."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.entered = threading.Event()
        self.blocked: set[str] = set()

    def authorize_payment(self, call: AuthorizePaymentCall) -> TaskResult:
        if call.payment_id in self.blocked:
            self.entered.set()
            assert self.release.wait(WAIT)
        return TaskResult(status=200, ok=True, body={"authorized": call.payment_id})


def test_a_sync_handler_blocked_in_a_start_leaves_every_other_request_answering(
    live: Callable[..., LiveServer], db_path: str
) -> None:
    handlers = BlockingHandlers()
    running = live(create_app(handlers, settings=_settings(db_path)))
    with (
        httpx.Client(base_url=running.url + "/api/v1", timeout=WAIT) as client,
        ThreadPoolExecutor(1) as pool,
    ):
        first = start(client, START)
        handlers.blocked.add("PAY-SLOW")
        slow = pool.submit(
            _start_alone,
            running.url + "/api/v1",
            {**START, "paymentId": "PAY-SLOW"},
        )
        assert handlers.entered.wait(WAIT)
        # the slow start sits in its handler; the loop still answers a read, a callback
        # (a transaction of its own) and the result
        assert (
            client.get(f"/journeys/{first}").json()["currentState"] == "waitForCallback"
        )
        answer = callback(client, first, {"paymentId": "PAY-1", "status": "SUCCESS"})
        assert answer.status_code == 200, answer.text
        assert client.get(f"/journeys/{first}/result").json()["phase"] == "SUCCEEDED"
        assert not slow.done()
        handlers.release.set()
        slow_id = slow.result(WAIT)
    with sqlite3.connect(db_path) as conn:
        phases = dict(conn.execute("SELECT id, phase FROM journeys"))
    assert phases == {first: "Succeeded", slow_id: "Running"}


class AsyncHandlers:
    def __init__(self) -> None:
        self.loops: list[asyncio.AbstractEventLoop] = []

    async def authorize_payment(self, call: AuthorizePaymentCall) -> TaskResult:
        await asyncio.sleep(0.01)
        self.loops.append(asyncio.get_running_loop())
        return TaskResult(status=200, ok=True, body={"authorized": call.payment_id})


def test_an_async_handler_is_awaited_on_the_servers_loop_at_normal(
    live: Callable[..., LiveServer], db_path: str
) -> None:
    handlers = AsyncHandlers()
    app = create_app(handlers, settings=_settings(db_path))
    seen: list[asyncio.AbstractEventLoop] = []

    async def server_loop() -> dict[str, bool]:
        seen.append(asyncio.get_running_loop())
        return {"ok": True}

    app.add_api_route("/loop", server_loop)
    running = live(app)
    with httpx.Client(base_url=running.url + "/api/v1", timeout=WAIT) as client:
        journey_id = start(client, START)
        answer = callback(
            client, journey_id, {"paymentId": "PAY-1", "status": "SUCCESS"}
        )
        assert answer.status_code == 200, answer.text
        httpx.get(running.url + "/loop")
        outcome = client.get(f"/journeys/{journey_id}/result").json()
    assert outcome["phase"] == "SUCCEEDED"
    assert len(handlers.loops) == 1 and handlers.loops == seen


def test_another_process_holding_the_database_delays_writes_not_reads(
    live: Callable[..., LiveServer], db_path: str
) -> None:
    running = live(create_app(AsyncHandlers(), settings=_settings(db_path)))
    with (
        httpx.Client(base_url=running.url + "/api/v1", timeout=WAIT) as client,
        ThreadPoolExecutor(1) as pool,
    ):
        journey_id = start(client, START)
        other = sqlite3.connect(db_path, isolation_level=None)  # another process's
        other.execute("BEGIN IMMEDIATE")  # holds the write lock
        try:
            delayed = pool.submit(_callback_alone, running.url + "/api/v1", journey_id)
            time.sleep(0.3)  # the callback arrives and waits for the lock meanwhile
            # a read is answered while it waits (a loop stuck in the callback's BEGIN would
            # answer nothing before the 10 s busy timeout)
            for _ in range(5):
                status = client.get(f"/journeys/{journey_id}", timeout=3)
                assert status.json()["currentState"] == "waitForCallback"
            assert not delayed.done()
        finally:
            other.execute("COMMIT")
            other.close()
        answer = delayed.result(WAIT)
        assert answer.status_code == 200, answer.text
        assert (
            client.get(f"/journeys/{journey_id}/result").json()["phase"] == "SUCCEEDED"
        )


def test_concurrent_journeys_at_normal_each_reach_their_outcome_in_the_file(
    live: Callable[..., LiveServer], db_path: str
) -> None:
    running = live(create_app(BlockingHandlers(), settings=_settings(db_path)))
    url = running.url + "/api/v1"

    def journey(n: int) -> tuple[str, str]:
        status = "SUCCESS" if n % 3 else "FAILED"
        payment = f"PAY-{n}"
        with httpx.Client(base_url=url, timeout=WAIT) as client:
            journey_id = start(client, {**START, "paymentId": payment})
            answer = callback(
                client, journey_id, {"paymentId": payment, "status": status}
            )
            assert answer.status_code == 200, answer.text
            return journey_id, answer.json()["phase"]

    with ThreadPoolExecutor(8) as pool:
        answered = dict(pool.map(journey, range(60)))
    with sqlite3.connect(db_path) as conn:
        stored = dict(conn.execute("SELECT id, phase FROM journeys"))
        left = dict(
            conn.execute(
                "SELECT journey_id, COUNT(*) FROM history"
                " WHERE from_state = 'waitForCallback' GROUP BY journey_id"
            )
        )
    assert stored == answered
    assert sorted(answered.values()).count("Failed") == 20
    assert set(left) == set(answered) and set(left.values()) == {1}
