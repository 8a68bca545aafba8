"""The case's documents, typed: journey, Arazzo and OpenAPI (the case's own and every other
OpenAPI sourceDescription), each validated once with its problems collected."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

from .. import naming
from ..diagnostics import Diagnostic, SpecError, error
from ..load import Document
from ..schema.journey import parse_journey
from ..schema.openapi import validate_openapi
from ..schema.validate import validate_arazzo
from .context import BuildContext, attempt


def read_documents(ctx: BuildContext) -> None:
    """Load and validate the case's documents into `ctx`; raise SpecError with every problem."""
    case = ctx.case
    problems: list[Diagnostic] = []
    if case.journey:
        journey_path = case.journey
        ctx.journey_doc = attempt(problems, lambda: ctx.ws.load(journey_path))
    if case.arazzo:
        arazzo_path = case.arazzo
        ctx.arazzo_doc = attempt(problems, lambda: ctx.ws.load(arazzo_path))
    if problems:
        raise SpecError(problems)
    primary = attempt(problems, lambda: _primary_openapi(ctx))
    if problems or primary is None:
        raise SpecError(problems)
    ctx.openapi_doc = primary
    ctx.schemas.reserve_components(primary)
    openapi = attempt(problems, lambda: validate_openapi(primary, ctx.warnings))
    if openapi is not None:
        ctx.openapi = openapi
    journey_doc, arazzo_doc = ctx.journey_doc, ctx.arazzo_doc
    parsed = (
        attempt(problems, lambda: parse_journey(journey_doc)) if journey_doc else None
    )
    ctx.journey = parsed.journey if parsed else None
    ctx.warnings.extend(parsed.warnings if parsed else ())
    ctx.arazzo = (
        attempt(problems, lambda: validate_arazzo(arazzo_doc, ctx.warnings))
        if arazzo_doc
        else None
    )
    if problems:
        raise SpecError(problems)


def _primary_openapi(ctx: BuildContext) -> Document:
    """The case's own OpenAPI document: the journey's, or the first OpenAPI
    sourceDescription of the Arazzo document (resolved inside the spec tree)."""
    if ctx.case.openapi is not None:
        return ctx.ws.load(ctx.case.openapi)
    doc = ctx.arazzo_doc
    assert doc is not None
    sources = doc.data.get("sourceDescriptions") if isinstance(doc.data, dict) else None
    for i, source in enumerate(sources if isinstance(sources, list) else []):
        if not isinstance(source, dict) or source.get("type") == "arazzo":
            continue
        url = source.get("url")
        if not isinstance(url, str):
            continue
        target = ctx.ws.resolve(
            doc, url, f"/sourceDescriptions/{i}/url", "sourceDescription url"
        )
        if isinstance(target.document.data, dict) and "openapi" in target.document.data:
            return target.document
    raise error(
        doc.location("/sourceDescriptions"),
        "no OpenAPI document among the sourceDescriptions; add one (type: openapi, "
        "url: a file inside the spec tree)",
    )


def extra_sources(ctx: BuildContext) -> list[tuple[Document, str]]:
    """OpenAPI documents an Arazzo file names besides the case's own."""
    if ctx.arazzo is None or ctx.arazzo_doc is None:
        return []
    result = []
    for i, source in enumerate(ctx.arazzo.sourceDescriptions):
        if source.type == "arazzo":
            continue
        site = f"/sourceDescriptions/{i}/url"
        ref = ctx.ws.resolve(ctx.arazzo_doc, source.url, site, "sourceDescription url")
        if ref.document.path.resolve() == ctx.openapi_doc.path.resolve():
            continue
        validate_openapi(ref.document, ctx.warnings)
        result.append((ref.document, source.name))
    return result


def source_name(ctx: BuildContext, path: Path) -> str:
    """The sourceDescription name of an OpenAPI document (its file name's when none)."""
    if ctx.arazzo is not None and ctx.arazzo_doc is not None:
        for source in ctx.arazzo.sourceDescriptions:
            url = unquote(source.url.split("#", 1)[0])
            if (ctx.arazzo_doc.path.parent / url).resolve() == path.resolve():
                return str(source.name)
    return naming.pascal(path.name.split(".")[0])
