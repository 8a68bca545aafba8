"""kind: Api served at its own route with its own contract (DSL §2.2.2, §17.1, issue #14).

`dsl-api-route` is served at `spec.bindings.http.route` (POST /api/v1/apis/quotes/price): it
calls the downstream shop API (a live FastAPI app on 127.0.0.1) with httpCall, branches on the
answer and succeeds with a computed quote or fails; `spec.bindings.http.apiResponses` picks the
status (an errorType rule, a predicate over context with a statusExpr, a predicate over the
success payload, per-phase defaults). `dsl-api-default` has no route and no apiResponses: it is
served at the default /api/v1/apis/dsl-api-default, runs a choice, a parallel of transforms and
a join, and answers 200 or, for a fail, problem+json with 500. Both are generated from the Api
spec alone (the contract derived in memory), served by a live uvicorn with no handlers and
called through the generated typed client, sync and async. Nothing is stored, no journeyId.
"""

from __future__ import annotations

import asyncio
import copy
import importlib
import importlib.util
import inspect
import io
import json
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from tests.constructs.support import JOURNEYS
from tests.constructs.support import generate as generate_journey
from tests.support.live import LiveServer, free_port

ROUTE = "dsl-api-route"
DEFAULT = "dsl-api-default"
ENVELOPE = "dsl-api-envelope"
PRICES = {"i-1": 9.5, "gold": 50.0}


class Shop:
    """The downstream shop API: GET /shop/items/{id}, recording every request."""

    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []
        app = self.app = FastAPI()

        @app.get("/shop/items/{item_id}")
        async def get_item(item_id: str, request: Request) -> JSONResponse:
            self.seen.append({"path": request.url.path, "method": request.method})
            if item_id == "down":
                return JSONResponse({"message": "down"}, status_code=500)
            if item_id not in PRICES:
                return JSONResponse({"message": "no such item"}, status_code=404)
            answer = JSONResponse({"id": item_id, "price": PRICES[item_id]})
            answer.set_cookie("session", f"s-{item_id}", path="/")
            answer.set_cookie("tracking", "t-1", path="/")
            return answer

        @app.post("/shop/orders")
        def create_order(order: dict[str, Any]) -> JSONResponse:
            self.seen.append({"path": "/shop/orders", "body": order})
            if order["itemId"] == "slow":
                time.sleep(1.0)  # beyond the Api's execution budget (scaled)
            if order["qty"] > 10 or order["itemId"] == "banned":
                return JSONResponse({"message": "refused"}, status_code=422)
            return JSONResponse({"orderId": f"o-{order['itemId']}"}, status_code=201)

        @app.post("/shop/audit")
        def audit(event: dict[str, Any]) -> Response:
            self.seen.append({"path": "/shop/audit", "body": event})
            return Response(status_code=204)


def _package(module: str) -> tuple[Any, Any, Any]:
    """(server, package, models) modules of a generated package: the package exports the
    clients and their errors."""
    return (
        importlib.import_module(f"{module}.server"),
        importlib.import_module(module),
        importlib.import_module(f"{module}.models"),
    )


@pytest.fixture(scope="module")
def route_pkg(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any, Any]:
    return _package(generate_journey(ROUTE, tmp_path_factory.mktemp("api")))


@pytest.fixture(scope="module")
def default_pkg(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any, Any]:
    return _package(generate_journey(DEFAULT, tmp_path_factory.mktemp("api")))


@pytest.fixture
def quotes(
    route_pkg: tuple[Any, Any, Any], live: Callable[..., LiveServer]
) -> Iterator[tuple[Shop, str]]:
    """The shop live, and the dsl-api-route server live with no handlers, calling it."""
    server, _, _ = route_pkg
    shop = Shop()
    shop_url = live(shop.app).url
    settings = server.Settings(api_base_urls={"shop": shop_url + "/shop"})
    app = live(server.create_app(settings=settings), lifespan="on")
    yield shop, app.url


def test_an_api_is_served_at_its_route_with_its_status_and_its_output(
    route_pkg: tuple[Any, Any, Any], quotes: tuple[Shop, str]
) -> None:
    _, client, models = route_pkg
    shop, url = quotes
    with client.DslApiRouteClient(url) as api:
        answer = api.with_raw_response.execute(
            models.DslApiRouteInput(itemId="i-1", qty=2)
        )
    # the httpCall reached the downstream shop; default.SUCCEEDED is 201
    assert shop.seen == [{"path": "/shop/items/i-1", "method": "GET"}]
    assert answer.status == 201
    assert answer.value == models.DslApiRouteOutput(itemId="i-1", total=19.0)
    assert answer.headers["content-type"] == "application/json"
    # spec.cookies: the downstream's session cookie, kept in this call's jar, is returned
    # (returnToClient mode filtered: session only, not tracking)
    (cookie,) = answer.headers.get_list("set-cookie")
    assert cookie.startswith("session=s-i-1;")
    # one synchronous endpoint: no journey, no default route, no status/result resources
    with httpx.Client(base_url=url) as raw:
        body = {"itemId": "i-1", "qty": 2}
        assert raw.post("/api/v1/apis/quotes/price", json=body).json() == {
            "itemId": "i-1",
            "total": 19.0,
        }
        assert raw.post("/api/v1/apis/dsl-api-route", json=body).status_code == 404
        assert raw.post(f"/api/v1/journeys/{ROUTE}/start", json=body).status_code == 404
        assert raw.get("/api/v1/journeys/anything").status_code == 404
        assert raw.get("/api/v1/apis/quotes/price").status_code == 405


def test_api_responses_rules_pick_the_status_and_keep_the_body(
    route_pkg: tuple[Any, Any, Any], quotes: tuple[Shop, str]
) -> None:
    _, client, models = route_pkg
    _, url = quotes
    with client.DslApiRouteClient(url) as api:
        # a SUCCEEDED rule whose predicate reads the success payload: total 1500 > 1000
        big = api.with_raw_response.execute(
            models.DslApiRouteInput(itemId="gold", qty=30)
        )
        assert (big.status, big.value.total) == (202, 1500.0)
        # a FAILED rule matching the Problem type (errorType)
        with pytest.raises(client.NotFound) as missing:
            api.execute(models.DslApiRouteInput(itemId="nope", qty=1))
        # a FAILED rule whose predicate reads the context, its status a statusExpr
        with pytest.raises(client.UnprocessableEntity) as many:
            api.execute(models.DslApiRouteInput(itemId="i-1", qty=101))
        # no rule matches: default.FAILED
        with pytest.raises(client.ApiError) as down:
            api.execute(models.DslApiRouteInput(itemId="down", qty=1))
    assert missing.value.status == 404
    assert missing.value.headers["content-type"] == "application/problem+json"
    assert missing.value.body == {
        "type": "urn:quote:item-not-found",
        "title": "No such item",
        "status": 404,
    }
    assert many.value.body == {
        "type": "urn:quote:too-many",
        "title": "At most 100 items per quote",
        "status": 422,
    }
    assert (down.value.status, down.value.body["type"]) == (424, "urn:quote:upstream")


def test_the_input_schema_refuses_a_bad_body_before_any_state_runs(
    quotes: tuple[Shop, str],
) -> None:
    shop, url = quotes
    with httpx.Client(base_url=url) as raw:
        wrong = raw.post(
            "/api/v1/apis/quotes/price", json={"itemId": "i-1", "qty": "2"}
        )
        missing = raw.post("/api/v1/apis/quotes/price", json={"qty": 2})
        text = raw.post(
            "/api/v1/apis/quotes/price",
            content=b"itemId=i-1",
            headers={"content-type": "text/plain"},
        )
    assert wrong.status_code == 400, wrong.text
    assert wrong.headers["content-type"] == "application/problem+json"
    assert missing.status_code == 400
    assert text.status_code == 415
    assert shop.seen == []  # no httpCall was made


def test_the_async_client_calls_the_api(
    route_pkg: tuple[Any, Any, Any], quotes: tuple[Shop, str]
) -> None:
    _, client, models = route_pkg
    _, url = quotes

    async def call() -> Any:
        async with client.AsyncDslApiRouteClient(url) as api:
            return await api.execute(models.DslApiRouteInput(itemId="gold", qty=2))

    assert asyncio.run(call()) == models.DslApiRouteOutput(itemId="gold", total=100.0)


class Gateway:
    """A gateway in front of the Api: it forwards each request, then answers 503 (as one
    whose upstream answered too late), so the Api ran but the client sees a retryable
    status."""

    def __init__(self, upstream: str) -> None:
        self.forwarded: list[dict[str, str]] = []
        app = self.app = FastAPI()

        @app.post("/{path:path}")
        async def forward(path: str, request: Request) -> Response:
            self.forwarded.append(dict(request.headers))
            async with httpx.AsyncClient() as client:
                await client.post(
                    f"{upstream}/{path}",
                    content=await request.body(),
                    headers={"content-type": "application/json"},
                )
            return JSONResponse({"message": "late"}, status_code=503)


def test_a_call_that_reached_the_api_is_not_sent_again(
    route_pkg: tuple[Any, Any, Any],
    quotes: tuple[Shop, str],
    live: Callable[..., LiveServer],
) -> None:
    """The Api server keeps no record of Idempotency-Keys (it is stateless), so the client
    offers none on execute() and never resends the POST: a retry would run the Api (and
    its httpCalls) again."""
    _, client, models = route_pkg
    shop, url = quotes
    gateway = Gateway(url)
    gateway_url = live(gateway.app).url
    assert (
        "idempotency_key"
        not in inspect.signature(client.DslApiRouteClient.execute).parameters
    )
    policy = client.RetryPolicy(max_attempts=3, initial_backoff=0.01)
    body = models.DslApiRouteInput(itemId="i-1", qty=2)
    with client.DslApiRouteClient(gateway_url, retry=policy) as api:
        with pytest.raises(client.ServerError, match="503"):
            api.execute(body)
        # even with a key the caller sets itself
        with pytest.raises(client.ServerError, match="503"):
            api.execute(body, headers={"Idempotency-Key": "k-1"})
    assert len(gateway.forwarded) == 2  # one attempt per call
    assert gateway.forwarded[1]["idempotency-key"] == "k-1"
    # the Api ran once per call: one GET of the item each
    assert shop.seen == [{"path": "/shop/items/i-1", "method": "GET"}] * 2

    async def call() -> None:
        async with client.AsyncDslApiRouteClient(gateway_url, retry=policy) as api:
            with pytest.raises(client.ServerError, match="503"):
                await api.execute(body, headers={"Idempotency-Key": "k-2"})

    asyncio.run(call())
    assert len(gateway.forwarded) == 3 and len(shop.seen) == 3
    # a request that never reached a server (connection refused) is still retried
    closed = f"http://127.0.0.1:{free_port()}"
    tries: list[float] = []
    timing = client.Timing(sleep=tries.append)
    api = client.DslApiRouteClient(closed, retry=policy, timing=timing)
    with api, pytest.raises(client.TransportError):
        api.execute(body)
    assert len(tries) == 2  # 3 attempts, 2 waits


def test_scaffold_of_an_api_folder_writes_handlers_the_server_runs(
    route_pkg: tuple[Any, Any, Any],
    live: Callable[..., LiveServer],
    tmp_path: Path,
) -> None:
    """`journeygen scaffold` on a folder holding only the Api file derives its contract as
    `generate` does; the handlers it writes serve the Api (its httpCall made over HTTP).
    """
    from generator.cli import main

    server, client, models = route_pkg
    folder = JOURNEYS / "examples" / "technical" / ROUTE
    dest = tmp_path / "route_handlers.py"
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(["scaffold", str(folder), str(dest)], stdout=stdout, stderr=stderr)
    assert code == 0, stdout.getvalue() + stderr.getvalue()
    assert [p.name for p in folder.iterdir()] == [f"{ROUTE}.journey.yaml"]
    found = importlib.util.spec_from_file_location("route_handlers", dest)
    assert found is not None and found.loader is not None
    scaffold = importlib.util.module_from_spec(found)
    found.loader.exec_module(scaffold)
    shop = Shop()
    settings = server.Settings(api_base_urls={"shop": live(shop.app).url + "/shop"})
    app = server.create_app(scaffold.create_handlers(), settings=settings)
    with client.DslApiRouteClient(live(app, lifespan="on").url) as api:
        answer = api.with_raw_response.execute(
            models.DslApiRouteInput(itemId="i-1", qty=2)
        )
    assert (answer.status, answer.value.total) == (201, 19.0)
    assert shop.seen == [{"path": "/shop/items/i-1", "method": "GET"}]


def test_the_served_contract_is_the_api_contract(quotes: tuple[Shop, str]) -> None:
    _, url = quotes
    contract = httpx.get(url + "/openapi.json").json()
    assert contract["info"]["title"] == "JourneyForge \u2013 dsl-api-route (Api)"
    (path,) = contract["paths"]
    operation = contract["paths"][path]["post"]
    assert path.endswith("/apis/quotes/price")
    assert operation["operationId"] == "dslApiRoute_execute"
    # the apiResponses statuses (and the request errors the server adds, 400, 415, ...)
    documented = set(operation["responses"])
    assert {"201", "202", "404", "424", "default"} <= documented
    assert "200" not in documented and "422" not in documented  # 422 is a statusExpr


def test_an_api_at_its_default_route_runs_choice_parallel_and_join(
    default_pkg: tuple[Any, Any, Any], live: Callable[..., LiveServer]
) -> None:
    server, client, models = default_pkg
    app = live(server.create_app(settings=server.Settings()), lifespan="on")
    with client.DslApiDefaultClient(app.url) as api:
        answer = api.with_raw_response.execute(models.DslApiDefaultInput(name="Ada"))
        with pytest.raises(client.ServerError) as empty:
            api.execute(models.DslApiDefaultInput(name=""))
    assert answer.status == 200
    assert answer.value == models.DslApiDefaultOutput(greeting="Hello, Ada", length=3)
    # fail with no apiResponses: problem+json, the Problem has no status: 500
    assert empty.value.status == 500
    assert empty.value.headers["content-type"] == "application/problem+json"
    assert empty.value.body == {
        "type": "urn:greet:empty-name",
        "title": "The name is empty",
        "status": 500,
    }
    with httpx.Client(base_url=app.url) as raw:
        reply = raw.post(f"/api/v1/apis/{DEFAULT}", json={"name": "Bo"})
        assert reply.json() == {"greeting": "Hello, Bo", "length": 2}
        assert "journeyId" not in reply.json()


def test_an_api_without_handlers_answers_while_every_worker_thread_is_busy(
    default_pkg: tuple[Any, Any, Any],
    route_pkg: tuple[Any, Any, Any],
    quotes: tuple[Shop, str],
    live: Callable[..., LiveServer],
) -> None:
    """A call runs on the server's event loop and reaches a worker thread only for a handler:
    with all of the process's workers held, an Api that calls no handler still answers, and
    one whose httpCall needs a worker answers (its downstream called once) when one is free.
    """
    server, _, _ = default_pkg
    shop, route_url = quotes
    app = live(server.create_app(settings=server.Settings()), lifespan="on")
    release, entered = threading.Event(), threading.Semaphore(0)
    # each generated package has its own runtime, so its own pool: hold both
    runtimes = [
        importlib.import_module(
            pkg.__name__.rsplit(".", 1)[0] + "._runtime.server.offload"
        )
        for pkg in (server, route_pkg[0])
    ]

    def hold() -> None:
        entered.release()
        assert release.wait(30)

    async def fill() -> None:
        await asyncio.gather(
            *(r.offload.run(hold) for r in runtimes for _ in range(r.MAX_THREADS))
        )

    holder = threading.Thread(target=asyncio.run, args=(fill(),))
    holder.start()
    try:
        for _ in range(sum(r.MAX_THREADS for r in runtimes)):
            assert entered.acquire(timeout=30)  # every worker of both pools is held
        with httpx.Client(timeout=5.0) as raw:
            for name in ("Ada", "Bo", "Cy"):
                reply = raw.post(
                    f"{app.url}/api/v1/apis/{DEFAULT}", json={"name": name}
                )
                assert reply.status_code == 200
                assert reply.json()["greeting"] == f"Hello, {name}"
            with ThreadPoolExecutor(1) as pool:
                waiting = pool.submit(
                    raw.post,
                    f"{route_url}/api/v1/apis/quotes/price",
                    json={"itemId": "i-1", "qty": 2},
                )
                time.sleep(0.3)
                assert not waiting.done()  # its httpCall waits for a worker
                assert shop.seen == []
                release.set()
                assert waiting.result().status_code == 201
        assert shop.seen == [{"path": "/shop/items/i-1", "method": "GET"}]
    finally:
        release.set()
        holder.join(30)


def test_export_derives_the_api_contract_and_no_workflow(tmp_path: Path) -> None:
    from generator.cli import main

    source = JOURNEYS / "examples" / "technical" / ROUTE / f"{ROUTE}.journey.yaml"
    spec = tmp_path / f"{ROUTE}.journey.yaml"
    spec.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(["export", str(spec)], stdout=stdout, stderr=stderr)
    assert code == 0, stdout.getvalue() + stderr.getvalue()
    # the export rules describe an Api by OpenAPI alone: no Arazzo document
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f"{ROUTE}.journey.yaml",
        f"{ROUTE}.openapi.yaml",
    ]
    contract = yaml.safe_load((tmp_path / f"{ROUTE}.openapi.yaml").read_text())
    assert contract["servers"] == [{"url": "/api/v1"}]
    operation = contract["paths"]["/apis/quotes/price"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Input"
    }
    responses = operation["responses"]
    assert sorted(responses) == ["201", "202", "404", "424", "default"]
    output = {"$ref": "#/components/schemas/Output"}
    problem = {"$ref": "#/components/schemas/ProblemDetails"}
    for status in ("201", "202"):
        assert responses[status]["content"] == {"application/json": {"schema": output}}
    # a failure is answered as application/problem+json, and documented so
    for status in ("404", "424", "default"):
        assert responses[status]["content"] == {
            "application/problem+json": {"schema": problem}
        }
    assert contract["components"]["schemas"]["Input"]["required"] == ["itemId", "qty"]


def test_the_package_readme_describes_the_api_server(
    route_pkg: tuple[Any, Any, Any],
) -> None:
    server, _, _ = route_pkg
    readme = (Path(server.__file__).parents[1] / "README.md").read_text(
        encoding="utf-8"
    )
    assert (
        "`dsl_api_route.server.create_app(handlers=None, *, settings=None, cache=None, "
        "outbound_policy=None)`\nreturns the ASGI app that serves this `kind: Api` "
        "definition at `POST /api/v1/apis/quotes/price`"
    ) in readme
    assert (
        "| `execute()` | `POST /api/v1/apis/quotes/price` | `DslApiRouteOutput` |"
        in readme
    )
    # nothing is stored: no store, durability or timer settings
    for variable in ("_STORE`", "_DURABILITY`", "_TIMER_SCALE`", "_POOL_MIN_SIZE`"):
        assert f"DSL_API_ROUTE{variable}" not in readme
    # ... and no PostgreSQL store to install: the Install section offers the server only,
    # and the package has no [postgres] extra
    install = readme.split("## Install", 1)[1].split("## ", 1)[0]
    assert "pip install './dsl_api_route[server]'" in install
    assert "postgres" not in install
    pyproject = (Path(server.__file__).parents[1] / "pyproject.toml").read_text()
    assert "server = [" in pyproject and "postgres" not in pyproject
    # the package exports the server's Settings, and no store class
    package = importlib.import_module(server.__name__.rsplit(".", 1)[0])
    assert "Settings" in package.__all__
    assert not {"JourneyStore", "SQLiteStore"} & set(package.__all__)
    assert "`Settings`, `JourneyStore`" not in readme
    # execute() takes no Idempotency-Key and says why
    assert "`execute()` takes no `Idempotency-Key`: the `kind: Api` server is" in readme


@pytest.fixture(scope="module")
def envelope_pkg(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any, Any]:
    return _package(generate_journey(ENVELOPE, tmp_path_factory.mktemp("api")))


def test_a_failure_answers_the_custom_envelope_after_the_sync_compensation(
    envelope_pkg: tuple[Any, Any, Any],
    live: Callable[..., LiveServer],
    caplog: pytest.LogCaptureFixture,
) -> None:
    server, _, _ = envelope_pkg
    shop = Shop()
    shop_url = live(shop.app).url + "/shop"
    # spec.execution.maxDurationSec 60, scaled to 0.3 s
    settings = server.Settings(api_base_urls={"shop": shop_url}, timer_scale=0.005)
    app = live(server.create_app(settings=settings), lifespan="on")
    tenant = {"X-Tenant-Id": "t-1"}
    url = f"{app.url}/api/v1/apis/{ENVELOPE}"
    with httpx.Client(timeout=10) as raw:
        ok = raw.post(url, json={"itemId": "i-1", "qty": 1}, headers=tenant)
        refused = raw.post(url, json={"itemId": "i-1", "qty": 12}, headers=tenant)
        with caplog.at_level(logging.WARNING, logger="journeygen.server"):
            banned = raw.post(url, json={"itemId": "banned", "qty": 1})
        slow = raw.post(url, json={"itemId": "slow", "qty": 1}, headers=tenant)
    # spec.bindings.http.start.headersToContext put the header into the context
    assert (ok.status_code, ok.json()) == (200, {"orderId": "o-i-1", "tenant": "t-1"})
    # the rule's statusExpr: 403; the body is the envelope, not a Problem
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/json"
    assert refused.json() == {
        "code": "urn:order:refused",
        "message": "The shop refused the order",
        "tenant": "t-1",
    }
    # the statusExpr gave 200, which a failure cannot answer: default fromProblemStatus,
    # and the Problem has no status: 500 (the body keeps its shape)
    assert banned.status_code == 500
    assert banned.json() == {
        "code": "urn:order:refused",
        "message": "The shop refused the order",
        "tenant": "none",
    }
    assert "statusExpr gave 200, not a 4xx/5xx status for FAILED" in caplog.text
    # spec.execution: the run stopped after the slow call, failed with onTimeout
    assert (slow.status_code, slow.json()["code"]) == (500, "urn:order:timeout")
    # mode: sync compensation ran before each failed answer, never for the success
    audits = [s["body"] for s in shop.seen if s["path"] == "/shop/audit"]
    assert audits == [
        {"event": "undone", "itemId": "i-1", "code": "urn:order:refused"},
        {"event": "undone", "itemId": "banned", "code": "urn:order:refused"},
        {"event": "undone", "itemId": "slow", "code": "urn:order:timeout"},
    ]


@pytest.mark.slow
def test_the_generated_api_packages_pass_mypy_strict(tmp_path: Path) -> None:
    folders = [
        str(tmp_path / package / package)
        for package in (
            generate_journey(name, tmp_path)
            for name in (ROUTE, DEFAULT, ENVELOPE, "dsl-api-auth")
        )
    ]
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *folders],
        env={
            **os.environ,
            "MYPYPATH": os.pathsep.join(str(Path(f).parent) for f in folders),
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_envelope_api_documents_each_failure_as_it_answers_it(
    envelope_pkg: tuple[Any, Any, Any],
) -> None:
    """Failures of a custom envelope are application/json, the request's own problems
    (a bad body, ...) application/problem+json; a status both can answer lists both."""
    server, _, _ = envelope_pkg
    module = server.__name__.rsplit(".", 1)[0]
    contract = importlib.import_module(f"{module}.contract")
    runtime = importlib.import_module(f"{module}._runtime.server.contract")
    exported = json.loads(contract.CONTRACT_JSON)
    served = runtime.served_contract(exported, (), api=True)
    (item,) = served["paths"].values()
    responses = item["post"]["responses"]
    assert list(responses["default"]["content"]) == ["application/json"]
    assert list(responses["400"]["content"]) == ["application/problem+json"]
    # an apiResponses rule answering 400 with the envelope: both bodies are documented
    (own,) = exported["paths"].values()
    own["post"]["responses"]["400"] = copy.deepcopy(own["post"]["responses"]["default"])
    both = runtime.served_contract(exported, (), api=True)
    (item,) = both["paths"].values()
    assert sorted(item["post"]["responses"]["400"]["content"]) == [
        "application/json",
        "application/problem+json",
    ]
