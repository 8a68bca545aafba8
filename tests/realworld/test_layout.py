"""Cases as people lay them out: documents found by content, JSON read with positions,
sources anywhere inside the spec tree (and refused, with the right message, outside it).
"""

from __future__ import annotations

from pathlib import Path

from generator.diagnostics import SpecError
from generator.discover import find_case, kind_of
from generator.load import parse_text
from tests.realworld.support import CASES, generate


def test_json_documents_with_surrogate_pair_escapes_generate(tmp_path: Path) -> None:
    run = generate("json-case", tmp_path)
    assert run.code == 0, run.stderr
    assert run.stderr == ""
    client = run.module()
    assert hasattr(client.FlowsClient, "run_start_one")
    models = (run.package() / "flows" / "models.py").read_text(encoding="utf-8")
    assert "the sync \U0001f504 id" in models


def test_documents_are_recognised_by_content_not_by_name() -> None:
    case = find_case(CASES / "json-case")
    assert case.arazzo == CASES / "json-case" / "flows.json"
    assert kind_of(CASES / "json-case" / "service.json") == "openapi"
    assert kind_of(CASES / "layout" / "flows" / "pet-flows.yaml") == "arazzo"


def test_json_positions_are_line_and_column() -> None:
    text = '{\n  "a": {"b": [1, {"c": "\\ud83d\\udd04"}]},\n  "d~/e": null\n}'
    doc = parse_text(text, "t.json", Path("t.json"))
    assert doc.data == {"a": {"b": [1, {"c": "\U0001f504"}]}, "d~/e": None}
    assert str(doc.location("/a/b/1/c")) == "t.json:2:24"
    assert str(doc.location("/d~0~1e")) == "t.json:3:11"


def test_a_json_error_is_located_in_the_json_file_with_the_nearest_name(
    tmp_path: Path,
) -> None:
    run = generate("json-bad-operation", tmp_path, "--strict")
    assert run.code == 2
    assert run.lines("error") == [
        "json-bad-operation/flows.json:12:26: error: step 'start' calls unknown "
        "operationId 'startSynk'; it must match an operationId of the source's OpenAPI "
        "document; did you mean 'startSync'?; workflow 'start-one' is left out of the "
        "package (everything else is generated)"
    ]


def test_bad_json_is_a_located_error(tmp_path: Path) -> None:
    for text, expected in [
        (
            '{"openapi": "3.1.0", "openapi": "3.0.0"}',
            "t.json:1:22: error: duplicate key",
        ),
        ('{"openapi": [1,}', "t.json:1:16: error: malformed JSON"),
        ('{"openapi": "\\ud83d"}', "t.json:1:13: error: this string holds a lone"),
        ("[" * 300 + "]" * 300, "t.json:1:201: error: the document nests more than"),
    ]:
        try:
            parse_text(text, "t.json", Path("t.json"))
        except SpecError as exc:
            assert str(exc).startswith(expected), exc
        else:
            raise AssertionError(f"accepted {text[:30]!r}")


def test_a_source_in_a_sibling_folder_of_the_spec_tree_is_found(tmp_path: Path) -> None:
    # layout/ holds openapi/, so it is the spec tree of the case layout/flows.
    run = generate(CASES / "layout" / "flows", tmp_path)
    assert run.code == 0, run.stderr
    client = run.module()
    assert hasattr(client.PetFlowsClient, "list_pets")
    assert hasattr(client.PetFlowsClient, "run_list")


def test_a_source_outside_the_spec_tree_is_refused_saying_so(tmp_path: Path) -> None:
    run = generate(CASES / "outside-tree" / "case", tmp_path)
    assert run.code == 2
    (line,) = run.lines("error")
    assert line.startswith(
        "outside-tree/case/pet-flows.yaml:4:23: error: sourceDescription url "
        "'../pets.yaml' leaves the spec tree"
    ), line
    assert not tmp_path.exists() or not any(tmp_path.iterdir())
