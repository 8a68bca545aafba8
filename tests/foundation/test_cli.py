"""The `journeygen generate` command as a build pipeline uses it."""

from __future__ import annotations

import gc
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import main
from tests.support.paths import SPECS


def _copy_specs(tmp_path: Path) -> Path:
    root = tmp_path / "specs"
    shutil.copytree(SPECS, root)
    return root


def _run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


CASE = "examples/technical/payment-callback"


def test_generate_then_check_is_clean_and_hand_edit_is_drift(tmp_path: Path) -> None:
    specs = _copy_specs(tmp_path)
    out = tmp_path / "out"
    code, stdout, _ = _run("generate", str(specs / CASE), "--out", str(out))
    assert code == 0
    assert "ok   payment_callback" in stdout and "generated 1 case(s)" in stdout
    assert _run("generate", str(specs / CASE), "--out", str(out), "--check")[0] == 0
    models = out / "payment_callback/payment_callback/models.py"
    models.write_text(models.read_text() + "# hand edit\n")
    code, stdout, stderr = _run(
        "generate", str(specs / CASE), "--out", str(out), "--check"
    )
    assert code == 1
    assert (
        "-# hand edit" in stdout
        and "+++ b/payment_callback/payment_callback/models.py" in stdout
    )
    assert "journeygen generate" in stderr
    extra = out / "payment_callback/payment_callback/stray.py"
    models.write_text(models.read_text().replace("# hand edit\n", ""))
    extra.write_text("x = 1\n")
    assert _run("generate", str(specs / CASE), "--out", str(out), "--check")[0] == 1


def test_quiet_prints_nothing_on_success(tmp_path: Path) -> None:
    specs = _copy_specs(tmp_path)
    code, stdout, stderr = _run(
        "generate", str(specs / CASE), "--out", str(tmp_path / "o"), "-q"
    )
    assert (code, stdout, stderr) == (0, "", "")


def _break(specs: Path, name: str, old: str, new: str) -> None:
    path = specs / CASE / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            "payment-callback.journey.yaml",
            "  start: authorize",
            "  start: [authorize",
            "payment-callback.journey.yaml:",
        ),
        (
            "payment-callback.openapi.yaml",
            '$ref: "#/components/schemas/JourneyStatus"',
            '$ref: "#/components/schemas/NoSuchSchema"',
            "dangling $ref '#/components/schemas/NoSuchSchema'",
        ),
        (
            "payment-callback.openapi.yaml",
            "    Link:\n      type: object",
            "    Link:\n      $ref: '#/components/schemas/Loop'\n    Loop:\n      $ref: '#/components/schemas/Link'\n    Unused:\n      type: object",
            "$ref cycle",
        ),
        (  # a broken Arazzo in a journey case is a warning (test_broken_arazzo.py)
            "payment-callback.openapi.yaml",
            "openapi: 3.1.0",
            "openapi: 4.0.0",
            "unsupported OpenAPI version '4.0.0'; use 3.0.x, 3.1.x or 3.2.x",
        ),
        (
            "payment-callback.journey.yaml",
            "kind: Journey",
            "kind: Jouney",
            "journey: kind:",
        ),
    ],
    ids=[
        "malformed-yaml",
        "dangling-ref",
        "ref-cycle",
        "schema-invalid",
        "bad-kind",
    ],
)
def test_invalid_input_exits_2_located_nothing_written(
    tmp_path: Path, file: str, old: str, new: str, expected: str
) -> None:
    specs = _copy_specs(tmp_path)
    _break(specs, file, old, new)
    out = tmp_path / "out"
    code, stdout, stderr = _run("generate", str(specs / CASE), "--out", str(out))
    assert code == 2, stderr
    first = stderr.splitlines()[0]
    assert expected in stderr
    path, line, col, rest = first.split(":", 3)
    assert (
        path.endswith((".yaml",)) and line.isdigit() and col.isdigit() and int(line) > 0
    )
    assert rest.startswith(" error: ")
    assert "Traceback" not in stderr + stdout
    assert "nothing was written" in stderr
    assert not out.exists()


def test_a_workflow_calling_an_unknown_operation_is_left_out_unless_strict(
    tmp_path: Path,
) -> None:
    specs = _copy_specs(tmp_path)
    _break(
        specs,
        "payment-callback.arazzo.yaml",
        "operationId: paymentCallback_getResult",
        "operationId: paymentCallback_getRezult",
    )
    code, _, stderr = _run("generate", str(specs / CASE), "--out", str(tmp_path / "a"))
    assert code == 0, stderr
    assert (
        "arazzo.yaml:55:22: warning: step 'getResult' calls unknown operationId"
        in stderr
    )
    assert "did you mean 'paymentCallback_getResult'" in stderr
    assert "is left out of the package" in stderr
    out = tmp_path / "strict"
    code, _, stderr = _run("generate", str(specs / CASE), "--out", str(out), "--strict")
    assert code == 2 and "arazzo.yaml:55:22: error: step 'getResult'" in stderr
    assert not out.exists()


def test_failed_run_leaves_previous_output_untouched(tmp_path: Path) -> None:
    specs = _copy_specs(tmp_path)
    out = tmp_path / "out"
    assert _run("generate", str(specs / CASE), "--out", str(out))[0] == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    _break(specs, "payment-callback.journey.yaml", "kind: Journey", "kind: 7")
    assert _run("generate", str(specs / CASE), "--out", str(out))[0] == 2
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_missing_case_folder_is_exit_2(tmp_path: Path) -> None:
    code, _, stderr = _run("generate", str(tmp_path / "nope"))
    assert code == 2 and "not a folder" in stderr


def test_a_run_leaves_the_callers_garbage_collector_as_it_was(tmp_path: Path) -> None:
    # main() raises the collector's first threshold for its run; a caller embedding it (a
    # test, a build script) gets its own settings back, whatever the outcome.
    before = gc.get_threshold()
    assert _run("generate", str(tmp_path / "nope"))[0] == 2
    assert gc.get_threshold() == before


def _project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder with a copy of specs/ and generated output in `out/`."""
    shutil.copytree(SPECS, tmp_path / "specs")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.journeygen]\nspecs = "specs"\nout = "out"\n'
    )
    monkeypatch.chdir(tmp_path)
    assert _run("generate", "-q")[0] == 0
    return tmp_path / "out"


def test_version_names_the_installed_release(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from importlib.metadata import version

    with pytest.raises(SystemExit) as stop:
        _run("--version")
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == f"journeygen {version('journeygen')}"


def test_check_reports_drift_before_anything_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = _project(tmp_path, monkeypatch)
    models = out / "payment_callback/payment_callback/models.py"
    models.write_text(models.read_text() + "# hand edit\n")
    code, stdout, _ = _run("generate", "--check")
    assert code == 1
    first = stdout.splitlines()[0]
    assert first.startswith("drift payment_callback"), stdout[:300]
    assert "ok   " not in stdout  # no per-case "ok" that reads as a pass
    assert stdout.index("-# hand edit") < stdout.index("checked ")


def test_stale_package_is_drift_and_prune_removes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = _project(tmp_path, monkeypatch)
    shutil.copytree(out / "payment_callback", out / "old_journey")
    (out / "hand_made").mkdir()
    (out / "hand_made" / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    code, stdout, stderr = _run("generate", "--check")
    assert code == 1
    assert stdout.splitlines()[0].startswith("stale old_journey")
    assert "hand_made" not in stdout  # not journeygen's: never reported or removed
    assert "--prune" in stderr
    code, _, stderr = _run("generate")
    assert code == 0 and "old_journey" in stderr and "--prune" in stderr
    assert (out / "old_journey").is_dir()  # a plain generate only warns
    code, stdout, _ = _run("generate", "--prune")
    assert code == 0 and "pruned old_journey" in stdout
    assert not (out / "old_journey").exists() and (out / "hand_made").is_dir()
    assert _run("generate", "--check", "-q") == (0, "", "")


def test_the_command_ends_with_its_output_flushed_and_its_exit_code(
    tmp_path: Path,
) -> None:
    # The command ends its process without tearing the interpreter down (cli._end_process):
    # what it printed through a pipe, what it wrote and its exit code are all still there.
    specs = _copy_specs(tmp_path)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "generator.cli", "generate"]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    done = subprocess.run(
        [*command, str(specs / CASE), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert "ok   payment_callback" in done.stdout
    assert "generated 1 case(s)" in done.stdout
    assert (out / "payment_callback/payment_callback/client.py").is_file()
    again = subprocess.run(
        [*command, str(specs / CASE), "--out", str(out), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert again.returncode == 0, again.stderr
    missing = subprocess.run(
        [*command, str(tmp_path / "nope"), "--out", str(tmp_path / "o2")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert missing.returncode == 2
    assert "not a folder" in missing.stderr and "nothing was written" in missing.stderr
