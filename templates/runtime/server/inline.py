"""Engine work on the event loop: a state-changing request runs where it arrived unless it
would wait.

A request's engine work is synchronous. When the store's writes never wait for the disk
(``writes_without_blocking``: SQLite at ``synchronous = NORMAL``, whose COMMIT appends to the
WAL without an fsync) the work first runs on the event loop itself, with no thread handoff at
all. Whatever could wait raises ``WouldBlock`` before it starts: a handler call (``def`` or
``async def``, httpCall and every outbound task), a cache:v1 operation, the store's write
connection held by a worker thread, or the database file locked by another process. Nothing
of such an attempt is applied (the unit of work it was in rolls back, and nothing outside
the store was touched yet), and the request runs again, from the start, on a worker thread
(offload.py): at most one handoff per request.

When a worker thread holds the store's write connection, the request waits on the loop (no
thread of its own) until the worker lets it go, and tries again, up to ``ATTEMPTS`` times.
A route whose attempt met a handler (not a busy store) goes straight to a worker for its next ``SKIP`` requests
and then tries the loop again, so a start whose first state calls a handler does not pay
for its first states twice.

``WouldBlock`` is a ``BaseException``: the engine's ``except Exception`` clauses (a failing
compensation, an envelope mapper) must not turn it into a journey outcome.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["ATTEMPTS", "SKIP", "Inline", "WouldBlock", "may_block", "on_loop"]

T = TypeVar("T")
SKIP = 64  # requests of a route sent straight to a worker after it met a handler
ATTEMPTS = (
    8  # tries on the loop while a worker holds the store, before one is handed over
)

_here = threading.local()


class WouldBlock(BaseException):  # a signal, not an error
    """Engine work on the event loop reached something that may wait; it was not applied.

    ``lasting``: the route itself waits (a handler call), not a store busy for a moment.
    ``when_free``: registers a callback for when the busy store is free again, called from
    the thread freeing it; it returns False (and registers nothing) when it is free already.
    """

    def __init__(
        self,
        lasting: bool = False,
        when_free: Callable[[Callable[[], None]], bool] | None = None,
    ) -> None:
        super().__init__()
        self.lasting = lasting
        self.when_free = when_free


def on_loop() -> bool:
    """True while this thread runs engine work on its event loop (see the module)."""
    return bool(getattr(_here, "active", False))


def may_block() -> None:
    """Call before a handler or a cache operation: on the event loop, give the work to a
    worker thread."""
    if getattr(_here, "active", False):
        raise WouldBlock(lasting=True)


def _wake(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def _waker(
    loop: asyncio.AbstractEventLoop, future: asyncio.Future[None]
) -> Callable[[], None]:
    """What a worker thread calls to wake the request waiting on ``loop``."""

    def wake() -> None:
        with contextlib.suppress(RuntimeError):  # a closed loop: nobody is waiting
            loop.call_soon_threadsafe(_wake, future)

    return wake


class Inline:
    """One route's attempts on the event loop (see the module)."""

    __slots__ = ("_skip",)

    def __init__(self) -> None:
        self._skip = 0  # requests still sent straight to a worker

    async def run(self, fn: Callable[..., T | None], *args: Any) -> T | None:
        """``fn(*args)`` (work whose answer is never None) run on the event loop's thread;
        None when it would wait, or when this route goes to a worker for now."""
        if self._skip:
            self._skip -= 1
            return None
        for _ in range(ATTEMPTS):
            _here.active = True
            try:
                return fn(*args)
            except WouldBlock as signal:
                if signal.lasting:
                    self._skip = SKIP
                    return None
                if signal.when_free is None:
                    return None
                when_free = signal.when_free
            finally:
                _here.active = False
            loop = asyncio.get_running_loop()
            free: asyncio.Future[None] = loop.create_future()
            if when_free(_waker(loop, free)):
                await free
        return None
