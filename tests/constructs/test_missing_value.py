"""DSL §4 and §10 fail fast at run time inside httpCall interpolation, over real HTTP (uvicorn
on 127.0.0.1, SQLite file, a live downstream FastAPI app) with the generated client.

Journey folder `dsl-missing-value`: three raw `method` + `url` httpCalls the server makes
itself, one interpolating `${context.part}` into its url, one `${context.tenant}` into a
header, one `${context.note}` into its text body (DSL §4: a body is interpolated when it is a
string). A start leaving one of them out fails the journey with JOURNEY_EXPRESSION_FAILED
naming the placeholder, at that state: the calls before it were sent, its own request and
every later one never leave (it is not a failed call with no status that the journey could
succeed past). The path-parameter case is tests/server/test_server_missing_value.py.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, Request

from tests.constructs.support import JOURNEYS, generate
from tests.support.engine import server_module
from tests.support.live import LiveServer

NAME = "dsl-missing-value"
FULL = {"part": "p-1", "tenant": "t-1", "note": "n-1"}


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> str:
    return generate(NAME, tmp_path_factory.mktemp("missing-value"))


@pytest.fixture
def served(
    package: str, tmp_path: Path, live: Callable[..., LiveServer]
) -> tuple[Any, str, str, list[dict[str, Any]]]:
    seen: list[dict[str, Any]] = []
    downstream = FastAPI()

    @downstream.api_route("/{path:path}", methods=["GET", "POST"])
    async def anything(path: str, request: Request) -> dict[str, bool]:
        body = await request.body()
        seen.append(
            {
                "path": f"/{path}",
                "tenant": request.headers.get("x-tenant"),
                "body": body.decode() or None,
            }
        )
        return {"ok": True}

    hook = live(downstream).url
    server = server_module(package)
    settings = server.Settings(store_path=str(tmp_path / "journeys.db"))
    app = live(server.create_app(settings=settings))
    return importlib.import_module(package), app.url, hook, seen


def _run(pkg: Any, url: str, body: dict[str, Any]) -> Any:
    models = importlib.import_module(f"{pkg.__name__}.models")
    with pkg.client.DslMissingValueClient(url) as client:
        started = client.start(models.DslMissingValueInput.model_validate(body))
        return client.get_result(started.journey_id)


def test_with_every_value_the_three_calls_are_sent_interpolated(
    served: tuple[Any, str, str, list[dict[str, Any]]],
) -> None:
    pkg, url, hook, seen = served
    outcome = _run(pkg, url, {"hookUrl": hook, **FULL})
    assert outcome.phase == "SUCCEEDED", outcome
    assert seen == [
        {"path": "/parts/p-1", "tenant": None, "body": None},
        {"path": "/tenants", "tenant": "tenant-t-1", "body": None},
        {"path": "/notes", "tenant": None, "body": "note n-1"},
    ]


@pytest.mark.parametrize(
    ("missing", "placeholder", "sent"),
    [
        ("part", "${context.part}", []),
        ("tenant", "${context.tenant}", ["/parts/p-1"]),
        ("note", "${context.note}", ["/parts/p-1", "/tenants"]),
    ],
    ids=["url", "header", "body"],
)
def test_a_missing_value_fails_the_journey_and_its_call_is_never_sent(
    served: tuple[Any, str, str, list[dict[str, Any]]],
    missing: str,
    placeholder: str,
    sent: list[str],
) -> None:
    pkg, url, hook, seen = served
    body = {"hookUrl": hook, **{k: v for k, v in FULL.items() if k != missing}}
    outcome = _run(pkg, url, body)
    assert outcome.phase == "FAILED"
    assert outcome.error is not None
    assert outcome.error.code == "JOURNEY_EXPRESSION_FAILED"
    assert placeholder in (outcome.error.reason or "")
    assert [s["path"] for s in seen] == sent


def test_a_placeholder_in_an_object_body_is_a_located_warning(tmp_path: Path) -> None:
    """DSL §4 interpolates only a string body: `${...}` inside an object body is sent as
    written, which generation says at the field (and --strict refuses), never silently.
    """
    import io

    from generator.cli import main

    folder = tmp_path / NAME
    folder.mkdir()
    source = JOURNEYS / "examples" / "technical" / NAME / f"{NAME}.journey.yaml"
    text = source.read_text("utf-8")
    written = """        headers:
          Content-Type: text/plain
        body: "note ${context.note}"
"""
    assert written in text
    text = text.replace(written, '        body:\n          note: "${context.note}"\n')
    (folder / f"{NAME}.journey.yaml").write_text(text, "utf-8")
    for strict in (False, True):
        out, err = io.StringIO(), io.StringIO()
        args = ["generate", str(folder), "--out", str(tmp_path / f"out{strict}")]
        code = main(
            [*args, "--no-cache", *(["--strict"] if strict else [])],
            stdout=out,
            stderr=err,
        )
        printed = out.getvalue() + err.getvalue()
        assert code == (2 if strict else 0), printed
        assert (
            f"{NAME}.journey.yaml:54:17: {'error' if strict else 'warning'}: "
            "'${context.note}' in an object body is sent as written: DSL §4 interpolates "
            "${...} only in a string body"
        ) in printed
