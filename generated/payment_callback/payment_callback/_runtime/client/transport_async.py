"""The asyncio transport: an httpx.AsyncClient call with retries under the call's deadline."""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Self, TypeVar

import httpx
from pydantic import TypeAdapter

from .transport_call import CallState, build_request, lean_cookies
from .transport_request import (
    ClientConfig,
    Prepared,
    RequestSpec,
    prepare,
)
from .transport_response import (
    ApiResponse,
    RawResponse,
    map_transport_error,
)

T = TypeVar("T")


class AsyncTransport:
    """Asynchronous transport over an httpx.AsyncClient (injected, or created and owned)."""

    def __init__(
        self, config: ClientConfig, client: httpx.AsyncClient | None = None
    ) -> None:
        self.config = config
        self._owns = client is None
        self._client = client if client is not None else httpx.AsyncClient()
        lean_cookies(self._client)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the underlying client if this transport created it."""
        if self._owns:
            await self._client.aclose()

    async def request(
        self,
        spec: RequestSpec,
        adapter: TypeAdapter[T] | None = None,
        prepared: Prepared | None = None,
    ) -> ApiResponse[T]:
        """Send `spec` with retries and the overall deadline; return the parsed response.

        `prepared` is `prepare(self.config, spec)` when the caller has it already.
        """
        if prepared is None:
            prepared = prepare(self.config, spec)
        state = CallState(self.config, prepared, spec.deadline)
        while True:
            left = state.begin_attempt()
            request = build_request(self._client, prepared, state.timeout_for(left))
            try:
                raw = await self._attempt(request, state, left)
            except httpx.HTTPError as exc:
                decision = state.after_exception(exc)
                if not decision.retry:
                    raise map_transport_error(exc, prepared) from exc
            else:
                decision = state.after_response(raw, spec.success)
                if not decision.retry:
                    return state.finish(raw, spec, adapter)
            await self.config.timing.async_sleep(decision.delay)

    async def _attempt(
        self, request: httpx.Request, state: CallState, left: float | None
    ) -> RawResponse:
        try:
            async with asyncio.timeout(left):
                return await self._read(request)
        except TimeoutError:
            raise state.deadline_error() from None

    async def _read(self, request: httpx.Request) -> RawResponse:
        response = await self._client.send(request, stream=True, follow_redirects=False)
        try:
            content = b"".join([chunk async for chunk in response.aiter_bytes()])
            return RawResponse(response.status_code, response.headers, content)
        finally:
            await response.aclose()
