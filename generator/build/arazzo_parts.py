"""Several Arazzo documents: the entry one and every document its `arazzo`
sourceDescriptions name, transitively (an Arazzo Description "divided into multiple, connected
parts"). Each is validated on its own, with the workflowIds of the documents it names, so a
`$sourceDescriptions.<name>.<workflowId>` reference is checked; the OpenAPI documents another
part names become sources of the client too (once per file).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, SpecError
from ..ir import ArazzoPart
from ..load import Document
from ..schema.arazzo import ArazzoDocument
from ..schema.openapi import validate_openapi
from ..schema.validate import validate_arazzo
from .context import BuildContext, attempt


@dataclass
class PartDoc:
    """One Arazzo document of the description, with where its sources lead."""

    document: Document
    label: str  # '' for the entry document
    arazzo_refs: dict[str, int] = field(default_factory=dict)  # name -> part index
    openapi_refs: dict[str, Path] = field(default_factory=dict)  # name -> file
    model: ArazzoDocument | None = None

    def ir(self) -> ArazzoPart:
        assert self.model is not None
        return ArazzoPart(self.model, self.label, tuple(sorted(self.arazzo_refs.items())))


def _sources(document: Document) -> list[tuple[int, dict[str, Any]]]:
    data = document.data
    raw = data.get("sourceDescriptions") if isinstance(data, dict) else None
    return [
        (i, s)
        for i, s in enumerate(raw if isinstance(raw, list) else [])
        if isinstance(s, dict)
        and isinstance(s.get("name"), str)
        and isinstance(s.get("url"), str)
    ]


def _workflow_ids(document: Document) -> list[str]:
    data = document.data
    raw = data.get("workflows") if isinstance(data, dict) else None
    return [
        w["workflowId"]
        for w in (raw if isinstance(raw, list) else [])
        if isinstance(w, dict) and isinstance(w.get("workflowId"), str)
    ]


def _is_arazzo(source: dict[str, Any], target: Document) -> bool:
    data = target.data
    return source.get("type") == "arazzo" or (
        source.get("type") is None and isinstance(data, dict) and "arazzo" in data
    )


def read_parts(ctx: BuildContext, problems: list[Diagnostic]) -> None:
    """Validate every Arazzo document of the description into `ctx` (the entry's model is
    `ctx.arazzo`); each problem goes to `problems`."""
    entry = ctx.arazzo_doc
    if entry is None:
        return
    parts = [PartDoc(entry, "")]
    index = {entry.path.resolve(): 0}
    i = 0
    while i < len(parts):
        part = parts[i]
        for j, source in _sources(part.document):
            site = f"/sourceDescriptions/{j}/url"
            try:
                target = ctx.ws.resolve(
                    part.document, source["url"], site, "sourceDescription url"
                ).document
            except SpecError as exc:
                if i > 0 or source.get("type") == "arazzo":
                    problems.extend(exc.diagnostics)  # the entry's OpenAPI: reported later
                continue
            path = target.path.resolve()
            if not _is_arazzo(source, target):
                part.openapi_refs[source["name"]] = path
                continue
            if path not in index:
                label = ".".join(p for p in (part.label, source["name"]) if p)
                index[path] = len(parts)
                parts.append(PartDoc(target, label))
            part.arazzo_refs[source["name"]] = index[path]
        i += 1
    for part in parts:
        external = {
            name: _workflow_ids(parts[k].document)
            for name, k in part.arazzo_refs.items()
        }
        part.model = attempt(
            problems,
            partial(validate_arazzo, part.document, ctx.warnings, external=external),
        )
    ctx.arazzo = parts[0].model
    ctx.arazzo_parts = parts


def part_sources(
    ctx: BuildContext, known: dict[Path, str]
) -> list[tuple[Document, str]]:
    """The OpenAPI documents the other Arazzo documents name that are not sources yet
    (`known`: file -> source name of the ops generated for it), validated; `known` is
    extended, and each part's `canonical` map (its source name -> ops' source name) set."""
    found: list[tuple[Document, str]] = []
    for part in ctx.arazzo_parts[1:]:
        for name, path in part.openapi_refs.items():
            if path not in known:
                taken = set(known.values())
                canonical = name if name not in taken else f"{part.label}.{name}"
                document = ctx.ws.load(path)
                validate_openapi(document, ctx.warnings)
                known[path] = canonical
                found.append((document, canonical))
    ctx.canonical_sources = [
        {name: known[path] for name, path in part.openapi_refs.items() if path in known}
        for part in ctx.arazzo_parts
    ]
    return found
