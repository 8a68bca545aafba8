"""The published Arazzo corpus (tests/corpus/arazzo-public, 50 cases from 10 public
repositories, unmodified): every case generates a package that imports and passes
`mypy --strict`, or is refused with exactly the located errors outcomes.yaml lists (each with
the reason the input is invalid per the Arazzo or OpenAPI specification). Workflows left out of
a generated package are listed there too, with the reason.
"""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

from generator import naming
from tests.corpus_public.support import (
    CASES,
    CORPUS,
    CaseRun,
    expected,
    generate_corpus,
)

pytestmark = pytest.mark.slow

EXPECTED = expected()


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, CaseRun]:
    return generate_corpus(tmp_path_factory.mktemp("arazzo-public"))


def test_every_case_states_its_expected_outcome_and_reason() -> None:
    assert len(CASES) >= 50
    assert sorted(EXPECTED) == CASES
    for name, entry in EXPECTED.items():
        assert entry["outcome"] in ("generates", "refused"), name
        assert isinstance(entry.get("reason"), str) and entry["reason"], name
        if entry["outcome"] == "refused":
            assert entry.get("errors"), name


def test_the_corpus_is_kept_as_published() -> None:
    import hashlib
    import json

    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    entries = manifest["entries"]
    assert len(entries) >= 160
    for item in entries:
        path = CORPUS.parent / item["laid_path"]
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert digest == item["sha256"], path


@pytest.mark.parametrize("case", CASES)
def test_case_outcome(case: str, runs: dict[str, CaseRun]) -> None:
    run, entry = runs[case], EXPECTED[case]
    if entry["outcome"] == "refused":
        assert run.package is None, f"{case} generates, expected refused"
        assert run.errors == entry["errors"]
        return
    assert run.package is not None, "\n".join(run.errors)
    assert run.left_out == sorted(entry.get("left_out") or {})
    for workflow, reason in (entry.get("left_out") or {}).items():
        assert any(reason in w for w in run.warnings), (workflow, reason)
    module = run.module
    assert module is not None
    for loaded in [m for m in sys.modules if m.split(".")[0] == module]:
        del sys.modules[loaded]  # another case's package of the same name
    sys.path.insert(0, str(run.package))
    try:
        client = importlib.import_module(f"{module}.client")
    finally:
        sys.path.remove(str(run.package))
    sync = [
        c
        for _, c in inspect.getmembers(client, inspect.isclass)
        if c.__module__ == client.__name__ and c.__name__.endswith("Client")
    ]
    assert sync, "no client class"
    generated = {n for c in sync for n in dir(c) if n.startswith("run_")}
    kept = {w for w in _workflow_ids(run) if w not in (entry.get("left_out") or {})}
    assert {"run_" + naming.snake(w, default="workflow") for w in kept} <= generated


def _workflow_ids(run: CaseRun) -> list[str]:
    """The workflowIds of a case's entry Arazzo document."""
    from generator.discover import find_case
    from generator.load import Workspace

    case = find_case(CORPUS / run.case)
    assert case.arazzo is not None
    data = Workspace(CORPUS / run.case).load(case.arazzo).data
    return [w["workflowId"] for w in data["workflows"]]


def test_every_generated_package_passes_mypy_strict(runs: dict[str, CaseRun]) -> None:
    packages = [r for r in runs.values() if r.package is not None]
    assert packages
    # Two cases may generate packages of the same name: mypy sees one of each per run.
    groups: list[dict[str, Path]] = []
    for run in packages:
        assert run.module is not None and run.package is not None
        group = next((g for g in groups if run.module not in g), None)
        if group is None:
            group = {}
            groups.append(group)
        group[run.module] = run.package / run.module
    failures = []
    for group in groups:
        proc = subprocess.run(
            [sys.executable, "-m", "mypy", "--strict", "--no-incremental",
             *map(str, group.values())],
            capture_output=True,
            text=True,
        )  # fmt: skip
        if proc.returncode != 0:
            failures.append(proc.stdout[-4000:])
    assert not failures, "\n".join(failures)


RUNNABLE = sorted(name for name, e in EXPECTED.items() if e["outcome"] == "generates")


@pytest.mark.parametrize("case", RUNNABLE)
def test_workflows_run_end_to_end_against_a_stub_of_their_openapi(
    case: str, runs: dict[str, CaseRun]
) -> None:
    """The workflows outcomes.yaml lists under `runs` complete against a stub server answering
    from the case's OpenAPI examples and schemas (tests/corpus_public/stub.py); every other
    workflow fails for the reason given in `fails` (the published workflow disagrees with its
    own OpenAPI, e.g. it expects 200 where the API answers 201)."""
    from tests.corpus_public.e2e import run_workflows

    run, entry = runs[case], EXPECTED[case]
    assert run.package is not None and run.module is not None
    results = run_workflows(CORPUS / case, run.package, run.module)
    assert sorted(w for w, r in results.items() if r == "ok") == sorted(
        entry.get("runs") or []
    )
    for workflow, reason in (entry.get("fails") or {}).items():
        assert reason in results[workflow], (workflow, results[workflow])
