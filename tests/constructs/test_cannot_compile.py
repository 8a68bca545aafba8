"""Subjourneys that call themselves without a base case (issue #14), over real HTTP (uvicorn on
127.0.0.1, SQLite file) with the generated client.

Journey folder `dsl-cannot-compile`: its subjourney `again` calls itself (state `decode`) and
its subjourneys `ping` and `pong` call each other (states `toPong`, `toPing`), none with a way
out. The reference allows a subjourney to call itself, so generation is clean (no warning,
`--strict` accepts it: the engine runs recursive calls, tests/constructs/
test_subjourney_recursion.py); a run that never reaches them succeeds, one that does fails at
the call one deeper than the server's max_subjourney_depth (64) with
JOURNEY_SUBJOURNEY_DEPTH_EXCEEDED, the reason naming the state and the subjourney (before: a
located warning and JOURNEY_DEFINITION_INVALID; earlier still a RecursionError crashing the
start request).
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.cli import main
from tests.constructs.support import JOURNEYS, generate
from tests.support.engine import server_module
from tests.support.live import LiveServer

NAME = "dsl-cannot-compile"
CASE = JOURNEYS / "examples" / "technical" / NAME


def _cli(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["generate", str(CASE), *args], stdout=out, stderr=err)
    return code, out.getvalue() + err.getvalue()


def test_generation_is_clean_and_strict_accepts_it(tmp_path: Path) -> None:
    code, printed = _cli("--out", str(tmp_path / "out"), "--no-cache")
    assert code == 0, printed
    assert "warning" not in printed, printed
    package = tmp_path / "out" / "dsl_cannot_compile" / "dsl_cannot_compile"
    assert {"engine.py", "handlers.py", "server.py"} <= {
        p.name for p in package.iterdir()
    }
    assert "NotImplementedError" not in (package / "server.py").read_text("utf-8")
    strict, printed = _cli("--out", str(tmp_path / "strict"), "--strict", "--no-cache")
    assert strict == 0, printed
    assert (tmp_path / "strict" / "dsl_cannot_compile").is_dir()


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> str:
    return generate(NAME, tmp_path_factory.mktemp("cannot-compile"))


def test_a_run_fails_only_when_it_recurses_past_the_depth_limit(
    package: str, tmp_path: Path, live: Callable[..., LiveServer]
) -> None:
    server = server_module(package)
    settings = server.Settings(store_path=str(tmp_path / "journeys.db"))
    url = live(server.create_app(settings=settings)).url
    pkg: Any = importlib.import_module(package)
    models = pkg.models
    with pkg.client.DslCannotCompileClient(url) as client:
        fine = client.start(models.DslCannotCompileInput(orderId="o-1"))
        reached = client.start(
            models.DslCannotCompileInput(orderId="o-2", recurse=True)
        )
        cycled = client.start(models.DslCannotCompileInput(orderId="o-3", cycle=True))
        ok = client.get_result(fine.journey_id)
        failed = client.get_result(reached.journey_id)
        cycle = client.get_result(cycled.journey_id)
    assert ok.phase == "SUCCEEDED"
    assert ok.output is not None
    assert ok.output["accepted"] is True
    for result, state, ref in (
        (failed, "decode", "again"),
        (cycle, "toPing", "ping"),  # ping at depths 1, 3, ... 63; pong at 64 calls ping
    ):
        assert result.phase == "FAILED", result
        assert result.error is not None
        assert result.error.code == "JOURNEY_SUBJOURNEY_DEPTH_EXCEEDED"
        assert (result.error.reason or "").startswith(
            f"state {state!r} calls subjourney {ref!r} deeper than 64 subjourney calls "
            "inside one another (the server's max_subjourney_depth)"
        ), result.error.reason
