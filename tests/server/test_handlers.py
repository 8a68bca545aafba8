"""Handlers are checked when the app is made, and `async def` handlers are awaited.

Driven on the generated payment-callback package: a misspelled or mis-signed method stops
`create_app` with its name and the nearest one; an async handler runs on the server's own
event loop over real HTTP, and type-checks against the generated Protocol.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from payment_callback.handlers import AuthorizePaymentCall, TaskResult
from payment_callback.server import HandlersError, Settings, create_app

from tests.server.pc_support import SECRET, START, callback, start
from tests.support.live import LiveServer
from tests.support.paths import GENERATED


class Misspelled:
    def authorise_payment(self, call: AuthorizePaymentCall) -> TaskResult:
        return TaskResult(status=200, ok=True)


class NoCallArgument:
    def authorize_payment(self) -> TaskResult:
        return TaskResult(status=200, ok=True)


def test_a_misspelled_method_stops_create_app_with_the_nearest_name() -> None:
    with pytest.raises(HandlersError) as info:
        create_app(Misspelled())
    # the server would make the call over HTTP itself, so the misspelled override
    # would never run: refused, not ignored
    assert info.value.problems == [
        "Misspelled.authorise_payment matches no call of this journey, so it is never "
        "called (the server makes the 'authorize_payment' call over HTTP); did you mean "
        "'authorize_payment'?"
    ]


def test_a_method_that_cannot_take_the_call_stops_create_app() -> None:
    with pytest.raises(HandlersError, match=r"NoCallArgument.authorize_payment\(\)"):
        create_app(NoCallArgument())


class AsyncHandlers:
    """Answers from an `async def`, on whatever loop runs it."""

    def __init__(self) -> None:
        self.loops: list[asyncio.AbstractEventLoop] = []

    async def authorize_payment(self, call: AuthorizePaymentCall) -> TaskResult:
        await asyncio.sleep(0.01)
        self.loops.append(asyncio.get_running_loop())
        return TaskResult(status=200, ok=True, body={"authorized": call.payment_id})


def test_async_handlers_are_awaited_on_the_servers_event_loop(
    live: Callable[..., LiveServer], db_path: str
) -> None:
    handlers = AsyncHandlers()
    app = create_app(
        handlers,
        settings=Settings(store_path=db_path, api_keys={"payments-callback": SECRET}),
    )
    seen: list[asyncio.AbstractEventLoop] = []

    async def server_loop() -> dict[str, bool]:
        seen.append(asyncio.get_running_loop())
        return {"ok": True}

    app.add_api_route("/loop", server_loop)
    running = live(app)
    with httpx.Client(base_url=running.url + "/api/v1", timeout=10) as client:
        journey_id = start(client, START)
        status = client.get(f"/journeys/{journey_id}").json()
        assert (status["phase"], status["currentState"]) == (
            "Running",
            "waitForCallback",
        )
        answer = callback(
            client, journey_id, {"paymentId": "PAY-1", "status": "SUCCESS"}
        )
        assert answer.status_code == 200, answer.text
        httpx.get(running.url + "/loop")
    assert len(handlers.loops) == 1 and handlers.loops == seen


def test_an_async_handlers_class_type_checks_against_the_protocol(
    tmp_path: Path,
) -> None:
    program = tmp_path / "uses_async.py"
    program.write_text(
        textwrap.dedent("""
            from payment_callback.handlers import AuthorizePaymentCall, TaskResult
            from payment_callback.server import create_app


            class Handlers:
                async def authorize_payment(self, call: AuthorizePaymentCall) -> TaskResult:
                    return TaskResult(status=200, ok=True)


            class Wrong:
                async def authorize_payment(self, call: AuthorizePaymentCall) -> int:
                    return 1


            create_app(Handlers())
            create_app(Wrong())
            """),
        encoding="utf-8",
    )
    found = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(program)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "MYPYPATH": str(GENERATED / "payment_callback")},
        cwd=tmp_path,
    )
    errors = [line for line in found.stdout.splitlines() if ": error:" in line]
    # the async class conforms; the one returning an int is refused where it is passed
    assert len(errors) == 1 and "uses_async.py:17:" in errors[0], found.stdout
