"""kind: Api with inbound auth tasks and a subjourney, over HTTP (DSL §2.2.2, §18, §5.8).

`dsl-api-auth` checks an API key (`apiKeyValidate:v1`, profile `partner`, header `X-Api-Key`)
and a bearer JWT (`jwtValidate:v1`, verified by the team's `check_token` handler), branches to
`fail` when either reported a problem, else prices the call in the `fee` subjourney (a choice
and a transform, run within the request) and succeeds. A request whose auth task reported a
problem and whose run failed is refused 401 (problem+json, the auth code in `code`); an
authenticated one answers the subjourney's fee.
"""

from __future__ import annotations

import base64
import importlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.constructs.support import generate
from tests.support.engine import server_module
from tests.support.live import LiveServer

NAME = "dsl-api-auth"
PATH = f"/api/v1/apis/{NAME}"


def _jwt(sub: str) -> str:
    def part(data: dict[str, Any]) -> str:
        raw = json.dumps(data).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256', 'kid': 'k1'})}.{part({'sub': sub})}.c2ln"


class Verifier:
    """The team's JWT verification: a token whose subject is 'mallory' has a bad signature."""

    def __init__(self, result: Any) -> None:
        self.result = result
        self.seen: list[str] = []

    def check_token(self, call: Any) -> Any:
        self.seen.append(call.claims["sub"])
        if call.claims["sub"] == "mallory":
            return self.result(status=401, ok=False, error={"code": "JWT_SIG_INVALID"})
        body = {"header": call.header, "claims": call.claims}
        return self.result(status=200, ok=True, body=body)


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> str:
    return generate(NAME, tmp_path_factory.mktemp("api-auth"))


@pytest.fixture
def served(package: str, live: Callable[..., LiveServer]) -> tuple[Verifier, str]:
    server = server_module(package)
    settings = server.Settings(api_keys={"partner": "p-secret"})
    handlers = importlib.import_module(f"{package}.handlers")
    verifier = Verifier(handlers.TaskResult)
    return verifier, live(server.create_app(verifier, settings=settings)).url


def test_an_authenticated_call_runs_the_subjourney_within_the_request(
    served: tuple[Verifier, str],
) -> None:
    verifier, url = served
    headers = {"X-Api-Key": "p-secret", "Authorization": f"Bearer {_jwt('ada')}"}
    with httpx.Client(base_url=url, headers=headers) as http:
        small = http.post(PATH, json={"amount": 10})
        large = http.post(PATH, json={"amount": 5000})
    assert (small.status_code, small.json()) == (200, {"user": "ada", "fee": 5})
    assert (large.status_code, large.json()) == (200, {"user": "ada", "fee": 50.0})
    assert verifier.seen == ["ada", "ada"]


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({"Authorization": f"Bearer {_jwt('ada')}"}, "APIKEY_MISSING"),
        (
            {"X-Api-Key": "wrong", "Authorization": f"Bearer {_jwt('ada')}"},
            "APIKEY_INVALID",
        ),
        ({"X-Api-Key": "p-secret"}, "JWT_TOKEN_MISSING"),
        (
            {"X-Api-Key": "p-secret", "Authorization": f"Bearer {_jwt('mallory')}"},
            "JWT_SIG_INVALID",
        ),
    ],
    ids=["no-key", "wrong-key", "no-token", "bad-signature"],
)
def test_a_failed_auth_task_is_a_401_problem(
    served: tuple[Verifier, str], headers: dict[str, str], code: str
) -> None:
    _, url = served
    with httpx.Client(base_url=url) as http:
        answer = http.post(PATH, json={"amount": 10}, headers=headers)
    assert answer.status_code == 401, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert (problem["status"], problem["title"], problem["code"]) == (
        401,
        "Unauthorized",
        code,
    )
    # the refusal says nothing of the run: not the fail state's errorCode
    assert "urn:auth:refused" not in answer.text


def test_the_generated_readme_names_the_auth_settings(package: str) -> None:
    server = server_module(package)
    readme = (Path(server.__file__).parents[1] / "README.md").read_text("utf-8")
    assert "DSL_API_AUTH_API_KEY_PARTNER" in readme
