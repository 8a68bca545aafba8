"""The generated app's routes: the journey's matched first, FastAPI's documentation still served,
and a provider binding can never take a documentation path."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from payment_callback._runtime.server.asgi import create_journey_app
from payment_callback._runtime.server.engine import JourneyEngine
from payment_callback._runtime.server.storage import open_store
from payment_callback.engine import BINDINGS, DEFINITION
from payment_callback.server import FakeHandlers, Settings, create_app

from tests.support.live import LiveServer

SECRET = "routes-test-secret"


def _settings(tmp_path: Path) -> Settings:
    return Settings(
        store_path=str(tmp_path / "store.sqlite3"),
        api_keys={"payments-callback": SECRET},
    )


def test_journey_routes_come_first_and_the_documentation_is_still_served(
    tmp_path: Path, live: Callable[[Any], LiveServer]
) -> None:
    app = create_app(FakeHandlers(), settings=_settings(tmp_path))
    paths = [getattr(r, "path", "") for r in app.router.routes]
    docs = [paths.index(p) for p in ("/openapi.json", "/docs", "/redoc")]
    journey = [i for i, p in enumerate(paths) if p.startswith(("/api/", "/webhooks/"))]
    assert journey and max(journey) < min(docs), paths
    running = live(app)
    with httpx.Client(base_url=running.url, timeout=30) as client:
        served = client.get("/openapi.json")
        assert served.status_code == 200
        assert "/api/v1/journeys/payment-callback/start" in served.json()["paths"]
        page = client.get("/docs")
        assert page.status_code == 200 and "swagger-ui" in page.text.lower()
        started = client.post(
            "/api/v1/journeys/payment-callback/start",
            json={"paymentId": "p-routes", "amount": 1.0, "currency": "EUR"},
        )
        assert started.status_code == 200, started.text


@pytest.mark.parametrize("route", ["/docs", "/openapi.json", "/redoc"])
def test_a_binding_on_a_documentation_path_is_refused(
    tmp_path: Path, route: str
) -> None:
    settings = _settings(tmp_path)
    store = open_store(settings)
    try:
        engine = JourneyEngine(DEFINITION, FakeHandlers(), store, settings)
        moved = [dataclasses.replace(BINDINGS[0], route=route)]
        with pytest.raises(ValueError, match="documentation path"):
            create_journey_app(engine, bindings=moved)
    finally:
        store.close()
