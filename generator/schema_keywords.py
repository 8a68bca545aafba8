"""JSON Schema keywords as journeygen reads them: a schema site (document, pointer, value), the
keywords that pass through to the models (`x-` extensions and unknown keys never do), the
formats that become richer Python types, and the checks of keyword values the models could not
honour (a pattern that does not compile, a default that does not match its schema).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .diagnostics import error
from .load import Document, escape_pointer_token

_KEEP = (
    "type", "const", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
    "minLength", "maxLength", "pattern", "minItems", "maxItems", "uniqueItems", "minProperties",
    "maxProperties", "nullable", "description", "readOnly", "writeOnly", "deprecated", "default",
)  # fmt: skip
# Formats that become richer Python types; the rest stay plain strings (an `email` would need
# email-validator, a `uri` would reject the relative URLs journeys return).
_FORMATS: dict[str, frozenset[str]] = {
    **dict.fromkeys(
        ("date-time", "date", "time", "uuid", "binary"), frozenset({"string"})
    ),
    **dict.fromkeys(("int32", "int64"), frozenset({"integer"})),
    **dict.fromkeys(("float", "double"), frozenset({"number"})),
}


@dataclass
class Site:
    """A schema as found: the document holding it, its pointer, its raw value."""

    document: Document
    pointer: str
    value: Any


def canonical(schema: dict[str, Any]) -> str:
    body = {k: v for k, v in schema.items() if k not in ("description", "title")}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)


def child(site: Site, *tokens: str | int) -> Site:
    pointer, value = site.pointer, site.value
    for token in tokens:
        pointer += "/" + escape_pointer_token(str(token))
        value = value[token]
    return Site(site.document, pointer, value)


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
    "null": (type(None),),
}


def check_keywords(site: Site) -> None:
    """Refuse keyword values the models could not honour (they would fail on import or mypy)."""
    value = site.value
    pattern = value.get("pattern")
    if pattern is not None:
        _check_pattern(site, pattern)


def _check_pattern(site: Site, pattern: Any) -> None:
    from pydantic_core import SchemaError, SchemaValidator, core_schema

    where = site.document.location(site.pointer + "/pattern")
    if not isinstance(pattern, str):
        raise error(where, "'pattern' must be a string (a regular expression)")
    try:
        SchemaValidator(core_schema.str_schema(pattern=pattern))
    except SchemaError as exc:
        raise error(
            where,
            f"'pattern' {pattern!r} is not a valid regular expression ({exc}); fix it",
        ) from None


def check_default(site: Site, default: Any) -> None:
    value = site.value
    where = site.document.location(site.pointer + "/default")
    enum = value.get("enum")
    if isinstance(enum, list) and default not in enum:
        raise error(
            where,
            f"default {default!r} is not one of the enum values {enum!r}; fix the default",
        )
    kinds = value.get("type")
    names = (
        [kinds] if isinstance(kinds, str) else kinds if isinstance(kinds, list) else []
    )
    if value.get("nullable") is True:
        names = [*names, "null"]
    allowed = tuple(t for n in names for t in _JSON_TYPES.get(str(n), ()))
    if not allowed:
        return
    bad_bool = isinstance(default, bool) and bool not in allowed
    if not isinstance(default, allowed) or bad_bool:
        raise error(
            where,
            f"default {default!r} does not match the schema type {kinds!r}; fix the default",
        )


def is_object(value: Any) -> bool:
    """An object schema with declared properties: it gets a class of its own."""
    return isinstance(value, dict) and isinstance(value.get("properties"), dict)


def keep(value: dict[str, Any]) -> dict[str, Any]:
    result = {k: value[k] for k in _KEEP if k in value}
    for bound in ("Minimum", "Maximum"):
        # OpenAPI 3.0 (JSON Schema draft 4): `exclusiveMinimum: true` qualifies `minimum`;
        # the models are read as 2020-12, where it is the bound itself.
        flag = result.get(f"exclusive{bound}")
        if isinstance(flag, bool):
            del result[f"exclusive{bound}"]
            if flag and f"{bound.lower()}" in result:
                result[f"exclusive{bound}"] = result.pop(bound.lower())
    fmt = value.get("format")
    kinds = value.get("type")
    kinds = (
        {kinds}
        if isinstance(kinds, str)
        else set(kinds or ()) if isinstance(kinds, list) else set()
    )
    if (
        isinstance(fmt, str)
        and fmt in _FORMATS
        and (not kinds or kinds & _FORMATS[fmt])
    ):
        # a format of another type (`number` + `int32`) means nothing to the models
        result["format"] = fmt
    return result


def ref_annotations(value: dict[str, Any]) -> dict[str, Any]:
    return {k: value[k] for k in ("description",) if isinstance(value.get(k), str)}
