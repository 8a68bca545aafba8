"""Media types and schema annotations of operation bodies and responses."""

from __future__ import annotations

from typing import Any

from ..ir import MediaKind
from ..schemas import REF_PREFIX

# Python types of request bodies that are sent as written and of non-JSON responses.
RAW_TYPES = {"text": "str", "binary": "bytes | _IO[bytes]"}
RAW_RESPONSE = {"text": "str", "binary": "bytes"}


def media_kind(media: str) -> MediaKind:
    """How a body of this media type is encoded (the runtime's `bodies.media_kind`)."""
    base = media.split(";", 1)[0].strip().lower()
    if base == "application/json" or base.endswith("+json"):
        return "json"
    if base == "application/x-www-form-urlencoded":
        return "form"
    if base.startswith("multipart/"):
        return "multipart"
    if base.startswith("text/"):
        return "text"
    return "binary"


def encoding(raw: Any) -> tuple[tuple[str, tuple[tuple[str, str | bool], ...]], ...]:
    """The OAS `encoding` rules the runtime honours (contentType, style, explode)."""
    if not isinstance(raw, dict):
        return ()
    rules = []
    for name, rule in sorted(raw.items()):
        if not isinstance(rule, dict):
            continue
        kept = tuple(
            (k, rule[k])
            for k in ("contentType", "style", "explode")
            if isinstance(rule.get(k), str | bool)
        )
        if kept:
            rules.append((str(name), kept))
    return tuple(rules)


def json_media(content: dict[str, Any]) -> str | None:
    for media in content:
        base = media.split(";", 1)[0].strip().lower()
        if base == "application/json" or base.endswith("+json"):
            return media
    return None


def at(data: Any, pointer: str) -> Any:
    for raw in pointer[1:].split("/") if pointer else []:
        data = data[raw.replace("~1", "/").replace("~0", "~")]
    return data


def annotation_of(schema: dict[str, Any]) -> str:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return ref[len(REF_PREFIX) :]
    kind = schema.get("type")
    nullable = schema.get("nullable") is True
    if isinstance(kind, list):
        nullable = nullable or "null" in kind
        kinds = [k for k in kind if k != "null"]
        kind = kinds[0] if len(kinds) == 1 else None
    base = {
        "string": "str",
        "integer": "int",
        "number": "float",
        "boolean": "bool",
    }.get(str(kind))
    if base is None and kind == "array":
        items = schema.get("items")
        base = f"list[{annotation_of(items) if isinstance(items, dict) else 'Any'}]"
    if base is None and kind == "object":
        extra = schema.get("additionalProperties")
        base = f"dict[str, {annotation_of(extra) if isinstance(extra, dict) and extra else 'Any'}]"
    if base is None:
        options = schema.get("oneOf") or schema.get("anyOf")
        base = (
            " | ".join(dict.fromkeys(annotation_of(o) for o in options))
            if isinstance(options, list)
            else "Any"
        )
    return f"{base} | None" if nullable and base != "Any" else base
