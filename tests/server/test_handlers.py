"""Handlers are checked when the app is made, and `async def` handlers are awaited.

Driven on the generated payment-callback package: a misspelled or mis-signed method stops
`create_app` with its name and the nearest one; an async handler runs on the server's own
event loop over real HTTP, and type-checks against the generated Protocol.
"""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from payment_callback._runtime.server import inline
from payment_callback.handlers import AuthorizePaymentCall, TaskResult, nonblocking
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


class Recording:
    """Records the thread each authorize call ran on."""

    def __init__(self) -> None:
        self.threads: list[threading.Thread] = []

    def authorize_payment(self, call: AuthorizePaymentCall) -> TaskResult:
        self.threads.append(threading.current_thread())
        return TaskResult(status=202, ok=True)


class RecordingNonblocking(Recording):
    @nonblocking
    def authorize_payment(self, call: AuthorizePaymentCall) -> TaskResult:
        return super().authorize_payment(call)


def _threads_of_starts(
    live: Callable[..., LiveServer],
    db_path: str,
    handlers: Recording,
    *,
    slow_disk: bool = False,
) -> tuple[list[threading.Thread], threading.Thread]:
    """Start journeys at synchronous=FULL; the threads the handler ran on, and the thread
    running the server's event loop."""
    app = create_app(
        handlers,
        settings=Settings(store_path=db_path, api_keys={"payments-callback": SECRET}),
    )
    loop_threads: list[threading.Thread] = []

    async def server_loop() -> dict[str, bool]:
        loop_threads.append(threading.current_thread())
        return {"ok": True}

    app.add_api_route("/loop", server_loop)
    running = live(app)
    if slow_disk:  # as if every COMMIT had waited 50 ms for its fsync
        app.state.engine.store.group_commit.commit_seconds = 0.05
    with httpx.Client(base_url=running.url + "/api/v1", timeout=10) as client:
        for _ in range(3):
            journey_id = start(client, START)
            status = client.get(f"/journeys/{journey_id}").json()
            assert status["currentState"] == "waitForCallback"
        httpx.get(running.url + "/loop")
    return handlers.threads, loop_threads[0]


def test_a_nonblocking_handler_is_called_on_the_event_loop(
    live: Callable[..., LiveServer], db_path: str
) -> None:
    """A start whose handler is marked @nonblocking runs where the request arrived, at
    FULL durability on a disk that syncs fast: no thread handoff."""
    threads, loop = _threads_of_starts(live, db_path, RecordingNonblocking())
    assert threads == [loop] * 3


def test_an_unmarked_handler_is_called_on_a_worker_thread(
    live: Callable[..., LiveServer], db_path: str
) -> None:
    """A plain `def` handler may wait, so it never runs on the event loop."""
    threads, loop = _threads_of_starts(live, db_path, Recording())
    assert len(threads) == 3 and loop not in threads


def test_on_a_slow_disk_even_a_nonblocking_start_commits_on_a_worker(
    live: Callable[..., LiveServer], db_path: str
) -> None:
    """While COMMITs wait long for the disk, a start goes to a worker thread (where
    concurrent transactions share fsyncs) rather than holding the event loop. The first
    start learns it at its transaction, after its handler answered on the loop: its run is
    repeated on a worker, which replays that answer instead of calling the handler again;
    the starts after it go to a worker at once."""
    threads, loop = _threads_of_starts(
        live, db_path, RecordingNonblocking(), slow_disk=True
    )
    assert len(threads) == 3  # one call per start
    assert threads[0] is loop and loop not in threads[1:]


class WaitingNonblocking(Recording):
    @nonblocking
    def authorize_payment(self, call: AuthorizePaymentCall) -> TaskResult:
        time.sleep(0.05)  # it waits: the mark is wrong
        return super().authorize_payment(call)


def test_a_nonblocking_handler_that_waits_is_reported(
    live: Callable[..., LiveServer], db_path: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Marked @nonblocking, a method that sleeps holds the event loop up: the server logs
    it (once, from its second slow call on) instead of staying silent."""
    inline._slow_calls.clear()
    caplog.set_level(logging.WARNING, logger="journeygen.server")
    threads, loop = _threads_of_starts(live, db_path, WaitingNonblocking())
    assert threads == [loop] * 3
    slow = [
        r.getMessage()
        for r in caplog.records
        if "@nonblocking but took" in r.getMessage()
    ]
    assert len(slow) == 1, slow
    assert slow[0].startswith("handler method authorize_payment is marked @nonblocking")


def test_a_nonblocking_handler_that_answers_at_once_is_not_reported(
    live: Callable[..., LiveServer], db_path: str, caplog: pytest.LogCaptureFixture
) -> None:
    inline._slow_calls.clear()
    caplog.set_level(logging.WARNING, logger="journeygen.server")
    _threads_of_starts(live, db_path, RecordingNonblocking())
    assert not [r for r in caplog.records if "@nonblocking" in r.getMessage()]


class AsyncNonblocking:
    @nonblocking
    async def authorize_payment(self, call: AuthorizePaymentCall) -> TaskResult:
        return TaskResult(status=200, ok=True)


def test_an_async_handler_marked_nonblocking_stops_create_app() -> None:
    with pytest.raises(HandlersError) as info:
        create_app(AsyncNonblocking())
    assert info.value.problems == [
        "AsyncNonblocking.authorize_payment is `async def` and marked @nonblocking: a "
        "coroutine is awaited on the event loop from a worker thread; drop "
        "@nonblocking, or write it as a `def` that never waits"
    ]
