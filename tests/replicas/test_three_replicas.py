"""Three replicas of the generated server, separate uvicorn processes, on one fresh PostgreSQL
database: the guarantees a team behind a load balancer relies on."""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psycopg

from tests.replicas.support import (
    API,
    Replica,
    callback,
    deliver,
    replicas,
    rng,
    seed,
    start_journey,
    webhook,
)
from tests.support.engine import generate_case
from tests.support.paths import CORPUS
from tests.support.postgres import terminate_connections


def _clients(running: list[Replica]) -> list[httpx.Client]:
    limits = httpx.Limits(max_connections=40)
    return [httpx.Client(base_url=r.url, timeout=30, limits=limits) for r in running]


def _moves(pg_url: str, journey_id: str) -> int:
    with psycopg.connect(pg_url) as conn:
        row = conn.execute(
            "SELECT COUNT(*) FROM history WHERE journey_id = %s"
            " AND from_state = 'waitForCallback'",
            (journey_id,),
        ).fetchone()
    assert row is not None
    return int(row[0])


def test_duplicate_webhooks_spread_over_replicas_make_one_transition(
    pg_url: str, tmp_path: Path
) -> None:
    print(f"seed {seed()}")
    pick = rng()
    with replicas(3, pg_url, tmp_path) as running:
        clients = _clients(running)
        journeys = {}
        for n in range(6):
            payment = f"PAY-{n}"
            journey_id = start_journey(clients[n % 3], payment)
            # read-your-writes: the start is visible on every replica at once
            for client in clients:
                assert client.get(f"{API}/journeys/{journey_id}").status_code == 200
            journeys[payment] = journey_id
        sends = [
            (pick.randrange(3), payment) for payment in journeys for _ in range(10)
        ]
        pick.shuffle(sends)
        with ThreadPoolExecutor(max_workers=30) as pool:
            replies = list(
                pool.map(
                    lambda s: deliver(clients[s[0]], webhook(s[1], f"evt-{s[1]}")),
                    sends,
                )
            )
        assert Counter(r.status_code for r in replies) == {200: len(sends)}
        answers = Counter(r.json()["status"] for r in replies)
        assert answers == {"processed": 6, "already_processed": 54}
        # the default pools (10 a replica, plus one listening) stay far below
        # PostgreSQL's default max_connections (100)
        with psycopg.connect(pg_url) as conn:
            held = conn.execute(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND application_name = 'journeygen'"
            ).fetchone()
        assert held is not None and held[0] <= 3 * 11
        print(f"3 replicas after 60 concurrent deliveries hold {held[0]} connections")
        for journey_id in journeys.values():
            assert _moves(pg_url, journey_id) == 1
            for client in clients:
                body = client.get(f"{API}/journeys/{journey_id}").json()
                assert body["phase"] == "Succeeded"
        for client in clients:
            client.close()


def test_a_callback_and_a_webhook_racing_from_two_replicas_have_one_winner(
    pg_url: str, tmp_path: Path
) -> None:
    print(f"seed {seed()}")
    pick = rng()
    with replicas(3, pg_url, tmp_path) as running:
        clients = _clients(running)
        races = []
        for n in range(12):
            payment = f"PAY-{n}"
            a, b = pick.sample(range(3), 2)
            races.append((payment, start_journey(clients[a], payment), a, b))

        def race(item: tuple[str, str, int, int]) -> tuple[int, int]:
            payment, journey_id, a, b = item
            barrier = threading.Barrier(2)

            def step() -> int:
                barrier.wait()
                return callback(
                    clients[a], journey_id, payment, f"k-{payment}"
                ).status_code

            def hook() -> int:
                barrier.wait()
                return deliver(
                    clients[b], webhook(payment, f"evt-{payment}")
                ).status_code

            with ThreadPoolExecutor(max_workers=2) as pool:
                s, h = pool.submit(step), pool.submit(hook)
                return s.result(), h.result()

        with ThreadPoolExecutor(max_workers=12) as pool:
            results = list(pool.map(race, races))
        for (payment, journey_id, a, b), (s, h) in zip(races, results, strict=True):
            assert s < 500 and h < 500, (s, h)
            assert 200 in (s, h), (s, h)  # somebody won
            assert _moves(pg_url, journey_id) == 1  # and only one moved the journey
            # the step replayed with its key on another replica: the same answer
            other = clients[3 - a - b]
            replay = callback(other, journey_id, payment, f"k-{payment}")
            assert replay.status_code in (200, 409) and (replay.status_code == 200) == (
                s == 200
            )
        # a start replayed with its Idempotency-Key on every replica at once: one journey
        body = {"paymentId": "PAY-KEYED", "amount": 1.0, "currency": "AOA"}
        with ThreadPoolExecutor(max_workers=9) as pool:
            starts = list(
                pool.map(
                    lambda n: clients[n % 3].post(
                        f"{API}/journeys/payment-callback/start",
                        json=body,
                        headers={"Idempotency-Key": "start-key-1"},
                    ),
                    range(9),
                )
            )
        assert {r.status_code for r in starts} == {200}
        assert len({r.json()["journeyId"] for r in starts}) == 1
        for client in clients:
            client.close()


def test_sigkill_of_a_replica_under_load_loses_nothing_acknowledged(
    pg_url: str, tmp_path: Path
) -> None:
    print(f"seed {seed()}")
    pick = rng()
    acknowledged: dict[str, str] = {}  # journey id -> phase answered 2xx
    statuses: Counter[int | str] = Counter()
    lock = threading.Lock()
    with replicas(3, pg_url, tmp_path) as running:
        clients = _clients(running)
        stop_at = time.monotonic() + 4.0

        def work(worker: int) -> None:
            n = 0
            while time.monotonic() < stop_at:
                n += 1
                client = clients[pick.randrange(3) if worker % 2 else worker % 3]
                payment = f"PAY-{worker}-{n}"
                try:
                    reply = client.post(
                        f"{API}/journeys/payment-callback/start",
                        json={"paymentId": payment, "amount": 1.0, "currency": "AOA"},
                    )
                    with lock:
                        statuses[reply.status_code] += 1
                    if reply.status_code != 200:
                        continue
                    journey_id = reply.json()["journeyId"]
                    with lock:
                        acknowledged[journey_id] = "Running"
                    done = callback(clients[(worker + n) % 3], journey_id, payment)
                    with lock:
                        statuses[done.status_code] += 1
                        if done.status_code == 200:
                            acknowledged[journey_id] = done.json()["phase"]
                except httpx.TransportError:
                    with lock:
                        statuses["cut"] += 1

        with ThreadPoolExecutor(max_workers=8) as pool:
            futures = [pool.submit(work, w) for w in range(8)]
            time.sleep(1.5)
            running[1].kill()
            for future in futures:
                future.result()
        print(f"answers: {dict(statuses)}; acknowledged: {len(acknowledged)}")
        assert not any(isinstance(k, int) and k >= 500 for k in statuses)
        assert len(acknowledged) > 20
        for journey_id, phase in acknowledged.items():
            body = clients[0].get(f"{API}/journeys/{journey_id}").json()
            assert body["phase"] == phase or (phase == "Running"), (journey_id, body)
            assert body["phase"] in ("Running", "Succeeded")
        # the killed replica restarts and serves at once
        running[1].start()
        assert running[1].ready() < 15
        restarted = httpx.Client(base_url=running[1].url, timeout=10)
        some = next(iter(acknowledged))
        assert restarted.get(f"{API}/journeys/{some}").status_code == 200
        restarted.close()
        for client in clients:
            client.close()


def test_a_timer_due_while_its_creator_is_dead_fires_once_on_another_replica(
    pg_url: str, tmp_path: Path
) -> None:
    module = generate_case("payment-reminder-with-timeout", tmp_path / "pkg", CORPUS)
    # PT24H * scale: the reminder's timer is due about 2 s after the start.
    extra = {"PAYMENT_REMINDER_WITH_TIMEOUT_TIMER_SCALE": str(2 / 86_400)}
    with replicas(
        3,
        pg_url,
        tmp_path,
        module=module,
        prefix="PAYMENT_REMINDER_WITH_TIMEOUT",
        pythonpath=tmp_path / "pkg" / module,
        extra=extra,
    ) as running:
        clients = _clients(running)
        started: list[str] = []
        for n in range(3):
            reply = clients[0].post(
                f"{API}/journeys/payment-reminder-with-timeout/start",
                json={"userId": f"u-{n}", "paymentId": f"pay-{n}", "amount": 1.0,
                      "currency": "AOA"},
            )  # fmt: skip
            assert reply.status_code == 200, reply.text
            started.append(reply.json()["journeyId"])
        running[0].kill()  # the creator dies before anything is due
        deadline = time.monotonic() + 20
        for journey_id in started:
            while True:
                reply = clients[1 + len(journey_id) % 2].get(
                    f"{API}/journeys/{journey_id}/result"
                )
                if reply.status_code != 409 or time.monotonic() > deadline:
                    break
                time.sleep(0.1)
            assert reply.status_code == 200, reply.text
            assert reply.json()["output"]["status"] == "TIMED_OUT"
        with psycopg.connect(pg_url) as conn:
            for journey_id in started:
                timers = conn.execute(
                    "SELECT status FROM timers WHERE journey_id = %s", (journey_id,)
                ).fetchall()
                assert timers == [("fired",)]
                fired = conn.execute(
                    "SELECT COUNT(*) FROM history WHERE journey_id = %s"
                    " AND from_state = 'paymentTimer'",
                    (journey_id,),
                ).fetchone()
                assert fired == (1,)
        for client in clients:
            client.close()


def test_connections_terminated_mid_load_recover_within_five_seconds(
    pg_url: str, tmp_path: Path
) -> None:
    print(f"seed {seed()}")
    pick = rng()
    answers: list[tuple[float, int, int]] = []  # (time, replica, status)
    lock = threading.Lock()
    with replicas(3, pg_url, tmp_path) as running:
        clients = _clients(running)
        known = [start_journey(clients[0], "PAY-0")]
        stop_at = time.monotonic() + 5.0

        def work(worker: int) -> None:
            n = 0
            while time.monotonic() < stop_at:
                n += 1
                r = pick.randrange(3)
                try:
                    if n % 3:
                        reply = clients[r].get(f"{API}/journeys/{known[0]}")
                    else:
                        reply = clients[r].post(
                            f"{API}/journeys/payment-callback/start",
                            json={"paymentId": f"P-{worker}-{n}", "amount": 1.0,
                                  "currency": "AOA"},
                        )  # fmt: skip
                    status = reply.status_code
                except httpx.TransportError:
                    status = -1
                with lock:
                    answers.append((time.monotonic(), r, status))

        with ThreadPoolExecutor(max_workers=6) as pool:
            futures = [pool.submit(work, w) for w in range(6)]
            time.sleep(1.5)
            cut_at = time.monotonic()
            killed = terminate_connections(pg_url)
            for future in futures:
                future.result()
        counts = Counter(status for _, _, status in answers)
        print(f"terminated {killed} connections; answers {dict(counts)}")
        assert killed >= 3  # every replica had connections (pool + listener)
        assert all(status in (200, 503) for _, _, status in answers), counts
        assert counts[503] <= 10
        for r in range(3):
            after = [(t, s) for t, rr, s in answers if rr == r and t > cut_at]
            first_ok = next(t for t, s in after if s == 200)
            assert first_ok - cut_at < 5.0
            assert after[-1][1] == 200
        for client in clients:
            client.close()
