"""The first hour of a journey author and of a server team, run from the README's own blocks
over real HTTP on 127.0.0.1 (the SDK consumer's first hour is `test_readme_demo.py`)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.foundation.test_readme_demo import installed
from tests.support.paths import ROOT
from tests.support.readme import as_run_here, demo, free_port, serving

pytestmark = pytest.mark.slow


def _sh(command: str, cwd: Path) -> str:
    done = subprocess.run(
        ["bash", "-c", as_run_here(command)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"`{command}`:\n{done.stdout}{done.stderr}"
    return done.stdout


def _mypy_strict(path: Path, mypy_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(path)],
        cwd=path.parent,
        env={**os.environ, "MYPYPATH": str(mypy_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout


def test_a_journey_author_writes_only_the_journey(tmp_path: Path) -> None:
    (tmp_path / "hello").mkdir()
    (tmp_path / "hello" / "hello.journey.yaml").write_text(
        demo("author-journey") + "\n", encoding="utf-8"
    )
    _sh(demo("author-generate"), tmp_path)
    package = tmp_path / "build" / "hello"
    assert (package / "hello" / "server.py").is_file()
    with serving(demo("author-server"), tmp_path, port=free_port()) as url:
        client = tmp_path / "run_hello.py"
        client.write_text(demo("author-client").replace("http://127.0.0.1:8081", url))
        done = subprocess.run(
            [sys.executable, str(client)],
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(package)},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "SUCCEEDED greeting='Hello, Ada!'"
    _mypy_strict(client, package)


def test_a_server_team_writes_only_its_handlers(tmp_path: Path) -> None:
    installed()
    scaffold = demo("team-scaffold").replace(" specs/", f" {ROOT}/specs/")
    _sh(scaffold, tmp_path)
    handlers = tmp_path / "my_service" / "handlers.py"
    written = handlers.read_text(encoding="utf-8")
    # the scaffold leaves the call to the server's HTTP default: a comment says how to
    # define it, and the team defines it there
    method = re.compile(
        r"    # State authorize: the server makes this call over HTTP.*?"
        r"    #     return TaskResult\([^\n]*\n",
        re.S,
    )
    assert method.search(written), written
    handlers.write_text(method.sub(lambda _: demo("team-handler") + "\n", written))
    _mypy_strict(handlers, ROOT / "generated" / "payment_callback")
    with serving(demo("team-server"), tmp_path, port=free_port()) as url:
        out = _sh(demo("client").replace("http://127.0.0.1:8080", url), ROOT)
    assert out.startswith("SUCCEEDED"), out
