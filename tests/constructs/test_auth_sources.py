"""Where the auth tasks read their credential (DSL §18.6, §18.8), on a live server.

The journey `dsl-auth-sources`, driven with the generated client, checks an API key from the
query parameter `api_key` (`source: {location: query}`, profile `partner`, authVar `partner`),
one from its profile's configured source (no `source`, profile `internal`, authVar
`internal`), and JWTs with the string source form: `header:Authorization` (the Bearer scheme
stripped) and `query:access_token`, under the authVars `caller` and `link`. A profile whose
source nobody configured is the internal configuration problem APIKEY_CONFIG_INVALID.
"""

from __future__ import annotations

import base64
import importlib
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.constructs.support import generate
from tests.server.pc_support import assert_problem
from tests.support.engine import API, server_module
from tests.support.live import LiveServer

NAME = "dsl-auth-sources"
PREFIX = "DSL_AUTH_SOURCES"
ENV = {
    f"{PREFIX}_API_KEY_PARTNER": "p-secret",
    f"{PREFIX}_API_KEY_INTERNAL": "i-secret",
    f"{PREFIX}_APIKEY_SOURCE_INTERNAL": "header:X-Internal-Key",
}


def _jwt(sub: str) -> str:
    def part(data: dict[str, Any]) -> str:
        raw = json.dumps(data).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256', 'kid': 'k1'})}.{part({'sub': sub})}.c2ln"


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> str:
    return generate(NAME, tmp_path_factory.mktemp("auth"))


def _serve(
    package: str, live: Callable[..., LiveServer], env: dict[str, str]
) -> tuple[Any, str]:
    server = server_module(package)
    settings = server.Settings.from_env(PREFIX, ("partner", "internal"), environ=env)
    fake = server.FakeHandlers()
    return fake, live(server.create_app(fake, settings=settings)).url


def test_each_auth_task_reads_the_source_it_names_into_its_auth_var(
    package: str, db_path: str, live: Callable[..., LiveServer]
) -> None:
    fake, url = _serve(package, live, {**ENV, f"{PREFIX}_STORE": db_path})
    client = importlib.import_module(f"{package}.client")
    models = importlib.import_module(f"{package}.models")
    header_jwt, query_jwt = _jwt("from-header"), _jwt("from-query")
    params = {"api_key": "p-secret", "access_token": query_jwt}
    headers = {"X-Internal-Key": "i-secret", "Authorization": f"Bearer {header_jwt}"}
    with (
        httpx.Client(params=params) as http,
        client.DslAuthSourcesClient(url, headers=headers, http_client=http) as api,
    ):
        started = api.start(models.DslAuthSourcesInput.model_validate({}))
        outcome = api.get_result(started.journey_id)
    assert outcome.phase == "SUCCEEDED", outcome.error
    assert outcome.output["partner"] == {"apiKey": {"keyId": "partner"}}
    assert outcome.output["internal"] == {"apiKey": {"keyId": "internal"}}
    assert outcome.output["caller"]["jwt"]["claims"]["sub"] == "fake-subject"
    assert "jwt" in outcome.output["link"]
    (from_header,) = fake.calls_to("header_token")
    (from_query,) = fake.calls_to("query_token")
    assert (from_header.token, from_query.token) == (header_jwt, query_jwt)
    # the keys swapped: each task reads only its own source
    swapped = {"X-Api-Key": "p-secret", "api_key": "i-secret"}
    with httpx.Client(base_url=url) as http:
        reply = http.post(
            f"{API}/journeys/{NAME}/start",
            json={},
            params={"api_key": "i-secret"},
            headers={**swapped, "Authorization": f"Bearer {header_jwt}"},
        )
    assert reply.status_code == 200, reply.text
    context = reply.json()["output"]
    assert context["partner"]["apiKey"]["problem"]["code"] == "APIKEY_INVALID"
    assert context["internal"]["apiKey"]["problem"]["code"] == "APIKEY_MISSING"
    assert context["link"]["jwt"]["problem"]["code"] == "JWT_TOKEN_MISSING"


def test_a_profile_without_a_configured_source_is_a_configuration_problem(
    package: str, db_path: str, live: Callable[..., LiveServer]
) -> None:
    env = {k: v for k, v in ENV.items() if "_APIKEY_SOURCE_" not in k}
    fake, url = _serve(package, live, {**env, f"{PREFIX}_STORE": db_path})
    with httpx.Client(base_url=url) as http:
        reply = http.post(
            f"{API}/journeys/{NAME}/start", json={}, params={"api_key": "p-secret"}
        )
    problem = assert_problem(reply, 503)
    assert problem.get("code") == "APIKEY_CONFIG_INVALID", problem
    assert f"set {PREFIX}_APIKEY_SOURCE_INTERNAL" in problem["detail"]
    assert fake.calls == []
