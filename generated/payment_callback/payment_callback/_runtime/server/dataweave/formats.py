"""`read`/`write` of the formats other than JSON and text that make sense for JSON values:
CSV (`application/csv`, `text/csv`), `application/x-www-form-urlencoded`, Java properties
(`text/x-java-properties`) and XML as elements (`application/xml`: attributes and namespaces
are dropped on reading, as DataWeave's JSON output drops them), with DataWeave's defaults.
DataWeave's own format, binary and multipart are refused with the reason."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ElementTree
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote_plus, unquote_plus
from xml.sax.saxutils import escape as xml_escape

from .sources import _SOURCES
from .values import DataWeaveRuntimeError, _fail, obj, pairs_of, to_string

CSV_TYPES = ("application/csv", "text/csv", "csv")
URLENCODED_TYPES = ("application/x-www-form-urlencoded", "urlencoded")
PROPERTIES_TYPES = ("text/x-java-properties", "properties")
XML_TYPES = ("application/xml", "text/xml", "xml")
REFUSED = {
    "application/dw": "DataWeave's own format is for debugging, not for journeys",
    "application/octet-stream": "binary values do not exist in JSON",
    "multipart/form-data": "multipart bodies are binary parts, not JSON values",
}
_CSV_OPTIONS = frozenset({"header", "separator", "quote", "escape"})


def _csv_options(
    options: Mapping[str, Any], operation: str
) -> tuple[bool, str, str, str]:
    unknown = sorted(set(options) - _CSV_OPTIONS)
    if unknown:
        raise DataWeaveRuntimeError(
            f"{operation}: CSV option `{unknown[0]}` is not supported "
            f"(supported: {', '.join(sorted(_CSV_OPTIONS))})"
        )
    header = options.get("header", True)
    chars = [str(options.get(n, d)) for n, d in (("separator", ","), ("quote", '"'))]
    escape = str(options.get("escape", "\\"))
    if header not in (True, False) or any(len(c) != 1 for c in (*chars, escape)):
        raise DataWeaveRuntimeError(
            f"{operation}: CSV `header` is true or false; `separator`, `quote` and `escape` "
            "are one character each"
        )
    return bool(header), chars[0], chars[1], escape


def read_csv(source: str, options: Mapping[str, Any]) -> list[Any]:
    """CSV text as an array of objects of strings (`column_N` keys without a header)."""
    header, separator, quote, escape = _csv_options(options, "read")
    rows = [
        row
        for row in csv.reader(
            io.StringIO(source), delimiter=separator, quotechar=quote, escapechar=escape
        )
        if row
    ]
    if header:
        names, rows = (rows[0], rows[1:]) if rows else ([], [])
    else:
        names = [f"column_{i}" for i in range(max((len(r) for r in rows), default=0))]
    return [obj(list(zip(names, row, strict=False))) for row in rows]


def _csv_cell(value: Any, separator: str, quote: str, escape: str) -> str:
    if value is None:
        return ""
    if isinstance(value, Mapping | list | tuple):
        raise _fail("write as CSV", value)
    text = to_string(value)
    for char in dict.fromkeys((escape, separator, quote, "\n")):
        text = text.replace(char, escape + char)
    return text


def write_csv(value: Any, options: Mapping[str, Any]) -> str:
    """An array of objects (or one object) as CSV: the first object's keys are the header."""
    header, separator, quote, escape = _csv_options(options, "write")
    rows = [value] if isinstance(value, Mapping) else value
    if not isinstance(rows, list | tuple) or not all(
        isinstance(r, Mapping) for r in rows
    ):
        raise _fail("write as CSV", value)
    if not rows:
        return ""
    lines = []
    if header:
        lines.append(
            separator.join(_csv_cell(k, separator, quote, escape) for k in rows[0])
        )
    for row in rows:
        cells = [_csv_cell(v, separator, quote, escape) for _, v in pairs_of(row)]
        lines.append(separator.join(cells))
    return "".join(line + "\n" for line in lines)


def read_urlencoded(source: str) -> Any:
    """`a=1&b=x+y` as an object of strings (a repeated key repeats; `a` alone is null)."""
    pairs: list[tuple[str, Any]] = []
    for part in source.split("&"):
        if not part:
            continue
        key, sep, text = part.partition("=")
        pairs.append((unquote_plus(key), unquote_plus(text) if sep else None))
    return obj(pairs)


def write_urlencoded(value: Any) -> str:
    """An object as `a=1&b=x+y` (an array value repeats its key, null writes the key)."""
    if not isinstance(value, Mapping):
        raise _fail("write as urlencoded", value)
    parts: list[str] = []
    for key, item in pairs_of(value):
        for one in item if isinstance(item, list | tuple) else [item]:
            if one is None:
                parts.append(quote_plus(key))
            elif isinstance(one, Mapping | list | tuple):
                raise _fail("write as urlencoded", one)
            else:
                parts.append(f"{quote_plus(key)}={quote_plus(to_string(one))}")
    return "&".join(parts)


def read_properties(source: str) -> Any:
    """Java properties (`key=value` or `key: value`, `#`/`!` comments) as an object."""
    pairs: list[tuple[str, Any]] = []
    for raw in source.splitlines():
        line = raw.strip()
        if not line or line[0] in "#!":
            continue
        cut = min(
            (at for at in (line.find("="), line.find(":")) if at >= 0), default=-1
        )
        if cut < 0:
            pairs.append((line, ""))
        else:
            pairs.append((line[:cut].rstrip(), line[cut + 1 :].lstrip()))
    return obj(pairs)


def write_properties(value: Any) -> str:
    """An object as Java properties, after the date comment Java writes."""
    if not isinstance(value, Mapping):
        raise _fail("write as properties", value)
    moment = _SOURCES["now"]()
    lines = [moment.strftime("#%a %b %d %H:%M:%S UTC %Y")]
    for key, item in pairs_of(value):
        if isinstance(item, Mapping | list | tuple):
            raise _fail("write as properties", item)
        lines.append(f"{key}={'' if item is None else to_string(item)}")
    return "".join(line + "\n" for line in lines)


def read_xml(source: str) -> Any:
    """XML as DataWeave's JSON output shows it: `{root: ...}`, an element with children an
    object (text beside children under `__text`), a leaf its text, an empty element null.
    """
    if "<!DOCTYPE" in source or "<!ENTITY" in source:
        raise DataWeaveRuntimeError("read: XML with a DOCTYPE or entities is not read")
    try:
        # DOCTYPE and entities are refused above, which is what makes XML unsafe to parse.
        root = ElementTree.fromstring(source)  # noqa: S314
    except ElementTree.ParseError as exc:
        raise DataWeaveRuntimeError(f"read: invalid XML: {exc}") from None
    return obj([(_local(root.tag), _xml_content(root))])


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _xml_content(element: ElementTree.Element) -> Any:
    children = list(element)
    if not children:
        return element.text
    pairs: list[tuple[str, Any]] = [(_local(c.tag), _xml_content(c)) for c in children]
    if element.text and element.text.strip():
        pairs.insert(0, ("__text", element.text))
    return obj(pairs)


def write_xml(value: Any, options: Mapping[str, Any]) -> str:
    """An object of one key as an XML document (indented unless `indent: false`)."""
    pairs = pairs_of(value) if isinstance(value, Mapping) else None
    if not pairs or len(pairs) != 1:
        raise DataWeaveRuntimeError(
            "write: XML needs an object with exactly one key, the root element"
        )
    indent = "  " if options.get("indent", True) is not False else ""
    lines = _xml_elements(pairs[0][0], pairs[0][1], indent, "")
    declaration = "<?xml version='1.0' encoding='UTF-8'?>"
    return declaration + ("\n" if indent else "") + ("\n" if indent else "").join(lines)


def _xml_elements(key: str, value: Any, indent: str, margin: str) -> list[str]:
    if isinstance(value, list | tuple) and value:
        return [
            line for item in value for line in _xml_elements(key, item, indent, margin)
        ]
    if value is None or (isinstance(value, Mapping | list | tuple) and not value):
        return [f"{margin}<{key}/>"]
    if isinstance(value, Mapping):
        inner = [
            line
            for k, v in pairs_of(value)
            for line in _xml_elements(k, v, indent, margin + indent)
        ]
        return [f"{margin}<{key}>", *inner, f"{margin}</{key}>"]
    return [f"{margin}<{key}>{xml_escape(to_string(value))}</{key}>"]
