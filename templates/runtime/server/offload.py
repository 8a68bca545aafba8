"""Running a request's engine work off the event loop: one handoff to a worker thread and one
callback back to the loop.

The engine is synchronous (handlers may block on outbound calls; a SQLite COMMIT waits for the
disk), so each state-changing request runs its work on a worker thread of the process's pool.
The handoff is a queue put, and the answer comes back by one ``call_soon_threadsafe``; anyio's
``to_thread.run_sync`` spends several times that per call on its capacity limiter, cancel scope
and per-worker condition. The pool keeps anyio's default of 40 threads at most; a thread idle
for ``IDLE_SECONDS`` ends. Each worker lends the request's event loop to async handlers
(``handlers.lend_loop``), and the work runs in a copy of the request's context variables. A
request cancelled while its work runs does not stop the work (a transition in progress still
commits); its answer is dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from .handlers import lend_loop, loop_token

__all__ = ["IDLE_SECONDS", "MAX_THREADS", "Offload", "offload"]

T = TypeVar("T")
MAX_THREADS = 40
IDLE_SECONDS = 10.0

_Item = tuple[
    Callable[..., Any],
    tuple[Any, ...],
    "asyncio.Future[Any]",
    asyncio.AbstractEventLoop,
    contextvars.Context,
    Any,
]


def _resolve(
    future: asyncio.Future[Any], value: Any, error: BaseException | None
) -> None:
    if future.done():  # the request was cancelled meanwhile
        return
    if error is None:
        future.set_result(value)
    else:
        future.set_exception(error)


class Offload:
    """A pool of worker threads running synchronous work for coroutines (see the module)."""

    def __init__(
        self, max_threads: int = MAX_THREADS, idle_seconds: float = IDLE_SECONDS
    ) -> None:
        self._max = max_threads
        self._idle_seconds = idle_seconds
        self._queue: queue.SimpleQueue[_Item] = queue.SimpleQueue()
        self._mutex = threading.Lock()
        self._threads = 0  # alive
        self._idle = 0  # waiting for an item
        self._queued = 0  # put and not yet taken

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(*args)`` on a worker thread; return its result or raise its exception."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        item = (fn, args, future, loop, contextvars.copy_context(), loop_token())
        with self._mutex:
            self._queued += 1
            grow = self._queued > self._idle and self._threads < self._max
            if grow:
                self._threads += 1
        if grow:
            worker = threading.Thread(
                target=self._serve, name="journey-worker", daemon=True
            )
            worker.start()
        self._queue.put(item)
        return await future

    def _serve(self) -> None:
        while True:
            with self._mutex:
                self._idle += 1
            try:
                item = self._queue.get(timeout=self._idle_seconds)
            except queue.Empty:
                with self._mutex:
                    self._idle -= 1
                    if self._queued == 0:
                        self._threads -= 1
                        return
                continue
            with self._mutex:
                self._idle -= 1
                self._queued -= 1
            self._execute(item)

    @staticmethod
    def _execute(item: _Item) -> None:
        fn, args, future, loop, context, token = item
        lend_loop(token)
        value: Any = None
        error: BaseException | None = None
        try:
            value = context.run(fn, *args)
        except BaseException as exc:  # handed to the awaiting request
            error = exc
        with contextlib.suppress(RuntimeError):  # a closed loop: nobody is waiting
            loop.call_soon_threadsafe(_resolve, future, value, error)


offload = Offload()  # the process's pool, shared by every app and event loop
