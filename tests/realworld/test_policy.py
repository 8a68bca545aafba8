"""Input policy: an unambiguous deviation is a located warning and correct code; `--strict`
turns every warning into an error (exit 2, nothing written)."""

from __future__ import annotations

from pathlib import Path

from tests.realworld.support import generate

CASE_WARNING = (
    "opid-case-insensitive/flows.json:12:26: warning: step 'start' calls operationId "
    "'startsync', which matches 'startSync' only when case is ignored (operationIds are "
    "case-sensitive); calling 'startSync': write it so"
)


def test_a_unique_case_insensitive_operation_id_is_a_warning(tmp_path: Path) -> None:
    run = generate("opid-case-insensitive", tmp_path)
    assert run.code == 0, run.stderr
    assert run.lines("warning") == [CASE_WARNING]
    plan = (run.package() / "flows" / "client.py").read_text(encoding="utf-8")
    assert "_start_sync_spec(" in plan.split("_WORKFLOWS")[1]


def test_strict_makes_the_warning_an_error_and_writes_nothing(tmp_path: Path) -> None:
    run = generate("opid-case-insensitive", tmp_path / "out", "--strict")
    assert run.code == 2
    assert run.lines("error") == [CASE_WARNING.replace(": warning: ", ": error: ")]
    assert not (tmp_path / "out").exists()
