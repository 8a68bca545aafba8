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


# Every async-start journey of the corpus (issue #14 names all three): each one's typed client
# starts it against its own server, sync and async, and gets a JourneyStartResponse whose
# statusUrl is that journey's status resource.
ASYNC_STARTS = {
    "async-report-generation": (
        CORPUS / "examples" / "business" / "async-report-generation",
        {"reportId": "rep-3", "tenantId": "t-3", "pollIntervalSeconds": 1},
    ),
    "async-fire-and-observe": (
        CORPUS / "examples" / "technical" / "async-fire-and-observe",
        {"jobType": "export", "correlationId": "c-1", "pollIntervalSeconds": 1},
    ),
    "kyc-async-timeout-fallback": (
        CORPUS / "examples" / "business" / "kyc-async-timeout-fallback",
        {"customerId": "cust-1", "requestId": "req-1", "channel": "web"},
    ),
}


@pytest.fixture(scope="module", params=sorted(ASYNC_STARTS))
def async_start(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Any:
    from generator.format import Formatter
    from generator.pipeline import generate
    from generator.write import write_package

    name = request.param
    case, body = ASYNC_STARTS[name]
    out = tmp_path_factory.mktemp(f"async-{name}")
    result = generate(case, root=CORPUS, formatter=Formatter())
    write_package(out, result.package, result.files)
    sys.path.insert(0, str(out / result.package))
    return name, importlib.import_module(result.package), body


def test_every_async_start_journeys_typed_start_works_against_its_own_server(
    async_start: Any, tmp_path: Path, live: Callable[..., LiveServer]
) -> None:
    import asyncio

    name, pkg, body = async_start
    server = importlib.import_module(f"{pkg.__name__}.server")
    settings = server.Settings(store_path=str(tmp_path / "j.db"), timer_scale=1e-6)
    url = live(
        server.create_app(server.FakeHandlers(), settings=settings), lifespan="on"
    ).url
    pascal = "".join(part.capitalize() for part in name.split("-"))
    start = getattr(pkg.models, f"{pascal}Input").model_validate(body)
    with getattr(pkg.client, f"{pascal}Client")(url) as client:
        started = client.start(start)
        assert isinstance(started, pkg.models.JourneyStartResponse)
        assert started.journey_name == name
        assert started.status_url == f"{url}{API}/journeys/{started.journey_id}"
        assert client.get_status(started.journey_id).journey_id == started.journey_id

    async def start_async() -> Any:
        # AsyncKycAsyncTimeoutFallbackClient; a name starting with Async: ...AsyncClient
        names = (f"Async{pascal}Client", f"{pascal}AsyncClient")
        found = [getattr(pkg.client, n) for n in names if hasattr(pkg.client, n)]
        assert len(found) == 1, names
        async with found[0](url) as client:
            return await client.start(start)

    again = asyncio.run(start_async())
    assert isinstance(again, pkg.models.JourneyStartResponse)
    assert again.journey_id != started.journey_id
