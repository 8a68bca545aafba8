"""Imports of generated modules are decided from data, never by searching generated text."""

from __future__ import annotations

from generator.naming import annotation_names


def test_handler_typing_imports_come_from_the_names_an_annotation_uses() -> None:
    assert annotation_names("Literal['Any', 'x']") == {"Literal"}
    assert annotation_names("dict[str, Any] | None") == {"dict", "str", "Any"}
