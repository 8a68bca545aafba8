"""Bounded schemathesis runs against generated servers, each over the contract it serves.

Each server (the golden payment-callback package and two corpus journeys) runs on a real uvicorn
with the package's own transport options, the secret configured and sent, a fresh SQLite file;
the kind: Api specs `dsl-api-route` (apiResponses rules) and `dsl-api-envelope` (a custom error
envelope) of tests/constructs are served the same way, calling the live downstream shop of
tests/constructs/test_api.py.
Schemathesis (fixed seed, few examples per operation, one worker) runs its coverage, fuzzing and
stateful phases against /openapi.json, checking for server errors and for any response that
breaks the served contract (status code, content type, headers, body schema). All three runs
together stay well under two minutes on one core.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.pipeline import generate
from generator.write import write_package
from tests.support.live import LiveServer
from tests.support.paths import CORPUS

SEED = 18
SECRET = "fuzz-secret-0000"
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
)
CORPUS_CASES = ("technical/wait-approval", "business/document-signing-multi-signer")


def _package(case: str, out: Path) -> str:
    result = generate(CORPUS / "examples" / case, root=CORPUS)
    write_package(out, result.package, result.files)
    folder = str(out / result.package)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    return result.package


def _serve(module: str, db_path: str, live: Callable[..., LiveServer]) -> str:
    server = importlib.import_module(f"{module}.server")
    engine = importlib.import_module(f"{module}.engine")
    serve = importlib.import_module(f"{module}._runtime.server.serve")
    settings = server.Settings(
        store_path=db_path,
        api_keys={profile: SECRET for profile in engine.PROFILES},
        platform_config={key: "x" for key, *_ in getattr(engine, "PLATFORM_KEYS", ())},
    )
    app = server.create_app(server.FakeHandlers(), settings=settings)
    return live(app, **serve.uvicorn_options(app)).url


def _headers(contract: dict[str, Any]) -> list[str]:
    """Send the secret in every header a guarded operation names."""
    names = {
        parameter["name"]
        for item in contract["paths"].values()
        for operation in item.values()
        for parameter in operation.get("parameters", [])
        if parameter.get("in") == "header" and parameter["name"] != "Idempotency-Key"
    }
    return [f"{name}: {SECRET}" for name in sorted(names)]


def _fuzz(url: str, report: Path, headers: list[str]) -> dict[str, Any]:
    import httpx

    contract = httpx.get(url + "/openapi.json", timeout=10).json()
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        f"{url}/openapi.json",
        "--checks",
        ",".join(CHECKS),
        "--max-examples",
        "10",
        "--seed",
        str(SEED),
        "--workers",
        "1",
        "--no-shrink",
        "--request-timeout",
        "20",
        "--report",
        "json",
        "--report-json-path",
        str(report),
    ]
    for header in headers or _headers(contract):
        command += ["--header", header]
    run = subprocess.run(
        command, capture_output=True, text=True, timeout=110, cwd=report.parent
    )
    assert report.is_file(), run.stdout[-3000:] + run.stderr[-3000:]
    found: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    found["output"] = run.stdout[-6000:]
    return found


def _assert_clean(found: dict[str, Any], operations: int) -> None:
    output = found["output"]
    assert found["exit_code"] == 0, output
    assert found["failures"] == [] and found["errors"] == [], output
    assert found["test_cases"]["with_failures"] == 0, output
    assert found["operations"]["tested"] == operations, output
    assert found["warnings"]["unresolvable_reference"] == [], output
    print(
        f"\nschemathesis: {found['test_cases']['generated']} cases over "
        f"{found['operations']['tested']} operations, 0 failures"
    )


@pytest.mark.parametrize("case", ["payment-callback", *CORPUS_CASES])
def test_schemathesis_finds_no_server_error_and_no_contract_violation(
    case: str,
    live: Callable[..., LiveServer],
    tmp_path: Path,
) -> None:
    module = (
        "payment_callback" if case == "payment-callback" else _package(case, tmp_path)
    )
    url = _serve(module, str(tmp_path / "fuzz.sqlite3"), live)
    contract: dict[str, Any] = json.loads(
        importlib.import_module(f"{module}.contract").CONTRACT_JSON
    )
    bindings = importlib.import_module(f"{module}.engine").BINDINGS
    found = _fuzz(url, tmp_path / "report.json", [])
    operations = sum(
        1
        for item in contract["paths"].values()
        for method in item
        if method in ("get", "post")
    )
    _assert_clean(found, operations + len(bindings))


@pytest.mark.parametrize("case", ["dsl-api-route", "dsl-api-envelope"])
def test_schemathesis_finds_nothing_wrong_in_a_served_api(
    case: str, live: Callable[..., LiveServer], tmp_path: Path
) -> None:
    """kind: Api: one synchronous endpoint whose statuses come from apiResponses; every answer
    the fuzzer provokes (a success, a failure by rule or default, a refused body) matches
    the contract the server serves."""
    from tests.constructs.support import generate as generate_construct
    from tests.constructs.test_api import Shop

    module = generate_construct(case, tmp_path / "pkg")
    server = importlib.import_module(f"{module}.server")
    serve = importlib.import_module(f"{module}._runtime.server.serve")
    shop = Shop()
    settings = server.Settings(api_base_urls={"shop": live(shop.app).url + "/shop"})
    app = server.create_app(settings=settings)
    url = live(app, **serve.uvicorn_options(app)).url
    found = _fuzz(url, tmp_path / "report.json", [])
    _assert_clean(found, 1)
    assert shop.seen, "the fuzzed calls reached the downstream shop"
