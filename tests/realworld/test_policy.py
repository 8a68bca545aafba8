"""Input policy: an unambiguous deviation is a located warning and correct code; `--strict`
turns every warning into an error (exit 2, nothing written)."""

from __future__ import annotations

from pathlib import Path

from tests.realworld.support import generate

CASE_WARNING = (
    "opid-case-insensitive/flows.json:12:26: warning: step 'start' calls operationId "
    "'startsync', which matches 'startSync' only when case is ignored (operationIds are "
    "case-sensitive); calling 'startSync': write it so"
)


def test_a_unique_case_insensitive_operation_id_is_a_warning(tmp_path: Path) -> None:
    run = generate("opid-case-insensitive", tmp_path)
    assert run.code == 0, run.stderr
    assert run.lines("warning") == [CASE_WARNING]
    plan = (run.package() / "flows" / "client.py").read_text(encoding="utf-8")
    assert "_start_sync_spec(" in plan.split("_WORKFLOWS")[1]


def test_strict_makes_the_warning_an_error_and_writes_nothing(tmp_path: Path) -> None:
    run = generate("opid-case-insensitive", tmp_path / "out", "--strict")
    assert run.code == 2
    assert run.lines("error") == [CASE_WARNING.replace(": warning: ", ": error: ")]
    assert not (tmp_path / "out").exists()


def test_extensions_written_under_an_extensions_field_are_read_as_the_objects_own(
    tmp_path: Path,
) -> None:
    """`info: {extensions: {x-hugo: ...}}` (itarazzo's fixtures): the schema forbids the field,
    the meaning is unambiguous, so it is a located warning and x-hugo is info's own."""
    from generator.load import Workspace
    from generator.schema.validate import validate_arazzo

    case = tmp_path / "case"
    case.mkdir()
    (case / "api.openapi.yaml").write_text(
        "openapi: 3.1.0\ninfo: {title: A, version: '1'}\npaths:\n  /a:\n    get:\n"
        "      operationId: getA\n      responses: {'200': {description: ok}}\n",
        encoding="utf-8",
    )
    text = (
        "arazzo: 1.0.1\ninfo:\n  title: T\n  version: '1'\n  extensions:\n"
        "    x-hugo: {weight: 1}\nsourceDescriptions:\n"
        "  - {name: api, type: openapi, url: api.openapi.yaml}\nworkflows:\n"
        "  - workflowId: w\n    steps:\n      - stepId: a\n        operationId: getA\n"
    )
    (case / "flows.arazzo.yaml").write_text(text, encoding="utf-8")
    run = generate(case, tmp_path / "out")
    assert run.code == 0, run.stderr
    (warning,) = [w for w in run.lines("warning") if "extensions" in w]
    assert (
        ":6:5: warning: Arazzo: info.extensions: specification extensions are fields"
        in (warning)
    )
    assert "write x-hugo beside the other fields" in warning
    warnings: list[object] = []
    model = validate_arazzo(Workspace(case).load(case / "flows.arazzo.yaml"), warnings)
    assert model.info.extensions == {"x-hugo": {"weight": 1}}
    strict = generate(case, tmp_path / "strict", "--strict")
    assert strict.code == 2 and not (tmp_path / "strict").exists()
    # anything else under `extensions` is still an unknown field
    (case / "flows.arazzo.yaml").write_text(
        text.replace("x-hugo: {weight: 1}", "hugo: {weight: 1}"), encoding="utf-8"
    )
    bad = generate(case, tmp_path / "bad")
    assert bad.code == 2
    assert any(
        "unknown field 'extensions' at info.extensions" in e for e in bad.lines("error")
    )
