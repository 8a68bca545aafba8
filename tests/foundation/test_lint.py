"""The project's own code is ruff-clean and black-formatted, and generated code is ruff-clean and black-formatted."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support.paths import GENERATED, ROOT


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True
    )


@pytest.mark.slow
def test_ruff_on_project_code() -> None:
    result = _run("ruff", "check", "generator", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_project_code_is_black_formatted() -> None:
    # The project's own black settings (pyproject.toml), as `black generator tests benchmarks` applies them.
    result = _run("black", "--check", "--quiet", "generator", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_generated_code_is_ruff_clean_and_black_formatted() -> None:
    # Generated code keeps the spec's own wording in long strings, so line length is black's call.
    ruff = _run(
        "ruff",
        "check",
        "--isolated",
        "--select",
        "E,F,W,B",
        "--ignore",
        "E501",
        str(GENERATED),
    )
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr
    black = _run("black", "--check", "--quiet", "--line-length", "88", str(GENERATED))
    assert black.returncode == 0, black.stdout + black.stderr
