"""httpCall:v1 made by the generated server itself, over real HTTP (DSL §5.1, §2.3, §10.1).

The journey `dsl-http-call` has only httpCall tasks: an operationRef GET with path, query and
header params and `accept`; a POST whose body is a mapper, with its own `timeoutMs` and an
`errorMapping` into `context.problem`; a GET whose `errorMapping` is a `mapperRef` into a var;
a raw `method` + `url` POST with a text body; and a `mode: notify` POST. `spec.defaults.http`
gives the timeout and two headers (one overridden by a task), `spec.defaults.tasks` the
resilience policy of the tasks that name none. It is generated, served with no handlers by a
live uvicorn, its downstream shop API is a live FastAPI app on 127.0.0.1 (or a scripted TCP
server for resets), and the generated client starts it. An answer is checked against the
response schema of shop.openapi.yaml (a wrong type fails the call, INVALID_BODY) and against
the size cap (RESPONSE_TOO_LARGE); a handler overriding a call gets the typed result.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi import Depends, FastAPI, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse, StreamingResponse

from tests.constructs.support import generate as generate_journey
from tests.support.engine import server_module
from tests.support.live import LiveServer, free_port
from tests.support.scripted import ScriptedServer, reset

NAME = "dsl-http-call"


async def _body(request: Request) -> bytes:
    return await request.body()


class Shop:
    """The downstream shop API (and the raw-url hook): records every request."""

    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []
        self.audited = threading.Event()
        self.release = threading.Event()  # the audit call is answered only once set
        app = self.app = FastAPI()

        def note(request: Request, body: bytes) -> None:
            self.seen.append(
                {
                    "method": request.method,
                    "path": request.url.path,
                    "query": dict(request.query_params),
                    "headers": dict(request.headers),
                    "body": body,
                }
            )

        @app.get("/shop/items/{item_id}")
        async def get_item(item_id: str, request: Request) -> Response:
            note(request, await request.body())
            if item_id == "slow":
                time.sleep(1.5)  # beyond spec.defaults.http.timeoutMs (500)
            if item_id == "boom":
                return JSONResponse({"message": "down"}, status_code=503)
            if item_id == "garbled":
                return Response(b"{not json", media_type="application/json")
            if item_id == "cheap":  # price is a number in shop.openapi.yaml
                return JSONResponse({"id": item_id, "price": "cheap", "tag": "x"})
            if item_id == "huge":  # over the test's 4 KiB cap, Content-Length said
                return JSONResponse({"id": item_id, "blob": "x" * 10_000})
            if (
                item_id == "endless"
            ):  # chunked, no Content-Length: 1 MiB in 1 KiB chunks

                def chunks() -> Iterator[bytes]:
                    yield b'{"id": "endless", "blob": "'
                    for _ in range(1024):
                        yield b"x" * 1024
                    yield b'"}'

                return StreamingResponse(chunks(), media_type="application/json")
            return JSONResponse({"id": item_id, "price": 9.5})

        @app.post("/shop/orders")
        async def create_order(request: Request) -> Response:
            note(request, await request.body())
            order = await request.json()
            if order["qty"] > 10:
                return JSONResponse({"message": "too many"}, status_code=422)
            return JSONResponse({"orderId": f"o-{order['itemId']}"}, status_code=201)

        @app.get("/shop/stock/{item_id}")
        async def get_stock(item_id: str, request: Request) -> Response:
            note(request, await request.body())
            return PlainTextResponse("no such item", status_code=404)

        @app.post("/shop/audit")
        def audit(request: Request, body: bytes = Depends(_body)) -> Response:
            note(request, body)
            self.audited.set()
            self.release.wait(15)  # the journey must not wait for this answer
            return Response(status_code=204)

        @app.post("/hooks")
        async def hook(request: Request) -> Response:
            note(request, await request.body())
            return PlainTextResponse("received")

    def request(self, path: str) -> dict[str, Any]:
        (found,) = [seen for seen in self.seen if seen["path"] == path]
        return found


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return server_module(generate_journey(NAME, tmp_path_factory.mktemp("http")))


@pytest.fixture
def shop(live: Callable[..., LiveServer]) -> Iterator[tuple[Shop, str]]:
    downstream = Shop()
    yield downstream, live(downstream.app).url
    downstream.release.set()


def _run(
    server: Any,
    live: Callable[..., LiveServer],
    db_path: str,
    shop_url: str,
    hook_url: str,
    item: str = "i-1",
    qty: int = 2,
    settings: dict[str, Any] | None = None,
    **options: Any,
) -> dict[str, Any]:
    """Serve the journey (with no handlers unless `options` gives some); start it through
    the generated client."""
    found = server.Settings(
        store_path=db_path, api_base_urls={"shop": shop_url}, **(settings or {})
    )
    app = live(server.create_app(settings=found, **options))
    client_module = __import__(server.__name__.rsplit(".", 1)[0] + ".client")
    client_module = client_module.client
    models = __import__(server.__name__.rsplit(".", 1)[0] + ".models").models
    with client_module.DslHttpCallClient(app.url) as client:
        outcome = client.start(
            models.DslHttpCallInput(itemId=item, qty=qty, hookUrl=hook_url)
        )
    body: dict[str, Any] = outcome.model_dump(mode="json", by_alias=True)
    assert body["phase"] == "SUCCEEDED", body
    output: dict[str, Any] = body["output"]
    return output


def test_every_http_call_runs_over_http_with_no_handlers(
    server: Any, live: Callable[..., LiveServer], db_path: str, shop: tuple[Shop, str]
) -> None:
    downstream, url = shop
    output = _run(server, live, db_path, url + "/shop", url + "/hooks", qty=12)
    # operationRef GET: path, query and header params, the defaults' header, accept
    got = downstream.request("/shop/items/i-1")
    assert got["method"] == "GET" and got["query"] == {"verbose": "true"}
    assert got["headers"]["x-trace"] == "trace-i-1"  # the task's header wins
    assert got["headers"]["x-client"] == "journeygen"  # spec.defaults.http.headers
    assert got["headers"]["accept"] == "application/json"
    assert output["item"] == {
        "status": 200,
        "ok": True,
        "headers": output["item"]["headers"],
        "body": {"id": "i-1", "price": 9.5},
        "error": None,
    }
    assert output["item"]["headers"]["content-type"] == "application/json"
    # body mapper, JSON; a 422 is data (ok false) and errorMapping writes context.problem
    ordered = downstream.request("/shop/orders")
    assert ordered["headers"]["content-type"] == "application/json"
    assert ordered["body"] == b'{"itemId":"i-1","qty":12}'
    assert (output["order"]["status"], output["order"]["ok"]) == (422, False)
    assert output["problem"] == {
        "type": "urn:shop:order-refused",
        "status": 422,
        "detail": "too many",
    }
    # errorMapping.mapperRef into a var; the text body kept as text
    assert output["stock"]["body"] == "no such item"
    assert output["stockProblem"] == {
        "type": "urn:shop:stock",
        "status": 404,
        "detail": "no such item",
    }
    # raw method + url, a text/plain body, accept text/plain
    hooked = downstream.request("/hooks")
    assert hooked["body"] == b"item i-1"
    assert hooked["headers"]["content-type"] == "text/plain"
    assert hooked["headers"]["accept"] == "text/plain"
    assert (output["hook"]["ok"], output["hook"]["body"]) == (True, "received")
    # mode: notify is sent, and the journey ended without waiting for its answer
    # (the audit call has timeoutMs 10000; it is answered only now)
    assert downstream.audited.wait(10)
    downstream.release.set()
    assert downstream.request("/shop/audit")["body"] == (
        b'{"event":"ordered","itemId":"i-1"}'
    )
    assert "audit" not in output


def test_a_small_order_has_no_problem(
    server: Any, live: Callable[..., LiveServer], db_path: str, shop: tuple[Shop, str]
) -> None:
    _, url = shop
    output = _run(server, live, db_path, url + "/shop", url + "/hooks", qty=1)
    assert output["order"]["body"] == {"orderId": "o-i-1"}
    assert output["order"]["status"] == 201
    assert "problem" not in output  # errorMapping runs only when ok is false


class Recording:
    """An outbound policy that sees each operation, then sends the request as it is."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str | None, float]] = []

    def send(
        self, client: httpx.Client, request: httpx.Request, operation: Any
    ) -> httpx.Response:
        timeout = request.extensions["timeout"]["read"]
        self.seen.append((operation.state, operation.resilience_policy, timeout))
        return client.send(request)


def test_timeouts_and_policy_refs_reach_the_outbound_policy(
    server: Any, live: Callable[..., LiveServer], db_path: str, shop: tuple[Shop, str]
) -> None:
    downstream, url = shop
    downstream.release.set()
    policy = Recording()
    _run(server, live, db_path, url + "/shop", url + "/hooks", outbound_policy=policy)
    deadline = time.monotonic() + 10
    while len(policy.seen) < 5 and time.monotonic() < deadline:
        time.sleep(0.02)  # the notify call is sent in the background
    assert sorted(policy.seen) == sorted(
        [
            ("getItem", "standard", 0.5),  # spec.defaults.tasks; spec.defaults.http
            ("order", "patient", 2.0),  # the task's resiliencePolicyRef and timeoutMs
            ("stock", "standard", 0.5),
            ("hook", "standard", 0.5),
            ("audit", "standard", 10.0),
        ]
    )


@pytest.mark.parametrize(
    ("item", "status", "error"),
    [
        ("slow", None, "TIMEOUT"),  # no answer: no status key (DSL §5.1)
        ("boom", 503, None),
        ("garbled", 200, "INVALID_BODY"),
        ("cheap", 200, "INVALID_BODY"),
        ("huge", 200, "RESPONSE_TOO_LARGE"),
        ("endless", 200, "RESPONSE_TOO_LARGE"),
    ],
)
def test_a_downstream_fault_is_a_failed_result_not_a_crash(
    server: Any,
    live: Callable[..., LiveServer],
    db_path: str,
    shop: tuple[Shop, str],
    item: str,
    status: int | None,
    error: str | None,
) -> None:
    _, url = shop
    cap = {"max_response_bytes": 4096}
    hook = url + "/hooks"
    output = _run(server, live, db_path, url + "/shop", hook, item=item, settings=cap)
    result = output["item"]
    assert (result.get("status"), result["ok"]) == (status, False), result
    assert ("status" in result) is (status is not None), result
    assert (result["error"] or {}).get("type") == error
    if item == "boom":
        assert result["body"] == {"message": "down"}
    if item == "garbled":
        assert result["body"] == "{not json"
    if item == "cheap":  # the answer is kept as it came; the problem names the field
        assert result["body"] == {"id": "cheap", "price": "cheap", "tag": "x"}
        assert result["error"]["errors"] == [
            {"path": "price", "message": "Input should be a valid number"}
        ]
        assert result["error"]["message"].startswith(
            "GET /items/{itemId} of API 'shop' answered 200 with a body its OpenAPI "
            "document does not allow: price: Input should be a valid number"
        )
    if item in ("huge", "endless"):  # nothing of the body is kept
        assert result["body"] is None
        assert "with a body over 4096 bytes" in result["error"]["message"]
        assert "raise Settings.max_response_bytes" in result["error"]["message"]
        assert result["headers"]["content-type"] == "application/json"
    assert output["order"]["ok"] is True  # the journey went on


def test_a_handler_overriding_a_call_gets_the_typed_result(
    server: Any, live: Callable[..., LiveServer], db_path: str, shop: tuple[Shop, str]
) -> None:
    _, url = shop
    handlers = sys.modules[server.__name__.rpartition(".")[0] + ".handlers"]
    seen: list[Any] = []

    class Mine(handlers.DslHttpCallHttpHandlers):  # type: ignore[misc, name-defined]
        def get_item(self, call: Any) -> Any:
            found = super().get_item(call)
            seen.append(found)
            return found

    output = _run(server, live, db_path, url + "/shop", url + "/hooks", handlers=Mine())
    (result,) = seen
    assert isinstance(result.body, handlers.GetItemResponse)
    assert (result.body.id_, result.body.price) == ("i-1", 9.5)
    # the journey reads the body as it was answered (no absent field added as null)
    assert output["item"]["body"] == {"id": "i-1", "price": 9.5}


def test_a_refused_or_reset_connection_is_a_network_error(
    server: Any, live: Callable[..., LiveServer], db_path: str, shop: tuple[Shop, str]
) -> None:
    _, url = shop
    closed = f"http://127.0.0.1:{free_port()}/shop"  # nothing listens there
    output = _run(server, live, db_path, closed, url + "/hooks")
    for name in ("item", "order", "stock"):
        # no answer: no status key (DSL §5.1 "absent if network error")
        assert "status" not in output[name] and output[name]["ok"] is False
        assert output[name]["error"]["type"] == "NETWORK", output[name]
    # errorMapping sees the failed result: its `payload.status` is null
    assert output["problem"]["status"] is None
    resetting = ScriptedServer([reset() for _ in range(8)])
    resetting.start()
    try:
        output = _run(server, live, db_path, url + "/shop", resetting.url + "/hooks")
    finally:
        resetting.sock.close()
    assert output["hook"]["error"]["type"] == "NETWORK", output["hook"]
    assert output["item"]["ok"] is True


def test_an_api_with_a_relative_server_url_needs_its_base_url_setting(
    server: Any, db_path: str
) -> None:
    settings = server.Settings(store_path=db_path, env_prefix="DSL_HTTP_CALL")
    with pytest.raises(server.BaseUrlError) as caught:
        server.create_app(settings=settings)
    message = str(caught.value)
    assert "set DSL_HTTP_CALL_API_SHOP_BASE_URL" in message
    assert "its server URL '/shop' is not absolute" in message


def test_a_handlers_object_overrides_one_call_and_the_rest_stay_http(
    server: Any, live: Callable[..., LiveServer], db_path: str, shop: tuple[Shop, str]
) -> None:
    downstream, url = shop
    downstream.release.set()
    handlers_module = __import__(server.__name__.rsplit(".", 1)[0] + ".handlers")
    task_result = handlers_module.handlers.TaskResult

    class OnlyItem:
        """Implements one method of the Protocol: getItem is the team's own code."""

        def __init__(self) -> None:
            self.items: list[str] = []

        async def get_item(self, call: Any) -> Any:
            self.items.append(call.item_id)
            return task_result(status=200, ok=True, body={"id": "from-override"})

    handlers = OnlyItem()
    output = _run(
        server, live, db_path, url + "/shop", url + "/hooks", handlers=handlers
    )
    assert handlers.items == ["i-1"]
    assert output["item"]["body"] == {"id": "from-override"}
    paths = [seen["path"] for seen in downstream.seen]
    assert "/shop/items/i-1" not in paths  # the override made that call
    assert {"/shop/orders", "/shop/stock/i-1", "/hooks"} <= set(paths)
    assert output["order"]["body"] == {"orderId": "o-i-1"}
