"""SIGKILL the GENERATED payment-callback server under concurrent load; nothing acknowledged is lost.

The real `python -m payment_callback.server` runs on one SQLite file. Client threads start
journeys (each with its own Idempotency-Key) and deliver an AppyPay Success event for each,
retrying a request with the same key or event id until it is answered, as a real client and
provider do, while the server is killed with SIGKILL and restarted again and again. Afterwards
every acknowledged start is one journey (a retry across a crash never made a second one), every
acknowledged event is stored processed, and no journey left its waiting step twice.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.support.live import free_port

SECRET = "crash-secret-1"
START_PATH = "/api/v1/journeys/payment-callback/start"
KILLS = 5
WORKERS = 6
RUN_SECONDS = 5.0


@dataclass
class Ledger:
    """What the server acknowledged, per client thread."""

    journeys: dict[str, str] = field(
        default_factory=dict
    )  # idempotency key -> journey id
    events: dict[str, str] = field(default_factory=dict)  # event id -> answered status
    retries: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class Server:
    """The package's own server process, restartable on one port and one store."""

    def __init__(self, db_path: str, durability: str = "full") -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "PAYMENT_CALLBACK_STORE": db_path,
            "PAYMENT_CALLBACK_API_KEY_PAYMENTS_CALLBACK": SECRET,
            "PAYMENT_CALLBACK_DURABILITY": durability,
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "payment_callback.server", "--fake"]
        self.process = subprocess.Popen(
            [*command, "--port", str(self.port)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(self.url + "/api/v1/journeys/none", timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError("server did not start")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)


def _until_answered(
    client: httpx.Client,
    ledger: Ledger,
    stop: threading.Event,
    path: str,
    body: dict[str, object],
    headers: dict[str, str],
) -> httpx.Response | None:
    """Post until answered: the same request again (same key, same event id) after a crash."""
    while True:
        try:
            response = client.post(path, json=body, headers=headers)
        except httpx.TransportError:
            with ledger.lock:
                ledger.retries += 1
            if stop.is_set():
                return None
            time.sleep(0.1)
            continue
        return response


def _work(
    url: str,
    worker: int,
    ledger: Ledger,
    stop: threading.Event,
    give_up: threading.Event,
) -> None:
    with httpx.Client(base_url=url, timeout=10) as client:
        n = 0
        while not stop.is_set():
            n += 1
            key, payment = f"w{worker}-{n}", f"PAY-{worker}-{n}"
            body: dict[str, object] = {
                "paymentId": payment,
                "amount": 10.0,
                "currency": "AOA",
            }
            started = _until_answered(
                client, ledger, give_up, START_PATH, body, {"Idempotency-Key": key}
            )
            if started is None:
                return
            assert started.status_code == 200, started.text
            with ledger.lock:
                ledger.journeys[key] = started.json()["journeyId"]
            event: dict[str, object] = {
                "id": f"evt-{key}",
                "merchantTransactionId": payment,
                "type": "Charge",
                "status": "Success",
                "amount": 10.0,
                "currency": "AOA",
            }
            delivered = _until_answered(
                client,
                ledger,
                give_up,
                "/webhooks/appypay",
                event,
                {"X-Webhook-Secret": SECRET},
            )
            if delivered is None:
                return
            assert delivered.status_code == 200, delivered.text
            with ledger.lock:
                ledger.events[f"evt-{key}"] = delivered.json()["status"]


@pytest.mark.parametrize("durability", ["full", "normal"])
def test_sigkill_under_load_loses_nothing_acknowledged(
    tmp_path: Path, durability: str
) -> None:
    """At NORMAL too (a commit survives a crash of the process), where the transitions run
    on the event loop."""
    db_path = str(tmp_path / "crash.sqlite3")
    server = Server(db_path, durability)
    server.start()
    ledger, stop, give_up = Ledger(), threading.Event(), threading.Event()
    workers = [
        threading.Thread(target=_work, args=(server.url, n, ledger, stop, give_up))
        for n in range(WORKERS)
    ]
    for worker in workers:
        worker.start()
    try:
        for _ in range(KILLS):
            time.sleep(RUN_SECONDS / KILLS)
            server.kill()
            server.start()
        stop.set()
        for worker in workers:
            worker.join(60)
    finally:
        give_up.set()
        server.kill()
    assert not any(w.is_alive() for w in workers)

    with sqlite3.connect(db_path) as conn:
        journeys = dict(conn.execute("SELECT id, phase FROM journeys").fetchall())
        keys = dict(
            conn.execute("SELECT key, journey_id FROM idempotency_keys").fetchall()
        )
        events = dict(
            conn.execute(
                "SELECT event_id, processed FROM events WHERE source = 'appypay'"
            ).fetchall()
        )
        left = conn.execute(
            "SELECT journey_id, COUNT(*) FROM history"
            " WHERE from_state = 'waitForCallback' GROUP BY journey_id"
        ).fetchall()
    acknowledged = set(ledger.journeys.values())
    assert len(acknowledged) == len(ledger.journeys), "one journey per key"
    assert acknowledged <= set(journeys), "an acknowledged journey was lost"
    for key, journey_id in ledger.journeys.items():
        assert keys[key] == journey_id
    # A start can commit and be killed before its answer; its retry got the same journey, so
    # the store holds at most one journey per key the clients sent (the last may be unanswered).
    assert len(journeys) <= len(ledger.journeys) + WORKERS
    for event_id, status in ledger.events.items():
        assert status in ("processed", "already_processed"), status
        assert events[event_id] == 1, f"{event_id} acknowledged but not processed"
        journey_id = ledger.journeys[event_id.removeprefix("evt-")]
        assert journeys[journey_id] == "Succeeded"
    assert all(count == 1 for _, count in left), "a journey left its step twice"
    print(
        f"\ncrash test: {KILLS} SIGKILLs, {len(ledger.journeys)} starts and "
        f"{len(ledger.events)} events acknowledged, {ledger.retries} retried requests, "
        f"{len(journeys)} journeys stored"
    )
    assert len(ledger.events) > 20 and ledger.retries > 0


def _callbacks_until_killed(
    url: str, acked: dict[str, str], lock: threading.Lock, stop: threading.Event
) -> None:
    """Start journeys and post their callbacks until the server dies; record each answer."""
    with httpx.Client(base_url=url, timeout=10) as client:
        n = 0
        while not stop.is_set():
            n += 1
            body = {"paymentId": f"PAY-{threading.get_ident()}-{n}", "amount": 1.0}
            try:
                started = client.post(START_PATH, json={**body, "currency": "AOA"})
                journey_id = started.json()["journeyId"]
                with lock:
                    acked[journey_id] = "started"
                answered = client.post(
                    f"/api/v1/journeys/{journey_id}/steps/waitForCallback",
                    json={"paymentId": body["paymentId"], "status": "SUCCESS"},
                    headers={"X-Webhook-Secret": SECRET},
                )
            except httpx.TransportError:
                return  # killed
            assert answered.status_code == 200, answered.text
            with lock:
                acked[journey_id] = answered.json()["phase"]


@pytest.mark.parametrize("durability", ["full", "normal"])
def test_sigkill_under_concurrent_callbacks_keeps_every_acknowledged_transition(
    tmp_path: Path, durability: str
) -> None:
    # At synchronous=FULL concurrent transitions share one COMMIT (group commit); each is
    # answered only after it, so whatever a client saw answered is in the file after SIGKILL.
    # At NORMAL each callback commits on the event loop before its answer: the same holds.
    db_path = str(tmp_path / "group.sqlite3")
    server = Server(db_path, durability)
    server.start()
    acked: dict[str, str] = {}
    lock, stop = threading.Lock(), threading.Event()
    workers = [
        threading.Thread(
            target=_callbacks_until_killed, args=(server.url, acked, lock, stop)
        )
        for _ in range(8)
    ]
    for worker in workers:
        worker.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with lock:
            moved = sum(1 for phase in acked.values() if phase == "Succeeded")
        if moved >= 150:
            break
        time.sleep(0.02)
    server.kill()  # mid-flight: 8 clients have requests in the server
    stop.set()
    for worker in workers:
        worker.join(30)
    assert moved >= 150, f"only {moved} callbacks answered in 30 s"

    with sqlite3.connect(db_path) as conn:
        phases = dict(conn.execute("SELECT id, phase FROM journeys").fetchall())
        left = {
            row[0]
            for row in conn.execute(
                "SELECT journey_id FROM history WHERE from_state = 'waitForCallback'"
            )
        }
    with lock:
        answered = dict(acked)
    assert set(answered) <= set(phases), "an acknowledged start was lost"
    succeeded = {j for j, phase in answered.items() if phase == "Succeeded"}
    assert len(succeeded) >= 150
    lost = {j for j in succeeded if phases[j] != "Succeeded" or j not in left}
    assert not lost, f"{len(lost)} acknowledged transitions lost"
