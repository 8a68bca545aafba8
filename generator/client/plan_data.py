"""Data the client's workflow plans read besides the compiled steps: the `$components` and
`$sourceDescriptions` literals of an Arazzo document."""

from __future__ import annotations

from ..encode import py_literal
from ..schema.arazzo import ArazzoDocument


def components_literal(doc: ArazzoDocument | None) -> str:
    """`$components` data as a Python literal (spec strings through py_literal)."""
    if doc is None or doc.components is None:
        return "{}"
    return py_literal(
        doc.components.model_dump(mode="json", by_alias=True, exclude_none=True)
    )


def sources_literal(doc: ArazzoDocument | None) -> str:
    """`$sourceDescriptions` data as a Python literal."""
    if doc is None:
        return "{}"
    data = {
        s.name: s.model_dump(mode="json", by_alias=True, exclude_none=True)
        for s in doc.sourceDescriptions
    }
    return py_literal(data)
