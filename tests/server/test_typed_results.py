"""Handler calls and results typed from the downstream OpenAPI (tests/server/journeys/apis/
catalog.openapi.yaml): a GET call model has no body, and `TaskResult[...]` names the documented
response models, which a handler's typed answer fills and the journey reads over real HTTP.
When the server makes the call itself, each answer is checked against the schema documented for
its status (its own, else `default`) and handed to an overriding handler typed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.support.engine import API, generate_case, server_module
from tests.support.live import LiveServer

NAME = "engine-typed-results"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    out = tmp_path_factory.mktemp("typed")
    module = generate_case(NAME, out)
    return server_module(module), out / module


def _run(url: str, item: str) -> dict[str, Any]:
    with httpx.Client(base_url=url + API) as client:
        started = client.post(f"/journeys/{NAME}/start", json={"itemId": item})
        assert started.status_code == 200, started.text
        outcome = client.get(f"/journeys/{started.json()['journeyId']}/result")
    assert outcome.status_code == 200, outcome.text
    body: dict[str, Any] = outcome.json()
    return body


def test_the_call_has_only_what_the_operation_takes(
    generated: tuple[Any, Path],
) -> None:
    server, _ = generated
    handlers = sys.modules[server.__name__.rpartition(".")[0] + ".handlers"]
    assert set(handlers.GetItemCall.model_fields) == {"item_id", "query", "headers"}
    annotation = handlers.EngineTypedResultsHandlers.get_item.__annotations__["return"]
    assert annotation == (
        "TaskResult[GetItemResponse | GetItemNotFoundResponse]"
        " | Awaitable[TaskResult[GetItemResponse | GetItemNotFoundResponse]]"
    )


def test_typed_answers_reach_the_journey(
    generated: tuple[Any, Path], db_path: str, live: Callable[..., LiveServer]
) -> None:
    server, _ = generated
    handlers = sys.modules[server.__name__.rpartition(".")[0] + ".handlers"]

    class Catalog:
        def get_item(self, call: Any) -> Any:
            if call.item_id == "lamp":
                found = handlers.GetItemResponse(id="lamp", name="Lamp", price=12.5)
                return handlers.TaskResult[handlers.GetItemResponse](
                    status=200, ok=True, body=found
                )
            missing = handlers.GetItemNotFoundResponse(title="no such item", status=404)
            return handlers.TaskResult(status=404, ok=False, body=missing)

    app = live(
        server.create_app(Catalog(), settings=server.Settings(store_path=db_path))
    )
    found = _run(app.url, "lamp")
    assert (found["phase"], found["output"]) == ("SUCCEEDED", {"name": "Lamp"})
    failed = _run(app.url, "chair")
    assert (failed["phase"], failed["error"]["code"]) == ("FAILED", "ITEM_NOT_FOUND")


def catalog() -> Starlette:
    """The downstream catalog API on 127.0.0.1: one answer per item id."""
    problem = "application/problem+json"
    answers: dict[str, tuple[int, Any, str]] = {
        "lamp": (
            200,
            {"id": "lamp", "name": "Lamp", "price": 12.5},
            "application/json",
        ),
        "nameless": (200, {"id": "nameless"}, "application/json"),  # name is required
        "gone": (404, {"title": "no such item", "status": 404}, problem),
        "broken": (500, {"title": "down", "status": "five hundred"}, problem),
    }

    async def get_item(request: Request) -> Response:
        status, body, media = answers[request.path_params["item_id"]]
        return JSONResponse(body, status_code=status, media_type=media)

    return Starlette(routes=[Route("/items/{item_id}", get_item)])


def test_the_server_checks_each_answer_against_its_documented_schema(
    generated: tuple[Any, Path], db_path: str, live: Callable[..., LiveServer]
) -> None:
    server, _ = generated
    handlers = sys.modules[server.__name__.rpartition(".")[0] + ".handlers"]
    seen: dict[str, Any] = {}

    class Recording(handlers.EngineTypedResultsHttpHandlers):  # type: ignore[misc, name-defined]
        def get_item(self, call: Any) -> Any:
            seen[call.item_id] = found = super().get_item(call)
            return found

    downstream = live(catalog())
    settings = server.Settings(
        store_path=db_path, api_base_urls={"catalog": downstream.url}
    )
    app = live(server.create_app(Recording(), settings=settings))
    found = _run(app.url, "lamp")
    assert (found["phase"], found["output"]) == ("SUCCEEDED", {"name": "Lamp"})
    assert isinstance(seen["lamp"].body, handlers.GetItemResponse)
    assert seen["lamp"].body.price == 12.5
    for item in ("nameless", "gone", "broken"):
        assert _run(app.url, item)["error"]["code"] == "ITEM_NOT_FOUND"
    nameless = seen["nameless"]
    assert (nameless.status, nameless.ok) == (200, False)
    assert nameless.body == {"id": "nameless"}  # kept as it came
    assert nameless.error["type"] == "INVALID_BODY"
    assert nameless.error["errors"] == [{"path": "name", "message": "Field required"}]
    gone = seen["gone"]  # the 404 answer fits its schema: typed, no error
    assert isinstance(gone.body, handlers.GetItemNotFoundResponse)
    assert (gone.status, gone.ok, gone.error) == (404, False, None)
    broken = seen["broken"]  # 500 is not documented: the `default` response's schema
    assert broken.error["type"] == "INVALID_BODY"
    assert broken.error["errors"] == [
        {"path": "status", "message": "Input should be a valid integer"}
    ]


def test_mypy_holds_a_handler_to_the_documented_responses(
    generated: tuple[Any, Path], tmp_path: Path
) -> None:
    _, package = generated
    module = package.name
    program = tmp_path / "catalog_handlers.py"
    program.write_text(
        textwrap.dedent(f"""
            from {module}.handlers import GetItemCall, GetItemResponse, TaskResult
            from {module}.server import create_app


            class Typed:
                async def get_item(self, call: GetItemCall) -> TaskResult[GetItemResponse]:
                    body = GetItemResponse(id=call.item_id, name="Lamp")
                    return TaskResult(status=200, ok=True, body=body)


            class Untyped:
                def get_item(self, call: GetItemCall) -> TaskResult[GetItemResponse]:
                    return TaskResult(status=200, ok=True, body={{"id": "x"}})


            create_app(Typed())
            """),
        encoding="utf-8",
    )
    found = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(program)],
        cwd=tmp_path,
        env={**os.environ, "MYPYPATH": str(package)},
        capture_output=True,
        text=True,
        check=False,
    )
    errors = [line for line in found.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 1 and "catalog_handlers.py:14:" in errors[0], found.stdout
    assert '"body"' in errors[0] and "GetItemResponse" in errors[0]
