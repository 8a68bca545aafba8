"""DSL §2.7 `spec.lifecycle.startMode: async` over real HTTP (uvicorn on 127.0.0.1, SQLite file):
the start answers 202 with a JourneyStartResponse whose statusUrl is the status resource, and
the generated client's typed `start()` and `run_<journey>()` work against their own server
(corpus journey async-report-generation)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.engine import API, wait_for
from tests.support.live import LiveServer
from tests.support.paths import CORPUS

CASE = CORPUS / "examples" / "business" / "async-report-generation"


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from generator.format import Formatter
    from generator.pipeline import generate
    from generator.write import write_package

    out = tmp_path_factory.mktemp("start-mode")
    result = generate(CASE, root=CORPUS, formatter=Formatter())
    write_package(out, result.package, result.files)
    sys.path.insert(0, str(out / result.package))
    return importlib.import_module(result.package)


def _fake(package: Any) -> Any:
    server = importlib.import_module(f"{package.__name__}.server")
    testing = importlib.import_module(f"{package.__name__}.testing")
    return server, server.FakeHandlers(
        start_report_job=testing.reply(202, {"jobId": "rj-1"}),
        fetch_report_status=[
            testing.reply(200, {"jobId": "rj-1", "state": "RUNNING"}),
            testing.reply(200, {"jobId": "rj-1", "state": "COMPLETED"}),
        ],
    )


@pytest.fixture
def url(package: Any, tmp_path: Path, live: Callable[..., LiveServer]) -> str:
    server, fake = _fake(package)
    settings = server.Settings(store_path=str(tmp_path / "j.db"), timer_scale=1e-6)
    return live(server.create_app(fake, settings=settings), lifespan="on").url


def test_async_start_answers_202_with_a_journey_start_response(
    package: Any, url: str
) -> None:
    body = {"reportId": "rep-1", "tenantId": "t-1", "pollIntervalSeconds": 1}
    with httpx.Client(base_url=url) as http:
        reply = http.post(f"{API}/journeys/async-report-generation/start", json=body)
        assert reply.status_code == 202, reply.text
        started = reply.json()
        assert set(started) >= {"journeyId", "journeyName", "statusUrl"}
        assert "phase" not in started  # not a JourneyStatus
        assert started["journeyName"] == "async-report-generation"
        assert started["statusUrl"] == f"{url}{API}/journeys/{started['journeyId']}"
        status = http.get(started["statusUrl"])  # the status URL is the status resource
        assert status.status_code == 200
        assert status.json()["journeyId"] == started["journeyId"]


def test_the_typed_client_starts_and_runs_the_journey(package: Any, url: str) -> None:
    start = package.models.AsyncReportGenerationInput(
        reportId="rep-2", tenantId="t-2", pollIntervalSeconds=1
    )
    with package.client.AsyncReportGenerationClient(url) as client:
        started = client.start(start)  # was DecodeError: the server answered a status
        assert isinstance(started, package.models.JourneyStartResponse)
        assert started.journey_name == "async-report-generation"
        outcome = wait_for(
            lambda: client.get_status(started.journey_id),
            lambda s: str(s.phase.value).upper() != "RUNNING",
        )
        assert str(outcome.phase.value).upper() == "SUCCEEDED"
        assert client.get_result(started.journey_id).output is not None
    # run_<journey>(): start, then poll to the outcome
    with package.client.AsyncReportGenerationClient(url) as client:
        ran = client.run_async_report_generation(start, timeout=30)
    assert str(ran.phase.value).upper() == "SUCCEEDED"
