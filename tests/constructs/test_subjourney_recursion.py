"""Subjourneys that call themselves (issue #14; DSL §5.8 does not forbid it), over real HTTP
(uvicorn on 127.0.0.1, SQLite file) with the generated client.

Journey folder `dsl-subjourney-recursion`: subjourney `countdown` calls itself with n - 1
until n is 0 and returns the sum n + ... + 1 (optionally waiting at the bottom for the step
`bottomReached`); subjourneys `even` and `odd` call each other. Each call is its own frame: its
own context, its result written into the caller's resultVar. The server bounds how many calls
nest (`Settings.max_subjourney_depth` / `<PREFIX>_MAX_SUBJOURNEY_DEPTH`, default 64): the
call one deeper fails the run there with JOURNEY_SUBJOURNEY_DEPTH_EXCEEDED.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.constructs.support import generate
from tests.support.engine import rows, server_module
from tests.support.live import LiveServer

NAME = "dsl-subjourney-recursion"


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> str:
    return generate(NAME, tmp_path_factory.mktemp("subjourney-recursion"))


def _serve(
    package: str, db: Path, live: Callable[..., LiveServer], **settings: Any
) -> str:
    server = server_module(package)
    found = server.Settings(store_path=str(db), **settings)
    return live(server.create_app(settings=found)).url


def test_a_countdown_calls_itself_and_sums_each_frame(
    package: str, tmp_path: Path, live: Callable[..., LiveServer]
) -> None:
    url = _serve(package, tmp_path / "journeys.db", live)
    pkg: Any = importlib.import_module(package)
    models = pkg.models
    with pkg.client.DslSubjourneyRecursionClient(url) as client:
        results = {}
        for n in (0, 1, 5, 63):
            started = client.start(
                models.DslSubjourneyRecursionInput(n=n, mode="countdown")
            )
            results[n] = client.get_result(started.journey_id)
    for n, result in results.items():
        assert result.phase == "SUCCEEDED", (n, result)
        assert (result.output or {}).get("sum") == n * (n + 1) // 2, (n, result.output)


def test_even_and_odd_call_each_other(
    package: str, tmp_path: Path, live: Callable[..., LiveServer]
) -> None:
    url = _serve(package, tmp_path / "journeys.db", live)
    pkg: Any = importlib.import_module(package)
    models = pkg.models
    with pkg.client.DslSubjourneyRecursionClient(url) as client:
        found = {}
        for n in (0, 1, 2, 7, 10):
            started = client.start(
                models.DslSubjourneyRecursionInput(n=n, mode="parity")
            )
            found[n] = client.get_result(started.journey_id)
    assert {n: r.phase for n, r in found.items()} == dict.fromkeys(found, "SUCCEEDED")
    assert {n: (r.output or {}).get("even") for n, r in found.items()} == {
        0: True,
        1: False,
        2: True,
        7: False,
        10: True,
    }


def test_a_subjourney_calls_itself_in_both_branches_of_a_parallel(
    package: str, tmp_path: Path, live: Callable[..., LiveServer]
) -> None:
    pkg: Any = importlib.import_module(package)
    models = pkg.models
    url = _serve(package, tmp_path / "tree.db", live, max_subjourney_depth=5)
    with pkg.client.DslSubjourneyRecursionClient(url) as client:
        found = {}
        for n in (0, 1, 4, 5):
            started = client.start(models.DslSubjourneyRecursionInput(n=n, mode="tree"))
            found[n] = client.get_result(started.journey_id)
    for n in (0, 1, 4):
        assert found[n].phase == "SUCCEEDED", found[n]
        assert (found[n].output or {}).get("leaves") == 2**n, found[n].output
    # the branches' calls count as deeper calls: tree(5) needs 6 inside one another, so
    # tree(1)'s branches fail with JOURNEY_SUBJOURNEY_DEPTH_EXCEEDED and each tree above
    # sees a failed branch in its join
    assert found[5].phase == "FAILED", found[5]
    assert found[5].error is not None
    assert found[5].error.code == "urn:tree:branch-failed", found[5].error


def test_a_call_deeper_than_the_limit_fails_the_run_there(
    package: str, tmp_path: Path, live: Callable[..., LiveServer]
) -> None:
    pkg: Any = importlib.import_module(package)
    models = pkg.models
    default = _serve(package, tmp_path / "default.db", live)
    with pkg.client.DslSubjourneyRecursionClient(default) as client:
        # countdown(64) is the 65th call inside one another: one past the default 64
        started = client.start(
            models.DslSubjourneyRecursionInput(n=64, mode="countdown")
        )
        deep = client.get_result(started.journey_id)
    assert deep.phase == "FAILED", deep
    assert deep.error is not None
    assert deep.error.code == "JOURNEY_SUBJOURNEY_DEPTH_EXCEEDED"
    assert (deep.error.reason or "").startswith(
        "state 'recurse' calls subjourney 'countdown' deeper than 64 subjourney calls "
        "inside one another"
    ), deep.error.reason
    assert "<PREFIX>_MAX_SUBJOURNEY_DEPTH" in (deep.error.reason or "")

    low = _serve(package, tmp_path / "low.db", live, max_subjourney_depth=5)
    with pkg.client.DslSubjourneyRecursionClient(low) as client:
        fits = client.start(models.DslSubjourneyRecursionInput(n=4, mode="countdown"))
        over = client.start(models.DslSubjourneyRecursionInput(n=5, mode="countdown"))
        parity = client.start(models.DslSubjourneyRecursionInput(n=6, mode="parity"))
        fits_result = client.get_result(fits.journey_id)
        over_result = client.get_result(over.journey_id)
        parity_result = client.get_result(parity.journey_id)
    assert fits_result.phase == "SUCCEEDED"
    assert (fits_result.output or {}).get("sum") == 10
    for result, state, ref in (
        (over_result, "recurse", "countdown"),
        (parity_result, "askOdd", "odd"),  # even(6) -> odd(5) ... even(2) -> odd(1)
    ):
        assert result.phase == "FAILED", result
        assert result.error is not None
        assert result.error.code == "JOURNEY_SUBJOURNEY_DEPTH_EXCEEDED"
        assert (result.error.reason or "").startswith(
            f"state {state!r} calls subjourney {ref!r} deeper than 5 "
        ), result.error.reason


def test_the_largest_depth_setting_runs_that_deep(
    package: str, tmp_path: Path, live: Callable[..., LiveServer]
) -> None:
    pkg: Any = importlib.import_module(package)
    models = pkg.models
    url = _serve(package, tmp_path / "deep.db", live, max_subjourney_depth=200)
    with pkg.client.DslSubjourneyRecursionClient(url) as client:
        fits = client.start(models.DslSubjourneyRecursionInput(n=199, mode="countdown"))
        over = client.start(models.DslSubjourneyRecursionInput(n=200, mode="countdown"))
        fits_result = client.get_result(fits.journey_id)
        over_result = client.get_result(over.journey_id)
    assert fits_result.phase == "SUCCEEDED", fits_result
    assert (fits_result.output or {}).get("sum") == 199 * 200 // 2
    assert over_result.error is not None
    assert over_result.error.code == "JOURNEY_SUBJOURNEY_DEPTH_EXCEEDED"


def test_the_depth_limit_is_read_from_the_environment(package: str) -> None:
    settings = server_module(package).Settings
    prefix = "DSL_SUBJOURNEY_RECURSION"
    assert settings.from_env(prefix, (), environ={}).max_subjourney_depth == 64
    env = {f"{prefix}_MAX_SUBJOURNEY_DEPTH": "12"}
    assert settings.from_env(prefix, (), environ=env).max_subjourney_depth == 12
    for raw in ("0", "-1", "many", "201"):
        with pytest.raises(ValueError, match=r"(?i)max_subjourney_depth"):
            settings.from_env(
                prefix, (), environ={f"{prefix}_MAX_SUBJOURNEY_DEPTH": raw}
            )


def test_a_wait_at_the_bottom_of_the_recursion_survives_a_restart(
    package: str, tmp_path: Path, live: Callable[..., LiveServer]
) -> None:
    db = tmp_path / "journeys.db"
    pkg: Any = importlib.import_module(package)
    models = pkg.models
    server = server_module(package)
    settings = server.Settings(store_path=str(db))
    first = live(server.create_app(settings=settings))
    with pkg.client.DslSubjourneyRecursionClient(first.url) as client:
        status = client.start(
            models.DslSubjourneyRecursionInput(n=3, mode="countdown", pause=True)
        )
    journey_id = status.journey_id
    assert (status.phase, status.current_state) == ("Running", "bottomReached")
    (row,) = rows(str(db), "SELECT runtime FROM journeys WHERE id = ?", journey_id)
    frame = json.loads(row[0])["call"]
    contexts = []
    while frame is not None:  # one stored frame per call, each with its own context
        contexts.append((frame["state"], frame["context"]["n"], frame.get("depth")))
        frame = frame.get("call")
    assert contexts == [
        ("recurse", 3, 1),
        ("recurse", 2, 2),
        ("recurse", 1, 3),
        ("bottomReached", 0, 4),
    ]
    first.stop()

    second = live(server.create_app(settings=settings))
    with pkg.client.DslSubjourneyRecursionClient(second.url) as client:
        client.bottom_reached(journey_id, models.BottomReachedInput(confirm=True))
        result = client.get_result(journey_id)
    assert result.phase == "SUCCEEDED", result
    assert (result.output or {}).get("sum") == 6, result.output
