"""DSL §5.1: a body with GET is a validation error, also when the method comes from the
downstream operation an `operationRef` names (not only in the `method` + `url` form, which the
journey schema checks): every such call is reported at once, located at its `body`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.diagnostics import SpecError
from generator.format import Formatter
from generator.pipeline import generate
from tests.constructs.support import JOURNEYS

NAME = "dsl-http-call"


def test_a_body_on_an_operation_ref_get_is_a_located_error(tmp_path: Path) -> None:
    root = tmp_path / "specs"
    shutil.copytree(JOURNEYS, root)
    journey = root / "examples" / "technical" / NAME / f"{NAME}.journey.yaml"
    text = journey.read_text(encoding="utf-8")
    lines = []
    for ref in ("operationRef: shop.getItem", "operationRef: shop.getStock"):
        assert text.count(ref) == 1
        text = text.replace(ref, ref + '\n        body: { note: "x" }')
        lines.append(text[: text.index(ref)].count("\n") + 2)
    journey.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        generate(journey.parent, root=root, formatter=Formatter())
    found = [(d.location.line, d.message) for d in caught.value.diagnostics]
    assert found == [
        (
            lines[0],
            "httpCall:v1 body with a GET operation (shop.getItem is GET /items/{itemId})"
            " is a validation error (DSL §5.1); remove the body, or call an operation"
            " that takes a request body",
        ),
        (
            lines[1],
            "httpCall:v1 body with a GET operation (shop.getStock is GET"
            " /stock/{itemId}) is a validation error (DSL §5.1); remove the body, or call"
            " an operation that takes a request body",
        ),
    ]
    assert all(
        d.location.path.endswith(f"{NAME}.journey.yaml")
        for d in caught.value.diagnostics
    )
