"""Idempotent start of the GENERATED payment-callback server: a retried start with the same
Idempotency-Key never makes a second journey, across a restart and across two processes, on
each store (`db_path`: a SQLite file at synchronous=FULL, the same at NORMAL, where a start's
transaction runs on the event loop, then a PostgreSQL database).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from payment_callback import JourneyStore
from payment_callback._runtime.server.storage import open_store
from payment_callback.server import FakeHandlers, Settings, create_app

from tests.server.pc_support import PROBLEM, START
from tests.support.live import LiveServer, free_port
from tests.support.postgres import fresh_database

START_PATH = "/api/v1/journeys/payment-callback/start"
Launch = Callable[..., tuple[httpx.Client, FakeHandlers]]


@pytest.fixture(params=["sqlite", "sqlite-normal", "postgres"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """The store every test here runs on, and its durability: each kind in turn."""
    if request.param == "postgres":
        with fresh_database() as url:
            yield url, "full"
        return
    durability = "normal" if request.param == "sqlite-normal" else "full"
    yield str(tmp_path / "journeys.sqlite3"), durability


@pytest.fixture
def db_path(target: tuple[str, str]) -> str:
    return target[0]


@pytest.fixture
def durability(target: tuple[str, str]) -> str:
    return target[1]


@pytest.fixture
def launch(
    live: Callable[..., LiveServer], db_path: str, durability: str
) -> Iterator[Callable[..., tuple[httpx.Client, FakeHandlers]]]:
    clients: list[httpx.Client] = []
    stores: list[JourneyStore] = []

    def start(**settings: Any) -> tuple[httpx.Client, FakeHandlers]:
        handlers = FakeHandlers()
        store = open_store(Settings(store_path=db_path, durability=durability))
        stores.append(store)
        app = create_app(
            handlers,
            store=store,
            settings=Settings(store_path=db_path, durability=durability, **settings),
        )
        client = httpx.Client(base_url=live(app).url, timeout=30)
        clients.append(client)
        return client, handlers

    yield start
    for client in clients:
        client.close()
    for store in stores:
        store.close()


def _journeys(db_path: str) -> int:
    if db_path.startswith("postgresql://"):
        with psycopg.connect(db_path) as pg:
            row = pg.execute("SELECT COUNT(*) FROM journeys").fetchone()
        assert row is not None
        return int(row[0])
    with sqlite3.connect(db_path) as conn:
        count: int = conn.execute("SELECT COUNT(*) FROM journeys").fetchone()[0]
    return count


def _start(client: httpx.Client, key: str, body: Any = START) -> httpx.Response:
    return client.post(START_PATH, json=body, headers={"Idempotency-Key": key})


def test_a_retry_with_the_same_key_answers_the_first_journey_again(
    launch: Launch, db_path: str
) -> None:
    client, handlers = launch()
    first = _start(client, "order-1")
    assert first.status_code == 200, first.text
    # The same JSON value spelt differently (member order, 1500 for 1500.0) is the same body.
    again = _start(
        client, "order-1", {"currency": "AOA", "amount": 1500, "paymentId": "PAY-1"}
    )
    assert (again.status_code, again.content) == (first.status_code, first.content)
    assert _journeys(db_path) == 1
    assert len(handlers.calls) == 1
    other = _start(client, "order-2")
    assert other.json()["journeyId"] != first.json()["journeyId"]
    assert _journeys(db_path) == 2


def test_the_same_key_with_another_body_is_422(launch: Launch, db_path: str) -> None:
    client, _ = launch()
    assert _start(client, "order-1").status_code == 200
    reused = _start(client, "order-1", {**START, "amount": 99.0})
    assert reused.status_code == 422, reused.text
    assert reused.headers["content-type"].startswith(PROBLEM)
    assert reused.json()["type"] == "urn:journeygen:problem:idempotency-key-reused"
    assert _journeys(db_path) == 1


def test_an_unusable_key_is_400_and_starts_nothing(
    launch: Launch, db_path: str
) -> None:
    client, _ = launch()
    response = _start(client, "k" * 300)
    assert response.status_code == 400, response.text
    assert response.json()["type"] == "urn:journeygen:problem:invalid-idempotency-key"
    assert _journeys(db_path) == 0


def test_concurrent_retries_make_one_journey(launch: Launch, db_path: str) -> None:
    client, _ = launch()
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(lambda _: _start(client, "burst"), range(32)))
    assert {a.status_code for a in answers} == {200}
    assert len({a.json()["journeyId"] for a in answers}) == 1
    assert _journeys(db_path) == 1


def test_a_key_survives_a_restart(
    launch: Launch, db_path: str, live: Callable[..., LiveServer]
) -> None:
    client, _ = launch()
    first = _start(client, "order-1")
    client.close()
    restarted, handlers = launch()
    again = _start(restarted, "order-1")
    assert again.content == first.content
    assert handlers.calls == []
    assert _journeys(db_path) == 1


def test_an_expired_key_starts_a_new_journey(launch: Launch, db_path: str) -> None:
    client, _ = launch(idempotency_ttl_seconds=1)
    first = _start(client, "order-1").json()["journeyId"]
    time.sleep(1.2)
    second = _start(client, "order-1", {**START, "amount": 2.0})
    assert second.status_code == 200, second.text
    assert second.json()["journeyId"] != first
    assert _journeys(db_path) == 2


def _serve(db_path: str, durability: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "PAYMENT_CALLBACK_STORE": db_path,
        "PAYMENT_CALLBACK_DURABILITY": durability,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "payment_callback.server",
            "--fake",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(url + "/api/v1/journeys/none", timeout=1)
            return process, url
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not start")


def test_two_processes_on_one_store_make_one_journey_per_key(
    db_path: str, durability: str
) -> None:
    # at NORMAL a start meeting the other process's write lock waits for it on a worker
    servers = [_serve(db_path, durability) for _ in range(2)]
    try:
        clients = [httpx.Client(base_url=url, timeout=30) for _, url in servers]

        def retry(n: int) -> httpx.Response:
            # Every key is sent to both processes, interleaved.
            return _start(clients[(n // 4) % 2], f"key-{n % 4}")

        with ThreadPoolExecutor(max_workers=16) as pool:
            answers = list(pool.map(retry, range(40)))
        assert {a.status_code for a in answers} == {200}
        by_key: dict[str, set[str]] = {}
        for n, answer in enumerate(answers):
            by_key.setdefault(f"key-{n % 4}", set()).add(answer.json()["journeyId"])
        assert all(len(ids) == 1 for ids in by_key.values())
        assert _journeys(db_path) == 4
        for client in clients:
            client.close()
    finally:
        for process, _ in servers:
            process.terminate()
            process.wait(10)
