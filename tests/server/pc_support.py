"""Helpers for tests of the generated payment-callback server: its requests and answers."""

from __future__ import annotations

from typing import Any

import httpx

SECRET = "whsec-payments-callback-7f3a"
START = {"paymentId": "PAY-1", "amount": 1500.0, "currency": "AOA"}
PROBLEM = "application/problem+json"
STEP = "/journeys/{}/steps/waitForCallback"


def start(client: httpx.Client, body: dict[str, Any] = START) -> str:
    """Start a journey; return its id."""
    response = client.post("/journeys/payment-callback/start", json=body)
    assert response.status_code == 200, response.text
    journey_id: str = response.json()["journeyId"]
    return journey_id


def callback(
    client: httpx.Client,
    journey_id: str,
    body: Any,
    secret: str | bytes | None = SECRET,
) -> httpx.Response:
    """Post the waitForCallback step."""
    headers = {} if secret is None else {"X-Webhook-Secret": secret}
    return client.post(STEP.format(journey_id), json=body, headers=headers)


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """Check an RFC 9457 answer with this status; return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["title"]
    return body
