"""Hostile input at the door of the GENERATED payment-callback server, over real HTTP.

Every case answers a 4xx problem+json naming what was wrong (and where, as a JSON pointer),
the server stays up, and the store is unchanged: no journey, event or history row appears and
the waiting journey stays at its step. The server runs on uvicorn with the options the package's
own `python -m payment_callback.server` uses.
"""

from __future__ import annotations

import json
import socket
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from payment_callback import SQLiteStore
from payment_callback._runtime.server.serve import uvicorn_options
from payment_callback.server import FakeHandlers, Settings, create_app

from tests.server.pc_support import PROBLEM, SECRET, START
from tests.support.live import LiveServer

APPYPAY_SECRET = SECRET
START_PATH = "/api/v1/journeys/payment-callback/start"
STEP_PATH = "/api/v1/journeys/{}/steps/waitForCallback"
WEBHOOK_PATH = "/webhooks/appypay"
CALLBACK = '{"paymentId":"PAY-1","status":"SUCCESS"'
SUCCESS_EVENT = (
    '{"id":"evt-1","merchantTransactionId":"PAY-1","type":"Charge","status":"Success",'
    '"currency":"AOA","amount":'
)


@dataclass
class Door:
    """A live server, a client, the waiting journey and the store file."""

    client: httpx.Client
    url: str
    journey_id: str
    db_path: str


@pytest.fixture
def door(live: Callable[..., LiveServer], db_path: str) -> Iterator[Door]:
    settings = Settings(
        store_path=db_path,
        api_keys={"payments-callback": SECRET},
        body_timeout_seconds=1.0,
    )
    store = SQLiteStore(db_path)
    app = create_app(FakeHandlers(), store=store, settings=settings)
    running = live(app, **uvicorn_options(app))
    with httpx.Client(base_url=running.url, timeout=30) as client:
        response = client.post(START_PATH, json=START)
        assert response.status_code == 200, response.text
        yield Door(client, running.url, response.json()["journeyId"], db_path)
    store.close()


def _snapshot(path: str) -> tuple[Any, ...]:
    with sqlite3.connect(path) as conn:
        return tuple(
            conn.execute(query).fetchall()
            for query in (
                "SELECT id, phase, current_state, version, context FROM journeys",
                "SELECT COUNT(*) FROM history",
                "SELECT source, event_id, processed FROM events",
                "SELECT COUNT(*) FROM idempotency_keys",
            )
        )


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


# (id, target, body, status, problem type slug, pointer or None)
HOSTILE: list[tuple[str, str, bytes, int, str, str | None]] = [
    ("start-100k-nested", "start", ("[" * 100_000).encode(), 400, "too-deep", None),
    ("start-300-deep-field", "start", ('{"paymentId":"P","amount":1,"currency":"AOA","note":' + _nested(300) + "}").encode(), 400, "too-deep", "/note/0/0/0"),
    ("start-lone-surrogate", "start", b'{"paymentId":"\\ud800","amount":1,"currency":"AOA"}', 400, "lone-surrogate", "/paymentId"),
    ("start-lone-surrogate-key", "start", b'{"paymentId":"P","amount":1,"currency":"AOA","\\udc00":1}', 400, "lone-surrogate", ""),
    ("start-1e400", "start", b'{"paymentId":"P","amount":1e400,"currency":"AOA"}', 400, "number-out-of-range", "/amount"),
    ("start-1e-400", "start", b'{"paymentId":"P","amount":1e-400,"currency":"AOA"}', 400, "number-out-of-range", "/amount"),
    ("start-huge-integer", "start", b'{"paymentId":"P","amount":' + b"9" * 400 + b',"currency":"AOA"}', 400, "number-out-of-range", "/amount"),
    ("start-NaN", "start", b'{"paymentId":"P","amount":NaN,"currency":"AOA"}', 400, "non-finite-number", "/amount"),
    ("start-Infinity", "start", b'{"paymentId":"P","amount":Infinity,"currency":"AOA"}', 400, "non-finite-number", "/amount"),
    ("start-amount-false", "start", b'{"paymentId":"P","amount":false,"currency":"AOA"}', 400, "schema-violation", "/amount"),
    ("start-amount-string", "start", b'{"paymentId":"P","amount":"12","currency":"AOA"}', 400, "schema-violation", "/amount"),
    ("start-duplicate-key", "start", b'{"paymentId":"P","amount":1,"amount":2,"currency":"AOA"}', 400, "duplicate-key", "/amount"),
    ("start-invalid-utf8", "start", b'{"paymentId":"P\xc3\x28","amount":1,"currency":"AOA"}', 400, "invalid-utf8", None),
    ("start-encoded-surrogate", "start", b'{"paymentId":"P\xed\xa0\x80","amount":1,"currency":"AOA"}', 400, "invalid-utf8", None),
    ("start-byte-order-mark", "start", b'\xef\xbb\xbf{"paymentId":"P","amount":1,"currency":"AOA"}', 400, "byte-order-mark", None),
    ("start-trailing-garbage", "start", b'{"paymentId":"P","amount":1,"currency":"AOA"} x', 400, "malformed-json", None),
    ("callback-100k-nested", "step", ("[" * 100_000).encode(), 400, "too-deep", None),
    ("callback-minus-infinity", "step", (CALLBACK + ',"amount":-Infinity}').encode(), 400, "non-finite-number", "/amount"),
    ("callback-duplicate-status", "step", b'{"paymentId":"PAY-1","status":"FAILED","status":"SUCCESS"}', 400, "duplicate-key", "/status"),
    ("callback-status-number", "step", b'{"paymentId":"PAY-1","status":1}', 400, "schema-violation", "/status"),
    ("webhook-100k-nested-no-secret", "webhook-anonymous", ("[" * 100_000).encode(), 400, "too-deep", None),
    ("webhook-success-1e400", "webhook", (SUCCESS_EVENT + "1e400}").encode(), 400, "number-out-of-range", "/amount"),
    ("webhook-pending-then-success", "webhook", b'{"id":"evt-2","merchantTransactionId":"PAY-1","type":"Charge","status":"Pending","status":"Success"}', 400, "duplicate-key", "/status"),
    ("webhook-lone-surrogate", "webhook", (SUCCESS_EVENT + '1,"note":"\\udfff"}').encode(), 400, "lone-surrogate", "/note"),
]  # fmt: skip


def _post(door: Door, target: str, body: bytes) -> httpx.Response:
    headers = {"Content-Type": "application/json"}
    if target in ("step", "webhook"):
        headers["X-Webhook-Secret"] = SECRET
    path = {
        "start": START_PATH,
        "step": STEP_PATH.format(door.journey_id),
        "webhook": WEBHOOK_PATH,
        "webhook-anonymous": WEBHOOK_PATH,
    }[target]
    return door.client.post(path, content=body, headers=headers)


def _assert_problem(response: httpx.Response, status: int, slug: str) -> Any:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    problem = response.json()
    assert problem["status"] == status and problem["title"]
    assert problem["type"] == f"urn:journeygen:problem:{slug}", problem
    return problem


def _still_up(door: Door) -> None:
    status = door.client.get(f"/api/v1/journeys/{door.journey_id}").json()
    assert (status["phase"], status["currentState"]) == ("Running", "waitForCallback")


@pytest.mark.parametrize(
    ("target", "body", "status", "slug", "at"),
    [case[1:] for case in HOSTILE],
    ids=[case[0] for case in HOSTILE],
)
def test_hostile_body_is_refused_and_changes_nothing(
    door: Door, target: str, body: bytes, status: int, slug: str, at: str | None
) -> None:
    before = _snapshot(door.db_path)
    problem = _assert_problem(_post(door, target, body), status, slug)
    if at is not None:
        pointers = [e["pointer"] for e in problem.get("errors", [])]
        assert pointers and pointers[0].startswith(at), problem
    assert "\\ud800" not in json.dumps(problem) and "9999" not in json.dumps(problem)
    _still_up(door)
    assert _snapshot(door.db_path) == before


def test_a_huge_header_value_is_431(door: Door) -> None:
    before = _snapshot(door.db_path)
    headers = {"Content-Type": "application/json", "X-Big": "v" * 65_536}
    response = door.client.post(START_PATH, json=START, headers=headers)
    _assert_problem(response, 431, "headers-too-large")
    _still_up(door)
    assert _snapshot(door.db_path) == before


def test_five_thousand_headers_are_431(door: Door) -> None:
    before = _snapshot(door.db_path)
    headers = [(f"X-H{n}", "1") for n in range(5000)]
    response = door.client.post(START_PATH, json=START, headers=headers)
    _assert_problem(response, 431, "too-many-headers")
    _still_up(door)
    assert _snapshot(door.db_path) == before


def test_a_very_long_request_target_is_414(door: Door) -> None:
    response = door.client.get(f"/api/v1/journeys/{'x' * 10_000}")
    _assert_problem(response, 414, "uri-too-long")
    _still_up(door)


def test_a_trickled_body_is_timed_out_with_408(door: Door) -> None:
    before = _snapshot(door.db_path)
    parts = urlsplit(door.url)
    body = json.dumps(START).encode()
    head = (
        f"POST {START_PATH} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(head + body[:5])
        started = time.monotonic()
        answer = b""
        for byte in body[5:15]:
            time.sleep(0.3)
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                break
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert b"application/problem+json" in answer
    assert time.monotonic() - started < 5
    _still_up(door)
    assert _snapshot(door.db_path) == before


def _appypay(door: Door, amount: str, event_id: str = "evt-value") -> httpx.Response:
    body = (
        '{"id":"' + event_id + '","merchantTransactionId":"PAY-1","type":"Charge",'
        '"status":"Pending","currency":"AOA","amount":' + amount + "}"
    )
    headers = {"Content-Type": "application/json", "X-Webhook-Secret": SECRET}
    return door.client.post(WEBHOOK_PATH, content=body.encode(), headers=headers)


@pytest.mark.parametrize(
    ("first", "again"),
    [("0", "-0.0"), ("1", "1.0"), ("1500", "15e2"), ("0.5", "5E-1")],
)
def test_a_redelivery_with_the_same_value_is_already_processed(
    door: Door, first: str, again: str
) -> None:
    assert _appypay(door, first).json()["status"] == "acknowledged"
    repeat = _appypay(door, again)
    assert repeat.status_code == 200, repeat.text
    assert repeat.json()["status"] == "already_processed"
    _assert_problem(_appypay(door, "2"), 409, "event-conflict")
