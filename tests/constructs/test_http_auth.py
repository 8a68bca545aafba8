"""`spec.policies.httpClientAuth` and `auth.policyRef` (DSL §19) on a live server whose
httpCalls go to real downstreams on 127.0.0.1: an echo server, an OAuth2 token endpoint and a
TLS server that requires a client certificate (a throwaway CA made with the openssl CLI).

`dsl-http-auth` calls the echo server without auth (`default: backend` is only a hint, never
applied), with `bearerStatic`, with `oauth2ClientCredentials`, then the TLS server with
`mtlsClient`. Secrets come only from settings, by secretRef.
"""

from __future__ import annotations

import re
import ssl
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.constructs.support import JOURNEYS
from tests.support.engine import API, generate_case, server_module
from tests.support.live import LiveServer, run_live

NAME = "dsl-http-auth"


class Downstream:
    """The token endpoint and the echo server, with what they saw."""

    def __init__(self) -> None:
        self.token_calls: list[dict[str, str]] = []
        self.revoked: set[str] = set()
        self.seen: list[str | None] = []
        self.token_url = ""

    def tokens(self) -> Starlette:
        async def token(request: Request) -> Response:
            form = {
                k: v[0] for k, v in parse_qs((await request.body()).decode()).items()
            }
            form["content-type"] = request.headers.get("content-type", "")
            self.token_calls.append(form)
            n = len(self.token_calls)
            return JSONResponse({"access_token": f"tok-{n}", "expires_in": 3600})

        return Starlette(routes=[Route("/oauth2/token", token, methods=["POST"])])

    def echo(self) -> Starlette:
        async def whoami(request: Request) -> Response:
            given = request.headers.get("authorization")
            self.seen.append(given)
            if given is not None and given.removeprefix("Bearer ") in self.revoked:
                return JSONResponse({"error": "revoked"}, status_code=401)
            return JSONResponse({"authorization": given})

        return Starlette(routes=[Route("/whoami", whoami)])


def openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throwaway CA, a server certificate for 127.0.0.1 and a client certificate."""
    d = tmp_path_factory.mktemp("pki")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key",
            "-out", "ca.pem", "-days", "2", "-subj", "/CN=test-ca", cwd=d)  # fmt: skip
    (d / "server.ext").write_text("subjectAltName=IP:127.0.0.1\n")
    for name in ("server", "client"):
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key",
                "-out", f"{name}.csr", "-subj", f"/CN={name}", cwd=d)  # fmt: skip
        extra = ["-extfile", "server.ext"] if name == "server" else []
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey",
                "ca.key", "-CAcreateserial", "-out", f"{name}.pem", "-days", "2",
                *extra, cwd=d)  # fmt: skip
    (d / "client-bundle.pem").write_text(
        (d / "client.pem").read_text() + (d / "client.key").read_text()
    )
    return d


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory, pki: Path
) -> Iterator[tuple[Any, Downstream, dict[str, str]]]:
    """The downstreams running, and the journey generated (its tokenEndpoint names
    127.0.0.1:9; the tests set the real one, as a deployment does)."""
    down = Downstream()
    tokens = run_live(down.tokens())
    echo = run_live(down.echo())
    secure = run_live(
        Starlette(routes=[Route("/whoami", lambda r: JSONResponse({"tls": True}))]),
        ssl_certfile=str(pki / "server.pem"),
        ssl_keyfile=str(pki / "server.key"),
        ssl_ca_certs=str(pki / "ca.pem"),
        ssl_cert_reqs=ssl.CERT_REQUIRED,
    )
    module = generate_case(NAME, tmp_path_factory.mktemp("auth"), root=JOURNEYS)
    urls = {"outbound": echo.url, "secure": secure.url.replace("http:", "https:")}
    down.token_url = tokens.url + "/oauth2/token"
    yield server_module(module), down, urls
    for running in (tokens, echo, secure):
        running.stop()


SECRETS = {
    "secret://tokens/static": "s3cr3t",
    "secret://oauth/orders": "pa ss",
}


def test_each_task_authenticates_with_its_policy_and_the_token_is_cached(
    world: tuple[Any, Downstream, dict[str, str]],
    pki: Path,
    db_path: str,
    live: Callable[..., LiveServer],
) -> None:
    server, down, urls = world
    secrets = {
        **SECRETS,
        "secret://certs/backend": (pki / "client-bundle.pem").read_text(),
        "trust/root-ca.pem": str(pki / "ca.pem"),
    }
    settings = server.Settings(
        store_path=db_path,
        api_base_urls=urls,
        secrets=secrets,
        token_endpoints={"backend": down.token_url},  # the spec's is 127.0.0.1:9
    )
    app = live(server.create_app(settings=settings), "on")  # lifespan: closes clients
    outputs = []
    with httpx.Client(base_url=app.url, timeout=30) as client:
        for _ in range(2):
            started = client.post(f"{API}/journeys/{NAME}/start", json={"id": "o-1"})
            assert started.status_code == 200, started.text
            outputs.append(started.json()["output"])
        down.revoked.add("tok-1")  # the downstream now answers 401 to the cached token
        started = client.post(f"{API}/journeys/{NAME}/start", json={"id": "o-2"})
        outputs.append(started.json()["output"])
    first = {
        "plain": None,  # no auth.policyRef: no auth, whatever httpClientAuth.default says
        "bearer": "Bearer s3cr3t",
        "oauth": "Bearer tok-1",
        "oauthStatus": 200,
        "oauthError": None,
        "certificate": 200,  # the TLS server accepted the client certificate
        "certificateError": None,
    }
    assert outputs == [first, first, {**first, "oauth": "Bearer tok-2"}]
    # one token for two journeys; after the 401 exactly one more, and one resend
    assert [c["content-type"] for c in down.token_calls] == [
        "application/x-www-form-urlencoded"
    ] * 2
    assert down.token_calls[0] == {
        "grant_type": "client_credentials",
        "scope": "orders.read",
        "client_id": "orders-service",
        "client_secret": "pa ss",
        "content-type": "application/x-www-form-urlencoded",
    }
    assert down.seen.count("Bearer tok-1") == 3  # 2 journeys, then the refused call
    assert down.seen.count("Bearer tok-2") == 1


def test_a_missing_secret_fails_the_call_naming_its_variable_and_sends_nothing(
    world: tuple[Any, Downstream, dict[str, str]],
    db_path: str,
    live: Callable[..., LiveServer],
    caplog: pytest.LogCaptureFixture,
) -> None:
    server, down, urls = world
    env = {
        "DSL_HTTP_AUTH_STORE": db_path,
        "DSL_HTTP_AUTH_SECRET_TOKENS_STATIC": "from-env",
    }
    env |= {f"DSL_HTTP_AUTH_API_{k.upper()}_BASE_URL": v for k, v in urls.items()}
    settings = server.Settings.from_env("DSL_HTTP_AUTH", [], environ=env, apis=urls)
    app = live(server.create_app(settings=settings), "on")  # lifespan: closes clients
    before = len(down.token_calls)
    with httpx.Client(base_url=app.url, timeout=30) as client:
        started = client.post(f"{API}/journeys/{NAME}/start", json={"id": "o-3"})
        journey = client.get(f"{API}/journeys/{started.json()['journeyId']}/result")
    output = started.json()["output"]
    assert output["bearer"] == "Bearer from-env"  # <PREFIX>_SECRET_<REF> from the env
    # refused unsent: no answer, so no status (DSL §5.1)
    assert (output["oauthStatus"], output["oauthError"]) == (None, "AUTH")
    assert output["certificateError"] == "AUTH"
    assert len(down.token_calls) == before  # the token request was never sent
    assert journey.status_code == 200
    logged = caplog.text
    assert "set DSL_HTTP_AUTH_SECRET_OAUTH_ORDERS" in logged
    assert "set DSL_HTTP_AUTH_SECRET_CERTS_BACKEND" in logged
    assert "from-env" not in logged


def test_the_readme_documents_each_secret_under_the_variable_the_server_reads(
    world: tuple[Any, Downstream, dict[str, str]],
) -> None:
    server, _, _ = world
    readme = Path(server.__file__).parents[1] / "README.md"
    variables = re.findall(
        r"^\| `(DSL_HTTP_AUTH_SECRET_[A-Z0-9_]+)` \| .* secret `([^`]+)`",
        readme.read_text(encoding="utf-8"),
        re.M,
    )
    assert sorted(ref for _, ref in variables) == [
        "secret://certs/backend",
        "secret://oauth/orders",
        "secret://tokens/static",
        "trust/root-ca.pem",
    ]
    environ = {name: f"value of {ref}" for name, ref in variables}
    rows = re.findall(
        r"^\| `(DSL_HTTP_AUTH_TOKEN_ENDPOINT_[A-Z0-9_]+)` \| `([^`]+)` \| .* policy `([^`]+)`",
        readme.read_text(encoding="utf-8"),
        re.M,
    )
    assert rows == [
        (
            "DSL_HTTP_AUTH_TOKEN_ENDPOINT_BACKEND",
            "http://127.0.0.1:9/oauth2/token",
            "backend",
        )
    ]
    environ[rows[0][0]] = "https://auth.example.com/token"
    settings = server.Settings.from_env("DSL_HTTP_AUTH", [], environ=environ)
    for _, ref in variables:
        assert settings.secret(ref) == f"value of {ref}"
    assert settings.token_endpoint("backend") == (
        "https://auth.example.com/token",
        "DSL_HTTP_AUTH_TOKEN_ENDPOINT_BACKEND",
    )
    wrong = server.Settings(
        store_path=":memory:", token_endpoints={"backend": "/token"}
    )
    with pytest.raises(ValueError, match=r"Settings.token_endpoints\['backend'\] must be an absolute"):  # fmt: skip
        server.create_app(settings=wrong)
