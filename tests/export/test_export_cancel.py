"""The canonical cancel step (DSL §2.7) in the exported contract and the generated client.

`journeygen export` lists `POST /journeys/{journeyId}/steps/cancel` (`<camelName>_cancel`) for a
journey declaring `spec.lifecycle.cancellable: true`; a journey leaving `cancellable` out (the
whole corpus, whose published contracts have no cancel operation) or declaring `false` exports
as before. A hand-written contract of a declared-cancellable journey that lacks the operation is
a located warning at the declaration (the client then has no `cancel()`); one that lists it for a
journey cancellable by default is not warned about (its server serves the step), one that lists
it for `cancellable: false` is (no such endpoint). The calls over
real HTTP are in tests/server/test_server_lifecycle.py.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from generator.cli import main
from generator.export import export_journey
from generator.pipeline import generate
from tests.export.compare_corpus import CORPUS
from tests.support.engine import JOURNEYS

LIFECYCLE = JOURNEYS / "examples/technical/engine-lifecycle"
CLOSED = JOURNEYS / "examples/technical/engine-lifecycle-closed"
CANCEL = "/journeys/{journeyId}/steps/cancel"


def test_a_declared_cancellable_journey_exports_the_cancel_step() -> None:
    exported = export_journey(
        LIFECYCLE / "engine-lifecycle.journey.yaml", root=JOURNEYS
    )
    operation = exported.openapi["paths"][CANCEL]["post"]
    assert operation["operationId"] == "engineLifecycle_cancel"
    assert "requestBody" not in operation  # the server reads none
    assert [p["name"] for p in operation["parameters"]] == ["journeyId"]
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/JourneyStatus"}
    assert set(operation["responses"]) == {"200", "404"}


def test_journeys_not_declaring_cancellable_true_export_no_cancel_step() -> None:
    closed = export_journey(
        CLOSED / "engine-lifecycle-closed.journey.yaml", root=JOURNEYS
    )
    assert CANCEL not in closed.openapi["paths"]  # cancellable: false
    default = export_journey(
        CORPUS / "examples/technical/wait-approval/wait-approval.journey.yaml",
        root=CORPUS,
    )
    assert CANCEL not in default.openapi["paths"]  # cancellable left out


def _lifecycle_copy(tmp_path: Path, drop_cancel: bool) -> tuple[Path, Path]:
    root = tmp_path / "journeys"
    shutil.copytree(JOURNEYS, root)
    case = root / "examples/technical/engine-lifecycle"
    contract = case / "engine-lifecycle.openapi.yaml"
    text = contract.read_text(encoding="utf-8")
    if drop_cancel:
        start = text.index("  /journeys/{journeyId}/steps/cancel:\n")
        end = text.index("  /journeys/{journeyId}/result:\n")
        contract.write_text(text[:start] + text[end:], encoding="utf-8")
    return root, case


def test_the_client_gets_a_typed_cancel_from_the_contract(tmp_path: Path) -> None:
    root, case = _lifecycle_copy(tmp_path, drop_cancel=False)
    result = generate(case, root=root)
    client = result.files["engine_lifecycle/engine_lifecycle/client.py"]
    assert client.count("def cancel(") == 4  # raw and plain, sync and async
    assert ") -> JourneyStatus:" in client.split("def cancel(", 2)[2]
    readme = result.files["engine_lifecycle/README.md"]
    assert "| `cancel()` | `POST /api/v1/journeys/{journeyId}/steps/cancel` |" in readme
    assert not [w for w in result.warnings if "cancel" in w.message]


def test_a_contract_lacking_the_declared_cancel_step_is_a_located_warning(
    tmp_path: Path,
) -> None:
    root, case = _lifecycle_copy(tmp_path, drop_cancel=True)
    result = generate(case, root=root)
    (warning,) = [w for w in result.warnings if "steps/cancel" in w.message]
    journey = case / "engine-lifecycle.journey.yaml"
    lines = journey.read_text(encoding="utf-8").splitlines()
    assert warning.location.path.endswith("engine-lifecycle.journey.yaml")
    assert lines[warning.location.line - 1].strip() == "cancellable: true"
    assert "generated client has no cancel()" in warning.message
    assert (
        "def cancel(" not in result.files["engine_lifecycle/engine_lifecycle/client.py"]
    )
    out, err = io.StringIO(), io.StringIO()
    args = [
        "generate",
        "--strict",
        "--no-cache",
        "--out",
        str(tmp_path / "out"),
        str(case),
    ]
    assert main(args, stdout=out, stderr=err) == 2
    assert "steps/cancel" in err.getvalue() and not (tmp_path / "out").exists()


def test_a_listed_cancel_step_of_a_default_cancellable_journey_is_not_warned(
    tmp_path: Path,
) -> None:
    root = tmp_path / "journeyforge"
    shutil.copytree(CORPUS, root)
    case = root / "examples/technical/wait-approval"
    contract = case / "wait-approval.openapi.yaml"
    text = contract.read_text(encoding="utf-8")
    step = (
        "  /journeys/{journeyId}/steps/cancel:\n    post:\n"
        "      operationId: waitApproval_cancel\n      parameters:\n"
        "        - {in: path, name: journeyId, required: true, schema: {type: string}}\n"
        "      responses:\n        '200':\n          description: Status\n"
    )
    contract.write_text(
        text.replace("paths:\n", "paths:\n" + step, 1), encoding="utf-8"
    )
    result = generate(case, root=root)
    assert not [w for w in result.warnings if "cancel" in w.message], result.warnings
    assert "def cancel(" in result.files["wait_approval/wait_approval/client.py"]


def test_export_cli_prints_the_cancel_operation() -> None:
    out, err = io.StringIO(), io.StringIO()
    journey = str(LIFECYCLE / "engine-lifecycle.journey.yaml")
    assert main(["export", "--stdout", journey], stdout=out, stderr=err) == 0, err
    assert "operationId: engineLifecycle_cancel" in out.getvalue()


def test_a_listed_cancel_step_of_a_not_cancellable_journey_is_warned(
    tmp_path: Path,
) -> None:
    root = tmp_path / "journeys"
    shutil.copytree(JOURNEYS, root)
    case = root / "examples/technical/engine-lifecycle-closed"
    contract = case / "engine-lifecycle-closed.openapi.yaml"
    step = (
        "  /journeys/{journeyId}/steps/cancel:\n    post:\n"
        "      operationId: x_cancel\n      parameters:\n"
        "        - {in: path, name: journeyId, required: true, schema: {type: string}}\n"
        "      responses:\n        '200':\n          description: Status\n"
    )
    text = contract.read_text(encoding="utf-8")
    contract.write_text(
        text.replace("paths:\n", "paths:\n" + step, 1), encoding="utf-8"
    )
    messages = [w.message for w in generate(case, root=root).warnings]
    assert any(
        "`POST /journeys/{journeyId}/steps/cancel` is not an endpoint" in m
        for m in messages
    ), messages
