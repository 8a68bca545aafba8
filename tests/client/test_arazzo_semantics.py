"""Arazzo semantics of the generated workflows, on hand-written documents (tests/client/cases)."""

from __future__ import annotations

import io
import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from generator.cli import main
from tests.client.support import CASES, load_case
from tests.support.recording import Reply, Request, Server


@dataclass
class Api:
    """The semantics case's API: items, a flaky endpoint and a counter."""

    flaky_failures: int = 0
    retry_after: str | None = None
    counter: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    items: dict[str, dict[str, Any]] = field(
        default_factory=lambda: {
            "a": {"id": "a", "name": "Widget", "count": 2, "tags": ["blue", "red"]},
            "b": {"id": "b", "name": "Bolt", "count": 1, "tags": []},
            "big": {"id": "big", "name": "Crate", "count": 9, "tags": []},
        }
    )

    def __call__(self, request: Request) -> Reply:
        if request.path.startswith("/items/"):
            item = self.items.get(request.path.removeprefix("/items/"))
            return (200, {"X-Rate": "42"}, item) if item else (404, {}, None)
        if request.path == "/items":
            return 201, {}, {"id": "new-1", **request.body}
        if request.path == "/flaky":
            if self.flaky_failures > 0:
                self.flaky_failures -= 1
                headers = {"Retry-After": self.retry_after} if self.retry_after else {}
                return 500, headers, {"title": "flaky"}
            return 200, {}, {"ok": True}
        if request.path == "/counter":
            return 200, {}, {"value": next(self.counter)}
        return 404, {}, None


@pytest.fixture(scope="session")
def semantics(cases_out: Path) -> ModuleType:
    """The generated client module of the semantics case."""
    return load_case("semantics", cases_out)


@pytest.fixture
def api() -> Iterator[tuple[Server, Api]]:
    """A live server for the semantics case."""
    state = Api()
    with Server(state) as server:
        yield server, state


def _client(module: ModuleType, server: Server) -> Any:
    return module.SemanticsClient(server.url)


def test_expressions_criteria_and_outputs(
    semantics: ModuleType, api: tuple[Server, Api]
) -> None:
    server, _ = api
    with _client(semantics, server) as client:
        out = client.run_criteria_and_outputs({"itemId": "a"})
    assert (out.name, out.created, out.rate) == ("Widget", "new-1", "42")
    create = out.steps["create"]
    assert create["method"] == "POST" and create["url"] == f"{server.url}/items"
    assert create["sent"] == "copy of a"
    assert server.seen[0].headers["x-trace"] == "trace-a"
    assert server.seen[1].body == {
        "name": "Widget",
        "note": "copy of a",
        "source": "semantics.openapi.yaml",
        "tags": ["blue", "fixed"],
    }


def test_unmet_criteria_fail_the_step(
    semantics: ModuleType, api: tuple[Server, Api]
) -> None:
    server, state = api
    state.items["a"]["tags"] = ["green"]  # the jsonpath criterion no longer matches
    with (
        _client(semantics, server) as client,
        pytest.raises(semantics._az.WorkflowError) as info,
    ):
        client.run_criteria_and_outputs({"itemId": "a"})
    assert info.value.step_id == "getItem" and info.value.status == 200
    # the error quotes the criterion as written and the value it looked at
    assert "success criterion \"$.tags[?@ == 'blue']\" not met" in str(info.value)
    assert "$response.body was {" in str(info.value) and "'green'" in str(info.value)


def test_an_unmet_simple_criterion_names_every_value_it_read(
    semantics: ModuleType, api: tuple[Server, Api]
) -> None:
    server, state = api
    state.items["a"]["name"] = "Gadget"
    with (
        _client(semantics, server) as client,
        pytest.raises(semantics._az.WorkflowError) as info,
    ):
        client.run_criteria_and_outputs({"itemId": "a"})
    assert info.value.reason == (
        "success criterion \"$statusCode == 200 && $response.body.name == 'WIDGET'\" "
        "not met ($statusCode was 200, $response.body.name was 'Gadget')"
    )


def test_success_criteria_alone_decide_and_a_plain_step_needs_2xx(
    semantics: ModuleType, api: tuple[Server, Api]
) -> None:
    server, _ = api
    with (
        _client(semantics, server) as client,
        pytest.raises(semantics._az.WorkflowError) as info,
    ):
        client.run_expecting_missing()
    # `lookup` expects the 404 and passes; `plain` has no criteria, so its 404 fails it
    assert info.value.step_id == "plain" and info.value.status == 404
    assert info.value.reason.startswith("the call answered HTTP 404 for GET ")
    assert [r.path for r in server.seen] == ["/items/missing", "/items/missing"]


def test_retry_action_with_limit_and_retry_after_header(
    semantics: ModuleType, api: tuple[Server, Api]
) -> None:
    server, state = api
    state.flaky_failures, state.retry_after = 2, "0"  # overrules retryAfter: 30
    began = time.monotonic()
    with _client(semantics, server) as client:
        assert client.run_retrying().ok is True
        assert time.monotonic() - began < 5
        state.flaky_failures = 3  # one more than retryLimit
        with pytest.raises(semantics._az.WorkflowError) as info:
            client.run_retrying()
    assert info.value.status == 500
    assert len([r for r in server.seen if r.path == "/flaky"]) == 3 + 3


def test_bounded_goto_loop(semantics: ModuleType, api: tuple[Server, Api]) -> None:
    server, _ = api
    with _client(semantics, server) as client:
        assert client.run_looping().value == 3
    assert len(server.seen) == 3


def test_end_and_goto_actions(semantics: ModuleType, api: tuple[Server, Api]) -> None:
    server, _ = api
    with _client(semantics, server) as client:
        assert (
            client.run_branching({"itemId": "big"}).reached is None
        )  # `end` after first
        assert len(server.seen) == 1
        out = client.run_branching({"itemId": "a"})  # second fails 404 -> goto third
    assert out.reached == "Bolt" and "second" not in out.steps


def test_failure_end_raises(semantics: ModuleType, api: tuple[Server, Api]) -> None:
    server, _ = api
    with (
        _client(semantics, server) as client,
        pytest.raises(semantics._az.WorkflowError) as info,
    ):
        client.run_ending()
    assert info.value.step_id == "missing" and info.value.status == 404
    assert "giveUp" in str(info.value)


def test_components_reuse(semantics: ModuleType, api: tuple[Server, Api]) -> None:
    server, state = api
    state.flaky_failures = 1  # the workflow-level reusable retryOnce recovers
    with _client(semantics, server) as client:
        out = client.run_reuse()
    assert out.trace == "from-components"
    assert [r.headers.get("x-trace") for r in server.seen] == ["from-components"] * 2
    assert all(
        r.path == "/flaky" for r in server.seen
    )  # the reusable `end` skipped the rest


@pytest.mark.asyncio
async def test_depends_on_and_workflow_calling_steps_async(
    semantics: ModuleType, api: tuple[Server, Api]
) -> None:
    server, _ = api
    async with semantics.AsyncSemanticsClient(server.url) as client:
        out = await client.run_parent({"itemId": "a"})
    assert out.loops == 3 and out.child_name == "Widget"
    assert [r.path for r in server.seen][:3] == ["/counter"] * 3


def _generate(case: str, out: Path, *extra: str) -> tuple[int, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(
        ["generate", str(CASES / case), "--out", str(out), *extra],
        stdout=stdout,
        stderr=stderr,
    )
    return code, stdout.getvalue() + stderr.getvalue()


def test_a_goto_loop_without_criteria_is_a_located_warning(tmp_path: Path) -> None:
    # Bounded at run time by the step cap; --strict refuses it.
    code, text = _generate("bad-loop", tmp_path)
    assert code == 0, text
    assert "loop.arazzo.yaml:10:9: warning: goto loop in workflow 'forever'" in text
    assert "x-maxIterations" in text and "step cap (10000 step executions)" in text
    code, text = _generate("bad-loop", tmp_path / "strict", "--strict")
    assert code == 2
    assert "loop.arazzo.yaml:10:9: error: goto loop" in text
    assert not (tmp_path / "strict").exists()


def test_an_xpath_criterion_leaves_its_workflow_out_with_a_located_warning(
    tmp_path: Path,
) -> None:
    code, text = _generate("bad-xpath", tmp_path)
    assert code == 0, text
    assert (
        "xpath.arazzo.yaml:8:9: warning:" in text and "'xpath' is not supported" in text
    )
    assert "is left out of the package" in text
    code, text = _generate("bad-xpath", tmp_path / "strict", "--strict")
    assert code == 2 and "xpath.arazzo.yaml:8:9: error:" in text
