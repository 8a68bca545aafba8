"""How the sync transport holds its deadline: on the socket for the clients it can bind (no
thread per call), on a worker thread for any other client; and never beyond its own calls.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest
from jg_runtime.client.errors import DeadlineExceeded
from jg_runtime.client.retry import RetryPolicy
from jg_runtime.client.transport import (
    ClientConfig,
    RequestSpec,
    SyncTransport,
    bind_deadlines,
)

from tests.support.scripted import ScriptedServer, delayed, respond, trickle

Serve = Callable[..., ScriptedServer]
GET = RequestSpec("GET", "/journeys/j-1")


class Delegating(httpx.BaseTransport):
    """A custom transport (as a user may inject): its pool cannot be bound."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def _config(url: str, deadline: float | None = 1.0) -> ClientConfig:
    return ClientConfig(
        base_url=url,
        deadline=deadline,
        timeout=httpx.Timeout(5.0),
        retry=RetryPolicy(1),
    )


def test_a_stock_client_is_bound_and_a_custom_transport_is_not() -> None:
    with httpx.Client() as stock, httpx.Client(transport=Delegating()) as custom:
        assert bind_deadlines(stock, "http://127.0.0.1:1")
        assert bind_deadlines(stock, "http://127.0.0.1:1")  # idempotent
        assert not bind_deadlines(custom, "http://127.0.0.1:1")


@pytest.mark.parametrize("in_headers", [False, True], ids=["body", "headers"])
@pytest.mark.parametrize("custom", [False, True], ids=["socket", "thread"])
def test_trickle_stops_at_the_deadline_with_an_injected_client(
    serve: Serve, in_headers: bool, custom: bool
) -> None:
    server = serve(trickle(0.2, 60, in_headers=in_headers))
    client = httpx.Client(transport=Delegating()) if custom else httpx.Client()
    started = time.monotonic()
    with client, pytest.raises(DeadlineExceeded):
        SyncTransport(_config(server.url), client).request(GET)
    assert time.monotonic() - started < 3.0


def test_the_bound_client_is_unbounded_outside_the_transports_calls(
    serve: Serve,
) -> None:
    server = serve(
        trickle(0.2, 60, in_headers=True),
        delayed(1.5, respond(200, b'{"ok": true}')),
    )
    with httpx.Client() as client:
        with pytest.raises(DeadlineExceeded):
            SyncTransport(_config(server.url), client).request(GET)
        # The same thread, the same pool, a request of the caller's own: slower than the
        # transport's 1 s deadline, and not cut by it.
        response = client.get(f"{server.url}/own", timeout=10.0)
    assert response.status_code == 200 and response.json() == {"ok": True}


def test_a_slow_answer_within_the_deadline_is_read(serve: Serve) -> None:
    server = serve(delayed(0.5, respond(200, b'{"phase": "DONE"}')))
    with SyncTransport(_config(server.url, deadline=5.0)) as transport:
        assert transport.request(GET).data == {"phase": "DONE"}
