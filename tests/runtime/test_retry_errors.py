"""Retry decisions, Retry-After parsing, request building and error mapping."""

from __future__ import annotations

from email.utils import formatdate

import httpx
import pytest
from jg_runtime.client.errors import (
    ApiError,
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    RateLimited,
    ServerError,
    UnprocessableEntity,
    WorkflowError,
    api_error,
    redact_headers,
)
from jg_runtime.client.retry import (
    RetryPolicy,
    backoff_delay,
    decide_exception,
    decide_status,
    is_replayable,
    parse_retry_after,
)
from jg_runtime.client.transport import (
    ClientConfig,
    RequestSpec,
    expand_path,
    origin,
    prepare,
)
from pydantic import BaseModel, Field

NOW = 1_700_000_000.0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", 1.0),
        ("2.5", 2.5),
        ("-3", 0.0),
        ("", None),
        (None, None),
        ("soon", None),
        (formatdate(NOW + 7, usegmt=True), 7.0),
        (formatdate(NOW - 60, usegmt=True), 0.0),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, NOW) == expected


def test_backoff_grows_and_is_capped() -> None:
    policy = RetryPolicy(initial_backoff=1.0, multiplier=2.0, max_backoff=5.0)
    assert [backoff_delay(policy, n, lambda: 1.0) for n in (1, 2, 3, 4)] == [1, 2, 4, 5]
    assert backoff_delay(policy, 2, lambda: 0.0) == 0.0


@pytest.mark.parametrize(
    ("method", "headers", "expected"),
    [
        ("GET", {}, True),
        ("delete", {}, True),
        ("PUT", {}, True),
        ("POST", {}, False),
        ("PATCH", {}, False),
        ("POST", {"Idempotency-Key": "k"}, True),
    ],
)
def test_replayable(method: str, headers: dict[str, str], expected: bool) -> None:
    assert is_replayable(method, headers) is expected


def _status(
    status: int,
    *,
    attempt: int = 1,
    replayable: bool = True,
    retry_after: float | None = None,
) -> bool:
    decision = decide_status(
        RetryPolicy(),
        status=status,
        attempt=attempt,
        replayable=replayable,
        retry_after=retry_after,
        remaining=None,
        rand=lambda: 1.0,
    )
    return decision.retry


def test_status_decisions() -> None:
    assert [_status(s) for s in (429, 502, 503, 504)] == [True] * 4
    assert [_status(s) for s in (400, 404, 409, 500, 501)] == [False] * 5
    assert not _status(503, replayable=False)
    assert not _status(503, attempt=3)
    assert _status(429, retry_after=1000.0)  # capped to max_retry_after


def test_huge_retry_after_is_capped() -> None:
    decision = decide_status(
        RetryPolicy(max_retry_after=10.0),
        attempt=1,
        replayable=True,
        status=429,
        retry_after=99999.0,
        remaining=None,
        rand=lambda: 1.0,
    )
    assert decision.delay == 10.0


def test_read_failure_of_unkeyed_post_is_not_retried() -> None:
    def decide(connect_failed: bool) -> bool:
        return decide_exception(
            RetryPolicy(),
            attempt=1,
            replayable=False,
            connect_failed=connect_failed,
            remaining=None,
            rand=lambda: 1.0,
        ).retry

    assert not decide(connect_failed=False)
    assert decide(connect_failed=True)


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, BadRequest),
        (403, Forbidden),
        (404, NotFound),
        (409, Conflict),
        (422, UnprocessableEntity),
        (429, RateLimited),
        (500, ServerError),
        (503, ServerError),
        (418, ApiError),
    ],
)
def test_error_class_per_status(status: int, kind: type[ApiError]) -> None:
    error = api_error(status, httpx.Headers(), b"")
    assert type(error) is kind and error.status == status


def test_problem_json_is_parsed() -> None:
    body = (
        b'{"type":"about:blank","title":"Nope","status":422,"detail":"amount","code":7}'
    )
    headers = httpx.Headers({"content-type": "application/problem+json"})
    error = api_error(422, headers, body, method="POST", url="http://h/x")
    assert error.problem is not None
    assert (error.problem.title, error.problem.detail) == ("Nope", "amount")
    assert error.problem.extensions == {"code": 7}
    assert str(error) == "HTTP 422 for POST http://h/x: Nope - amount"


def test_non_json_error_body_keeps_an_excerpt() -> None:
    error = api_error(
        502, httpx.Headers({"content-type": "text/html"}), b"<h1>x</h1>" * 100
    )
    assert isinstance(error.body, str) and len(error.body) < 300


def test_redaction_is_case_insensitive() -> None:
    headers = redact_headers(
        {"Authorization": "Bearer t", "X-WEBHOOK-SECRET": "s", "A": "1"}
    )
    assert "Bearer t" not in str(headers) and headers["x-webhook-secret"] != "s"
    assert headers["a"] == "1"


def test_workflow_error_message() -> None:
    error = WorkflowError("getResult", "successCriteria not met", status=500)
    assert (error.step_id, error.status) == ("getResult", 500)
    assert "getResult" in str(error)


def test_path_params_are_percent_encoded() -> None:
    assert expand_path("/a/{id}/b", {"id": "../x?y#z"}) == "/a/..%2Fx%3Fy%23z/b"
    with pytest.raises(ValueError, match="'id'"):
        expand_path("/a/{id}", {})


class Body(BaseModel):
    payment_id: str = Field(alias="paymentId")
    note: str | None = None


def test_prepare_serializes_models_by_alias_without_unset_fields() -> None:
    config = ClientConfig(base_url="http://api.test/v1/", headers={"User-Agent": "jg"})
    spec = RequestSpec(
        "post",
        "/j",
        query={"a": True, "b": None, "c": [1, 2]},
        body=Body(paymentId="p"),
    )
    prepared = prepare(config, spec)
    assert prepared.url == "http://api.test/v1/j"
    assert prepared.method == "POST"
    assert prepared.content == b'{"paymentId":"p"}'
    assert prepared.params == (("a", "true"), ("c", "1"), ("c", "2"))
    assert prepared.headers["Content-Type"] == "application/json"


def test_secret_headers_only_for_the_base_origin() -> None:
    assert origin("https://h.test/x") == origin("https://h.test:443/y")
    assert origin("https://h.test") != origin("http://h.test")
    config = ClientConfig(
        base_url="http://a.test", secret_headers={"X-Webhook-Secret": "s"}
    )
    assert prepare(config, RequestSpec("GET", "/x")).headers["X-Webhook-Secret"] == "s"
    # a spec path that tries to leave the origin stays on it (the base is a prefix)
    escaped = prepare(config, RequestSpec("GET", "@evil.test/x"))
    assert origin(escaped.url) != origin(config.base_url)
    assert "X-Webhook-Secret" not in escaped.headers
