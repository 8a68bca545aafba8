"""Redocly Respect's `x-operation: {url, method}` (issue #13's input policy: a tool's
well-known dialect): a step naming its endpoint by method and absolute URL instead of an
OpenAPI operation is generated as an untyped call of that URL, with a located warning that
spells out the portable form; `--strict` refuses it. Driven over real HTTP: the step's URL is
one local server, the client's base URL (where the OpenAPI operations go) another.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.realworld.support import Run, generate
from tests.support.live import LiveServer, run_live

_OPENAPI = """\
openapi: 3.1.0
info: {title: Acme, version: '1'}
servers: [{url: /}]
paths:
  /ping:
    get:
      operationId: ping
      responses:
        '200':
          description: pong
          content:
            application/json:
              schema: {type: object, properties: {ok: {type: boolean}}}
"""

_ARAZZO = """\
arazzo: 1.0.1
info: {title: Free APIs, version: '1.0'}
sourceDescriptions:
  - {name: acme, type: openapi, url: acme.openapi.yaml}
workflows:
  - workflowId: posts
    inputs:
      type: object
      properties: {postId: {type: string}}
    steps:
      - stepId: ping
        operationId: ping
        successCriteria: [{condition: $statusCode == 200}]
      - stepId: get-post
        x-operation:
          url: {posts}/posts/{postId}
          method: get
        parameters:
          - {name: postId, in: path, value: $inputs.postId}
          - {name: verbose, in: query, value: 'yes'}
        successCriteria:
          - condition: $statusCode == 200
          - condition: $response.body#/title == 'sunt aut facere'
        outputs:
          title: $response.body#/title
      - stepId: get-missing
        x-operation: {url: '{posts}/posts/wrong-id', method: get}
        successCriteria: [{condition: $statusCode == 404}]
      - stepId: post-traveler
        x-operation: {url: '{posts}/api/Traveler', method: post}
        parameters:
          - {in: header, name: content-type, value: application/xml}
        requestBody:
          payload: |
            <?xml version="1.0"?>
            <Traveler><name>John</name></Traveler>
        successCriteria:
          - condition: $statusCode == 404
          - condition: $response.header.content-type == 'text/html; charset=utf-8'
          - type: regex
            condition: '^[\\s\\S]*File or directory not found\\.[\\s\\S]*$'
            context: $response.body
        outputs:
          page: $response.body
    outputs:
      title: $steps.get-post.outputs.title
      page: $steps.post-traveler.outputs.page
"""


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[LiveServer, LiveServer, list[dict[str, str]]]]:
    """The API the OpenAPI describes, and another origin the x-operation URLs call."""
    seen: list[dict[str, str]] = []

    async def ping(request: Request) -> Response:
        return JSONResponse({"ok": True})

    async def post(request: Request) -> Response:
        seen.append(
            {"path": request.url.path, **request.headers, **request.query_params}
        )
        if request.path_params["id"] != "1":
            return JSONResponse({}, status_code=404)
        return JSONResponse({"id": 1, "title": "sunt aut facere"})

    async def traveler(request: Request) -> Response:
        body = (await request.body()).decode()
        seen.append({"path": request.url.path, "body": body, **request.headers})
        return Response(
            "<html>404 - File or directory not found.</html>",
            status_code=404,
            media_type="text/html",
        )

    api = run_live(Starlette(routes=[Route("/ping", ping)]))
    posts = run_live(
        Starlette(
            routes=[
                Route("/posts/{id}", post),
                Route("/api/Traveler", traveler, methods=["POST"]),
            ]
        )
    )
    yield api, posts, seen
    api.stop()
    posts.stop()


def _case(folder: Path, posts_url: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "acme.openapi.yaml").write_text(_OPENAPI, encoding="utf-8")
    (folder / "free.arazzo.yaml").write_text(
        _ARAZZO.replace("{posts}", posts_url), encoding="utf-8"
    )
    return folder


def test_an_x_operation_step_is_called_as_written_with_a_located_warning(
    servers: tuple[LiveServer, LiveServer, list[dict[str, str]]], tmp_path: Path
) -> None:
    api, posts, seen = servers
    run: Run = generate(_case(tmp_path / "free", posts.url), tmp_path / "out")
    assert run.code == 0, run.stderr
    warnings = [w for w in run.lines("warning") if "x-operation" in w]
    assert len(warnings) == 3, run.stderr
    first = warnings[0]
    assert (
        "free.arazzo.yaml:16:11: warning: step 'get-post': x-operation is Redocly's"
        in (first)
    )
    assert f"untyped call of GET {posts.url}/posts/{{postId}}" in first
    assert "name it with operationId or operationPath" in first

    client = run.module()
    with client.FreeClient(api.url) as acme:
        outputs = acme.run_posts({"postId": "1"})
    assert outputs.title == "sunt aut facere"
    assert "404 - File or directory not found." in str(outputs.page)
    got = next(s for s in seen if s["path"] == "/posts/1")
    assert got["verbose"] == "yes"
    assert got["host"] == posts.url.removeprefix("http://")
    xml = next(s for s in seen if s["path"] == "/api/Traveler")
    assert xml["content-type"] == "application/xml"
    assert xml["body"].startswith('<?xml version="1.0"?>\n<Traveler>')

    folder = run.package()
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", folder.name.replace("-", "_")],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout


def test_strict_refuses_an_x_operation_step(
    servers: tuple[LiveServer, LiveServer, list[dict[str, str]]], tmp_path: Path
) -> None:
    _, posts, _ = servers
    run = generate(_case(tmp_path / "free", posts.url), tmp_path / "out", "--strict")
    assert run.code == 2
    assert any("x-operation is Redocly's" in e for e in run.lines("error"))
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_an_x_operation_without_a_usable_url_is_still_an_error(tmp_path: Path) -> None:
    folder = _case(tmp_path / "free", "relative-host")
    run = generate(folder, tmp_path / "out")
    assert run.code == 2
    assert any(
        "needs exactly one of operationId, operationPath, workflowId" in e
        and "x-operation, a Redocly extension" in e
        for e in run.lines("error")
    ), run.stderr
