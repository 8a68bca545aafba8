"""The project README's demo, run exactly as written: the generated server on FakeHandlers and
the generated client running the whole journey against it, over real HTTP on 127.0.0.1; every
Python example of the README type-checks with `mypy --strict` and runs."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.paths import GENERATED, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
pytestmark = pytest.mark.slow


def _demo(name: str) -> str:
    match = re.search(rf"<!-- demo: {name} -->\n```sh\n(.+?)\n```", README, re.S)
    assert match, f"the README has no `demo: {name}` command"
    return match.group(1)


def _python_examples() -> list[str]:
    blocks = re.findall(r"```python\n(.+?)```", README, re.S)
    return [b for b in blocks if "from payment_callback" in b and "..." not in b]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _installed() -> None:
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
    _installed()
    log = tmp_path_factory.mktemp("demo") / "server.log"
    port = _free_port()
    command = _demo("server").replace("--port 8080", f"--port {port}")
    command = command.replace(".venv/bin/python", sys.executable)
    with log.open("w") as sink:
        process = subprocess.Popen(
            ["bash", "-c", command],  # bash execs a lone simple command
            cwd=log.parent,  # the store file it creates stays out of the work tree
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            assert process.poll() is None, (
                process.stdout.read() if process.stdout else ""
            )
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        else:
            pytest.fail("the demo server did not listen within 60 s")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_readme_demo_runs_the_whole_journey(server: str) -> None:
    command = _demo("client").replace("http://127.0.0.1:8080", server)
    command = command.replace(".venv/bin/python", sys.executable)
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
