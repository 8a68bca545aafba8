"""The project README's demo blocks, and running its server commands as a user would."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.live import free_port
from tests.support.paths import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def demo(name: str) -> str:
    """The body of the README's code block marked `<!-- demo: name -->`."""
    match = re.search(rf"<!-- demo: {name} -->\n```[a-z]*\n(.+?)\n?```", README, re.S)
    assert match, f"the README has no `demo: {name}` block"
    return match.group(1)


def as_run_here(command: str) -> str:
    """A README shell command with `.venv/bin/...` made this test run's own interpreter."""
    bin_dir = Path(sys.executable).parent

    def tool(match: re.Match[str]) -> str:
        name = match.group(1)
        return sys.executable if name == "python" else str(bin_dir / name)

    return re.sub(r"(?<![\w/.])\.venv/bin/(\w+)", tool, command)


@contextmanager
def serving(
    command: str, cwd: Path, *, port: int, env: Mapping[str, str] | None = None
) -> Iterator[str]:
    """Run a README server command (its `--port NNNN` replaced by `port`) until the block ends;
    yield its base URL once it listens."""
    command = re.sub(r"--port \d+", f"--port {port}", as_run_here(command))
    log = cwd / f"server-{port}.log"
    with log.open("w") as sink:
        process = subprocess.Popen(
            ["bash", "-c", command],  # bash execs a lone simple command
            cwd=cwd,
            env=None if env is None else dict(env),
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"`{command}` exited: {log.read_text()[-2000:]}")
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        else:
            pytest.fail(f"`{command}` did not listen within 60 s")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


__all__ = ["README", "as_run_here", "demo", "free_port", "serving"]
