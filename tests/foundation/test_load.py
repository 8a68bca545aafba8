"""Loading YAML and resolving $refs: what a user sees for good and bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.diagnostics import SpecError
from generator.load import Workspace, parse_yaml


def _parse(text: str) -> object:
    return parse_yaml(text, "t.yaml", Path("t.yaml")).data


def test_yaml_1_2_core_schema_no_1_1_coercions() -> None:
    data = _parse("a: yes\nb: 012\nc: 1.10\nd: on\ne: '1.10'\nf: 0x1f\ng: ~\n")
    assert data == {
        "a": "yes",
        "b": 12,
        "c": 1.1,
        "d": "on",
        "e": "1.10",
        "f": 31,
        "g": None,
    }


def test_positions_are_recorded_per_pointer() -> None:
    doc = parse_yaml("a:\n  b:\n    - x\n    - y: 1\n", "t.yaml", Path("t.yaml"))
    assert str(doc.location("/a/b/1/y")) == "t.yaml:4:10"
    assert str(doc.location("/a/b/7/missing")) == "t.yaml:3:5"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 1\na: 2\n", "t.yaml:2:1: error: duplicate key 'a'"),
        ("a: [1\n", "t.yaml:2:1: error: malformed YAML"),
        ("a: !!python/object:os.system x\n", "t.yaml:1:4: error: unsupported YAML tag"),
        ("", "t.yaml:1:1: error: the document is empty"),
    ],
)
def test_bad_yaml_is_a_located_error(text: str, expected: str) -> None:
    with pytest.raises(SpecError) as caught:
        _parse(text)
    assert str(caught.value).startswith(expected)


def test_alias_bomb_is_refused() -> None:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 9):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    with pytest.raises(SpecError, match="alias bomb"):
        _parse("\n".join(lines) + "\n")


def _tree(tmp_path: Path, files: dict[str, str]) -> Workspace:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return Workspace(tmp_path / "root")


def test_relative_ref_resolves_inside_tree(tmp_path: Path) -> None:
    ws = _tree(
        tmp_path, {"root/a/doc.yaml": "x: 1\n", "root/shared.yaml": "s:\n  v: 2\n"}
    )
    doc = ws.load(tmp_path / "root/a/doc.yaml")
    assert ws.resolve(doc, "../shared.yaml#/s/v", "/x").value == 2


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("http://example.com/x.yaml#/a", "uses a URL"),
        ("file:///etc/passwd", "uses a URL"),
        ("/etc/passwd", "absolute path"),
        ("../../outside.yaml#/a", "leaves the spec tree"),
        ("missing.yaml#/a", "file not found"),
        ("#/nope", "dangling $ref"),
        ("#nope", "JSON Pointer"),
    ],
)
def test_refused_refs_name_the_problem(tmp_path: Path, ref: str, message: str) -> None:
    ws = _tree(
        tmp_path,
        {"root/a/doc.yaml": f"x:\n  $ref: '{ref}'\n", "outside.yaml": "a: 1\n"},
    )
    doc = ws.load(tmp_path / "root/a/doc.yaml")
    with pytest.raises(SpecError) as caught:
        ws.resolve(doc, ref, "/x/$ref")
    assert message in str(caught.value)
    assert ":2:" in str(caught.value)  # the line of the $ref in doc.yaml
