"""`python -m payment_callback.server`, `journeygen scaffold`, and generation errors of the server part."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from generator.cli import main
from tests.server.pc_support import START
from tests.support.live import free_port
from tests.support.paths import GENERATED, PAYMENT_CALLBACK, SPECS

CASE = "examples/technical/payment-callback"


def _run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def _copy_specs(tmp_path: Path) -> Path:
    root = tmp_path / "specs"
    shutil.copytree(SPECS, root)
    return root


def test_python_m_server_fake_answers_a_start_request(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(GENERATED / "payment_callback"),
        "PAYMENT_CALLBACK_STORE": str(tmp_path / "demo.sqlite3"),
    }
    argv = [
        sys.executable,
        "-m",
        "payment_callback.server",
        "--fake",
        "--port",
        str(port),
    ]
    process = subprocess.Popen(argv, env=env, cwd=tmp_path, stderr=subprocess.PIPE)
    try:
        response = _start_when_up(f"http://127.0.0.1:{port}/api/v1", process)
        assert response.status_code == 200, response.text
        assert response.json()["currentState"] == "waitForCallback"
    finally:
        process.terminate()
        process.wait(timeout=10)
        assert process.stderr is not None
        process.stderr.close()


def _access_lines(tmp_path: Path, *flags: str) -> list[str]:
    """Serve, answer one start, stop; return the lines uvicorn's access log printed."""
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(GENERATED / "payment_callback"),
        "PAYMENT_CALLBACK_STORE": str(tmp_path / f"log{len(flags)}.sqlite3"),
    }
    argv = [sys.executable, "-m", "payment_callback.server", "--fake"]
    process = subprocess.Popen(
        [*argv, "--port", str(port), *flags],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        response = _start_when_up(f"http://127.0.0.1:{port}/api/v1", process)
        assert response.status_code == 200, response.text
    finally:
        process.terminate()
        out, _ = process.communicate(timeout=10)
    return [
        line
        for line in out.decode("utf-8", "replace").splitlines()
        if "POST /api/v1/journeys/payment-callback/start" in line
    ]


def test_access_log_is_on_by_default_and_off_with_no_access_log(
    tmp_path: Path,
) -> None:
    logged = _access_lines(tmp_path)
    assert len(logged) == 1 and " 200" in logged[0], logged
    assert _access_lines(tmp_path, "--no-access-log") == []


def _start_when_up(base: str, process: subprocess.Popen[bytes]) -> httpx.Response:
    deadline = time.monotonic() + 20
    while True:
        try:
            return httpx.post(
                base + "/journeys/payment-callback/start", json=START, timeout=5
            )
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_scaffold_writes_once_then_refuses_to_overwrite(tmp_path: Path) -> None:
    dest = tmp_path / "team" / "pc_handlers.py"
    code, out, _ = _run("scaffold", str(PAYMENT_CALLBACK), str(dest))
    assert code == 0 and dest.is_file() and "wrote" in out
    text = dest.read_text(encoding="utf-8")
    assert (
        "def authorize_payment(self, call: AuthorizePaymentCall) -> TaskResult:" in text
    )
    dest.write_text(text + "# the team's own edits\n", encoding="utf-8")
    code, _, err = _run("scaffold", str(PAYMENT_CALLBACK), str(dest))
    assert code == 2 and "already exists" in err
    assert dest.read_text(encoding="utf-8").endswith("# the team's own edits\n")
    compile(text, str(dest), "exec")


def test_scaffold_derives_the_contract_of_a_journey_only_folder(tmp_path: Path) -> None:
    """A folder holding only the journey file scaffolds as `generate` generates it: the
    contracts derived by the export rules (was: 'needs exactly one OpenAPI document').
    """
    from tests.constructs.support import JOURNEYS

    folder = JOURNEYS / "examples" / "technical" / "dsl-errors"
    assert [p.name for p in folder.iterdir()] == ["dsl-errors.journey.yaml"]
    dest = tmp_path / "errors_handlers.py"
    code, out, err = _run("scaffold", str(folder), str(dest))
    assert code == 0, out + err
    text = dest.read_text(encoding="utf-8")
    assert "class Handlers(DslErrorsHttpHandlers):" in text
    assert "# def lookup(self, call: LookupCall) -> TaskResult:" in text
    compile(text, str(dest), "exec")
    assert sorted(p.name for p in folder.iterdir()) == ["dsl-errors.journey.yaml"]


def test_scaffolded_handlers_satisfy_the_protocol(tmp_path: Path) -> None:
    dest = tmp_path / "pc_scaffold_handlers.py"
    assert _run("scaffold", str(PAYMENT_CALLBACK), str(dest))[0] == 0
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(dest)],
        env={**os.environ, "MYPYPATH": str(GENERATED / "payment_callback")},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _break_expression(specs: Path, old: str, new: str) -> Path:
    journey = specs / CASE / "payment-callback.journey.yaml"
    text = journey.read_text(encoding="utf-8")
    assert old in text
    journey.write_text(text.replace(old, new), encoding="utf-8")
    return journey


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def test_uncompilable_dataweave_is_exit_2_with_file_line_col(tmp_path: Path) -> None:
    specs = _copy_specs(tmp_path)
    journey = _break_expression(
        specs,
        "context.payload.status == 'SUCCESS'",
        "context.payload.status == == 'SUCCESS'",
    )
    code, _, err = _run(
        "generate", str(specs / CASE), "--out", str(tmp_path / "out"), "--no-cache"
    )
    assert code == 2, err
    match = re.search(r"payment-callback\.journey\.yaml:(\d+):(\d+): error: (.+)", err)
    assert match, err
    assert int(match.group(1)) == _line_of(journey, "== == 'SUCCESS'")
    assert int(match.group(2)) > 1 and "DataWeave" in match.group(3)
    assert not (tmp_path / "out").exists()


def test_uncompilable_placeholder_is_a_located_error(tmp_path: Path) -> None:
    specs = _copy_specs(tmp_path)
    journey = _break_expression(
        specs, '"${context.paymentId}"', '"${context.paymentId +}"'
    )
    code, _, err = _run(
        "generate", str(specs / CASE), "--out", str(tmp_path / "out"), "--no-cache"
    )
    assert code == 2
    line = _line_of(journey, "${context.paymentId +}")
    assert re.search(rf"payment-callback\.journey\.yaml:{line}:\d+: error: ", err), err


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "profile: payments-callback\n",
            "profile: other\n",
            "guarded by apiKeyValidate",
        ),
        ("step: waitForCallback", "step: authorize", "not a webhook or wait state"),
        (
            "journeyInput: paymentId",
            "journeyInput: orderId",
            "not a property of spec.input",
        ),
        ("journey: payment-callback", "journey: other", "metadata.name"),
        ("route: /webhooks/appypay", "route: /api/v1/journeys/x", "must not start"),
        ("route: /webhooks/appypay", "route: /docs", "serves its API documentation"),
        (
            "route: /webhooks/appypay",
            "route: /openapi.json",
            "e.g. '/webhooks/appypay'",
        ),
    ],
)
def test_invalid_bindings_are_located_errors(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    specs = _copy_specs(tmp_path)
    bindings = specs / CASE / "payment-callback.bindings.yaml"
    text = bindings.read_text(encoding="utf-8")
    assert old in text
    bindings.write_text(text.replace(old, new, 1), encoding="utf-8")
    code, _, err = _run(
        "generate", str(specs / CASE), "--out", str(tmp_path / "out"), "--no-cache"
    )
    assert code == 2, err
    assert re.search(
        r"payment-callback\.bindings\.yaml:\d+:\d+: error: .*" + re.escape(message), err
    ), err


def test_two_providers_on_one_route_is_a_located_error(tmp_path: Path) -> None:
    """Only the first of two bindings on one path would ever be called."""
    specs = _copy_specs(tmp_path)
    bindings = specs / CASE / "payment-callback.bindings.yaml"
    text = bindings.read_text(encoding="utf-8")
    first = text[text.index("  - provider: appypay") :]
    bindings.write_text(
        text + first.replace("provider: appypay", "provider: appypay-eu", 1),
        encoding="utf-8",
    )
    code, _, err = _run(
        "generate", str(specs / CASE), "--out", str(tmp_path / "out"), "--no-cache"
    )
    assert code == 2, err
    assert re.search(
        r"payment-callback\.bindings\.yaml:\d+:\d+: error: provider route "
        r"'/webhooks/appypay' is already bound at /bindings/0",
        err,
    ), err
