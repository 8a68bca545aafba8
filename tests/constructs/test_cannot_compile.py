"""A state the engine cannot compile never turns the server into a stub (issue #14), over
real HTTP (uvicorn on 127.0.0.1, SQLite file) with the generated client.

Journey folder `dsl-cannot-compile`: its subjourney `again` calls itself (state `decode`) and
its subjourneys `ping` and `pong` call each other (states `toPong`, `toPing`), which the engine
does not run (the cycle crashed the request with a RecursionError before). Generation prints a
located warning at each of those states (exit 0, `--strict` refuses it); the package has its
full server; a run that never reaches them succeeds, one that does fails at the first it
reaches with JOURNEY_DEFINITION_INVALID, the reason naming the state, the construct and its
file position.
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
WHERE = f"{NAME}.journey.yaml:73:18"
CYCLE = f"{NAME}.journey.yaml:83:18"  # toPong, in ping


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
    for where, state, cycle in (
        (CYCLE, "toPong", "ping -> pong -> ping"),
        (f"{NAME}.journey.yaml:93:18", "toPing", "pong -> ping -> pong"),
    ):
        assert (
            f"{where}: warning: state {state!r} uses a subjourney call cycle ({cycle}), "
            "which the server engine does not run"
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
        cycled = client.start(models.DslCannotCompileInput(orderId="o-3", cycle=True))
        ok = client.get_result(fine.journey_id)
        failed = client.get_result(reached.journey_id)
        cycle = client.get_result(cycled.journey_id)
    assert ok.phase == "SUCCEEDED"
    assert ok.output is not None
    assert ok.output["accepted"] is True
    assert failed.phase == "FAILED", failed
    assert failed.error is not None
    assert failed.error.code == "JOURNEY_DEFINITION_INVALID"
    reason = failed.error.reason or ""
    assert "state 'decode' uses subjourney 'again' calling itself" in reason
    assert WHERE in reason
    assert cycle.phase == "FAILED", cycle
    assert cycle.error is not None
    assert cycle.error.code == "JOURNEY_DEFINITION_INVALID"
    reason = cycle.error.reason or ""
    assert reason.startswith(
        "state 'toPong' uses a subjourney call cycle (ping -> pong -> ping), which this "
        "server does not run ("
    ), reason
    assert reason.endswith(f"/{CYCLE})"), reason
