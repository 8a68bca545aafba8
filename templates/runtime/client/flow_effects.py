"""The client engine's effects and their drivers: a program is a generator that yields `Call`
(send one request) and `Sleep` effects and is sent the results back; `drive` runs it with
blocking I/O, `adrive` with asyncio. Cancelling an async run cancels the awaited effect at once.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any, TypeAlias, TypeVar

from pydantic import TypeAdapter

from .errors import (
    ClientError,
)
from .transport import (
    AsyncTransport,
    Prepared,
    RequestSpec,
    SyncTransport,
)

T = TypeVar("T")


@dataclass(frozen=True)
class Call:
    """Effect: send one request (retries and its deadline are the transport's)."""

    spec: RequestSpec
    adapter: TypeAdapter[Any] | None = None
    # `spec` already prepared with the client's configuration (prepared again when None)
    prepared: Prepared | None = None


@dataclass(frozen=True)
class Sleep:
    """Effect: wait this many seconds."""

    seconds: float


Effect: TypeAlias = Call | Sleep
Program: TypeAlias = Generator[Effect, Any, T]


def drive(transport: SyncTransport, program: Program[T]) -> T:
    """Run a program with blocking I/O."""
    reply: Any = None
    error: ClientError | None = None
    try:
        while True:
            effect = program.throw(error) if error is not None else program.send(reply)
            reply, error = None, None
            if isinstance(effect, Sleep):
                transport.config.timing.sleep(effect.seconds)
                continue
            try:
                reply = transport.request(effect.spec, effect.adapter, effect.prepared)
            except ClientError as exc:
                error = exc
    except StopIteration as stop:
        result: T = stop.value
        return result
    finally:
        program.close()


async def adrive(transport: AsyncTransport, program: Program[T]) -> T:
    """Run a program with asyncio; cancellation stops it at the effect being awaited."""
    reply: Any = None
    error: ClientError | None = None
    try:
        while True:
            effect = program.throw(error) if error is not None else program.send(reply)
            reply, error = None, None
            if isinstance(effect, Sleep):
                await transport.config.timing.async_sleep(effect.seconds)
                continue
            try:
                reply = await transport.request(
                    effect.spec, effect.adapter, effect.prepared
                )
            except ClientError as exc:
                error = exc
    except StopIteration as stop:
        result: T = stop.value
        return result
    finally:
        program.close()
