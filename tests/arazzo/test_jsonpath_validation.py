"""JSONPath criteria at generation time: every invalid selector of the RFC 9535 compliance suite
is refused as a located Arazzo syntax error (never an internal error), and a criterion nested as
deep as allowed generates, type-checks and runs."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from generator.arazzo import ArazzoSyntaxError, parse_criterion
from generator.cli import main
from tests.support.recording import Reply, Request, Server

CTS = Path(__file__).resolve().parents[1] / "data" / "jsonpath-cts" / "cts.json"
INVALID = [
    case
    for case in json.loads(CTS.read_text(encoding="utf-8"))["tests"]
    if case.get("invalid_selector")
]
DEEP = Path(__file__).resolve().parent / "cases" / "jsonpath-deep"


def test_the_suite_has_its_invalid_selectors() -> None:
    assert len(INVALID) == 247


@pytest.mark.parametrize(
    "case", INVALID, ids=[f"{i}-{c['name'][:60]}" for i, c in enumerate(INVALID)]
)
def test_invalid_selector_is_a_located_syntax_error(case: dict[str, Any]) -> None:
    selector = case["selector"]
    with pytest.raises(ArazzoSyntaxError) as info:
        parse_criterion(selector, type="jsonpath", context="$response.body")
    assert 0 <= info.value.column <= len(selector)
    assert f"(at column {info.value.column} of " in str(info.value)


@pytest.fixture(scope="module")
def deep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("deep")
    code = main(["generate", str(DEEP), "--out", str(out), "--no-cache", "-q"])
    assert code == 0
    return out


def _client(out: Path) -> ModuleType:
    sys.path.insert(0, str(out / "items"))
    try:
        return importlib.import_module("items.client")
    finally:
        sys.path.remove(str(out / "items"))


def test_the_deepest_criteria_run(deep: Path) -> None:
    answer: list[Any] = []

    def handler(request: Request) -> Reply:
        return 200, {}, answer

    client_module = _client(deep)
    with Server(handler) as server, client_module.ItemsClient(server.url) as client:
        answer[:] = [{"id": "i1", "tags": ["X1"]}, {"id": "i2", "tags": ["abc"]}]
        result = client.run_find_untagged()
        assert [item["id"] for item in result.items] == ["i1", "i2"]
        answer[:] = [{"id": "i2", "tags": ["abc"]}]
        with pytest.raises(client_module._az.WorkflowError) as info:
            client.run_find_untagged()
        assert info.value.step_id == "list"


@pytest.mark.slow
def test_the_deepest_criteria_pass_mypy_strict(deep: Path, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path)]
    done = subprocess.run(
        [*command, "-p", "items"],
        env={**os.environ, "MYPYPATH": str(deep / "items")},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
