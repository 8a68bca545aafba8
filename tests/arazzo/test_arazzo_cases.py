"""Arazzo regression cases: each folder under `cases/` with its expected outcome.

`expected.txt` holds either the exact diagnostics of a case journeygen must refuse (exit 2,
`path:line:col: level: message`, paths relative to the case folder, nothing written) or the
word `GENERATES` for a case that must generate (exit 0), followed by the exact warnings it
prints (none when the file holds only that word).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.adversarial.support import run_cli

CASES = Path(__file__).resolve().parent / "cases"
ALL_CASES = sorted(p for p in CASES.iterdir() if p.is_dir())


def _expected(case: Path) -> list[str]:
    return (case / "expected.txt").read_text(encoding="utf-8").splitlines()


def test_every_case_folder_states_its_expected_outcome() -> None:
    assert ALL_CASES
    for case in ALL_CASES:
        assert (case / "expected.txt").is_file(), case.name


@pytest.mark.parametrize("case", ALL_CASES, ids=[p.name for p in ALL_CASES])
def test_case_outcome(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    run = run_cli(case, out, monkeypatch)
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr
    expected = _expected(case)
    if expected[:1] == ["GENERATES"]:
        assert run.code == 0, run.stderr
        assert run.diagnostics == expected[1:]
        assert any(out.rglob("client.py"))
        return
    assert run.code == 2, run.stderr
    assert run.diagnostics == expected
    assert not out.exists()
