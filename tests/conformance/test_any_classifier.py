"""The `Any` classifier the conformance report relies on: it explains an `Any` only where the
spec really gives no type, and flags one where the spec gave a schema."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from tests.conformance import anys
from tests.conformance.spec import Located


def _reasons(
    annotation: str, schema: Any, file: Path = Path("x.yaml")
) -> list[str | None]:
    node = ast.parse(annotation, mode="eval").body
    return anys.classify(node, Located(file, schema))


@pytest.mark.parametrize(
    ("annotation", "schema", "expected"),
    [
        ("Any | None", {}, ["the spec gives the empty schema {}"]),
        (
            "Any",
            {"description": "whatever"},
            ["the spec gives a schema without a type (only annotations)"],
        ),
        ("dict[str, Any] | None", {"type": "object"}, [anys.FREE_FORM]),
        (
            "list[dict[str, Any]]",
            {"type": "array", "items": {"type": "object"}},
            [anys.FREE_FORM],
        ),
        ("list[Any]", {"type": "array"}, [anys.NO_ITEMS]),
        (
            "Annotated[dict[str, list[Any]], Field(alias='x')]",
            {"type": "object", "additionalProperties": {"type": "array", "items": {}}},
            ["the spec gives the empty schema {}"],
        ),
        ("str | None", {"type": "string"}, []),
    ],
)
def test_an_any_the_spec_leaves_untyped_is_explained(
    annotation: str, schema: Any, expected: list[str | None]
) -> None:
    assert _reasons(annotation, schema) == expected


@pytest.mark.parametrize(
    ("annotation", "schema"),
    [
        ("Any | None", {"type": "string"}),
        ("Any", {"$ref": "#/components/schemas/X"}),
        ("dict[str, Any]", {"type": "object", "properties": {"a": {"type": "string"}}}),
        (
            "dict[str, Any]",
            {"type": "object", "additionalProperties": {"type": "integer"}},
        ),
        ("list[Any]", {"type": "array", "items": {"type": "string"}}),
        ("int | Any", {"oneOf": [{"type": "integer"}, {"type": "string"}]}),
    ],
)
def test_an_any_where_the_spec_gave_a_type_is_unexplained(
    annotation: str, schema: Any, tmp_path: Path
) -> None:
    doc = tmp_path / "api.yaml"  # what a $ref in the schema points at
    doc.write_text("components: {schemas: {X: {type: string}}}\n", encoding="utf-8")
    assert None in _reasons(annotation, schema, doc)
