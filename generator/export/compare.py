"""Structural comparison of two OpenAPI documents of one journey (derived vs hand-written).

Both sides are reduced to what generated code depends on: for every operation, its method, path,
operation id, request body schema and response schemas, with `$ref`s resolved, `allOf` merged and
annotations (`description`, `title`, `summary`, `example(s)`) dropped. Differences come back as
readable lines naming the operation and the JSON pointer inside the schema.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

_ANNOTATIONS = frozenset(
    {"description", "title", "summary", "example", "examples", "$comment"}
)
_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
MAX_DEPTH = 64

# (ref, the document or file it sits in) -> (the value, the document or file it sits in)
Resolver = Callable[[str, Any], tuple[Any, Any]]


def file_resolver(documents: Mapping[Path, Any] | None = None) -> Resolver:
    """Resolve `file#/pointer` refs by reading YAML files relative to the referring file.

    `documents` are already parsed documents (a derived contract that is not on disk yet).
    """
    cache: dict[Path, Any] = dict(documents or {})

    def resolve(ref: str, base: Any) -> tuple[Any, Any]:
        target, _, pointer = ref.partition("#")
        path = (base.parent / target).resolve() if target else base
        if path not in cache:
            cache[path] = yaml.safe_load(path.read_text(encoding="utf-8"))
        node = cache[path]
        for token in filter(None, pointer.split("/")):
            node = node[token.replace("~1", "/").replace("~0", "~")]
        return node, path

    return resolve


def _merge(into: dict[str, Any], other: Mapping[str, Any]) -> None:
    for key, value in other.items():
        if key == "required":
            into[key] = sorted(set(into.get(key, [])) | set(value))
        elif key == "properties" and isinstance(value, Mapping):
            props = into.setdefault("properties", {})
            for name, schema in value.items():
                if props.get(name) in (None, {}):
                    props[name] = schema
                elif schema != {} and isinstance(schema, dict):
                    merged = dict(props[name])
                    _merge(merged, schema)
                    props[name] = merged
        else:
            into[key] = value


def normalize(value: Any, base: Any, resolve: Resolver, depth: int = 0) -> Any:
    """`value` with refs resolved, `allOf` merged and annotations dropped."""
    if depth > MAX_DEPTH:
        return {"$recursive": True}
    if isinstance(value, list):
        return [normalize(v, base, resolve, depth + 1) for v in value]
    if not isinstance(value, Mapping):
        return value
    if isinstance(value.get("$ref"), str):
        target, where = resolve(value["$ref"], base)
        return normalize(target, where, resolve, depth + 1)
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key in _ANNOTATIONS and not isinstance(item, Mapping):
            continue
        if key == "allOf":
            continue
        out[key] = normalize(item, base, resolve, depth + 1)
    for branch in value.get("allOf") or []:
        _merge(out, normalize(branch, base, resolve, depth + 1))
    if isinstance(out.get("required"), list):
        out["required"] = sorted(out["required"])
    return out


def operations(
    document: Mapping[str, Any], base: Any, resolve: Resolver
) -> dict[str, dict[str, Any]]:
    """`METHOD path` -> operation id, request schema and response schemas, normalized."""
    found: dict[str, dict[str, Any]] = {}
    for path, item in (document.get("paths") or {}).items():
        for method in _METHODS:
            op = (item or {}).get(method)
            if not isinstance(op, Mapping):
                continue
            body = (op.get("requestBody") or {}).get("content") or {}
            responses = {}
            for code, response in (op.get("responses") or {}).items():
                response = normalize(response, base, resolve)
                content = (response.get("content") or {}).get("application/json") or {}
                responses[str(code)] = content.get("schema")
            found[f"{method.upper()} {path}"] = {
                "operationId": op.get("operationId"),
                "request": normalize(
                    (body.get("application/json") or {}).get("schema"), base, resolve
                ),
                "responses": responses,
            }
    return found


def _diff(a: Any, b: Any, pointer: str, out: list[str], names: tuple[str, str]) -> None:
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        for key in sorted(set(a) | set(b), key=str):
            if key not in a:
                out.append(f"{pointer}/{key}: only in the {names[1]}")
            elif key not in b:
                out.append(f"{pointer}/{key}: only in the {names[0]}")
            else:
                _diff(a[key], b[key], f"{pointer}/{key}", out, names)
    elif a != b:
        out.append(f"{pointer}: {a!r} != {b!r}")


def differences(
    first: Mapping[str, dict[str, Any]],
    second: Mapping[str, dict[str, Any]],
    names: tuple[str, str] = ("first", "second"),
) -> list[str]:
    """Readable differences between two `operations()` maps (empty when equivalent)."""
    lines: list[str] = []
    for key in sorted(set(first) | set(second)):
        if key not in second:
            lines.append(f"{key}: only in the {names[0]}")
        elif key not in first:
            lines.append(f"{key}: only in the {names[1]}")
        else:
            found: list[str] = []
            _diff(first[key], second[key], "", found, names)
            lines.extend(f"{key}: {line}" for line in found)
    return lines
