"""JSON Schema -> a Python annotation (for handler call models) and a deterministic example value."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Resolver = Callable[[dict[str, Any]], dict[str, Any] | None]
_SCALARS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
_MAX_DEPTH = 8


def _deref(schema: Any, resolve: Resolver, depth: int) -> dict[str, Any] | None:
    while isinstance(schema, dict) and "$ref" in schema and depth < _MAX_DEPTH:
        schema = resolve(schema)
        depth += 1
    return schema if isinstance(schema, dict) and "$ref" not in schema else None


def _kind(schema: dict[str, Any]) -> tuple[str | None, bool]:
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        return (kinds[0] if len(kinds) == 1 else None), "null" in kind
    return (kind if isinstance(kind, str) else None), False


def annotation(
    raw: Any, resolve: Resolver, depth: int = 0, *, number: str = "float"
) -> str:
    """The Python type of a schema; `Any` for anything not plainly typed. A `number` is
    `number` (handlers.py passes `_JsonNumber`, which keeps an integer an int)."""
    schema = _deref(raw, resolve, depth)
    if schema is None or depth > _MAX_DEPTH:
        return "Any"
    kind, nullable = _kind(schema)
    enum = schema.get("enum")
    if (
        kind == "string"
        and isinstance(enum, list)
        and enum
        and all(isinstance(v, str) for v in enum)
    ):
        base = "Literal[" + ", ".join(repr(v) for v in enum) + "]"
    elif kind == "number":
        base = number
    elif kind in _SCALARS:
        base = _SCALARS[kind]
    elif kind == "array":
        item = annotation(schema.get("items"), resolve, depth + 1, number=number)
        base = f"list[{item}]"
    elif kind == "object":
        base = "dict[str, Any]"
    else:
        return "Any"
    return f"{base} | None" if nullable else base


def example(
    raw: Any, resolve: Resolver, depth: int = 0, *, documented: bool = False
) -> Any:
    """A deterministic value valid against simple schemas (required properties only).

    `documented` prefers the schema's own `examples[0]` / `example` (for documentation).
    """
    schema = _deref(raw, resolve, depth)
    if schema is None or depth > _MAX_DEPTH:
        return None
    if documented:
        examples = schema.get("examples")
        if isinstance(examples, list) and examples:
            return examples[0]
        if "example" in schema:
            return schema["example"]
    for key in ("const", "default"):
        if key in schema:
            return schema[key]
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        return enum[0]
    kind, _ = _kind(schema)
    if kind == "object" or (kind is None and "properties" in schema):
        props = schema.get("properties") or {}
        required = [r for r in schema.get("required") or [] if isinstance(r, str)]
        return {
            name: example(
                props.get(name, {}), resolve, depth + 1, documented=documented
            )
            for name in required
        }
    if kind == "array":
        minimum = schema.get("minItems")
        count = minimum if isinstance(minimum, int) and 0 < minimum <= 3 else 0
        item = schema.get("items")
        return [
            example(item, resolve, depth + 1, documented=documented)
            for _ in range(count)
        ]
    return _scalar_example(kind, schema)


def _scalar_example(kind: str | None, schema: dict[str, Any]) -> Any:
    if kind == "string":
        fmt = schema.get("format")
        samples = {
            "date-time": "2024-01-01T00:00:00Z",
            "date": "2024-01-01",
            "uuid": "00000000-0000-4000-8000-000000000000",
            "email": "fake@example.com",
            "uri": "https://example.com/",
        }
        text = samples.get(str(fmt), "fake")
        minimum = schema.get("minLength")
        return text.ljust(minimum, "x") if isinstance(minimum, int) else text
    if kind == "integer":
        low = schema.get("minimum")
        return int(low) if isinstance(low, int | float) else 0
    if kind == "number":
        low = schema.get("minimum")
        return float(low) if isinstance(low, int | float) else 0.0
    if kind == "boolean":
        return False
    return None


def json_schema(holder: Any) -> Any:
    """The schema of a request body's or response's JSON representation (`application/json`
    or `+json`; `{}` when it declares none), or None when it has no JSON representation.
    """
    content = holder.get("content") if isinstance(holder, dict) else None
    if not isinstance(content, dict):
        return None
    for media, entry in content.items():
        base = str(media).split(";", 1)[0].strip().lower()
        if (base == "application/json" or base.endswith("+json")) and isinstance(
            entry, dict
        ):
            return entry.get("schema", {})
    return None
