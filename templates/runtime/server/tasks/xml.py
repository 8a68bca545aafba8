"""xmlDecode:v1 (DSL §5.3): an XML string held in the context, decoded into a JSON value.

The mapping, the same for every run:

- the document is an object with one key, the root element's name: `<a>1</a>` is `{"a": "1"}`;
- an element with neither attributes nor child elements is its text as written (a
  string, never a number: `<n>01</n>` stays `"01"`), or null when it has no text (`<a/>`);
- any other element is an object: each attribute as `"@name"`, each child element under its
  name, and its text, when there is some besides whitespace, as `"#text"` (the pieces between
  children joined, stripped);
- children of the same name become a list in document order, only when the name repeats
  (one `<item>` is a value, two are a list of two);
- names lose their namespace (`<x:a xmlns:x="urn:x">` is `a`); `xmlns` declarations are not
  attributes.

Decoding refuses any document type declaration (`<!DOCTYPE`): no entity is ever declared, so
none is expanded (no entity bombs, no external entities); the five predefined entities and
character references are read as usual.
"""

from __future__ import annotations

import xml.parsers.expat
from typing import Any
from xml.etree.ElementTree import Element, TreeBuilder

from ..results import Fail

__all__ = [
    "PARSE_ERROR",
    "SOURCE_INVALID",
    "XmlDecodeError",
    "decode_xml",
    "xml_decode",
]

PARSE_ERROR = "urn:xml-decode:parse-error"
SOURCE_INVALID = "urn:xml-decode:source-invalid"


class XmlDecodeError(ValueError):
    """The text is not a well-formed XML document journeys may decode."""


def _local(name: str) -> str:
    """`uri local` (expat's namespace form) -> `local`."""
    return name.rpartition(" ")[2]


def _parse(text: str) -> Element:
    builder = TreeBuilder()
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")

    def doctype(*_: Any) -> None:
        raise XmlDecodeError(
            "a document type declaration (<!DOCTYPE) is refused: entities are not expanded"
        )

    def start(tag: str, attributes: dict[str, str]) -> None:
        builder.start(_local(tag), {_local(k): v for k, v in attributes.items()})

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.StartElementHandler = start
    parser.EndElementHandler = lambda tag: builder.end(_local(tag))
    parser.CharacterDataHandler = builder.data
    parser.buffer_text = True
    try:
        parser.Parse(text, True)
    except xml.parsers.expat.ExpatError as exc:
        raise XmlDecodeError(
            f"{xml.parsers.expat.errors.messages[exc.code]}"
            f" at line {exc.lineno}, column {exc.offset + 1}"
        ) from None
    return builder.close()


def _value(element: Element) -> Any:
    children = list(element)
    if not children and not element.attrib:
        return element.text if element.text else None
    found: dict[str, Any] = {f"@{k}": v for k, v in element.attrib.items()}
    repeated = _repeated(children)
    pieces = [element.text or ""]
    for child in children:
        value = _value(child)
        if child.tag in repeated:
            found.setdefault(child.tag, []).append(value)
        else:
            found[child.tag] = value
        pieces.append(child.tail or "")
    text = "".join(pieces).strip()
    if text:
        found["#text"] = text
    return found


def _repeated(children: list[Element]) -> set[str]:
    """The names that more than one of the children have."""
    seen: set[str] = set()
    twice: set[str] = set()
    for child in children:
        (twice if child.tag in seen else seen).add(child.tag)
    return twice


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return "an array" if isinstance(value, list) else "an object"


def decode_xml(text: str) -> dict[str, Any]:
    """The JSON value of an XML document (see the module's mapping); XmlDecodeError if not."""
    root = _parse(text)
    return {root.tag: _value(root)}


def xml_decode(context: dict[str, Any], source_var: str) -> dict[str, Any] | Fail:
    """xmlDecode:v1: the decoded `context.<sourceVar>`, or the task's failure."""
    if source_var not in context:
        return Fail(
            SOURCE_INVALID, f"context.{source_var} is absent (no XML to decode)"
        )
    text = context[source_var]
    if not isinstance(text, str):
        return Fail(
            SOURCE_INVALID,
            f"context.{source_var} must be an XML string, got {_json_type(text)}",
        )
    try:
        return decode_xml(text)
    except XmlDecodeError as exc:
        return Fail(PARSE_ERROR, f"context.{source_var} is not decodable XML: {exc}")
