"""The outbound policies of the server runtime (`_runtime/server/outbound_policies`) against
real servers on 127.0.0.1: resilience (DSL §13), outbound auth (§19), the cookie jar (§22).

Downstreams are scripted TCP servers (one behaviour per connection: 503, reset, a hang) and
uvicorn apps (a token endpoint, a TLS server that requires a client certificate from a CA
made here with the openssl CLI). Clock and sleep are injected where time matters, so nothing
here waits for a real backoff.
"""

from __future__ import annotations

import asyncio
import json
import ssl
import subprocess
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.support.engine import wait_for
from tests.support.live import LiveServer
from tests.support.runtime import runtime_module
from tests.support.scripted import ScriptedServer, delayed, reset, respond

policies = runtime_module("server.outbound_policies")
resilience = runtime_module("server.outbound_policies.resilience")
cookies = runtime_module("server.outbound_policies.cookies")
settings_module = runtime_module("server.settings")

Serve = Callable[..., ScriptedServer]


class Clock:
    """A monotonic clock a test moves by hand; sleeping moves it too."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


def outbound(
    clock: Clock,
    *,
    resilience_specs: tuple[Any, ...] = (),
    auth_specs: tuple[Any, ...] = (),
    secrets: dict[str, str] | None = None,
) -> Any:
    settings = settings_module.Settings(secrets=secrets or {})
    return policies.OutboundPolicies(
        {s.name: s for s in resilience_specs},
        {s.name: s for s in auth_specs},
        policies.settings_secret(settings),
        clock=clock,
        sleep=clock.sleep,
        rand=lambda: 0.5,
    )


def get(client: httpx.Client, url: str, timeout: float = 5.0) -> httpx.Request:
    return client.build_request("GET", url, timeout=timeout)


STANDARD = resilience.ResilienceSpec(
    "standard",
    max_attempts=3,
    retry_on=("NETWORK_ERROR", "HTTP_5XX"),
    base_delay_ms=100,
    max_delay_ms=2000,
)


def test_a_503_then_a_reset_then_200_is_retried_with_exponential_backoff(
    serve: Serve,
) -> None:
    server = serve(respond(503), reset(), respond(200, b'{"ok": 1}'))
    clock = Clock()
    policy = outbound(clock, resilience_specs=(STANDARD,)).for_call("standard", None)
    with httpx.Client() as client:
        answer = policy.send(client, get(client, server.url + "/x"))
    assert (answer.status_code, answer.json()) == (200, {"ok": 1})
    assert len(server.seen) == 3
    assert clock.slept == [0.1, 0.2]  # baseDelayMs * 2**(n-1)


def test_attempts_run_out_and_the_last_answer_or_error_is_what_the_call_sees(
    serve: Serve,
) -> None:
    server = serve(respond(503), respond(502), respond(500), respond(200))
    clock = Clock()
    policy = outbound(clock, resilience_specs=(STANDARD,)).for_call("standard", None)
    with httpx.Client() as client:
        assert policy.send(client, get(client, server.url)).status_code == 500
        assert len(server.seen) == 3  # maxAttempts: 1 original + 2 retries
        resets = serve(reset(), reset(), reset())
        with pytest.raises(httpx.TransportError):
            policy.send(client, get(client, resets.url))
        assert len(resets.seen) == 3


def test_only_the_named_failures_are_retried(serve: Serve) -> None:
    only_5xx = resilience.ResilienceSpec(
        "only5xx", max_attempts=4, retry_on=("HTTP_5XX",)
    )
    clock = Clock()
    policy = outbound(clock, resilience_specs=(only_5xx,)).for_call("only5xx", None)
    with httpx.Client() as client:
        server = serve(respond(429), respond(200))
        assert policy.send(client, get(client, server.url)).status_code == 429
        assert len(server.seen) == 1  # HTTP_429 not in retryOn
        failing = serve(reset(), respond(200))
        with pytest.raises(httpx.TransportError):
            policy.send(client, get(client, failing.url))
        assert len(failing.seen) == 1  # NETWORK_ERROR not in retryOn
    assert clock.slept == []


def test_a_hanging_downstream_times_out_per_attempt_and_is_retried(
    serve: Serve,
) -> None:
    server = serve(delayed(3, respond(200)), respond(200, b"{}"))
    clock = Clock()
    spec = resilience.ResilienceSpec(
        "net", max_attempts=2, retry_on=("NETWORK_ERROR",), backoff="fixed",
        base_delay_ms=250,
    )  # fmt: skip
    policy = outbound(clock, resilience_specs=(spec,)).for_call("net", None)
    with httpx.Client() as client:
        answer = policy.send(client, get(client, server.url, timeout=0.3))
    assert answer.status_code == 200
    assert len(server.seen) == 2
    assert clock.slept == [0.25]  # fixed backoff


def test_full_jitter_caps_and_retry_after() -> None:
    spec = resilience.ResilienceSpec(
        "j", max_attempts=9, backoff="exponential", base_delay_ms=100,
        max_delay_ms=1000, jitter="full",
    )  # fmt: skip
    assert [spec.delay(n, lambda: 1.0) for n in (1, 2, 3, 4, 5)] == [
        0.1, 0.2, 0.4, 0.8, 1.0,
    ]  # fmt: skip
    assert spec.delay(3, lambda: 0.25) == 0.1


def test_retry_after_on_a_429_is_waited_up_to_max_delay(serve: Serve) -> None:
    server = serve(respond(429, headers={"Retry-After": "1"}), respond(200))
    clock = Clock()
    spec = resilience.ResilienceSpec(
        "ra", max_attempts=2, retry_on=("HTTP_429",), base_delay_ms=10,
        max_delay_ms=5000,
    )  # fmt: skip
    policy = outbound(clock, resilience_specs=(spec,)).for_call("ra", None)
    with httpx.Client() as client:
        assert policy.send(client, get(client, server.url)).status_code == 200
    assert clock.slept == [1.0]


def test_the_circuit_opens_fails_fast_then_half_opens_and_closes(
    serve: Serve,
) -> None:
    breaker = resilience.BreakerSpec(threshold=0.5, window=4, open_seconds=30)
    spec = resilience.ResilienceSpec("cb", max_attempts=1, breaker=breaker)
    clock = Clock()
    app = outbound(clock, resilience_specs=(spec,))
    server = serve(respond(503), respond(200), respond(503), respond(200), respond(200))
    with httpx.Client() as client:
        statuses = [
            app.for_call("cb", None).send(client, get(client, server.url)).status_code
            for _ in range(4)
        ]
        assert statuses == [503, 200, 503, 200]  # 2 of 4 failed: the circuit opens
        with pytest.raises(resilience.CircuitOpenError, match="open"):
            app.for_call("cb", None).send(client, get(client, server.url))
        assert len(server.seen) == 4  # not sent
        other = serve(respond(200))  # another origin has a breaker of its own
        assert app.for_call("cb", None).send(client, get(client, other.url)).is_success
        clock.now += 30  # half open: one trial call goes through and closes it
        assert app.for_call("cb", None).send(client, get(client, server.url)).is_success
        assert len(server.seen) == 5


def test_a_queued_call_waits_for_a_slot_at_most_its_timeout_and_a_full_queue_refuses(
    live: Callable[..., LiveServer],
) -> None:
    """bulkhead (DSL §13) maxConcurrent 1, queueSize 1, against a downstream holding calls."""
    release = threading.Event()
    seen: list[str] = []

    async def hold(request: Request) -> Response:
        seen.append(request.url.path)
        while not release.is_set():
            await asyncio.sleep(0.01)
        return JSONResponse({"ok": True})

    server = live(Starlette(routes=[Route("/{name}", hold)]))
    spec = resilience.ResilienceSpec(
        "bh",
        max_attempts=3,
        retry_on=("NETWORK_ERROR",),
        bulkhead=policies.BulkheadSpec(max_concurrent=1, queue_size=1),
    )
    app = outbound(Clock(), resilience_specs=(spec,))
    with httpx.Client() as client, ThreadPoolExecutor(max_workers=3) as pool:

        def send(name: str, timeout: float) -> Any:
            request = get(client, f"{server.url}/{name}", timeout)
            return app.for_call("bh", None).send(client, request)

        try:
            first = pool.submit(send, "first", 10)
            wait_for(lambda: list(seen), lambda found: found == ["/first"])
            # a queued call whose 300 ms run out before the slot frees is not sent
            with pytest.raises(policies.BulkheadFullError, match="within 300 ms"):
                send("late", 0.3)
            queued = pool.submit(send, "queued", 10)
            wait_for(lambda: app.bulkheads.found["bh"].queue, lambda q: len(q) == 1)
            # one in flight, one queued: the next is refused at once, not retried
            with pytest.raises(policies.BulkheadFullError, match="queue of 1 is full"):
                send("refused", 10)
            assert seen == ["/first"]
        finally:
            release.set()
        assert first.result().is_success and queued.result().is_success
    assert seen == ["/first", "/queued"]


def test_a_failed_half_open_trial_opens_the_circuit_again(serve: Serve) -> None:
    breaker = resilience.BreakerSpec(threshold=1.0, window=2, open_seconds=10)
    spec = resilience.ResilienceSpec(
        "cb", max_attempts=3, retry_on=("HTTP_5XX",), breaker=breaker
    )
    clock = Clock()
    app = outbound(clock, resilience_specs=(spec,))
    server = serve(respond(500), respond(500), respond(500), respond(200))
    with httpx.Client() as client:
        # attempts 1 and 2 fail and open the circuit: attempt 3 is not sent, the call
        # sees the last answer it got
        assert app.for_call("cb", None).send(client, get(client, server.url)).status_code == 500  # fmt: skip
        assert len(server.seen) == 2
        clock.now += 10
        assert app.for_call("cb", None).send(client, get(client, server.url)).status_code == 500  # fmt: skip
        with pytest.raises(resilience.CircuitOpenError):
            app.for_call("cb", None).send(client, get(client, server.url))
    assert len(server.seen) == 3


# -- outbound auth ----------------------------------------------------------------------------


def echo_app(
    seen: list[dict[str, str]], unauthorized: set[str] | None = None
) -> Starlette:
    """Answers the request headers it saw; 401 for a bearer token in ``unauthorized``."""

    async def echo(request: Request) -> Response:
        headers = dict(request.headers)
        seen.append(headers)
        token = headers.get("authorization", "").removeprefix("Bearer ")
        if unauthorized is not None and token in unauthorized:
            return JSONResponse({"error": "expired"}, status_code=401)
        return JSONResponse({"authorization": headers.get("authorization")})

    return Starlette(routes=[Route("/{path:path}", echo, methods=["GET", "POST"])])


def token_app(calls: list[dict[str, Any]], expires_in: int | None = 3600) -> Starlette:
    """An OAuth2 token endpoint: checks the form, hands out tok-1, tok-2, ..."""

    async def token(request: Request) -> Response:
        body = (await request.body()).decode()
        calls.append(
            {
                "content_type": request.headers.get("content-type"),
                "authorization": request.headers.get("authorization"),
                "form": {k: v[0] for k, v in parse_qs(body).items()},
            }
        )
        answer: dict[str, Any] = {"access_token": f"tok-{len(calls)}", "token_type": "Bearer"}  # fmt: skip
        if expires_in is not None:
            answer["expires_in"] = expires_in
        return JSONResponse(answer)

    return Starlette(routes=[Route("/oauth2/token", token, methods=["POST"])])


def test_bearer_static_sends_the_secret_and_a_missing_one_names_its_variable(
    live: Callable[..., LiveServer],
) -> None:
    seen: list[dict[str, str]] = []
    api = live(echo_app(seen))
    spec = policies.AuthSpec(
        "static", "bearerStatic", token_ref="secret://tokens/backend"
    )
    clock = Clock()
    app = outbound(
        clock, auth_specs=(spec,), secrets={"secret://tokens/backend": "s3cr3t"}
    )
    with httpx.Client() as client:
        answer = app.for_call(None, "static").send(client, get(client, api.url + "/a"))
        assert answer.json() == {"authorization": "Bearer s3cr3t"}
        settings = settings_module.Settings(env_prefix="ORDERS")
        missing = policies.OutboundPolicies(
            {}, {"static": spec}, policies.settings_secret(settings)
        )
        with pytest.raises(policies.OutboundAuthError) as caught:
            missing.for_call(None, "static").send(client, get(client, api.url + "/a"))
    assert str(caught.value) == (
        "the secret 'secret://tokens/backend' is not configured: "
        "set ORDERS_SECRET_TOKENS_BACKEND"
    )
    assert len(seen) == 1  # the unauthenticated call was not sent


def test_secrets_come_from_the_environment_by_ref() -> None:
    env = {"ORDERS_SECRET_OAUTH_CLIENTS_ORDERS_SERVICE": "pw", "ORDERS_STORE": "x.db"}
    settings = settings_module.Settings.from_env("ORDERS", [], environ=env)
    assert settings.secret("secret://oauth/clients/orders-service") == "pw"
    assert settings.secret("secret://other") is None
    assert "pw" not in repr(settings)


def oauth_spec(token_url: str, method: str = "clientSecretPost") -> Any:
    return policies.AuthSpec(
        "backend", "oauth2ClientCredentials", token_endpoint=token_url,
        method=method, client_id="orders-service",
        client_secret_ref="secret://oauth/orders", form=(("scope", "orders.read"),),
    )  # fmt: skip


def test_oauth2_client_credentials_token_is_fetched_once_cached_and_refreshed_at_expiry(
    live: Callable[..., LiveServer],
) -> None:
    calls: list[dict[str, Any]] = []
    tokens = live(token_app(calls, expires_in=300))
    seen: list[dict[str, str]] = []
    api = live(echo_app(seen))
    clock = Clock()
    app = outbound(
        clock,
        auth_specs=(oauth_spec(tokens.url + "/oauth2/token"),),
        secrets={"secret://oauth/orders": "pa ss&word"},
    )
    with httpx.Client() as client:
        for _ in range(3):
            answer = app.for_call(None, "backend").send(client, get(client, api.url))
            assert answer.json() == {"authorization": "Bearer tok-1"}
        assert len(calls) == 1  # cached across calls
        assert calls[0] == {
            "content_type": "application/x-www-form-urlencoded",
            "authorization": None,
            "form": {
                "grant_type": "client_credentials",
                "scope": "orders.read",
                "client_id": "orders-service",
                "client_secret": "pa ss&word",
            },
        }
        clock.now += 300 - 31  # still inside lifetime less the 30 s skew
        app.for_call(None, "backend").send(client, get(client, api.url))
        assert len(calls) == 1
        clock.now += 2
        answer = app.for_call(None, "backend").send(client, get(client, api.url))
        assert answer.json() == {"authorization": "Bearer tok-2"}
    assert len(calls) == 2


def test_oauth2_client_secret_basic_authenticates_with_the_basic_header(
    live: Callable[..., LiveServer],
) -> None:
    calls: list[dict[str, Any]] = []
    tokens = live(token_app(calls))
    api = live(echo_app([]))
    spec = oauth_spec(tokens.url + "/oauth2/token", method="clientSecretBasic")
    app = outbound(
        Clock(), auth_specs=(spec,), secrets={"secret://oauth/orders": "a:b"}
    )
    with httpx.Client() as client:
        app.for_call(None, "backend").send(client, get(client, api.url))
    # RFC 6749 §2.3.1: id and secret form-urlencoded, then base64("orders-service:a%3Ab")
    assert calls[0]["authorization"] == "Basic b3JkZXJzLXNlcnZpY2U6YSUzQWI="
    assert "client_secret" not in calls[0]["form"]


def test_a_401_discards_the_token_fetches_one_new_one_and_retries_once(
    live: Callable[..., LiveServer],
) -> None:
    calls: list[dict[str, Any]] = []
    tokens = live(token_app(calls))
    seen: list[dict[str, str]] = []
    revoked = {"tok-1"}
    api = live(echo_app(seen, unauthorized=revoked))
    app = outbound(
        Clock(),
        auth_specs=(oauth_spec(tokens.url + "/oauth2/token"),),
        secrets={"secret://oauth/orders": "pw"},
    )
    with httpx.Client() as client:
        answer = app.for_call(None, "backend").send(client, get(client, api.url))
        assert answer.json() == {"authorization": "Bearer tok-2"}
        assert (len(calls), len(seen)) == (2, 2)
        revoked.update({"tok-2", "tok-3"})  # the new token is refused too
        answer = app.for_call(None, "backend").send(client, get(client, api.url))
    assert answer.status_code == 401  # surfaced after one refresh, no more retries
    assert (len(calls), len(seen)) == (3, 4)


def test_a_refusing_token_endpoint_is_an_auth_error_without_the_secret(
    serve: Serve,
) -> None:
    server = serve(respond(400, b'{"error": "invalid_client"}'))
    app = outbound(
        Clock(),
        auth_specs=(oauth_spec(server.url + "/oauth2/token"),),
        secrets={"secret://oauth/orders": "hunter2"},
    )
    with httpx.Client() as client, pytest.raises(policies.OutboundAuthError) as caught:
        app.for_call(None, "backend").send(client, get(client, server.url))
    assert str(caught.value) == "the token endpoint of policy 'backend' answered 400"
    assert "hunter2" not in str(caught.value)


# -- mTLS -------------------------------------------------------------------------------------


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


def tls_server(live: Callable[..., LiveServer], pki: Path, seen: list[Any]) -> str:
    server = live(
        echo_app(seen),
        ssl_certfile=str(pki / "server.pem"),
        ssl_keyfile=str(pki / "server.key"),
        ssl_ca_certs=str(pki / "ca.pem"),
        ssl_cert_reqs=ssl.CERT_REQUIRED,
    )
    return server.url.replace("http://", "https://")


def test_mtls_client_presents_its_certificate_to_a_server_that_requires_one(
    live: Callable[..., LiveServer], pki: Path
) -> None:
    seen: list[Any] = []
    url = tls_server(live, pki, seen)
    spec = policies.AuthSpec(
        "mtls", "mtlsClient", client_cert_ref="secret://certs/backend",
        trust_anchors=("trust/roots/root-ca.pem",),
    )  # fmt: skip
    secrets = {
        "secret://certs/backend": (pki / "client-bundle.pem").read_text(),  # PEM text
        "trust/roots/root-ca.pem": str(pki / "ca.pem"),  # or a file path
    }
    app = outbound(Clock(), auth_specs=(spec,), secrets=secrets)
    with httpx.Client() as client:
        answer = app.for_call(None, "mtls").send(client, get(client, url + "/m"))
        assert answer.status_code == 200
        assert len(seen) == 1
        # without the policy: no client certificate (and an unknown CA): no answer
        with pytest.raises(httpx.TransportError):
            client.send(get(client, url + "/m"))
        anchored = httpx.Client(
            verify=ssl.create_default_context(cafile=pki / "ca.pem")
        )
        with anchored, pytest.raises(httpx.TransportError):
            anchored.get(url + "/m")  # trusts the CA, but presents no certificate
    app.close()
    assert len(seen) == 1


# -- cookie jar -------------------------------------------------------------------------------


def cookie_app(seen: list[str | None]) -> Starlette:
    async def login(request: Request) -> Response:
        seen.append(request.headers.get("cookie"))
        answer = JSONResponse({})
        answer.headers.append("set-cookie", "session=abc; Path=/")
        answer.headers.append("set-cookie", "x-app-theme=dark; Path=/api")
        answer.headers.append("set-cookie", "tracker=1; Domain=example.com")
        return answer

    async def other(request: Request) -> Response:
        seen.append(request.headers.get("cookie"))
        answer = JSONResponse({})
        if request.url.path == "/logout":
            answer.headers.append("set-cookie", "session=; Path=/; Max-Age=0")
        return answer

    return Starlette(
        routes=[
            Route("/login", login, methods=["GET"]),
            Route("/{path:path}", other, methods=["GET"]),
        ]
    )


def test_the_jar_keeps_allowed_cookies_sends_them_back_and_drops_deleted_ones(
    live: Callable[..., LiveServer],
) -> None:
    seen: list[str | None] = []
    server = live(cookie_app(seen))
    rules = cookies.CookieRules(
        domains=("127.0.0.1",), return_mode="allFromAllowedDomains"
    )
    jar = cookies.CookieJar(rules)
    call = outbound(Clock()).for_call(None, None)
    with httpx.Client() as client:
        answer = call.send(client, get(client, server.url + "/login"), jar=jar)
        # Domain=example.com from 127.0.0.1 is refused (RFC 6265) and not shown either
        assert answer.headers.get_list("set-cookie") == [
            "session=abc; Path=/", "x-app-theme=dark; Path=/api",
        ]  # fmt: skip
        call.send(client, get(client, server.url + "/api/orders"), jar=jar)
        call.send(client, get(client, server.url + "/home"), jar=jar)
        explicit = get(client, server.url + "/home")
        explicit.headers["Cookie"] = "mine=1"  # an explicit Cookie header wins
        call.send(client, explicit, jar=jar)
        call.send(client, get(client, server.url + "/logout"), jar=jar)
        call.send(client, get(client, server.url + "/api/x"), jar=jar)
    assert seen == [
        None,
        "x-app-theme=dark; session=abc",  # longest path first
        "session=abc",  # /api cookie not on /home
        "mine=1",
        "session=abc",
        "x-app-theme=dark",  # session deleted by Max-Age=0
    ]
    restored = cookies.CookieJar.from_json(rules, json.loads(json.dumps(jar.to_json())))
    assert restored.for_client(0) == [
        "x-app-theme=dark; Path=/api",
        "session=; Path=/; Max-Age=0",  # the client is told to drop it
    ]


def test_jar_domain_patterns_and_return_filters() -> None:
    assert cookies.domain_allowed("api.example.com", ["api.example.com"])
    assert not cookies.domain_allowed("www.example.com", ["api.example.com"])
    assert cookies.domain_allowed("a.b.example.com", [".example.com"])
    assert not cookies.domain_allowed("example.com", [".example.com"])
    jar = cookies.CookieJar(
        cookies.CookieRules(
            domains=(".example.com",), return_mode="filtered",
            names=("session",), name_patterns=("^x-app-",),
        )
    )  # fmt: skip
    kept = jar.absorb(
        "https://api.example.com/v1/orders",
        ["session=1; Domain=example.com", "session=2", "x-app-a=3; Secure", "other=4"],
        now=0,
    )
    assert kept == [
        "session=2",
        "x-app-a=3; Secure",
        "other=4",
    ]  # Domain=example.com: not allowed
    assert (
        jar.header_for("https://api.example.com/v1/x", 0)
        == "session=2; x-app-a=3; other=4"
    )
    assert jar.header_for("http://api.example.com/v1/x", 0) == "session=2; other=4"
    assert jar.header_for("https://api.example.com/v2", 0) is None  # default path /v1
    assert jar.header_for("https://evil.com/v1/x", 0) is None
    assert jar.for_client(0) == [
        "session=2; Path=/v1",
        "x-app-a=3; Path=/v1; Secure",
    ]
    never = cookies.CookieJar(cookies.CookieRules(domains=(".example.com",)))
    never.absorb("https://api.example.com/", ["a=1"], now=0)
    assert never.for_client(0) == []  # returnToClient omitted or none
