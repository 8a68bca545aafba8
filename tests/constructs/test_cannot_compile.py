"""A state the engine cannot compile never turns the server into a stub (issue #14), over
real HTTP (uvicorn on 127.0.0.1, SQLite file) with the generated client.

Journey folder `dsl-cannot-compile`: its subjourney `again` calls itself (state `decode`),
which the engine does not run. Generation prints a located warning at that state (exit 0,
`--strict` refuses it); the package has its full server; a run that never reaches `decode`
succeeds, one that does fails at it with JOURNEY_DEFINITION_INVALID, the reason naming the
state, the construct and its file position.
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
WHERE = f"{NAME}.journey.yaml:60:18"


def _cli(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["generate", str(CASE), *args], stdout=out, stderr=err)
    return code, out.getvalue() + err.getvalue()


def test_generation_warns_at_the_state_and_writes_the_full_server(
    tmp_path: Path,
) -> None:
    code, printed = _cli("--out", str(tmp_path / "out"), "--no-cache")
    assert code == 0, printed
    assert (
        f"{WHERE}: warning: state 'decode' uses subjourney 'again' calling itself, which "
        "the server engine does not run: reaching this state fails the run with "
        "JOURNEY_DEFINITION_INVALID"
    ) in printed
    package = tmp_path / "out" / "dsl_cannot_compile" / "dsl_cannot_compile"
    assert {"engine.py", "handlers.py", "server.py"} <= {
        p.name for p in package.iterdir()
    }
    assert "NotImplementedError" not in (package / "server.py").read_text("utf-8")
    strict, printed = _cli("--out", str(tmp_path / "strict"), "--strict", "--no-cache")
    assert strict == 2, printed
    assert not (tmp_path / "strict").exists()


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> str:
    return generate(NAME, tmp_path_factory.mktemp("cannot-compile"))


def test_a_run_fails_only_when_it_reaches_the_state(
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
        ok = client.get_result(fine.journey_id)
        failed = client.get_result(reached.journey_id)
    assert ok.phase == "SUCCEEDED"
    assert ok.output is not None
    assert ok.output["accepted"] is True
    assert failed.phase == "FAILED", failed
    assert failed.error is not None
    assert failed.error.code == "JOURNEY_DEFINITION_INVALID"
    reason = failed.error.reason or ""
    assert "state 'decode' uses subjourney 'again' calling itself" in reason
    assert WHERE in reason
