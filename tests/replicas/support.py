"""Replicas of a generated server as separate uvicorn processes on 127.0.0.1, all on one
PostgreSQL database, and the requests the replica tests send them.

``JOURNEYGEN_REPLICA_SEED`` picks the seed that spreads requests over the replicas (the
tests print it; run them with several seeds to shake out orderings).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.support.live import free_port
from tests.support.paths import GENERATED

SECRET = "whsec-payments-callback-7f3a"
API = "/api/v1"
PC_PREFIX = "PAYMENT_CALLBACK"


def seed() -> int:
    """The seed for this run (``JOURNEYGEN_REPLICA_SEED``, else a fixed one)."""
    return int(os.environ.get("JOURNEYGEN_REPLICA_SEED", "16"))


def rng() -> random.Random:
    """A random source seeded by ``seed()``."""
    return random.Random(seed())


@dataclass
class Replica:
    """One server process."""

    module: str
    env: dict[str, str]
    log: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.started_at = time.monotonic()
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", f"{self.module}.server", "--fake",
                 "--port", str(self.port)],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )  # fmt: skip

    def ready(self, seconds: float = 60.0) -> float:
        """Wait until the replica answers HTTP; return how long after its start."""
        started = self.started_at
        with httpx.Client(base_url=self.url, timeout=2) as client:
            while True:
                assert self.proc is not None and self.proc.poll() is None, self.logs()
                try:
                    if client.get(f"{API}/journeys/none").status_code == 404:
                        return time.monotonic() - started
                except httpx.TransportError:
                    pass
                if time.monotonic() - started > seconds:
                    raise AssertionError(f"{self.url} did not answer: {self.logs()}")
                time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, in-flight requests cut."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def logs(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


def replica_env(
    prefix: str, store: str, pythonpath: Path, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The environment of a replica: the store URL, the webhook secret, the package path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefix + "_")}
    env.update(
        {
            f"{prefix}_STORE": store,
            f"{prefix}_API_KEY_PAYMENTS_CALLBACK": SECRET,
            "PYTHONPATH": os.pathsep.join([str(pythonpath), env.get("PYTHONPATH", "")]),
            **(extra or {}),
        }
    )
    return env


@contextmanager
def replicas(
    count: int,
    store: str,
    logs: Path,
    module: str = "payment_callback",
    prefix: str = PC_PREFIX,
    pythonpath: Path = GENERATED / "payment_callback",
    extra: Mapping[str, str] | None = None,
) -> Iterator[list[Replica]]:
    """Start ``count`` replicas at once on one store; stop them all afterwards."""
    env = replica_env(prefix, store, pythonpath, extra)
    started = [Replica(module, env, logs / f"replica-{n}.log") for n in range(count)]
    try:
        for replica in started:
            replica.start()
        took = [replica.ready() for replica in started]
        print(f"{count} replicas answered HTTP within {max(took):.1f} s of starting")
        yield started
    finally:
        for replica in started:
            replica.stop()


def start_journey(client: httpx.Client, payment_id: str) -> str:
    """Start a payment-callback journey; return its id."""
    body = {"paymentId": payment_id, "amount": 1500.0, "currency": "AOA"}
    reply = client.post(f"{API}/journeys/payment-callback/start", json=body)
    assert reply.status_code == 200, reply.text
    journey_id: str = reply.json()["journeyId"]
    return journey_id


def webhook(payment_id: str, event_id: str, status: str = "Success") -> dict[str, Any]:
    """An AppyPay charge delivery for a payment."""
    return {
        "id": event_id,
        "merchantTransactionId": payment_id,
        "type": "Charge",
        "amount": 1500.0,
        "currency": "AOA",
        "status": status,
    }


def deliver(client: httpx.Client, event: dict[str, Any]) -> httpx.Response:
    """POST a delivery to the AppyPay receiver."""
    return client.post(
        "/webhooks/appypay", json=event, headers={"X-Webhook-Secret": SECRET}
    )


def callback(
    client: httpx.Client, journey_id: str, payment_id: str, key: str | None = None
) -> httpx.Response:
    """POST the waitForCallback step (SUCCESS), with an Idempotency-Key when given."""
    headers = {"X-Webhook-Secret": SECRET}
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(
        f"{API}/journeys/{journey_id}/steps/waitForCallback",
        json={"paymentId": payment_id, "status": "SUCCESS"},
        headers=headers,
    )
