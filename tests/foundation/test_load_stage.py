"""The load stage reads every input of a case; nothing after it reads a file.

A case is loaded from a copy of its spec tree, the copy is deleted, and the rest of the pipeline
(build, the server part included, and render) still produces the package the tree generates.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.build import build
from generator.diagnostics import SpecError
from generator.discover import find_case
from generator.inputs import load_case
from generator.load import Workspace
from generator.pipeline import render
from tests.support.paths import CORPUS, PAYMENT_CALLBACK, SPECS

# Journeys whose server calls downstream APIs (spec.apis.*.openApiRef with $refs between
# files) and whose contracts $ref shared documents, plus the payment callback (bindings file).
CASES = [
    (SPECS, PAYMENT_CALLBACK),
    (CORPUS, CORPUS / "examples" / "business" / "b2b-purchase-order"),
    (CORPUS, CORPUS / "examples" / "business" / "daily-orders-batch-close"),
    (CORPUS, CORPUS / "examples" / "technical" / "http-chained-calls"),
]


def _files(tree: Path, case: Path) -> dict[str, str]:
    inputs = load_case(find_case(case), Workspace(tree))
    return render(build(inputs), models_text="").files


@pytest.mark.parametrize(("tree", "case"), CASES, ids=lambda v: Path(v).name)
def test_nothing_is_read_after_the_load_stage(
    tmp_path: Path, tree: Path, case: Path
) -> None:
    copy = tmp_path / "tree"
    shutil.copytree(tree, copy)
    copied_case = copy / case.relative_to(tree)
    inputs = load_case(find_case(copied_case), Workspace(copy))
    shutil.rmtree(copy)  # every input is gone: build and render work from memory
    files = render(build(inputs), models_text="").files
    assert files == _files(tree, case)
    assert any(path.endswith("/engine.py") for path in files)


def test_a_sealed_workspace_reads_nothing(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("a: 1\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("b: 1\n", encoding="utf-8")
    workspace = Workspace(tmp_path)
    workspace.preload(tmp_path / "a.yaml")
    workspace.preload(tmp_path / "missing.yaml")
    workspace.seal()
    assert workspace.load(tmp_path / "a.yaml").data == {"a": 1}
    with pytest.raises(SpecError, match="file not found"):
        workspace.load(tmp_path / "missing.yaml")
    with pytest.raises(RuntimeError, match="read after the load stage"):
        workspace.load(tmp_path / "b.yaml")


def test_an_unreadable_file_fails_where_it_is_needed(tmp_path: Path) -> None:
    """A file `$ref`ed but broken is reported by the stage that follows the `$ref`, located
    at the document's own error, as when it was read there."""
    (tmp_path / "main.yaml").write_text(
        "x:\n  $ref: broken.yaml#/a\n", encoding="utf-8"
    )
    (tmp_path / "broken.yaml").write_text("a: [1\n", encoding="utf-8")
    workspace = Workspace(tmp_path)
    main = workspace.load(tmp_path / "main.yaml")
    workspace.preload_ref(main, "broken.yaml#/a")
    workspace.seal()
    with pytest.raises(SpecError, match="malformed YAML") as raised:
        workspace.resolve(main, "broken.yaml#/a", "/x/$ref")
    assert "broken.yaml:2:1" in str(raised.value.diagnostics[0])
