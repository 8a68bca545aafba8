"""Bodies, responses and base URLs over real HTTP: the generated client against an
independent server (Starlette on uvicorn, 127.0.0.1) and against the generated journey server.

The `bodies` case also names its schemas like names the client imports (`ApiResponse`,
`Timing`, `RequestSpec`, `Mapping`): it must import and pass mypy --strict.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Iterator
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.realworld.support import Run, generate
from tests.support.live import LiveServer, run_live


@pytest.fixture(scope="module")
def bodies(tmp_path_factory: pytest.TempPathFactory) -> Run:
    run = generate("bodies", tmp_path_factory.mktemp("bodies"))
    assert run.code == 0, run.stderr
    return run


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[LiveServer, list[tuple[str, str, bytes]]]]:
    """An API written by hand from the case's OpenAPI; it keeps what it received."""
    seen: list[tuple[str, str, bytes]] = []

    async def record(request: Request) -> Response:
        body = await request.body()
        seen.append((request.url.path, request.headers.get("content-type", ""), body))
        path = request.url.path
        if path == "/api/v1/report":
            return Response("a,b\n1,2\n", media_type="text/csv")
        if path.startswith("/api/v1/blobs/"):
            return Response(status_code=204)
        status = 201 if path == "/api/v1/files" else 200
        return JSONResponse(
            {"code": status, "message": f"ok {path}"}, status_code=status
        )

    routes = [
        Route(p, record, methods=["GET", "POST", "PUT"])
        for p in (
            "/api/v1/oauth/token",
            "/api/v1/files",
            "/api/v1/blobs/{id}",
            "/api/v1/report",
        )
    ]
    live = run_live(Starlette(routes=routes))
    yield live, seen
    live.stop()


def test_colliding_schema_names_generate_mypy_clean_code(bodies: Run) -> None:
    folder = bodies.package()
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", str(folder / folder.name)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout
    models = bodies.module("models")
    assert {"ApiResponse", "Timing", "RequestSpec", "Mapping"} <= set(vars(models))


@pytest.mark.parametrize("suffix", ["", "/", "/api/v1", "/api/v1/"])
def test_form_body_with_its_encoding_rules_and_either_base_url(
    bodies: Run, server: tuple[LiveServer, list[tuple[str, str, bytes]]], suffix: str
) -> None:
    live, seen = server
    client, models = bodies.module(), bodies.module("models")
    body = models.CreateTokenRequest.model_validate(
        {"grant_type": "client_credentials", "scope": ["a", "b"], "meta": {"app": "x"}}
    )
    with client.BodiesClient(live.url + suffix) as api:
        reply = api.create_token(body)
    assert reply.message == "ok /api/v1/oauth/token"
    path, media, raw = seen[-1]
    assert (path, media) == ("/api/v1/oauth/token", "application/x-www-form-urlencoded")
    assert parse_qsl(raw.decode()) == [
        ("grant_type", "client_credentials"),
        ("scope", "a,b"),  # style form, explode false
        ("meta", json.dumps({"app": "x"}, separators=(",", ":"))),  # contentType json
    ]


def test_multipart_takes_bytes_and_streams_binary_and_text(
    bodies: Run, server: tuple[LiveServer, list[tuple[str, str, bytes]]]
) -> None:
    live, seen = server
    client = bodies.module()
    with client.BodiesClient(live.url) as api:
        api.upload_file({"name": "notes", "file": io.BytesIO(b"\x00\x01 data")})
        path, media, raw = seen[-1]
        assert path == "/api/v1/files"
        message = BytesParser(policy=HTTP).parsebytes(
            f"Content-Type: {media}\r\n\r\n".encode() + raw
        )
        parts = {
            p.get_param("name", header="content-disposition"): p
            for p in message.iter_parts()
        }
        assert parts["name"].get_content() == "notes"
        assert parts["file"].get_content() == b"\x00\x01 data"
        api.put_blob("b-1", b"\xff\xfe")
        assert seen[-1] == (
            "/api/v1/blobs/b-1",
            "application/octet-stream",
            b"\xff\xfe",
        )
        report = api.get_report()
        assert report == "a,b\n1,2\n" and isinstance(report, str)


def test_a_workflow_sends_a_form_body_with_replacements(
    bodies: Run, server: tuple[LiveServer, list[tuple[str, str, bytes]]]
) -> None:
    live, seen = server
    client = bodies.module()
    with client.BodiesClient(live.url + "/api/v1/") as api:
        outputs = api.run_token_then_report({"app": "mobile"})
    assert outputs.message == "ok /api/v1/oauth/token"
    assert outputs.csv == "a,b\n1,2\n"
    token = next(raw for path, _, raw in reversed(seen) if path.endswith("/token"))
    assert ("meta", '{"app":"mobile"}') in parse_qsl(token.decode())


@pytest.mark.parametrize("suffix", ["", "/", "/api/v1", "/api/v1/"])
def test_either_base_url_reaches_the_generated_server(
    tmp_path: Path, suffix: str
) -> None:
    from payment_callback import PaymentCallbackClient
    from payment_callback.models import PaymentCallbackInput
    from payment_callback.server import FakeHandlers, Settings, create_app

    settings = Settings(store_path=str(tmp_path / "j.sqlite3"))
    live = run_live(create_app(FakeHandlers(), settings=settings))
    try:
        with PaymentCallbackClient(live.url + suffix) as api:
            status: Any = api.start(
                PaymentCallbackInput(payment_id="p-1", amount=10, currency="AOA")
            )
        assert status.journey_id
    finally:
        live.stop()


def test_a_multipart_body_without_fields_is_an_empty_well_formed_form() -> None:
    from email.message import Message

    from payment_callback._runtime.client.bodies import encode

    content, media = encode({"note": None}, "multipart/form-data", {})
    header = Message()
    header["content-type"] = media
    assert header.get_content_type() == "multipart/form-data"
    boundary = header.get_param("boundary")
    assert content == f"--{boundary}--\r\n".encode()
