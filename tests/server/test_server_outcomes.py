"""spec.outcomes: every terminal run is classified; the id is served as outcomeId."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.support.engine import API, generate_case, server_module
from tests.support.live import LiveServer
from tests.support.paths import CorpusPackage

NAME = "engine-outcomes"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return server_module(generate_case(NAME, tmp_path_factory.mktemp("outcomes")))


def _outcome(url: str, name: str, body: dict[str, Any]) -> dict[str, Any]:
    with httpx.Client(base_url=url) as client:
        reply = client.post(f"{API}/journeys/{name}/start", json=body)
        assert reply.status_code == 200, reply.text
        result = client.get(f"{API}/journeys/{reply.json()['journeyId']}/result")
    assert result.status_code == 200, result.text
    found: dict[str, Any] = result.json()
    return found


@pytest.mark.parametrize(
    ("body", "phase", "named"),
    [
        ({"amount": 50, "vip": True}, "SUCCEEDED", "ApprovedVip"),  # output binding
        ({"amount": 500, "vip": True}, "SUCCEEDED", "ApprovedVip"),  # first match wins
        ({"amount": 500}, "SUCCEEDED", "ApprovedLarge"),
        ({"amount": 5000}, "FAILED", "FailedLimit"),  # error and context.error
        ({"amount": -1}, "FAILED", "FailedOther"),  # no predicate: matches its phase
        ({"amount": 50}, "SUCCEEDED", None),  # no rule matches: unclassified
    ],
)
def test_each_run_gets_the_first_matching_named_outcome(
    server: Any,
    db_path: str,
    live: Callable[..., LiveServer],
    body: dict[str, Any],
    phase: str,
    named: str | None,
) -> None:
    app = live(server.create_app(server.FakeHandlers(), settings=server.Settings(store_path=db_path)))  # fmt: skip
    outcome = _outcome(app.url, NAME, body)
    assert outcome["phase"] == phase
    assert outcome.get("outcomeId") == named


@pytest.mark.slow
def test_the_corpus_named_outcomes_journey_is_classified(
    corpus_packages: dict[str, CorpusPackage],
    db_path: str,
    live: Callable[..., LiveServer],
) -> None:
    server = server_module(corpus_packages["named-outcomes"].module)
    app = live(server.create_app(server.FakeHandlers(), settings=server.Settings(store_path=db_path)))  # fmt: skip
    low = _outcome(app.url, "named-outcomes", {"amount": 10})
    high = _outcome(app.url, "named-outcomes", {"amount": 10_000})
    assert (low["phase"], low["outcomeId"]) == ("SUCCEEDED", "SucceededLowAmount")
    assert (high["phase"], high["outcomeId"]) == ("FAILED", "FailedBusinessRule")
