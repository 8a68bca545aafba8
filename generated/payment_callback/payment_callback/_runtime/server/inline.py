"""Engine work on the event loop: a state-changing request runs where it arrived unless it
would wait.

A request's engine work is synchronous. When the store's writes need not wait long
(``writes_without_blocking``: SQLite, whose COMMIT at ``synchronous = NORMAL`` appends to the
WAL without an fsync, and at ``FULL`` is run here while the disk syncs fast) the work first
runs on the event loop itself, with no thread handoff at all. Whatever could wait raises
``WouldBlock`` before it starts: a handler call (``def`` or ``async def``, httpCall and every
outbound task), a cache:v1 operation, a COMMIT while the disk syncs slowly, the store's write
connection held by a worker thread, or the database file locked by another process. Nothing
of such an attempt is applied (the unit of work it was in rolls back, and nothing outside
the store was touched yet), and the request runs again, from the start, on a worker thread
(offload.py): at most one handoff per request.

When a worker thread holds the store's write connection, the request waits on the loop (no
thread of its own) until the worker lets it go, and tries again, up to ``ATTEMPTS`` times.
A route whose attempt met a handler or a slow disk (not a busy store) goes straight to a worker for its next ``SKIP`` requests
and then tries the loop again, so a start whose first state calls a handler does not pay
for its first states twice.

A handler marked ``@nonblocking`` (handlers.py) is called on the loop, so an attempt handed
over after it was called has already had its answer. Its retry does not call it again: the
request's ``Replay`` keeps the answers (or exceptions) of its ``@nonblocking`` calls in call
order, and a later attempt of the same request making the same call (same method, equal call
model) at the same position gets the recorded answer; a call that differs is made afresh. So
a request calls each of its handlers once however its attempts went.

``WouldBlock`` is a ``BaseException``: the engine's ``except Exception`` clauses (a failing
compensation, an envelope mapper) must not turn it into a journey outcome.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

__all__ = [
    "ATTEMPTS",
    "SKIP",
    "Inline",
    "Replay",
    "WouldBlock",
    "may_block",
    "on_loop",
    "replayed",
]

T = TypeVar("T")
_logger = logging.getLogger("journeygen.server")
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


class Replay:
    """The ``@nonblocking`` handler calls of one request, for its later attempts (see the
    module): (method, call as JSON) and the answer or exception, in call order."""

    __slots__ = ("_at", "_log", "_thread")

    def __init__(self) -> None:
        self._log: list[tuple[tuple[str, str], Any, BaseException | None]] = []
        self._at = 0  # the next call's position in this attempt
        self._thread = threading.get_ident()  # where the attempt runs

    def begin(self) -> None:
        """A new attempt of the request: its calls are matched from the first one (an
        attempt on another thread, the worker's, begins by itself)."""
        self._at = 0
        self._thread = threading.get_ident()

    def call(self, name: str, method: Callable[..., T], *args: Any) -> T:
        """``method(*args)``, or the answer the same call got at this position before."""
        if len(args) != 1 or not isinstance(args[0], BaseModel):
            return method(*args)  # not a call model: not recognisable, made afresh
        key = (name, args[0].model_dump_json())
        if self._thread != threading.get_ident():  # handed over to a worker thread
            self.begin()
        at = self._at
        self._at += 1
        if at < len(self._log) and self._log[at][0] == key:
            _, answer, error = self._log[at]
            if error is not None:
                raise error
            return answer  # type: ignore[no-any-return]
        del self._log[at:]  # the run went another way from here: nothing to replay
        try:
            answer = method(*args)
        except Exception as exc:
            self._log.append((key, None, exc))
            raise
        self._log.append((key, answer, None))
        return answer


_replay: contextvars.ContextVar[Replay | None] = contextvars.ContextVar(
    "journeygen_replay", default=None
)


# A ``@nonblocking`` call on the event loop taking longer than this held every other request
# up: the mark is wrong (the method waits on something), so it is logged, once per method. The
# first slow call is let pass (a first call may import or warm a cache); the second is logged.
SLOW_NONBLOCKING_SECONDS = 0.02
_slow_calls: dict[str, int] = {}


def replayed(name: str, method: Callable[..., T], *args: Any) -> T:
    """Call a ``@nonblocking`` handler method, replaying its answer to a request's earlier
    attempt (see the module)."""
    replay = _replay.get()
    timed = _on_event_loop()  # on a worker thread, waiting holds up no other request
    started = time.perf_counter() if timed else 0.0
    try:
        return method(*args) if replay is None else replay.call(name, method, *args)
    finally:
        if timed and (took := time.perf_counter() - started) > SLOW_NONBLOCKING_SECONDS:
            _slow_call(name, took)


def _on_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _slow_call(name: str, took: float) -> None:
    seen = _slow_calls.get(name, 0) + 1
    _slow_calls[name] = seen
    if seen == 2:
        _logger.warning(
            "handler method %s is marked @nonblocking but took %.0f ms on the event loop, "
            "where every other request waited for it; a method that can wait (network, "
            "disk, a lock, sleep) must not be marked @nonblocking: without the mark it runs "
            "on a worker thread",
            name,
            took * 1000,
        )


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
        replay = _replay.get()
        if replay is None:  # the request's first attempt: its worker thread sees it too
            replay = Replay()
            _replay.set(replay)
        for _ in range(ATTEMPTS):
            replay.begin()
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
