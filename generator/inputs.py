"""The load stage of one case: every document it reads, read once, before anything is built.

`load_case` reads the case's journey, Arazzo and OpenAPI documents (a problem there stops the
case, located), then everything those documents lead to: every sourceDescription (and those of
the Arazzo documents named as sources, transitively), the bindings
file, each `spec.apis.<name>.openApiRef` document and every file a `$ref` in any of them names,
transitively. Then the workspace is sealed: the later stages resolve `$ref`s from memory, and
a file one of them needs that could not be read raises the error reading it gave, at the place
that needs it, exactly as if it were read there.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostic, SpecError, error
from .discover import Case
from .load import Document, Resolved, Workspace


@dataclass
class Inputs:
    """Every document of one case, loaded; `workspace` is sealed (it reads nothing more)."""

    case: Case
    workspace: Workspace
    journey: Document | None
    arazzo: Document | None
    openapi: Document  # the case's own OpenAPI document
    # spec.apis.<name>.openApiRef -> its document (None: not a readable file in the tree)
    apis: dict[str, Document | None] = field(default_factory=dict)

    def bindings(self) -> Document | None:
        """The case's webhook bindings document (its read error, if it had one)."""
        if self.case.bindings is None:
            return None
        return self.workspace.load(self.case.bindings)

    def api_document(self, ref: str) -> Document | None:
        """The document of a `spec.apis.<name>.openApiRef` (relative to the spec root)."""
        return self.apis.get(ref)

    def resolve(self, document: Document, ref: Any, site: str) -> Resolved:
        """Follow a `$ref` found at `site` of `document` (from memory)."""
        return self.workspace.resolve(document, ref, site)


def load_case(case: Case, workspace: Workspace) -> Inputs:
    """Read every document of `case`; raise SpecError for an unreadable journey, Arazzo or
    OpenAPI document of the case itself (the rest is reported where it is needed)."""
    problems: list[Diagnostic] = []
    journey = _attempt(problems, workspace.load, case.journey)
    arazzo = _attempt(problems, workspace.load, case.arazzo)
    if problems:
        raise SpecError(problems)
    openapi = _primary_openapi(case, arazzo, workspace)
    inputs = Inputs(case, workspace, journey, arazzo, openapi)
    pending = [d for d in (journey, arazzo, openapi) if d is not None]
    if case.bindings is not None:
        pending += _loaded(workspace.preload(case.bindings))
    if arazzo is not None:
        pending += _arazzo_sources(workspace, arazzo)
    if journey is not None:
        for ref in _api_refs(journey):
            inputs.apis[ref] = _api_document(workspace, ref)
            pending += _loaded(inputs.apis[ref])
        for ref in schema_refs(journey.data):
            pending += _loaded(workspace.preload_ref(journey, ref))
    seen: set[Path] = set()
    while pending:
        document = pending.pop()
        if document.path in seen:
            continue
        seen.add(document.path)
        for ref in _refs(document.data):
            pending += _loaded(workspace.preload_ref(document, ref))
    workspace.seal()
    return inputs


def _attempt(
    problems: list[Diagnostic], load: Any, path: Path | None
) -> Document | None:
    if path is None:
        return None
    try:
        document: Document = load(path)
    except SpecError as exc:
        problems.extend(exc.diagnostics)
        return None
    return document


def _loaded(document: Document | None) -> list[Document]:
    return [document] if document is not None else []


def _primary_openapi(case: Case, arazzo: Document | None, ws: Workspace) -> Document:
    """The case's own OpenAPI document: the journey's, or the first OpenAPI
    sourceDescription of the Arazzo document (resolved inside the spec tree)."""
    if case.openapi is not None:
        return ws.load(case.openapi)
    assert arazzo is not None
    data = arazzo.data
    sources = data.get("sourceDescriptions") if isinstance(data, dict) else None
    for i, source in enumerate(sources if isinstance(sources, list) else []):
        if not isinstance(source, dict) or source.get("type") == "arazzo":
            continue
        url = source.get("url")
        if not isinstance(url, str):
            continue
        target = ws.resolve(
            arazzo, url, f"/sourceDescriptions/{i}/url", "sourceDescription url"
        )
        if isinstance(target.document.data, dict) and "openapi" in target.document.data:
            return target.document
    raise error(
        arazzo.location("/sourceDescriptions"),
        "no OpenAPI document among the sourceDescriptions; add one (type: openapi, "
        "url: a file inside the spec tree)",
    )


def _arazzo_sources(ws: Workspace, entry: Document) -> list[Document]:
    """Every sourceDescription document of the entry Arazzo document and, transitively, of
    the Arazzo documents it names (a multi-document Arazzo description)."""
    found: list[Document] = []
    queue, seen = [entry], {entry.path.resolve()}
    while queue:
        document = queue.pop(0)
        for url in _source_urls(document):
            loaded = ws.preload_ref(document, url)
            if loaded is None:
                continue
            found.append(loaded)
            data = loaded.data
            path = loaded.path.resolve()
            if isinstance(data, dict) and "arazzo" in data and path not in seen:
                seen.add(path)
                queue.append(loaded)
    return found


def _source_urls(arazzo: Document) -> list[str]:
    data = arazzo.data
    sources = data.get("sourceDescriptions") if isinstance(data, dict) else None
    return [
        s["url"]
        for s in (sources if isinstance(sources, list) else [])
        if isinstance(s, dict) and isinstance(s.get("url"), str)
    ]


def _api_refs(journey: Document) -> list[str]:
    """Every `spec.apis.<name>.openApiRef` string of a journey document."""
    data = journey.data
    spec = data.get("spec") if isinstance(data, dict) else None
    apis = spec.get("apis") if isinstance(spec, dict) else None
    return [
        entry["openApiRef"]
        for entry in (apis.values() if isinstance(apis, dict) else [])
        if isinstance(entry, dict) and isinstance(entry.get("openApiRef"), str)
    ]


def _api_document(ws: Workspace, ref: str) -> Document | None:
    """An API document named relative to the spec root; None unless it is a readable spec
    file inside the tree (a task calling it is then typed from the journey alone)."""
    if ref.startswith(("/", "\\")) or ":" in ref:
        return None
    path = (ws.root / ref).resolve()
    if not path.is_relative_to(ws.root):
        return None
    return ws.preload(path)


SCHEMA_REF_FIELDS = ("keySchemaRef", "valueSchemaRef")


def schema_refs(data: Any) -> Iterator[str]:
    """Every `keySchemaRef`/`valueSchemaRef` string of a kafkaPublish:v1 task (DSL §5.2),
    wherever its state is (branches, subjourneys, compensation)."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            if value.get("kind") == "kafkaPublish:v1":
                for name in SCHEMA_REF_FIELDS:
                    if isinstance(value.get(name), str):
                        yield value[name]
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


def _refs(data: Any) -> Iterator[str]:
    """Every `$ref` string in a document's data."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            ref = value.get("$ref")
            if isinstance(ref, str):
                yield ref
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
