"""Read a case's specs independently of journeygen: operations, workflows, schemas, `$ref`s.

The conformance tests compare the generated packages with what the documents say, so this
reader shares no code with the generator: plain `yaml.safe_load`, JSON pointers, relative files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Keys that say nothing about a value's type: a schema made only of these is "no schema".
_NO_TYPE_KEYS = frozenset(
    {"description", "title", "default", "examples", "example", "deprecated", "readOnly"}
    | {"writeOnly", "$comment", "nullable", "format"}
)
_TYPE_KEYS = frozenset(
    {"type", "$ref", "enum", "const", "properties", "items", "oneOf", "anyOf", "allOf"}
    | {"additionalProperties", "prefixItems", "not"}
)


@cache
def load(path: Path) -> Any:
    """A YAML document (cached: the tests only read)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Located:
    """A value and the file holding it (for resolving the `$ref`s inside it)."""

    file: Path
    value: Any


def pointer_get(data: Any, pointer: str) -> Any:
    for token in pointer.lstrip("/").split("/") if pointer.strip("/") else []:
        token = token.replace("~1", "/").replace("~0", "~")
        data = data[int(token)] if isinstance(data, list) else data[token]
    return data


def deref(node: Located) -> Located:
    """Follow `$ref`s (local and relative-file) until a non-reference value."""
    seen = 0
    while isinstance(node.value, dict) and isinstance(node.value.get("$ref"), str):
        seen += 1
        assert seen < 50, f"$ref chain too long at {node.file}"
        target, _, pointer = node.value["$ref"].partition("#")
        file = (node.file.parent / target).resolve() if target else node.file
        node = Located(file, pointer_get(load(file), pointer))
    return node


@dataclass(frozen=True)
class SpecOperation:
    """One OpenAPI operation as a user reads it."""

    file: Path  # the OpenAPI document
    method: str  # GET
    path: str  # /journeys/{journeyId}
    prefix: str  # path of servers[0].url
    operation_id: str | None
    params: tuple[Located, ...]  # dereferenced parameter objects
    body: Located | None  # JSON request-body schema
    success: Located | None  # JSON schema of the first 2xx response
    has_body: bool = False

    @property
    def pattern(self) -> re.Pattern[str]:
        """The concrete request path a call to this operation produces."""
        parts = re.split(r"(\{[^}]+\})", self.prefix + self.path)
        return re.compile(
            "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
        )

    @property
    def literal_length(self) -> int:
        """How much of the path is fixed text (the most specific template wins)."""
        return len(re.sub(r"\{[^}]+\}", "", self.path))


def _json_schema(content: Any, file: Path) -> Located | None:
    if not isinstance(content, dict):
        return None
    for media, value in content.items():
        base = str(media).split(";", 1)[0].strip().lower()
        if base == "application/json" or base.endswith("+json"):
            schema = value.get("schema", {}) if isinstance(value, dict) else {}
            return Located(file, schema)
    return None


def _prefix(data: dict[str, Any]) -> str:
    servers = data.get("servers") or []
    url = servers[0].get("url") if servers and isinstance(servers[0], dict) else None
    if not isinstance(url, str):
        return ""
    path = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/]*", "", url)
    return path.rstrip("/") if path.startswith("/") else ""


def operations(file: Path) -> list[SpecOperation]:
    """Every operation of an OpenAPI document, in document order."""
    data = load(file)
    found = []
    for path, item in (data.get("paths") or {}).items():
        for method in HTTP_METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            params: dict[tuple[str, str], Located] = {}
            for raw in [*(item.get("parameters") or []), *(op.get("parameters") or [])]:
                param = deref(Located(file, raw))
                params[(param.value["name"], param.value["in"])] = param
            body = op.get("requestBody")
            body_schema = None
            if body is not None:
                resolved = deref(Located(file, body))
                body_schema = _json_schema(resolved.value.get("content"), resolved.file)
            success = None
            for status, response in (op.get("responses") or {}).items():
                if str(status).startswith("2"):
                    resolved = deref(Located(file, response))
                    success = _json_schema(resolved.value.get("content"), resolved.file)
                    break
            found.append(
                SpecOperation(
                    file=file,
                    method=method.upper(),
                    path=str(path),
                    prefix=_prefix(data),
                    operation_id=op.get("operationId"),
                    params=tuple(params.values()),
                    body=body_schema,
                    success=success,
                    has_body=body is not None,
                )
            )
    return found


def workflow_ids(file: Path) -> list[str]:
    """The workflowIds an Arazzo document defines."""
    return [str(w["workflowId"]) for w in load(file).get("workflows") or []]


@dataclass
class ObjectSchema:
    """An object schema with properties somewhere in a document (allOf branches merged)."""

    where: str
    properties: dict[str, list[Located]] = field(default_factory=dict)


def _merge(node: Located, into: ObjectSchema, depth: int = 0) -> None:
    node = deref(node)
    value = node.value
    if not isinstance(value, dict) or depth > 20:
        return
    for key, prop in (value.get("properties") or {}).items():
        into.properties.setdefault(str(key), []).append(Located(node.file, prop))
    for branch in value.get("allOf") or []:
        _merge(Located(node.file, branch), into, depth + 1)


def object_schemas(file: Path) -> list[ObjectSchema]:
    """Every object schema with properties in `file` and the files it references."""
    found: list[ObjectSchema] = []
    files: list[Path] = [file.resolve()]
    seen_files: set[Path] = set()
    while files:
        current = files.pop()
        if current in seen_files:
            continue
        seen_files.add(current)
        stack: list[tuple[str, Any]] = [("", load(current))]
        while stack:
            where, value = stack.pop()
            if isinstance(value, dict):
                ref = value.get("$ref")
                if isinstance(ref, str) and not ref.startswith("#"):
                    files.append((current.parent / ref.partition("#")[0]).resolve())
                if isinstance(value.get("properties"), dict) or isinstance(
                    value.get("allOf"), list
                ):
                    schema = ObjectSchema(f"{current.name}#{where}")
                    _merge(Located(current, value), schema)
                    if schema.properties:
                        found.append(schema)
                stack.extend((f"{where}/{k}", v) for k, v in value.items())
            elif isinstance(value, list):
                stack.extend((f"{where}/{i}", v) for i, v in enumerate(value))
    return found


def component_schemas(file: Path) -> dict[str, Located]:
    """`components.schemas` of an OpenAPI document, each dereferenced."""
    data = load(file)
    schemas = (data.get("components") or {}).get("schemas") or {}
    return {str(k): deref(Located(file, v)) for k, v in schemas.items()}


def untyped_reason(schema: Located | None) -> str | None:
    """Why a value has no type in the spec, or None when the spec does type it."""
    if schema is None:
        return "the spec gives no schema (no JSON content)"
    node = deref(schema)
    value = node.value
    if value is True or value == {}:
        return "the spec gives the empty schema {}"
    if not isinstance(value, dict):
        return None
    if not (set(value) & _TYPE_KEYS) and all(
        k in _NO_TYPE_KEYS or str(k).startswith("x-") for k in value
    ):
        return "the spec gives a schema without a type (only annotations)"
    return None
