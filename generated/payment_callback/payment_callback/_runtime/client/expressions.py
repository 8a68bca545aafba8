"""Arazzo runtime-expression evaluation over a per-run context.

Expressions are parsed by journeygen at generation time; the generated code calls `evaluate`
with the parsed pieces (a fixed source name, dot-path names, JSON Pointer tokens). Nothing here
parses or evaluates expression text. Missing values evaluate to None.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

Source: TypeAlias = Literal[
    "url",
    "method",
    "statusCode",
    "request.header",
    "request.query",
    "request.path",
    "request.body",
    "response.header",
    "response.body",
    "inputs",
    "outputs",
    "steps",
    "workflows",
    "components",
    "sourceDescriptions",
]
Name: TypeAlias = str | int


@dataclass
class Exchange:
    """The current step's HTTP request and response, as expressions see them."""

    url: str | None = None
    method: str | None = None
    status_code: int | None = None
    request_headers: Mapping[str, str] = field(default_factory=dict)
    request_query: Mapping[str, Any] = field(default_factory=dict)
    request_path: Mapping[str, Any] = field(default_factory=dict)
    request_body: Any = None
    response_headers: Mapping[str, str] = field(default_factory=dict)
    response_body: Any = None


@dataclass
class RunContext:
    """Everything one workflow run's expressions can read."""

    inputs: Mapping[str, Any] = field(default_factory=dict)
    steps: dict[str, dict[str, Any]] = field(default_factory=dict)
    workflows: dict[str, dict[str, Any]] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    components: Mapping[str, Any] = field(default_factory=dict)
    source_descriptions: Mapping[str, Any] = field(default_factory=dict)
    current: Exchange = field(default_factory=Exchange)

    def begin_step(self, exchange: Exchange) -> None:
        """Make `exchange` the current step's request/response."""
        self.current = exchange

    def set_step_outputs(self, step_id: str, outputs: Mapping[str, Any]) -> None:
        """Record a finished step's outputs for `$steps.<id>.outputs.<name>`."""
        self.steps[step_id] = {"outputs": dict(outputs)}


def evaluate(
    ctx: RunContext,
    source: Source,
    names: Sequence[Name] = (),
    pointer: Sequence[str] = (),
) -> Any:
    """Evaluate one parsed runtime expression; anything missing gives None."""
    if source in ("request.header", "response.header"):
        current = ctx.current
        is_request = source.startswith("request")
        headers = current.request_headers if is_request else current.response_headers
        return header(headers, str(names[0])) if names else None
    base = _root(ctx, source)
    return resolve_pointer(traverse(base, names), pointer)


def _root(ctx: RunContext, source: Source) -> Any:
    now = ctx.current
    roots: dict[str, Any] = {
        "url": now.url,
        "method": now.method,
        "statusCode": now.status_code,
        "request.query": now.request_query,
        "request.path": now.request_path,
        "request.body": now.request_body,
        "response.body": now.response_body,
        "inputs": ctx.inputs,
        "outputs": ctx.outputs,
        "steps": ctx.steps,
        "workflows": ctx.workflows,
        "components": ctx.components,
        "sourceDescriptions": ctx.source_descriptions,
    }
    return roots.get(source)


def header(headers: Mapping[str, str], name: str) -> str | None:
    """Case-insensitive single header lookup."""
    wanted = name.lower()
    return next((v for k, v in headers.items() if k.lower() == wanted), None)


def plain(value: Any) -> Any:
    """Pydantic models become their JSON form (by alias) so paths see wire names."""
    dump = getattr(value, "model_dump", None)
    return dump(mode="json", by_alias=True) if callable(dump) else value


def traverse(value: Any, names: Sequence[Name]) -> Any:
    """Follow a dot path; a key containing dots matches when the single segment does not."""
    index = 0
    while index < len(names):
        value = plain(value)
        name = names[index]
        if isinstance(name, int):
            value, index = _item(value, name), index + 1
        else:
            value, index = _member(value, names, index)
        if value is None:
            return None
    return plain(value)


def _item(value: Any, index: int) -> Any:
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return value[index] if -len(value) <= index < len(value) else None
    return None


def _member(value: Any, names: Sequence[Name], index: int) -> tuple[Any, int]:
    if not isinstance(value, Mapping):
        return None, len(names)
    key = ""
    for end in range(index, len(names)):
        part = names[end]
        if not isinstance(part, str):
            break
        key = part if end == index else f"{key}.{part}"
        if key in value:
            return value[key], end + 1
    return None, len(names)


def resolve_pointer(value: Any, tokens: Sequence[str]) -> Any:
    """Follow already-unescaped RFC 6901 reference tokens."""
    for token in tokens:
        value = plain(value)
        if isinstance(value, Mapping):
            value = value.get(token)
        elif isinstance(value, Sequence) and not isinstance(value, str | bytes):
            value = _item(value, int(token)) if _is_array_index(token) else None
        else:
            return None
        if value is None:
            return None
    return plain(value)


def _is_array_index(text: str) -> bool:
    return (
        text.isdigit() and text.isascii() and (text == "0" or not text.startswith("0"))
    )


def to_text(value: Any) -> str:
    """Render a value for an embedded `{$...}` expression inside a string."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(plain(value), separators=(",", ":"), ensure_ascii=False)


def concat(*parts: Any) -> str:
    """Join template parts: literal text and evaluated expressions."""
    return "".join(to_text(part) for part in parts)
