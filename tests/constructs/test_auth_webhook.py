"""An auth task after a provider-driven step (DSL §18.8), on a live server over real HTTP.

The journey `dsl-auth-webhook-query` pauses at the webhook `waitForCallback`, which its bindings
file lets the provider `partner` drive (`POST /webhooks/partner`, event id `id`, correlated by
`order` with the start input `orderId`). After the step, apiKeyValidate:v1 (profile `partner`)
reads the key from the delivery's query parameter `key` and the journey branches on
`context.caller.apiKey.problem` itself: it counts each refused delivery and fails with its own
code `CALLBACK_REFUSED` on the third. The binding has no guard (the check is the run's alone), so
the delivery's query parameters must reach the run: a refused delivery is answered 401 after what
the run did is committed, and its event stays unprocessed, so a redelivery with the same event id
runs again.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from generator.format import Formatter
from generator.pipeline import generate as generate_result
from tests.constructs.support import JOURNEYS, generate
from tests.support.engine import rows, server_module
from tests.support.live import LiveServer

NAME = "dsl-auth-webhook-query"
KEY = "partner-key"


@pytest.fixture
def db_path(store_target: str) -> str:
    """The store every test here runs on: a SQLite file, then a PostgreSQL database."""
    return store_target


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> str:
    return generate(NAME, tmp_path_factory.mktemp(NAME))


@pytest.fixture
def url(package: str, db_path: str, live: Callable[..., LiveServer]) -> str:
    server = server_module(package)
    settings = server.Settings(store_path=db_path, api_keys={"partner": KEY})
    return live(server.create_app(None, settings=settings)).url


def _start(package: str, url: str, order_id: str) -> str:
    client = importlib.import_module(f"{package}.client")
    models = importlib.import_module(f"{package}.models")
    with client.DslAuthWebhookQueryClient(url) as api:
        journey_id: str = api.start(
            models.DslAuthWebhookQueryInput(orderId=order_id)
        ).journey_id
    return journey_id


def _deliver(url: str, event: dict[str, Any], key: str | None) -> httpx.Response:
    params = {} if key is None else {"key": key}
    return httpx.post(f"{url}/webhooks/partner", json=event, params=params)


def _status(package: str, url: str, journey_id: str) -> tuple[str, str | None]:
    client = importlib.import_module(f"{package}.client")
    with client.DslAuthWebhookQueryClient(url) as api:
        status = api.get_status(journey_id)
    return status.phase.value, status.current_state


def _refusals(db_path: str, journey_id: str) -> int:
    (row,) = rows(db_path, "SELECT context FROM journeys WHERE id = ?", journey_id)
    found: int = json.loads(row[0])["refusals"]
    return found


def _refused(response: httpx.Response, code: str) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == code


def test_the_binding_for_a_query_checked_step_is_generated_with_a_warning() -> None:
    """The bindings file is accepted; the binding names no guard, which the generator says."""
    case = JOURNEYS / "examples" / "technical" / NAME
    result = generate_result(case, root=JOURNEYS, formatter=Formatter())
    (warning,) = [w for w in result.warnings if "unguarded" in w.message]
    assert warning.message.startswith(
        "binding targets unguarded step 'waitForCallback'"
    )
    assert warning.location.path.endswith(f"{NAME}.bindings.yaml")


def test_a_refused_delivery_is_401_committed_and_runs_again_when_redelivered(
    package: str, url: str, db_path: str
) -> None:
    journey_id = _start(package, url, "o-1")
    event = {"id": "e-1", "order": "o-1", "status": "DONE"}
    _refused(_deliver(url, event, "wrong-key"), "APIKEY_INVALID")
    # the journey's own branch ran and was committed: one refusal counted, waiting again
    assert _status(package, url, journey_id) == ("Running", "waitForCallback")
    assert _refusals(db_path, journey_id) == 1
    # the same event id again is not a duplicate: the run goes again and counts again
    _refused(_deliver(url, event, None), "APIKEY_MISSING")
    assert _refusals(db_path, journey_id) == 2
    # with the right key the same event proceeds and the journey ends
    delivered = _deliver(url, event, KEY)
    assert delivered.status_code == 200, delivered.text
    assert delivered.json() == {
        "eventId": "e-1",
        "journeyId": journey_id,
        "status": "processed",
        "outcome": "done",
        "phase": "Succeeded",
    }
    assert _status(package, url, journey_id)[0] == "Succeeded"
    # now it was processed: a further copy is a duplicate, whatever its key
    again = _deliver(url, event, "wrong-key")
    assert again.status_code == 200, again.text
    assert again.json() == {"status": "already_processed", "eventId": "e-1"}


def test_the_journey_fails_on_the_third_refused_delivery(
    package: str, url: str
) -> None:
    journey_id = _start(package, url, "o-2")
    for n in (1, 2, 3):
        event = {"id": f"e-2-{n}", "order": "o-2", "status": "DONE"}
        _refused(_deliver(url, event, "wrong-key"), "APIKEY_INVALID")
    assert _status(package, url, journey_id)[0] == "Failed"
    client = importlib.import_module(f"{package}.client")
    with client.DslAuthWebhookQueryClient(url) as api:
        outcome = api.get_result(journey_id)
    assert outcome.phase.value == "FAILED"
    assert outcome.error is not None and outcome.error.code == "CALLBACK_REFUSED"


def test_a_good_key_in_the_query_proceeds_at_once(package: str, url: str) -> None:
    journey_id = _start(package, url, "o-3")
    delivered = _deliver(url, {"id": "e-3", "order": "o-3", "status": "DONE"}, KEY)
    assert delivered.status_code == 200, delivered.text
    assert delivered.json()["phase"] == "Succeeded"
    assert _status(package, url, journey_id)[0] == "Succeeded"
