"""The server team's handlers: checked when the app is made, awaited when they are async.

`check_handlers` compares an object against the journey's handlers Protocol before the app
exists, so a missing or misspelled method, or one that cannot take the call model, stops
startup with its name and the nearest one, instead of failing a journey at run time.
`settle` lets a handler be `def` or `async def`: a coroutine is run on the app's event loop
(the thread the request came from borrowed it), so async clients made at startup keep working.
"""

from __future__ import annotations

import asyncio
import difflib
import inspect
import threading
from collections.abc import Awaitable, Coroutine
from typing import Any, TypeVar, cast

import anyio
import anyio.from_thread
import anyio.lowlevel

__all__ = ["HandlersError", "check_handlers", "lend_loop", "settle"]

T = TypeVar("T")


class HandlersError(TypeError):
    """The handlers object does not implement the journey's handlers Protocol."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def _wanted(protocol: type) -> list[str]:
    return [
        name
        for name, value in vars(protocol).items()
        if not name.startswith("_") and callable(value)
    ]


def _offered(handlers: object) -> list[str]:
    return [
        name
        for name in dir(handlers)
        if not name.startswith("_") and callable(getattr(handlers, name, None))
    ]


def check_handlers(handlers: object, protocol: type) -> None:
    """Raise `HandlersError` listing every Protocol method `handlers` lacks or cannot call
    with one call model, with the nearest method name it does have."""
    problems: list[str] = []
    kind = type(handlers).__name__
    offered = _offered(handlers)
    for name in _wanted(protocol):
        method = getattr(handlers, name, None)
        if method is None or not callable(method):
            near = difflib.get_close_matches(name, offered, n=1, cutoff=0.6)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            problems.append(
                f"{kind} has no method {name!r} ({protocol.__name__}.{name} "
                f"handles a task of this journey){hint}"
            )
            continue
        try:
            inspect.signature(method).bind(object())
        except TypeError:
            problems.append(
                f"{kind}.{name}{inspect.signature(method)} cannot be called with one "
                f"argument, the call model: write `def {name}(self, call)`"
            )
        except ValueError:  # no signature to inspect (a builtin): trust it
            continue
    if problems:
        raise HandlersError(problems)


_lent = threading.local()


def lend_loop(token: Any) -> None:
    """Let this thread run async handlers on the event loop `token` names (the scheduler)."""
    _lent.token = token


def loop_token() -> Any:
    """The running event loop's token (call from the loop's own thread)."""
    return anyio.lowlevel.current_token()


async def _wait_for(awaitable: Awaitable[T]) -> T:
    return await awaitable


def settle(answer: T | Awaitable[T]) -> T:
    """The handler's answer; an awaitable one is awaited on the app's event loop."""
    if not inspect.isawaitable(answer):
        return answer
    pending = cast("Awaitable[T]", answer)
    try:  # a worker thread of the request's event loop
        return anyio.from_thread.run(_wait_for, pending)
    except anyio.NoEventLoopError:  # raised before the coroutine starts
        pass
    token = getattr(_lent, "token", None)
    if token is not None:
        return anyio.from_thread.run(_wait_for, pending, token=token)
    coroutine: Coroutine[Any, Any, T] = _wait_for(pending)
    return asyncio.run(
        coroutine
    )  # no loop anywhere (scripts, tests): a loop of its own
