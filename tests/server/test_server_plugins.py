"""jwtValidate, mtlsValidate, cache, schedule and the platform binding on live servers."""

from __future__ import annotations

import base64
import hashlib
import importlib
import json
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.server.pc_support import assert_problem
from tests.support.engine import (
    API,
    generate_case,
    rows,
    server_module,
    wait_for,
)
from tests.support.live import LiveServer
from tests.support.paths import CorpusPackage

pytestmark = pytest.mark.slow


def _b64(data: dict[str, Any]) -> str:
    raw = json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def token(claims: dict[str, Any], header: dict[str, Any] | None = None) -> str:
    """A compact JWS (signature not checked by the engine: the handler verifies it)."""
    return f"{_b64(header or {'alg': 'RS256', 'kid': 'k1'})}.{_b64(claims)}.c2ln"


TRACE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
DER = bytes.fromhex(
    "3003020101"
)  # a DER SEQUENCE; the handler is the one validating it
PEM = (
    "-----BEGIN CERTIFICATE-----\n"
    + base64.b64encode(DER).decode()
    + "\n-----END CERTIFICATE-----\n"
)
PEM_LINE = PEM.replace("\n", " ").strip()  # as a proxy header (one line)


class Journey:
    """One corpus journey's generated server and testing modules."""

    def __init__(self, package: CorpusPackage) -> None:
        self.name = package.case.name
        self.server = server_module(package.module)
        self.testing = importlib.import_module(f"{package.module}.testing")

    def serve(
        self, live: Callable[..., LiveServer], fake: Any, **settings: Any
    ) -> httpx.Client:
        app = self.server.create_app(fake, settings=self.server.Settings(**settings))
        return httpx.Client(base_url=live(app, "on").url)

    def start(
        self, client: httpx.Client, body: Any, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        return client.post(
            f"{API}/journeys/{self.name}/start", json=body, headers=headers or {}
        )


@pytest.fixture
def journey(corpus_packages: dict[str, CorpusPackage]) -> Callable[[str], Journey]:
    return lambda name: Journey(corpus_packages[name])


def _outcome(client: httpx.Client, reply: httpx.Response) -> dict[str, Any]:
    assert reply.status_code == 200, reply.text
    result = client.get(f"{API}/journeys/{reply.json()['journeyId']}/result")
    assert result.status_code == 200, result.text
    body: dict[str, Any] = result.json()
    return body


# -- jwtValidate ---------------------------------------------------------------------------


def test_jwt_accepts_a_verified_token_and_exposes_its_claims(
    journey: Callable[[str], Journey], db_path: str, live: Callable[..., LiveServer]
) -> None:
    j = journey("auth-jwt-scopes")
    fake = j.testing.FakeHandlers()
    with j.serve(live, fake, store_path=db_path) as client:
        bearer = {
            "Authorization": f"Bearer {token({'sub': 'user-7'})}",
            "traceparent": TRACE,
        }
        outcome = _outcome(client, j.start(client, {}, bearer))
    assert outcome["phase"] == "SUCCEEDED"
    (verify,) = fake.calls_to("validate_jwt")
    assert verify.claims == {"sub": "user-7"} and verify.header["kid"] == "k1"
    (lookup,) = fake.calls_to("get_user_by_id")
    assert lookup.user_id == "fake-subject"  # the verified claims, not the raw token's
    # spec.bindings.http.start: headersToContext and headersPassthrough
    assert lookup.headers["traceparent"] == TRACE


@pytest.mark.parametrize(
    ("headers", "answer", "code"),
    [
        ({}, None, "JWT_TOKEN_MISSING"),
        ({"Authorization": "Bearer not-a-jwt"}, None, "JWT_TOKEN_MALFORMED"),
        ({"Authorization": f"Bearer {token({})}"}, "refuse", "JWT_SIG_INVALID"),
        ({"Authorization": f"Bearer {token({'exp': 1})}"}, "echo", "JWT_EXPIRED"),
        (
            {"Authorization": f"Bearer {token({'nbf': time.time() + 3600})}"},
            "echo",
            "JWT_NOT_YET_VALID",
        ),
    ],
)
def test_jwt_refuses_with_401_problem_and_persists_nothing(
    journey: Callable[[str], Journey],
    db_path: str,
    live: Callable[..., LiveServer],
    headers: dict[str, str],
    answer: str | None,
    code: str,
) -> None:
    j = journey("auth-jwt-scopes")
    reply = j.testing.reply
    answers = {
        None: None,
        "refuse": reply(401, error={"code": "JWT_SIG_INVALID"}),
        "echo": lambda call: reply(200, {"header": call.header, "claims": call.claims}),
    }
    fake = j.testing.FakeHandlers(validate_jwt=answers[answer])
    with j.serve(live, fake, store_path=db_path) as client:
        problem = assert_problem(j.start(client, {}, headers), 401)
    assert problem["code"] == code
    assert "not-a-jwt" not in json.dumps(problem)
    assert rows(db_path, "SELECT COUNT(*) FROM journeys") == [(0,)]
    assert fake.calls_to("get_user_by_id") == []


def test_jwt_authenticated_but_without_scope_is_the_journeys_own_failure(
    journey: Callable[[str], Journey], db_path: str, live: Callable[..., LiveServer]
) -> None:
    j = journey("auth-jwt-scopes")
    verified = j.testing.reply(200, {"claims": {"sub": "u", "scope": "read:other"}})
    fake = j.testing.FakeHandlers(validate_jwt=verified)
    with j.serve(live, fake, store_path=db_path) as client:
        bearer = {
            "Authorization": f"Bearer {token({'sub': 'u'})}",
            "traceparent": TRACE,
        }
        outcome = _outcome(client, j.start(client, {}, bearer))
    assert outcome["phase"] == "FAILED"
    assert outcome["error"]["code"] == "JWT_SCOPE_DENIED"


# -- mtlsValidate --------------------------------------------------------------------------


@pytest.mark.parametrize("encode", [False, True])
def test_mtls_accepts_a_client_certificate_from_the_proxy_header(
    journey: Callable[[str], Journey],
    db_path: str,
    live: Callable[..., LiveServer],
    encode: bool,
) -> None:
    j = journey("auth-mtls-only")
    fake = j.testing.FakeHandlers()
    value = urllib.parse.quote(PEM) if encode else PEM_LINE
    with j.serve(
        live, fake, store_path=db_path, mtls_cert_header="X-Client-Cert"
    ) as client:
        outcome = _outcome(client, j.start(client, {}, {"X-Client-Cert": value}))
    assert outcome["phase"] == "SUCCEEDED"
    mtls = outcome["output"]["mtls"]
    assert "OU=Journeys" in mtls["subjectDn"]
    assert mtls["fingerprintSha256"] == hashlib.sha256(DER).hexdigest()
    (call,) = fake.calls_to("validate_mtls")
    assert call.fingerprint_sha256 == mtls["fingerprintSha256"]


@pytest.mark.parametrize(
    ("cert", "answer", "code"),
    [
        (None, None, "MTLS_CERT_MISSING"),
        ("garbage", None, "MTLS_CERT_UNPARSEABLE"),
        (PEM_LINE, "refuse", "MTLS_CERT_UNTRUSTED"),
    ],
)
def test_mtls_refuses_with_401_problem(
    journey: Callable[[str], Journey],
    db_path: str,
    live: Callable[..., LiveServer],
    cert: str | None,
    answer: str | None,
    code: str,
) -> None:
    j = journey("auth-mtls-only")
    refuse = j.testing.reply(401, error={"code": "MTLS_CERT_UNTRUSTED"})
    fake = j.testing.FakeHandlers(validate_mtls=refuse if answer else None)
    headers = {} if cert is None else {"X-Client-Cert": cert}
    with j.serve(
        live, fake, store_path=db_path, mtls_cert_header="X-Client-Cert"
    ) as client:
        problem = assert_problem(j.start(client, {}, headers), 401)
    assert problem["code"] == code
    assert rows(db_path, "SELECT COUNT(*) FROM journeys") == [(0,)]


def test_mtls_ignores_a_certificate_header_nobody_configured(
    journey: Callable[[str], Journey], db_path: str, live: Callable[..., LiveServer]
) -> None:
    j = journey("auth-mtls-only")
    with j.serve(live, j.testing.FakeHandlers(), store_path=db_path) as client:
        reply = j.start(client, {}, {"X-Client-Cert": PEM_LINE})
    assert assert_problem(reply, 401)["code"] == "MTLS_CERT_MISSING"


# -- cache:v1 -------------------------------------------------------------------------------


@pytest.mark.parametrize(("scale", "remote_calls"), [(1.0, 1), (0.0, 2)])
def test_cache_hit_skips_the_remote_call_until_the_ttl_ends(
    tmp_path: Path,
    db_path: str,
    live: Callable[..., LiveServer],
    scale: float,
    remote_calls: int,
) -> None:
    module = generate_case("engine-cache", tmp_path)
    server = server_module(module)
    testing = importlib.import_module(f"{module}.testing")
    fake = testing.FakeHandlers(fetch_remote=testing.reply(200, {"name": "Ada"}))
    settings = server.Settings(store_path=db_path, timer_scale=scale)
    client = httpx.Client(
        base_url=live(server.create_app(fake, settings=settings), "on").url
    )
    start = f"{API}/journeys/engine-cache/start"
    with client:
        first = _outcome(client, client.post(start, json={"userId": "u-9"}))
        second = _outcome(client, client.post(start, json={"userId": "u-9"}))
        other = _outcome(client, client.post(start, json={"userId": "u-10"}))
    assert first["output"].get("cached") is None  # a miss
    assert first["output"]["remote"]["body"] == {"name": "Ada"}
    if remote_calls == 1:  # within the TTL: served from the cache
        assert second["output"]["cached"] == {"name": "Ada"}
        assert "remote" not in second["output"]
    else:  # timer_scale 0 makes every TTL end at once
        assert second["output"].get("cached") is None
    assert other["output"].get("cached") is None  # another key
    urls = [c.url for c in fake.calls_to("fetch_remote")]
    assert urls == ["https://users.example.com/users/u-9"] * remote_calls + [
        "https://users.example.com/users/u-10"
    ]


# -- schedule:v1 ----------------------------------------------------------------------------


def test_schedule_runs_the_journey_max_runs_times_carrying_the_context(
    journey: Callable[[str], Journey], db_path: str, live: Callable[..., LiveServer]
) -> None:
    j = journey("recurring-payment")
    fake = j.testing.FakeHandlers()
    body = {
        "userId": "u-1",
        "paymentMethodRef": "pm-1",
        "amount": 9.5,
        "currency": "AOA",
        "interval": "P1D",
        "maxRuns": 2,
    }
    with j.serve(live, fake, store_path=db_path, timer_scale=1 / 86_400) as client:
        outcome = _outcome(client, j.start(client, body))
        # a second configuration for the same subject replaces the binding (upsert)
        _outcome(client, j.start(client, {**body, "amount": 10.0}))
    assert outcome["output"]["status"] == "SCHEDULED"
    query = "SELECT runs_executed, max_runs, last_context FROM schedules"
    ran = wait_for(lambda: rows(db_path, query), lambda r: r and r[0][0] == 2)
    assert len(ran) == 1
    runs, max_runs, context = ran[0]
    assert (runs, max_runs) == (2, 2)
    assert json.loads(context)["lastOk"] is True
    calls = fake.calls_to("authorize_payment")
    assert len(calls) == 2 and calls[0].payment_id == "pm-1"
    finished = "SELECT COUNT(*) FROM journeys WHERE phase = 'Succeeded'"
    assert rows(db_path, finished) == [(4,)]  # 2 interactive + 2 scheduled runs


# -- platform binding -------------------------------------------------------------------------


def test_platform_config_feeds_expressions_and_is_required(
    journey: Callable[[str], Journey], db_path: str, live: Callable[..., LiveServer]
) -> None:
    j = journey("http-success")
    fake = j.testing.FakeHandlers()
    with j.serve(live, fake, store_path=db_path) as client:
        problem = assert_problem(j.start(client, {"inputId": "i-1"}), 503)
    assert "itemsApiBaseUrl" in problem["detail"]
    config = {"itemsApiBaseUrl": "https://items.example.com"}
    with j.serve(live, fake, store_path=db_path, platform_config=config) as client:
        outcome = _outcome(client, j.start(client, {"inputId": "i-1"}))
    assert outcome["phase"] == "SUCCEEDED"
    (call,) = fake.calls_to("call_api")
    assert call.url == "https://items.example.com/items/i-1"
