"""An auth task after a step follows the reference (DSL §18.8), on a live server, driven with
the generated client over real HTTP.

The journey `dsl-auth-step` pauses at the webhook `waitForCallback`, checks the callback's
`X-Callback-Key` with apiKeyValidate:v1 (profile `partner`, authVar `caller`) and branches on
`context.caller.apiKey.problem` itself: it counts each refused callback and fails with its own
code `CALLBACK_REFUSED` on the third. `dsl-auth-step-query` is the same journey reading the key
from the query parameter `key` (no step guard: the check is the run's alone). A failing key does not fail the run: its problem is written,
the run goes on to `next` and what the journey did is committed; the caller whose run went back
to the webhook (or failed) is answered 401 problem+json, as a kind: Api call is.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from tests.constructs.support import generate
from tests.support.engine import server_module
from tests.support.live import LiveServer

KEY = "partner-key"
CLIENTS = {
    "dsl-auth-step": "DslAuthStepClient",
    "dsl-auth-step-query": "DslAuthStepQueryClient",
}


@pytest.fixture(scope="module", params=sorted(CLIENTS))
def package(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> str:
    name: str = request.param
    return generate(name, tmp_path_factory.mktemp(name))


@pytest.fixture
def url(package: str, db_path: str, live: Callable[..., LiveServer]) -> str:
    server = server_module(package)
    settings = server.Settings(store_path=db_path, api_keys={"partner": KEY})
    return live(server.create_app(None, settings=settings)).url


@contextmanager
def _client(package: str, url: str, secret: str | None) -> Iterator[Any]:
    """The generated client sending `secret` where the journey reads it (None: nowhere)."""
    module = importlib.import_module(f"{package}.client")
    name = CLIENTS[package.replace("_", "-")]
    if not package.endswith("_query"):
        with getattr(module, name)(url, webhook_secret=secret) as api:
            yield api
        return
    params = {} if secret is None else {"key": secret}
    with (
        httpx.Client(params=params) as http,
        getattr(module, name)(url, http_client=http) as api,
    ):
        yield api


def test_refused_callbacks_are_401_and_the_journey_fails_on_the_third(
    package: str, url: str
) -> None:
    models = importlib.import_module(f"{package}.models")
    errors = importlib.import_module(package)
    callback = models.WaitForCallbackInput(status="DONE")
    with _client(package, url, "wrong-key") as api:
        journey_id = api.start(_input(models, "o-1")).journey_id
        for refusals in (1, 2):
            with pytest.raises(errors.Unauthorized) as refused:
                api.wait_for_callback(journey_id, callback)
            assert refused.value.problem is not None
            assert refused.value.problem.extensions["code"] == "APIKEY_INVALID"
            status = api.get_status(journey_id)
            assert (status.phase.value, status.current_state) == (
                "Running",
                "waitForCallback",
            ), refusals
        with pytest.raises(errors.Unauthorized):
            api.wait_for_callback(journey_id, callback)
        status = api.get_status(journey_id)
        assert status.phase.value == "Failed"
        outcome = api.get_result(journey_id)
    assert outcome.phase.value == "FAILED"
    assert outcome.error is not None and outcome.error.code == "CALLBACK_REFUSED"


def test_a_good_key_proceeds_even_after_a_refusal(package: str, url: str) -> None:
    models = importlib.import_module(f"{package}.models")
    errors = importlib.import_module(package)
    callback = models.WaitForCallbackInput(status="DONE")
    with _client(package, url, None) as anonymous, _client(package, url, KEY) as api:
        journey_id = api.start(_input(models, "o-2")).journey_id
        with pytest.raises(errors.Unauthorized) as refused:
            anonymous.wait_for_callback(journey_id, callback)
        assert refused.value.problem is not None
        assert refused.value.problem.extensions["code"] == "APIKEY_MISSING"
        status = api.wait_for_callback(journey_id, callback)
        assert status.phase.value == "Succeeded"
        outcome = api.get_result(journey_id)
    assert outcome.phase.value == "SUCCEEDED", outcome.error


def _input(models: Any, order_id: str) -> Any:
    prefix = (
        "DslAuthStepQuery"
        if models.__name__.endswith("_query.models")
        else "DslAuthStep"
    )
    return getattr(models, f"{prefix}Input")(orderId=order_id)
