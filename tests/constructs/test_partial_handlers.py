"""An object defining only some of a journey's calls type-checks as written (README "To make a
call yourself", demo `team-partial`) and the server makes the call through it.

For a journey with two calls or more, `create_app` takes `<Journey>Handlers |
<Journey>PartialHandlers` (one single-method Protocol per call): the README's `Items` (only
`get_item`) passes `mypy --strict` with no cast; an object with a wrong signature or with no
call's method does not. Served against the live shop of `test_http_call.py`, `Items` answers
getItem and every other call goes over HTTP.
"""

from __future__ import annotations

import importlib
import os
import runpy
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.constructs.support import generate
from tests.constructs.test_http_call import Shop, _run
from tests.support.engine import server_module
from tests.support.live import LiveServer
from tests.support.readme import demo

NAME = "dsl-http-call"

WRONG = """from typing import Any

from dsl_http_call.handlers import TaskResult
from dsl_http_call.server import create_app


class Wrong:
    def get_item(self, call: int) -> TaskResult[Any]:
        return TaskResult(status=200, ok=True)


class NoCall:
    def get_items(self) -> None:
        return None


wrong = create_app(Wrong())
none = create_app(NoCall())
"""


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    out = tmp_path_factory.mktemp("partial")
    return generate(NAME, out), out


def test_the_readme_partial_handlers_type_check_with_no_cast(
    package: tuple[str, Path], tmp_path: Path
) -> None:
    name, out = package
    (tmp_path / "team_partial.py").write_text(demo("team-partial") + "\n")
    (tmp_path / "wrong_partial.py").write_text(WRONG)
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "MYPYPATH": str(out / name)},
    )
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert not [e for e in errors if e.startswith("team_partial.py")], done.stdout
    assert [e.split(": error:")[0] for e in errors] == [
        "wrong_partial.py:17",
        "wrong_partial.py:18",
    ], done.stdout
    assert 'incompatible type "Wrong"' in errors[0], done.stdout
    assert 'incompatible type "NoCall"' in errors[1], done.stdout


def test_the_readme_partial_handlers_make_their_call_and_the_rest_stay_http(
    package: tuple[str, Path],
    live: Callable[..., LiveServer],
    db_path: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name, _ = package
    shop = Shop()
    shop.release.set()
    url = live(shop.app).url
    monkeypatch.setenv("DSL_HTTP_CALL_API_SHOP_BASE_URL", url + "/shop")
    block = tmp_path / "team_partial.py"
    block.write_text(demo("team-partial") + "\n")
    namespace = runpy.run_path(str(block))  # builds `app` with Items, as written
    assert namespace["app"] is not None
    server = server_module(name)
    output = _run(
        server,
        live,
        db_path,
        url + "/shop",
        url + "/hooks",
        handlers=namespace["Items"](),
    )
    assert output["item"]["body"] == {"id": "i-1", "price": 5}
    paths = [seen["path"] for seen in shop.seen]
    assert "/shop/items/i-1" not in paths
    assert {"/shop/orders", "/shop/stock/i-1", "/hooks"} <= set(paths)
    assert importlib.import_module(f"{name}.handlers").DslHttpCallPartialHandlers
