"""`journeygen export`: a journey's contract and workflows derived by the JourneyForge export
rules, checked against every published corpus contract; journey-only case folders; the
cross-check of a hand-written contract."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
import yaml

from generator.cli import main
from generator.export import export_journey
from generator.pipeline import generate
from tests.export.compare_corpus import (
    CORPUS,
    KNOWN,
    contract_differences,
    corpus_journeys,
)

KNOWN_DIFFERENCES = yaml.safe_load(KNOWN.read_text(encoding="utf-8"))
WAIT_APPROVAL = CORPUS / "examples/technical/wait-approval"


def _run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("journey", corpus_journeys(), ids=lambda p: p.parent.name)
def test_derived_contract_matches_the_published_one_up_to_listed_differences(
    journey: Path,
) -> None:
    known = KNOWN_DIFFERENCES.get(journey.parent.name, {})
    assert contract_differences(journey) == known.get("differences", []), (
        "refresh tests/export/known_differences.yaml with "
        "`python -m tests.export.compare_corpus` and give the reason"
    )


def test_every_listed_difference_says_which_side_is_wrong() -> None:
    assert len(corpus_journeys()) == 42
    identical = 42 - len(KNOWN_DIFFERENCES)
    # the derived contract equals 19 published ones exactly (business-hours-payment-
    # authorization's published start answers an outcome its timer never lets it give)
    assert identical >= 19
    for name, entry in KNOWN_DIFFERENCES.items():
        assert entry["reason"] and "TODO" not in entry["reason"], name


@pytest.mark.parametrize("journey", corpus_journeys(), ids=lambda p: p.parent.name)
def test_derived_workflow_follows_the_arazzo_export_rules(journey: Path) -> None:
    exported = export_journey(journey, root=CORPUS)
    name = exported.name
    assert exported.arazzo is not None
    (workflow,) = exported.arazzo["workflows"]
    assert workflow["workflowId"] == f"{name}-happy-path"
    operation_ids = {
        op["operationId"]
        for item in exported.openapi["paths"].values()
        for op in item.values()
    }
    steps = workflow["steps"]
    assert all(step["operationId"] in operation_ids for step in steps)
    assert steps[0]["operationId"].endswith("_start")
    assert steps[-1]["operationId"].endswith("_getResult")
    # Every client step the derived workflow posts is one the journey waits for (a wait
    # state); webhooks are another party's calls (the Arazzo export rules).
    definition = yaml.safe_load(journey.read_text(encoding="utf-8"))
    waits = [
        state_id
        for state_id, state in definition["spec"]["states"].items()
        if state.get("type") == "wait"
    ]
    posted = [s["operationId"] for s in steps[1:] if "requestBody" in s]
    prefix = steps[0]["operationId"].removesuffix("_start")
    assert set(posted) >= {f"{prefix}_{state_id}" for state_id in waits}
    assert not any(
        s["operationId"] == f"{prefix}_{state_id}"
        for s in steps
        for state_id, state in definition["spec"]["states"].items()
        if state.get("type") == "webhook"
    )


def test_export_writes_both_documents_and_never_overwrites_silently(
    tmp_path: Path,
) -> None:
    journey = WAIT_APPROVAL / "wait-approval.journey.yaml"
    code, stdout, _ = _run("export", str(journey), "--out", str(tmp_path))
    assert code == 0 and "wait-approval.openapi.yaml" in stdout
    contract = yaml.safe_load((tmp_path / "wait-approval.openapi.yaml").read_text())
    assert "/journeys/{journeyId}/steps/waitForApproval" in contract["paths"]
    arazzo = yaml.safe_load((tmp_path / "wait-approval.arazzo.yaml").read_text())
    assert arazzo["sourceDescriptions"][0]["url"] == "wait-approval.openapi.yaml"
    (tmp_path / "wait-approval.openapi.yaml").write_text("hand edit\n")
    code, _, stderr = _run("export", str(journey), "--out", str(tmp_path))
    assert code == 2 and "--force" in stderr
    assert (tmp_path / "wait-approval.openapi.yaml").read_text() == "hand edit\n"
    assert _run("export", str(journey), "--out", str(tmp_path), "--force")[0] == 0
    text = (tmp_path / "wait-approval.openapi.yaml").read_text()
    refs = re.findall(r"\$ref: (\S+)", text)
    assert refs and all(r.strip("'\"").startswith("#/") for r in refs)  # self-contained


def test_export_is_deterministic() -> None:
    journey = WAIT_APPROVAL / "wait-approval.journey.yaml"
    first = export_journey(journey, root=CORPUS).files
    assert export_journey(journey, root=CORPUS).files == first


def test_an_invalid_journey_is_a_located_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.journey.yaml"
    bad.write_text("apiVersion: v1\nkind: Jorney\nmetadata: {}\nspec: {}\n")
    code, _, stderr = _run("export", str(bad), "--stdout")
    assert code == 2
    assert ":2:7: error: kind is 'Jorney'; write `kind: Journey`" in stderr
    assert "metadata.name is missing" in stderr and "spec.states" in stderr


@pytest.fixture(scope="module")
def journey_only(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the corpus tree in which wait-approval keeps only its journey definition."""
    root = tmp_path_factory.mktemp("journey-only") / "journeyforge"
    shutil.copytree(CORPUS, root)
    case = root / "examples/technical/wait-approval"
    for path in case.glob("*.openapi.yaml"):
        path.unlink()
    for path in case.glob("*.arazzo.yaml"):
        path.unlink()
    return case


def test_a_folder_holding_only_a_journey_generates(journey_only: Path) -> None:
    result = generate(journey_only, root=journey_only.parents[2])
    client = result.files["wait_approval/wait_approval/client.py"]
    assert "def run_wait_approval_happy_path(" in client
    assert "def wait_for_approval(" in client  # the derived step operation
    assert not [w for w in result.warnings if "derives" in w.message]


def test_a_hand_written_contract_that_drifts_is_warned_about(tmp_path: Path) -> None:
    root = tmp_path / "journeyforge"
    shutil.copytree(CORPUS, root)
    case = root / "examples/technical/wait-approval"
    contract = case / "wait-approval.openapi.yaml"
    contract.write_text(
        contract.read_text().replace(
            "/journeys/wait-approval/start", "/journeys/wait-aproval/start"
        )
    )
    messages = [w.message for w in generate(case, root=root).warnings]
    assert any(
        "derives `POST /journeys/wait-approval/start`" in m for m in messages
    ), messages
    assert any(
        "`POST /journeys/wait-aproval/start` is not an endpoint" in m
        and "did you mean `POST /journeys/wait-approval/start`" in m
        for m in messages
    ), messages
