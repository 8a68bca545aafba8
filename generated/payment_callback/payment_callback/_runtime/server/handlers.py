"""The server team's handlers: checked when the app is made, awaited when they are async.

`check_handlers` compares an object against the journey's handlers Protocol before the app
exists, so a missing or misspelled method, or one that cannot take the call model, stops
startup with its name and the nearest one, instead of failing a journey at run time. An
httpCall method may be left out: `with_defaults` fills it with the HTTP call the server makes
itself (`outbound.Outbound`).
`settle` lets a handler be `def` or `async def`: a coroutine is run on the app's event loop
(the thread the request came from borrowed it), so async clients made at startup keep working.

A handler may wait (a network call, a lock), so a request whose run reaches one leaves the event
loop for a worker thread (inline.py): `loop_guard` is the handlers object as step functions see
it, each method giving the attempt on the loop away before it is called. A `def` method marked
`@nonblocking` (it never waits: it computes an answer or hands work to a queue) is called where
the request runs, so a journey whose handlers are all marked needs no thread handoff; an attempt
handed over after such a call replays its answer rather than calling it twice (inline.Replay).
A marked method whose calls on the loop take long is logged (inline.SLOW_NONBLOCKING_SECONDS).
"""

from __future__ import annotations

import asyncio
import difflib
import functools
import inspect
import threading
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from typing import Any, TypeVar, cast

import anyio
import anyio.from_thread
import anyio.lowlevel

from .inline import may_block, replayed
from .outbound import HttpDefaults, Outbound, is_http_default

__all__ = [
    "HandlersError",
    "check_handlers",
    "is_nonblocking",
    "lend_loop",
    "loop_guard",
    "nonblocking",
    "settle",
    "with_defaults",
]

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])
_NONBLOCKING = "__journeygen_nonblocking__"


def nonblocking(method: F) -> F:
    """Mark a `def` handler method that never waits (no network, disk or lock): the server
    calls it on the event loop instead of moving the request to a worker thread first.
    """
    setattr(method, _NONBLOCKING, True)
    return method


def is_nonblocking(method: object) -> bool:
    """The method (or the function of a bound method) is marked `@nonblocking`."""
    return getattr(method, _NONBLOCKING, False) is True


def _guarded(method: Callable[..., T]) -> Callable[..., T]:
    def call(*args: Any, **kwargs: Any) -> T:
        may_block()  # on the event loop: the request goes to a worker thread first
        return method(*args, **kwargs)

    return call


class _LoopGuard:
    """The handlers as step functions call them (see the module); every other attribute is
    the handlers object's own. Looked up on each use, so a method replaced later is seen.
    """

    def __init__(self, handlers: object) -> None:
        self._handlers = handlers

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._handlers, name)
        if not callable(value):
            return value
        if is_nonblocking(value):  # called where the request runs, once per request
            return functools.partial(replayed, name, value)
        return _guarded(value)

    def __repr__(self) -> str:
        return repr(self._handlers)


def loop_guard(handlers: T) -> T:
    """`handlers` as step functions see it: a method not marked `@nonblocking` may wait."""
    return cast("T", _LoopGuard(handlers))


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


def check_handlers(
    handlers: object | None, protocol: type, defaults: Iterable[str] = ()
) -> None:
    """Raise `HandlersError` listing every problem of `handlers` against the Protocol: a
    method it lacks that has no default (`defaults`: the httpCall methods the server performs
    itself), a method that cannot take one call model, and a public method that matches no
    call but is near one (a misspelled override would otherwise be ignored silently)."""
    problems: list[str] = []
    kind = type(handlers).__name__
    offered = _offered(handlers) if handlers is not None else []
    wanted = _wanted(protocol)
    fallback = set(defaults)
    for name in wanted:
        method = getattr(handlers, name, None) if handlers is not None else None
        if name in fallback and is_http_default(method):
            continue
        if method is None or not callable(method):
            if name in fallback:
                continue
            if handlers is None:
                problems.append(
                    f"no handlers were given, but {protocol.__name__}.{name} handles a "
                    "task the server does not perform itself: pass a handlers object "
                    f"with a method {name!r}"
                )
                continue
            near = difflib.get_close_matches(name, offered, n=1, cutoff=0.6)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            problems.append(
                f"{kind} has no method {name!r} ({protocol.__name__}.{name} "
                f"handles a task of this journey){hint}"
            )
            continue
        if is_nonblocking(method) and inspect.iscoroutinefunction(method):
            problems.append(
                f"{kind}.{name} is `async def` and marked @nonblocking: a coroutine is "
                "awaited on the event loop from a worker thread; drop @nonblocking, or "
                "write it as a `def` that never waits"
            )
        try:
            inspect.signature(method).bind(object())
        except TypeError:
            problems.append(
                f"{kind}.{name}{inspect.signature(method)} cannot be called with one "
                f"argument, the call model: write `def {name}(self, call)`"
            )
        except ValueError:  # no signature to inspect (a builtin): trust it
            continue
    missing = [
        name
        for name in wanted
        if name in fallback
        and (name not in offered or is_http_default(getattr(handlers, name)))
    ]
    for name in offered:
        if name in wanted:
            continue
        near = difflib.get_close_matches(name, missing, n=1, cutoff=0.8)
        if near:
            problems.append(
                f"{kind}.{name} matches no call of this journey, so it is never called "
                f"(the server makes the {near[0]!r} call over HTTP); did you mean "
                f"{near[0]!r}?"
            )
    if problems:
        raise HandlersError(problems)


def with_defaults(
    handlers: object | None, defaults: HttpDefaults, protocol: type
) -> tuple[Any, list[str]]:
    """`handlers`' own methods, and `defaults`' for the Protocol methods it does not have
    or inherits from an `HttpDefaults` class (`handlers` itself when nothing is missing;
    `defaults` when there are no handlers), and the names the server makes over HTTP."""
    wanted = _wanted(protocol)
    if handlers is None:
        return defaults, wanted
    made = [
        name
        for name in wanted
        if not callable(getattr(handlers, name, None))
        or is_http_default(getattr(handlers, name))
    ]
    if isinstance(handlers, HttpDefaults) and not isinstance(
        getattr(handlers, "outbound", None), Outbound
    ):
        handlers.outbound = defaults.outbound  # a subclass: its inherited calls
    absent = [name for name in made if not callable(getattr(handlers, name, None))]
    if not absent:
        return handlers, made
    merged = _Merged(handlers)
    for name in wanted:
        source = defaults if name in absent else handlers
        setattr(merged, name, getattr(source, name))
    return merged, made


class _Merged:
    """A handlers object whose missing methods are the HTTP defaults'."""

    def __init__(self, own: object) -> None:
        self.own = own

    def __repr__(self) -> str:
        return f"<{type(self.own).__name__} with HTTP defaults>"


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
