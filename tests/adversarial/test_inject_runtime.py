"""Injection payloads must stay data when the generated code RUNS, not only when it imports.

`cases/inject-arazzo`: the hostile workflow runs with the generated client against a real
server on 127.0.0.1; every criterion, template, parameter and payload is evaluated and each
payload travels as plain text. `cases/inject-journey`: the hostile journey runs in the
generated FastAPI server under uvicorn (DataWeave predicates and mappers, `${...}` templates,
error codes), driven by the generated client. In both, no file named CANARY ever appears.
"""

from __future__ import annotations

import importlib
import io
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import unquote

import pytest

from generator.cli import main
from tests.adversarial.support import CANARY, CASES
from tests.support.recording import Reply, Request, Server

TOUCH = "__import__('pathlib').Path('CANARY').touch()"


def _generate(case: str, out: Path) -> Path:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(
        ["generate", str(CASES / case), "--out", str(out), "-q", "--no-cache"],
        stdout=stdout,
        stderr=stderr,
    )
    assert code == 0, stderr.getvalue()
    (package,) = [p.parent for p in out.glob("*/pyproject.toml")]
    return package


def _import(package: Path, module: str) -> ModuleType:
    """Import `<pkg>.<module>` fresh (both cases are called `inject`)."""
    for name in [n for n in sys.modules if n == "inject" or n.startswith("inject.")]:
        del sys.modules[name]
    sys.path.insert(0, str(package))
    try:
        return importlib.import_module(f"{package.name}.{module}")
    finally:
        sys.path.remove(str(package))


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The current directory while generated code runs; a payload would touch CANARY here."""
    folder = tmp_path / "run-here"
    folder.mkdir()
    monkeypatch.chdir(folder)
    yield folder
    assert not (folder / CANARY).exists(), "an injection payload ran"
    for name in [n for n in sys.modules if n == "inject" or n.startswith("inject.")]:
        del sys.modules[name]


def _items(request: Request) -> Reply:
    if request.method == "GET" and request.path.startswith("/items/"):
        return 200, {}, {"name": "Widget", "tags": ["a"]}
    if request.method == "POST" and request.path == "/items":
        return 201, {}, {"id": "n-1"}
    return 404, {}, None


def test_hostile_arazzo_workflow_runs_with_payloads_as_plain_text(
    tmp_path: Path, workdir: Path
) -> None:
    package = _generate("inject-arazzo", tmp_path / "out")
    client_module = _import(package, "client")
    (method,) = [n for n in vars(client_module.InjectClient) if n.startswith("run_")]
    with Server(_items) as server, client_module.InjectClient(server.url) as client:
        result = getattr(client, method)({f"id'+{TOUCH}+'": "input-id"})
    get, create = server.seen
    assert unquote(get.path) == f"/items/a'+{TOUCH}+'"
    assert unquote(get.query) == "mode={" + TOUCH + "}"
    # A template's expression is a lookup whatever its text: `$inputs["a + __import__(...)"]`
    # (declared, not given).
    assert get.headers["x-lookup"] == ""
    # `$inputs.id` names an input the call does not give: it renders as nothing.
    assert get.headers["x-evil'+__import__+'"] == f'h""""+{TOUCH}+"'
    assert create.body[f"k'+{TOUCH}+'"] == f'v"+{TOUCH}+"'
    assert create.body["list"] == ["{" + TOUCH + "}", 1, True, None]
    outputs = result.model_dump(by_alias=True)
    assert outputs[f'o"""+{TOUCH}+"""'] == "n-1"


@pytest.mark.slow
def test_hostile_journey_runs_in_the_generated_server(
    tmp_path: Path, workdir: Path
) -> None:
    from tests.support.live import run_live

    package = _generate("inject-journey", tmp_path / "out")
    server_module = _import(package, "server")
    testing = importlib.import_module("inject.testing")
    client_module = importlib.import_module("inject.client")
    models = importlib.import_module("inject.models")
    public = importlib.import_module("inject")  # Settings and SQLiteStore re-exported
    payload_name = "'+" + TOUCH + "+'"
    answers: dict[str, Any] = {"name": "plain"}

    def answer(call: Any) -> Any:
        assert call.url.startswith(f"https://api.example.com/x'+{TOUCH}+'/")
        assert call.headers["Accept"] == f"application/json'); {TOUCH}; ('"
        return testing.reply(200, dict(answers))

    fake = testing.FakeHandlers(call=answer)
    db = str(tmp_path / "journeys.sqlite3")
    app = server_module.create_app(
        fake,
        store=public.SQLiteStore(db),
        settings=public.Settings(store_path=db),
    )
    live = run_live(app)
    try:
        start = next(
            v
            for k, v in vars(models).items()
            if k.endswith("StartRequest") and isinstance(v, type)
        )
        with client_module.InjectClient(live.url) as client:
            failed = client.run_inject(start(id="x"), timeout=20)
            answers["name"] = payload_name  # the predicate's string literal, matched
            passed = client.run_inject(start(id="y"), ok={"ok": True}, timeout=20)
    finally:
        live.stop()
    assert failed.phase == "FAILED"
    assert passed.phase == "SUCCEEDED"
    assert passed.output.note == f'x"+{TOUCH}+"{{{TOUCH}}}'
