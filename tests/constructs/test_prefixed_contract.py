"""A journey contract whose paths repeat its server prefix is read as the journey it is
(issue #14), over real HTTP (uvicorn on 127.0.0.1, SQLite file) with the generated client.

Journey folder `dsl-prefixed-contract`: its OpenAPI document has `servers: /api/v1` and the
paths `/api/v1/journeys/...`. Each path is a located warning saying how it is read
(`--strict` refuses them); the server answers at `/api/v1/journeys/...` (not
`/api/v1/api/v1/...`) and the client's start/status/result and run_<journey> reach it.
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from generator.cli import main
from tests.constructs.support import JOURNEYS, generate
from tests.support.engine import server_module
from tests.support.live import LiveServer

NAME = "dsl-prefixed-contract"
CASE = JOURNEYS / "examples" / "technical" / NAME


def _cli(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["generate", str(CASE), "--no-cache", *args], stdout=out, stderr=err)
    return code, out.getvalue() + err.getvalue()


def test_each_prefixed_path_is_a_located_warning(tmp_path: Path) -> None:
    code, printed = _cli("--out", str(tmp_path / "out"))
    assert code == 0, printed
    for line, path in (
        (13, f"/journeys/{NAME}/start"),
        (32, "/journeys/{journeyId}"),
        (51, "/journeys/{journeyId}/result"),
    ):
        assert (
            f"{NAME}.openapi.yaml:{line}:5: warning: path '/api/v1{path}' repeats the "
            f"server URL's path '/api/v1' (servers[0].url): read as '{path}', served at "
            f"'/api/v1{path}'; write the path without '/api/v1'"
        ) in printed
    code, printed = _cli("--out", str(tmp_path / "strict"), "--strict")
    assert code == 2, printed
    assert not (tmp_path / "strict").exists()


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> str:
    return generate(NAME, tmp_path_factory.mktemp("prefixed"))


def test_the_journey_is_served_and_run_at_its_real_paths(
    package: str, tmp_path: Path, live: Callable[..., LiveServer]
) -> None:
    server = server_module(package)
    settings = server.Settings(store_path=str(tmp_path / "journeys.db"))
    url = live(server.create_app(settings=settings)).url
    pkg: Any = importlib.import_module(package)
    with pkg.client.DslPrefixedContractClient(url) as client:
        started = client.start(pkg.models.DslPrefixedContractInput(orderId="o-1"))
        status = client.get_status(started.journey_id)
        outcome = client.get_result(started.journey_id)
        ran = client.run_dsl_prefixed_contract(
            pkg.models.DslPrefixedContractInput(orderId="o-2")
        )
    assert status.journey_id == started.journey_id
    assert outcome.phase == "SUCCEEDED" and ran.phase == "SUCCEEDED"
    assert outcome.output is not None and outcome.output["accepted"] is True
    with httpx.Client(base_url=url) as http:
        here = http.get(f"/api/v1/journeys/{started.journey_id}")
        doubled = http.get(f"/api/v1/api/v1/journeys/{started.journey_id}")
    assert here.status_code == 200 and doubled.status_code == 404
