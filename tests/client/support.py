"""The generated clients' counterparts: a payment-callback double with the journey's behaviour
in memory, and generation of the hand-written Arazzo cases."""

from __future__ import annotations

import importlib
import itertools
import re
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from generator.pipeline import generate
from tests.support.recording import Reply, Request

CASES = Path(__file__).resolve().parent / "cases"
SECRET = "s3cret-for-tests"


# -- the payment-callback double ---------------------------------------------------------------


@dataclass
class PaymentCallbackDouble:
    """The payment-callback HTTP surface with the journey's behaviour, in memory."""

    journeys: dict[str, dict[str, Any]] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    fail_next: dict[str, list[int]] = field(default_factory=dict)
    ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def status(self, jid: str) -> dict[str, Any]:
        j = self.journeys[jid]
        return {
            "journeyId": jid,
            "journeyName": "payment-callback",
            "phase": j["phase"],
            "currentState": j["state"],
            "updatedAt": "2025-01-01T00:00:00Z",
        }

    def __call__(self, request: Request) -> Reply:
        with self.lock:
            injected = self.fail_next.get(request.path)
            if injected:
                return injected.pop(0), {"Retry-After": "0"}, {"title": "injected"}
            return self.route(request)

    def route(self, request: Request) -> Reply:
        if request.method == "POST" and request.path.endswith(
            "/payment-callback/start"
        ):
            return self.start(request)
        match = re.fullmatch(r"/api/v1/journeys/([^/]+)(/.*)?", request.path)
        if match is None or match.group(1) not in self.journeys:
            return (
                404,
                {"Content-Type": "application/problem+json"},
                {"title": "Not Found"},
            )
        jid, rest = match.group(1), match.group(2) or ""
        if request.method == "GET" and rest == "":
            return 200, {}, self.status(jid)
        if request.method == "GET" and rest == "/result":
            return self.result(jid)
        if request.method == "POST" and rest == "/steps/waitForCallback":
            return self.callback(jid, request)
        return 405, {}, None

    def start(self, request: Request) -> Reply:
        key = request.headers.get("idempotency-key")
        if key and key in self.keys:
            return 200, {}, self.status(self.keys[key])
        jid = f"j-{next(self.ids)}"
        self.journeys[jid] = {
            "phase": "Running",
            "state": "waitForCallback",
            "input": request.body,
        }
        if key:
            self.keys[key] = jid
        return 200, {}, self.status(jid)

    def callback(self, jid: str, request: Request) -> Reply:
        if request.headers.get("x-webhook-secret") != SECRET:
            return (
                401,
                {"Content-Type": "application/problem+json"},
                {"title": "Unauthorized"},
            )
        j = self.journeys[jid]
        if j["state"] != "waitForCallback":
            return 409, {}, {"title": "not waiting"}
        ok = request.body["status"] == "SUCCESS"
        j.update(
            phase="Succeeded" if ok else "Failed", state="captured" if ok else "failed"
        )
        j["callback"] = request.body
        return 200, {}, {**self.status(jid), **request.body}

    def result(self, jid: str) -> Reply:
        j = self.journeys[jid]
        if j["phase"] == "Running":
            return (
                409,
                {"Content-Type": "application/problem+json"},
                {"title": "Not terminal"},
            )
        ok = j["phase"] == "Succeeded"
        outcome: dict[str, Any] = {
            "journeyId": jid,
            "journeyName": "payment-callback",
            "phase": "SUCCEEDED" if ok else "FAILED",
            "status": j["callback"]["status"],
        }
        if ok:
            outcome["output"] = {**j["input"], **j["callback"]}
        else:
            outcome["error"] = {
                "code": "PAYMENT_FAILED",
                "reason": "callback said FAILED",
            }
        return 200, {}, outcome


# -- hand-written Arazzo cases -----------------------------------------------------------------


def load_case(name: str, out: Path) -> ModuleType:
    """Generate `tests/client/cases/<name>` into `out` and import its client module."""
    folder = CASES / name
    result = generate(folder, root=folder)
    for path, text in result.files.items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    sys.path.insert(0, str(out / result.package))
    try:
        return importlib.import_module(f"{result.package}.client")
    finally:
        sys.path.remove(str(out / result.package))
