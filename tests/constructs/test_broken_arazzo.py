"""A journey case whose Arazzo description is broken still gets its models, server and client
operations (issue #14), over real HTTP (uvicorn on 127.0.0.1, SQLite file) with the
generated client.

Journey folder `dsl-broken-arazzo`: its Arazzo file writes `workflow:` for `workflows:`.
Generation exits 0 with each Arazzo problem as a located warning saying the workflows are
left out (`--strict` refuses them, nothing written); the package has the journey's server and
its client's start/status/result operations, which run against that server, and no workflow
method. A plain OpenAPI + Arazzo case (no journey) still refuses a broken Arazzo: there is
nothing else to generate.
"""

from __future__ import annotations

import importlib
import io
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.cli import main
from tests.constructs.support import JOURNEYS, generate
from tests.support.engine import server_module
from tests.support.live import LiveServer

NAME = "dsl-broken-arazzo"
CASE = JOURNEYS / "examples" / "technical" / NAME
ARAZZO = f"{NAME}.arazzo.yaml"


def _cli(case: Path, *args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["generate", str(case), "--no-cache", *args], stdout=out, stderr=err)
    return code, out.getvalue() + err.getvalue()


def test_the_arazzo_problems_are_located_warnings_and_the_rest_is_generated(
    tmp_path: Path,
) -> None:
    code, printed = _cli(CASE, "--out", str(tmp_path / "out"))
    assert code == 0, printed
    assert (
        f"{ARAZZO}:9:3: warning: Arazzo: unknown field 'workflow' at workflow; "
        "did you mean 'workflows'?; the Arazzo workflows are left out (the journey's "
        "models, server and client operations are generated)"
    ) in printed
    assert f"{ARAZZO}:1:1: warning: Arazzo: (document): required field 'workflows'" in (
        printed
    )
    package = tmp_path / "out" / "dsl_broken_arazzo" / "dsl_broken_arazzo"
    assert {"models.py", "client.py", "engine.py", "server.py"} <= {
        p.name for p in package.iterdir()
    }
    client = (package / "client.py").read_text("utf-8")
    assert "def run_dsl_broken_arazzo_happy_path" not in client
    code, printed = _cli(CASE, "--out", str(tmp_path / "strict"), "--strict")
    assert code == 2 and f"{ARAZZO}:9:3: error: Arazzo: unknown field" in printed
    assert not (tmp_path / "strict").exists()


def test_a_broken_arazzo_without_a_journey_is_still_refused(tmp_path: Path) -> None:
    case = tmp_path / "specs" / "plain"
    case.mkdir(parents=True)
    shutil.copy(CASE / f"{NAME}.openapi.yaml", case / f"{NAME}.openapi.yaml")
    shutil.copy(CASE / ARAZZO, case / ARAZZO)
    code, printed = _cli(case, "--out", str(tmp_path / "out"))
    assert code == 2, printed
    assert f"{ARAZZO}:9:3: error: Arazzo: unknown field 'workflow'" in printed
    assert not (tmp_path / "out").exists()


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> str:
    return generate(NAME, tmp_path_factory.mktemp("broken-arazzo"))


def test_the_client_operations_run_against_the_server(
    package: str, tmp_path: Path, live: Callable[..., LiveServer]
) -> None:
    server = server_module(package)
    settings = server.Settings(store_path=str(tmp_path / "journeys.db"))
    url = live(server.create_app(settings=settings)).url
    pkg: Any = importlib.import_module(package)
    with pkg.client.DslBrokenArazzoClient(url) as client:
        started = client.start(pkg.models.DslBrokenArazzoInput(orderId="o-1"))
        status = client.get_status(started.journey_id)
        outcome = client.get_result(started.journey_id)
        ran = client.run_dsl_broken_arazzo(
            pkg.models.DslBrokenArazzoInput(orderId="o-2")
        )
    assert status.journey_id == started.journey_id
    assert outcome.phase == "SUCCEEDED"
    assert outcome.output is not None and outcome.output["accepted"] is True
    assert ran.phase == "SUCCEEDED"
