"""A parallel join mapper that fails on the branches' data fails the journey, not the request,
over real HTTP (uvicorn on 127.0.0.1, SQLite file) with the generated client.

Journey folder `dsl-join-expression`: the join computes `branches.price.amount + 1`; without an
amount that is `null + 1`. Before, the DataWeave error escaped the start request (500, no
outcome); now the run fails at the parallel state with JOURNEY_EXPRESSION_FAILED, like any
state whose expression fails on its data.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.constructs.support import generate
from tests.support.engine import server_module
from tests.support.live import LiveServer

NAME = "dsl-join-expression"


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> str:
    return generate(NAME, tmp_path_factory.mktemp("join-expression"))


def test_a_failing_join_fails_the_run_at_the_parallel(
    package: str, tmp_path: Path, live: Callable[..., LiveServer]
) -> None:
    server = server_module(package)
    settings = server.Settings(store_path=str(tmp_path / "journeys.db"))
    url = live(server.create_app(settings=settings)).url
    pkg: Any = importlib.import_module(package)
    models = pkg.models
    with pkg.client.DslJoinExpressionClient(url) as client:
        fine = client.start(models.DslJoinExpressionInput(amount=41))
        broken = client.start(models.DslJoinExpressionInput())
        ok = client.get_result(fine.journey_id)
        failed = client.get_result(broken.journey_id)
        status = client.get_status(broken.journey_id)
    assert ok.phase == "SUCCEEDED", ok
    assert (ok.output or {}).get("joined") == {"total": 42}
    assert failed.phase == "FAILED", failed
    assert failed.error is not None
    assert failed.error.code == "JOURNEY_EXPRESSION_FAILED"
    assert (failed.error.reason or "").startswith("state 'fanOut': "), failed.error
    assert status.current_state == "fanOut"
