"""The case's documents, typed: journey, Arazzo and OpenAPI (the case's own and every other
OpenAPI sourceDescription), each validated once with its problems collected."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

from .. import naming
from ..diagnostics import Diagnostic, Level, SpecError
from ..load import Document
from ..schema.openapi import validate_openapi
from .arazzo_parts import read_parts
from .context import BuildContext, attempt


def read_documents(ctx: BuildContext) -> None:
    """Validate the case's loaded documents into `ctx`; raise SpecError with every problem."""
    problems: list[Diagnostic] = []
    primary = ctx.openapi_doc
    ctx.schemas.reserve_components(primary)
    openapi = attempt(problems, lambda: validate_openapi(primary, ctx.warnings))
    if openapi is not None:
        ctx.openapi = openapi
    journey_doc, arazzo_doc = ctx.journey_doc, ctx.arazzo_doc
    if journey_doc is not None:  # the journey schema is imported only for a journey
        from ..schema.journey import parse_journey
    parsed = (
        attempt(problems, lambda: parse_journey(journey_doc)) if journey_doc else None
    )
    ctx.journey = parsed.journey if parsed else None
    if parsed is not None:  # the document as the schema reads it (misplaced fields moved)
        ctx.inputs.journey = parsed.document
    ctx.warnings.extend(parsed.warnings if parsed else ())
    if arazzo_doc is not None:
        found: list[Diagnostic] = []
        read_parts(ctx, found)  # the entry document and those it names
        if found and ctx.journey is not None:
            _leave_out_arazzo(ctx, found)
        else:
            problems.extend(found)
    if problems:
        raise SpecError(problems)


def _leave_out_arazzo(ctx: BuildContext, found: list[Diagnostic]) -> None:
    """A journey case whose Arazzo description is broken (issue #14): each problem is a
    located warning (`--strict` refuses them) and the case is built without it, so the
    package still has the journey's models, server and client operations, no workflows."""
    note = (
        "; the Arazzo workflows are left out (the journey's models, server and client "
        "operations are generated)"
    )
    ctx.warnings.extend(
        Diagnostic(d.location, d.message + note, Level.WARNING) for d in found
    )
    ctx.arazzo = None
    ctx.arazzo_parts = []
    ctx.inputs.arazzo = None


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
