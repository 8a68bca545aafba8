"""Typed specs -> IR: link journey states, Arazzo steps and OpenAPI operations; decide names.

One build is a sequence of functions over a `BuildContext`, one module per concern:
`documents` (the case's documents, typed), `names` (the package's names), `models` (component,
journey and state models), `operations` (OpenAPI operations), `journey` (the journey's HTTP
surface), `links` (external-input state <-> step endpoint <-> guard) and `workflows` (Arazzo).
"""

from __future__ import annotations

from dataclasses import replace

from ..client.assemble import build_client
from ..diagnostics import SpecError
from ..discover import Case as Case
from ..discover import find_case as find_case
from ..inputs import Inputs
from ..inputs import load_case as load_case
from ..ir import Bundle
from .arazzo_parts import part_sources
from .context import BuildContext
from .documents import extra_sources, read_documents, source_name
from .journey import journey_ir
from .media import media_kind as media_kind
from .models import component_models, journey_models, schema_ref_models
from .names import package_names
from .operations import operations
from .workflows import workflows


def build(inputs: Inputs) -> Bundle:
    """Build the IR bundle for one loaded case (`load_case`), its server included; raise
    SpecError with every problem found."""
    ctx = BuildContext.start(inputs)
    case = inputs.case
    read_documents(ctx)
    names = package_names(ctx)
    input_model, output_model = journey_models(ctx, names.pascal)
    schema_ref_models(ctx)
    extra = extra_sources(ctx)
    known = {ctx.openapi_doc.path.resolve(): source_name(ctx, ctx.openapi_doc.path)}
    known.update((doc.path.resolve(), name) for doc, name in extra)
    extra += part_sources(ctx, known)
    component_models(ctx, ctx.openapi_doc)
    for source_doc, _ in extra:
        component_models(ctx, source_doc)
    primary = ctx.openapi_doc
    ops = operations(ctx, primary, source_name(ctx, primary.path))
    for source_doc, name in extra:
        ops.extend(operations(ctx, source_doc, name))
    journey = journey_ir(ctx, ops, input_model, output_model)
    flows = workflows(ctx, ops)
    if ctx.problems:
        raise SpecError(ctx.problems)
    sources = [
        p
        for p in (primary.path, case.journey, case.arazzo, case.bindings)
        if p is not None
    ] + [doc.path for doc, _ in extra]
    sources += [p.document.path for p in ctx.arazzo_parts[1:]]
    bundle = Bundle(
        names=names,
        models=tuple(ctx.schemas.defs.values()),
        model_aliases=tuple(sorted(ctx.schemas.public_aliases.items())),
        operations=tuple(ops),
        workflows=tuple(flows),
        journey=journey,
        arazzo=ctx.arazzo,
        arazzo_parts=tuple(p.ir() for p in ctx.arazzo_parts),
        sources=tuple(ctx.ws.relative(p) for p in sources),
        warnings=tuple(ctx.warnings + ctx.schemas.warnings),
    )
    bundle = replace(bundle, client=build_client(bundle))
    if journey is None:
        return bundle
    # Imported here: the server's compiler (and the DataWeave one) only for a journey.
    from ..server.assemble import build_server

    return replace(bundle, server=build_server(bundle, inputs))
