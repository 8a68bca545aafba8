"""The background scheduler: fires due timers, wait timeouts and schedule runs.

``create_journey_app`` starts one per app in its ASGI lifespan (uvicorn ``lifespan="on"`` or
``"auto"``) and stops it on shutdown. It sleeps until the earliest due time the store knows of
(at most ``Settings.timer_poll_seconds``) and wakes at once when this process persists a new
timer, or, on a store with ``watch`` (PostgreSQL's LISTEN/NOTIFY), when any replica does.
Every firing is claimed in the store's transaction, so several workers or replicas on one
database never fire the same timer twice. While the store is unreachable it logs and retries
every ``timer_poll_seconds``; what was due fires once the store is back.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from typing import Any

from .engine import JourneyEngine
from .handlers import lend_loop, loop_token
from .store import StoreUnavailableError

__all__ = ["TimerScheduler"]

_logger = logging.getLogger("journeygen.server")
_MIN_WAIT = 0.005
# Something is due but another replica holds it (claims skip locked rows): look again soon,
# without spinning.
_HELD_WAIT = 0.05


class TimerScheduler:
    """A daemon thread running ``engine.fire_due()`` whenever something is due."""

    def __init__(self, engine: JourneyEngine[Any], poll_seconds: float = 1.0) -> None:
        self.engine = engine
        self.poll_seconds = max(poll_seconds, _MIN_WAIT)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._loop_token: Any = None
        self._watching = False

    @property
    def running(self) -> bool:
        """Whether the thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start the thread (no-op when it runs already)."""
        if self.running:
            return
        self._stop.clear()
        try:  # started from the app's lifespan: async handlers run on its event loop
            self._loop_token = loop_token()
        except Exception:
            self._loop_token = None
        watch = getattr(self.engine.store, "watch", None)
        if callable(watch) and not self._watching:
            watch(self.engine.definition.name, self.engine.wakeup.set)
            self._watching = True
        self._thread = threading.Thread(
            target=self._loop,
            name=f"journeygen-timers-{self.engine.definition.name}",
            daemon=True,
        )
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the thread and wait for the firing in progress to finish."""
        self._stop.set()
        self.engine.wakeup.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._thread = None

    def _loop(self) -> None:
        lend_loop(self._loop_token)
        while not self._stop.is_set():
            wait: float | None = None
            try:
                idle = self.engine.fire_due() == 0
            except StoreUnavailableError as exc:  # rolled back; try again soon or later
                _logger.warning("firing due timers: store unavailable (%s)", exc.detail)
                wait = _HELD_WAIT if exc.retryable else self.poll_seconds
            except Exception as exc:  # keep the scheduler alive; the row stays visible
                _logger.error("firing due timers failed", exc_info=exc)
                idle = False
            if wait is None:
                wait = self._wait(idle)
            self.engine.wakeup.wait(wait)
            self.engine.wakeup.clear()

    def _wait(self, idle: bool = False) -> float:
        try:
            due = self.engine.next_due()
        except Exception as exc:
            _logger.error("reading the next due time failed", exc_info=exc)
            return self.poll_seconds
        if due is None:
            return self.poll_seconds
        left = (due - datetime.now(UTC)).total_seconds()
        floor = _HELD_WAIT if idle and left <= 0 else _MIN_WAIT
        return min(max(left, floor), self.poll_seconds)
