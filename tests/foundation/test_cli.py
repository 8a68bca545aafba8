"""The `journeygen generate` command as a build pipeline uses it."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from generator.cli import main
from tests.conftest import SPECS


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
        (
            "payment-callback.arazzo.yaml",
            "arazzo: 1.0.1",
            "arazzo: 2.0.0",
            "Arazzo: arazzo: String should match pattern",
        ),
        (
            "payment-callback.journey.yaml",
            "kind: Journey",
            "kind: Jouney",
            "journey: kind:",
        ),
        (
            "payment-callback.arazzo.yaml",
            "operationId: paymentCallback_getResult",
            "operationId: paymentCallback_getRezult",
            "unknown operationId 'paymentCallback_getRezult'",
        ),
    ],
    ids=[
        "malformed-yaml",
        "dangling-ref",
        "ref-cycle",
        "schema-invalid",
        "bad-kind",
        "dangling-op",
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
