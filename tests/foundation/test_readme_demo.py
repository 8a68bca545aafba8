"""The project README's demo, run exactly as written: the generated server on FakeHandlers and
the generated client running the whole journey against it, over real HTTP on 127.0.0.1; every
Python example of the README type-checks with `mypy --strict` and runs."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.paths import GENERATED, ROOT
from tests.support.readme import README, as_run_here, demo, free_port, serving

pytestmark = pytest.mark.slow


def _python_examples() -> list[str]:
    blocks = re.findall(r"```python\n(.+?)```", README, re.S)
    return [b for b in blocks if "from payment_callback" in b and "..." not in b]


def installed() -> None:
    """The generated package imports outside the work tree (installed as the Quick start says)."""
    probe = subprocess.run(
        [sys.executable, "-c", "import payment_callback.server"],
        cwd="/",
        capture_output=True,
        text=True,
        check=False,
    )
    assert probe.returncode == 0, (
        "the generated package is not installed as the Quick start says "
        "(`.venv/bin/pip install -e './generated/payment_callback[server]'`): "
        + probe.stderr[-500:]
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    installed()
    # the store file the server creates stays out of the work tree
    with serving(
        demo("server"), tmp_path_factory.mktemp("demo"), port=free_port()
    ) as url:
        yield url


def test_the_readme_demo_runs_the_whole_journey(server: str) -> None:
    command = as_run_here(demo("client").replace("http://127.0.0.1:8080", server))
    done = subprocess.run(
        ["bash", "-c", command], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("SUCCEEDED"), done.stdout


def test_every_python_example_of_the_readme_runs(server: str, tmp_path: Path) -> None:
    examples = _python_examples()
    assert examples, "the README's client example is gone"
    for index, code in enumerate(examples):
        script = tmp_path / f"example_{index}.py"
        script.write_text(code.replace("http://localhost:8080", server))
        done = subprocess.run(
            [sys.executable, str(script)], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, code + done.stderr[-2000:]


def test_the_demo_and_the_readme_examples_pass_mypy_strict(tmp_path: Path) -> None:
    files = [ROOT / "demo" / "run_payment_callback.py"]
    for index, code in enumerate(_python_examples()):
        files.append(tmp_path / f"example_{index}.py")
        files[-1].write_text(code)
    env = {**os.environ, "MYPYPATH": str(GENERATED / "payment_callback")}
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", *map(str, files)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout


def test_the_readme_deadline_example_ends_the_run_when_the_budget_is_spent(
    server: str, tmp_path: Path
) -> None:
    """`deadline=2` is the whole run's budget: nobody posts the callback, and the run raises
    DeadlineExceeded after about 2 s (it polled for 300 s before #15)."""
    (code,) = [b for b in _python_examples() if "deadline=2" in b]
    script = tmp_path / "deadline.py"
    script.write_text(code.replace("http://localhost:8080", server))
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    found = re.match(r"DeadlineExceeded after (\d+\.\d) s: ", done.stdout)
    assert found, done.stdout
    assert 1.9 <= float(found.group(1)) <= 3.0, done.stdout
