"""DataWeave written the way the DataWeave documentation writes it, in choice predicates (DSL
§10, §5.4): lambdas and `$` shorthands in `filter`/`map`/`reduce`/`maxBy`/`orderBy`/`some`/
`every`/`groupBy`, `upper`, `startsWith`, `matches` with a regex literal, `contains`, `isEmpty`,
`is String`, `as Date` against a date literal, `splitBy`, `joinBy`, `sum`, `do { var ... --- }`
and `default`. Each predicate guards the next state; a false one fails the run with its own code.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import pytest

from tests.constructs.support import generate
from tests.support.engine import server_module
from tests.support.live import LiveServer

NAME = "holdout-dw"
ORDER = {
    "items": [
        {"sku": "x-1", "qty": 1, "price": 10},
        {"sku": "x-2", "qty": 3, "price": 60},
    ],
    "code": "ab-12",
    "tags": ["vip", "new"],
    "due": "2026-01-01",
}


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> str:
    return generate(NAME, tmp_path_factory.mktemp("dw"))


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({}, None),
        ({"items": [{"sku": "x-1", "qty": 1, "price": 10}]}, "NO1"),
        ({"code": "AB-12"}, "NO3"),  # matches is case-sensitive
        ({"tags": ["new"]}, "NO4"),
        ({"due": "2031-05-01"}, "NO5"),
        ({"tags": ["vip", "old"]}, "NO8"),
    ],
)
def test_documented_dataweave_decides_each_branch(
    package: str,
    db_path: str,
    live: Callable[..., LiveServer],
    change: dict[str, Any],
    code: str | None,
) -> None:
    server = server_module(package)
    app = live(server.create_app(settings=server.Settings(store_path=db_path)))
    client = importlib.import_module(f"{package}.client")
    models = importlib.import_module(f"{package}.models")
    with client.HoldoutDwClient(app.url) as api:
        body = models.HoldoutDwInput.model_validate({**ORDER, **change})
        outcome = api.get_result(api.start(body).journey_id)
    found = outcome.error.code if outcome.error else None
    assert (outcome.phase.value, found) == ("FAILED" if code else "SUCCEEDED", code)
