"""Every MUST of the DSL reference that a journey breaks is what `journeygen generate` says.

One small journey per rule (cases.py, with the reference section each covers), run through the
command line as a user runs it: errors are printed at their position with what to write
instead, exit 2, and nothing is written; a deviation with one reading is a warning that
`--strict` turns into an error, and without `--strict` the package is generated.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from generator.cli import main

from .cases import CALL, CASES, DONE, Case

WARNINGS = [c for c in CASES if c.warning]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One working folder for the module, so its generation cache is shared."""
    return tmp_path_factory.mktemp("journey-rules")


def _run(
    workdir: Path, case: Case, *flags: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[int, list[str], Path]:
    folder = workdir / case.id
    folder.mkdir(exist_ok=True)
    journey = folder / "j.journey.yaml"
    journey.write_text(case.text())
    out = workdir / f"out-{case.id}-{len(flags)}"
    monkeypatch.chdir(workdir)
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(
        ["generate", str(folder), "--out", str(out), "-q", *flags],
        stdout=stdout,
        stderr=stderr,
    )
    lines = [
        line.split("j.journey.yaml:", 1)[-1]
        for line in (stdout.getvalue() + stderr.getvalue()).splitlines()
        if not line.startswith("journeygen:")
    ]
    return code, lines, out


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_broken_rule_is_a_located_error_and_nothing_is_written(
    case: Case, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    flags = ("--strict",) if case.warning else ()
    code, lines, out = _run(workdir, case, *flags, monkeypatch=monkeypatch)
    expected = [
        line.replace(": warning: ", ": error: ", 1) if case.warning else line
        for line in case.expected
    ]
    assert (code, lines) == (2, expected), f"DSL {case.section}: {case.rule}"
    assert not out.exists()


@pytest.mark.parametrize("case", WARNINGS, ids=[c.id for c in WARNINGS])
def test_a_deviation_with_one_reading_is_a_warning_and_generates(
    case: Case, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, lines, out = _run(workdir, case, monkeypatch=monkeypatch)
    assert (code, lines) == (0, list(case.expected)), f"DSL {case.section}: {case.rule}"
    assert (out / "j" / "j" / "server.py").is_file()


def test_every_problem_of_a_journey_is_listed_at_once(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = Case(
        "all-at-once", "§2.2, §4, §5", "every problem at once",
        """    call:
      type: task
      task:
        kind: httpCall:v1
        method: GET
        url: https://example.com/${contxt.id}
        resutVar: item
      next: dnoe
    shape:
      type: transform
      transform: {mapper: {lang: jsonata, expr: '1'}}
      next: done
    odd:
      type: wiat
    done:
      type: succeed
""",
        (),
        start="cal",
    )  # fmt: skip
    code, lines, out = _run(workdir, broken, monkeypatch=monkeypatch)
    assert code == 2 and not out.exists()
    assert [line.split(": ", 2)[1] for line in lines] == [
        "error", "error", "warning", "error", "error", "error",
    ]  # fmt: skip
    assert [line.split(": ")[0] for line in lines] == [
        "5:10", "12:14", "13:19", "14:13", "17:34", "20:13",
    ]  # fmt: skip


def test_the_table_covers_every_section_it_claims() -> None:
    """The rule table is the MUST list: unique ids, each with its section and rule."""
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
    assert all(c.section.startswith("§") and c.rule for c in CASES)


def test_a_state_indented_under_two_states_stays_two_unknown_fields(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No one reading: neither copy of `w` is moved, and the next naming it is the server
    compiler's warning (the run fails there with JOURNEY_DEFINITION_INVALID)."""
    case = Case(
        "state-indented-under-two-states", "§5", "a state is a key of a states map",
        CALL.replace("next: done", "next: w") + """      w:
        type: succeed
    other:
      type: succeed
      w:
        type: succeed
""" + DONE,
        (),
    )  # fmt: skip
    code, lines, out = _run(workdir, case, monkeypatch=monkeypatch)
    unknown = (
        "warning: unknown field 'w' at spec.states.{} is ignored; it looks like a state "
        "indented one level too deep: states belong in a states map (extensions are "
        "written 'x-...')"
    )
    assert code == 0
    assert sorted(lines) == [
        "14:13: warning: state 'call': next 'w' is not a state of this journey; reaching it "
        "fails the run with JOURNEY_DEFINITION_INVALID",
        "16:9: " + unknown.format("call"),
        "20:9: " + unknown.format("other"),
    ]
    assert (out / "j" / "j" / "server.py").is_file()
