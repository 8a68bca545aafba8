"""A generic stub API made from OpenAPI documents: an ASGI app (Starlette) that answers every
operation they describe with its first success response, the body taken from the response's
example(s), else built from its schema. Written for the public corpus, independent of the
generator: it reads the documents with json/yaml and follows `$ref`s itself.

It also builds workflow inputs from an Arazzo `inputs` schema the same way, so a generated
workflow can run end to end against real HTTP on 127.0.0.1.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_JSON = re.compile(r"^application/([a-z0-9.+-]*\+)?json", re.IGNORECASE)
_FORMATS = {
    "date-time": "2024-01-02T03:04:05Z",
    "date": "2024-01-02",
    "time": "03:04:05",
    "uuid": "123e4567-e89b-12d3-a456-426614174000",
    "email": "someone@example.com",
    "uri": "https://example.com/x",
    "url": "https://example.com/x",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "byte": "AA==",
}


class Documents:
    """Documents read from disk by path, with `$ref` resolution across files."""

    def __init__(self) -> None:
        self.cache: dict[Path, Any] = {}

    def load(self, path: Path) -> Any:
        path = path.resolve()
        if path not in self.cache:
            text = path.read_text(encoding="utf-8")
            self.cache[path] = (
                json.loads(text)
                if text.lstrip().startswith("{")
                else yaml.safe_load(text)
            )
        return self.cache[path]

    def resolve(self, base: Path, node: Any, depth: int = 0) -> tuple[Path, Any]:
        """Follow `$ref`s until a node without one (file, node)."""
        while (
            isinstance(node, dict) and isinstance(node.get("$ref"), str) and depth < 50
        ):
            file, _, pointer = node["$ref"].partition("#")
            if file:
                base = (base.parent / unquote(file)).resolve()
            node = self.load(base)
            for token in [t for t in pointer.split("/") if t]:
                token = unquote(token).replace("~1", "/").replace("~0", "~")
                node = node[int(token)] if isinstance(node, list) else node[token]
            depth += 1
        return base, node


def sample(docs: Documents, base: Path, schema: Any, depth: int = 0) -> Any:
    """A value the schema accepts, as far as a simple reading of it goes."""
    base, schema = docs.resolve(base, schema)
    if not isinstance(schema, dict) or depth > 6:
        return None
    for key in ("example", "default", "const"):
        if key in schema:
            return schema[key]
    if isinstance(schema.get("examples"), list) and schema["examples"]:
        return schema["examples"][0]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    for key in ("allOf",):
        if isinstance(schema.get(key), list):
            merged: dict[str, Any] = {}
            for part in schema[key]:
                value = sample(docs, base, part, depth + 1)
                if isinstance(value, dict):
                    merged.update(value)
            extra = {k: v for k, v in schema.items() if k != key}
            own = sample(docs, base, extra, depth + 1) if extra else None
            if isinstance(own, dict):
                merged.update(own)
            return merged
    for key in ("oneOf", "anyOf"):
        if isinstance(schema.get(key), list) and schema[key]:
            return sample(docs, base, schema[key][0], depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind is None and "properties" in schema:
        kind = "object"
    if kind == "object":
        properties = schema.get("properties") or {}
        return {
            name: sample(docs, base, sub, depth + 1)
            for name, sub in properties.items()
            if isinstance(name, str)
        }
    if kind == "array":
        item = sample(docs, base, schema.get("items") or {}, depth + 1)
        count = max(1, int(schema.get("minItems") or 1))
        return [item] * count if item is not None else []
    if kind == "integer":
        return int(schema.get("minimum", 1) or 1)
    if kind == "number":
        return float(schema.get("minimum", 1) or 1)
    if kind == "boolean":
        return True
    if kind == "string":
        text = _FORMATS.get(str(schema.get("format")), "text")
        return text.ljust(int(schema.get("minLength") or 0), "x")
    return None


def _success(docs: Documents, base: Path, op: dict[str, Any]) -> tuple[int, Any, str]:
    """(status, body, media type) of an operation's first success response."""
    responses = op.get("responses") or {}
    codes = sorted(str(c) for c in responses if str(c)[:1] == "2") or ["200"]
    status = codes[0]
    _, response = docs.resolve(base, responses.get(status) or {})
    content = (response or {}).get("content") or {}
    media = next((m for m in content if _JSON.match(m)), next(iter(content), ""))
    if not media:
        return int(status), None, ""
    body = content[media] or {}
    if "example" in body:
        value = body["example"]
    elif isinstance(body.get("examples"), dict) and body["examples"]:
        _, first = docs.resolve(base, next(iter(body["examples"].values())))
        value = (first or {}).get("value")
    else:
        value = sample(docs, base, body.get("schema") or {})
    return int(status), value, media


def _pattern(path: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", path)
    regex = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(f"^{regex}/?$")


def stub_app(openapi_files: list[Path]) -> tuple[Starlette, list[str]]:
    """An app answering every operation of the documents; the second item lists the
    requests it received (`METHOD /path`)."""
    docs = Documents()
    table: list[tuple[str, re.Pattern[str], int, Any, str]] = []
    for file in openapi_files:
        data = docs.load(file)
        servers = data.get("servers") or [{}]
        prefix = urlsplit(str(servers[0].get("url") or "")).path.rstrip("/")
        for path, item in (data.get("paths") or {}).items():
            item_base, item = docs.resolve(file, item)
            for method in METHODS:
                op = item.get(method) if isinstance(item, dict) else None
                if isinstance(op, dict):
                    status, body, media = _success(docs, item_base, op)
                    for full in {prefix + path, path}:
                        table.append(
                            (method.upper(), _pattern(full), status, body, media)
                        )
    seen: list[str] = []

    async def answer(request: Request) -> Response:
        path = request.url.path
        seen.append(f"{request.method} {path}")
        await request.body()
        for method, pattern, status, body, media in table:
            if method == request.method and pattern.match(path):
                if status in (204, 304) or not media:
                    return Response(status_code=status)
                if _JSON.match(media):
                    return JSONResponse(body, status_code=status, media_type=media)
                text = body if isinstance(body, str) else json.dumps(body)
                return PlainTextResponse(text, status_code=status, media_type=media)
        return JSONResponse({"error": "no such operation"}, status_code=404)

    route = Route("/{path:path}", answer, methods=[m.upper() for m in METHODS])
    return Starlette(routes=[route]), seen


def workflow_inputs(docs: Documents, arazzo: Path, workflow: dict[str, Any]) -> Any:
    """Inputs for one workflow, built from its `inputs` schema."""
    schema = workflow.get("inputs")
    if schema is None:
        return {}
    value = sample(docs, arazzo, schema)
    return value if isinstance(value, dict) else {}
