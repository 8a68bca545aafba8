"""Fixtures for the generated clients: a live payment-callback double, the cases' folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.client.support import PaymentCallbackDouble
from tests.support.recording import Server


@pytest.fixture
def pc() -> Iterator[tuple[Server, PaymentCallbackDouble]]:
    """A live payment-callback double."""
    double = PaymentCallbackDouble()
    with Server(double) as server:
        yield server, double


@pytest.fixture(scope="session")
def cases_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the cases are generated (once per session)."""
    return tmp_path_factory.mktemp("cases")
