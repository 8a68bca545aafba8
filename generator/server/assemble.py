"""Build the server IR of a journey: its states compiled into engine code, its outbound
calls typed from the downstream OpenAPI documents, its webhook bindings checked. Part of the
build stage: the server part only renders what this returns."""

from __future__ import annotations

import json
from typing import Any

from ..diagnostics import Diagnostic, Level
from ..export.openapi import derive_openapi
from ..export.states import timer_before_input
from ..inputs import Inputs
from ..ir import Bundle
from ..schema.journey.spec import JourneySpec
from . import policies
from .bindings import BindingsCode, parse_bindings
from .calls import CallBuilder
from .compile import JourneyCompiler
from .ir import ServerIR, ServerPart, Unsupported


def _success_model(op: Any) -> str | None:
    success = op.success if op is not None else None
    return success.model if success is not None else None


def build_server(bundle: Bundle, loaded: Inputs) -> ServerPart:
    """Compile the journey of a bundle (its documents: `loaded`) into the server IR, with
    the warnings found; SpecError for what cannot become correct code."""
    assert bundle.journey is not None and loaded.journey is not None
    journey_doc = loaded.journey
    definition = bundle.journey.definition
    calls = CallBuilder(loaded, journey_doc, definition.spec.apis, definition.spec)
    compiler = JourneyCompiler(bundle, journey_doc, definition, calls)
    steps, inputs = compiler.steps(), compiler.inputs()
    expression_warnings = compiler.expressions.warnings
    runtime_names = set(compiler.runtime_names)
    if compiler.expressions.runtime:
        runtime_names.add(("", "dataweave"))
    bindings = loaded.bindings()
    bound = (
        parse_bindings(bindings, bundle, journey_doc)
        if bindings is not None
        else BindingsCode()
    )
    profiles = compiler.profiles | {i.guard[1] for i in inputs if i.guard}
    journey = bundle.journey
    spec = definition.spec
    ttl, entries = _cache_settings(spec)
    outcome_model = _success_model(journey.result)
    server = ServerIR(
        names=bundle.names,
        journey=bundle.names.dist,
        start=spec.start,
        input_model=journey.input_model or "",
        status_model=_success_model(journey.status),
        outcome_model=outcome_model,
        start_outcome=outcome_model is not None
        and _success_model(journey.start) == outcome_model,
        steps=tuple(steps),
        inputs=tuple(inputs),
        methods=tuple(compiler.methods),
        profiles=tuple(sorted(profiles)),
        correlation_fields=tuple(bound.correlation_fields),
        bindings=tuple(bound.bindings),
        binding_imports=tuple(sorted(bound.imports)),
        sources=bundle.sources,
        unsupported=tuple(compiler.unsupported),
        top=compiler.top,
        branch_machines=tuple(compiler.branch_machines),
        version=bundle.names.version,
        platform_keys=_platform_keys(spec),
        cache_ttl_seconds=ttl,
        cache_max_entries=entries,
        status_phases=journey.status_phases,
        outcome_phases=journey.outcome_phases,
        contract=json.dumps(
            derive_openapi(journey_doc.data), ensure_ascii=False, separators=(",", ":")
        ),
        runtime_names=tuple(sorted(runtime_names)),
        api=journey.api,
        api_method=journey.start.http_method if journey.api else "",
        api_path=journey.start.server_path if journey.api else "",
        secret_refs=policies.secret_refs(spec),
        token_endpoints=policies.token_endpoints(spec),
        http_bindings=tuple(
            (
                site,
                f"RequestBinding(headers_to_context={pairs[0]!r}, "
                f"query_to_context={pairs[1]!r}, passthrough={pairs[2]!r})",
            )
            for site, pairs in compiler.http_bindings
        ),
    )
    warnings = [
        Diagnostic(where, text, Level.WARNING)
        for where, text in calls.warnings + compiler.warnings + expression_warnings
    ]
    warnings += bound.warnings + [_warning(u) for u in server.unsupported]
    raw = journey_doc.data.get("spec") if isinstance(journey_doc.data, dict) else None
    timer = timer_before_input(raw) if server.start_outcome and raw else None
    if timer is not None:
        state = timer.rsplit("/", 1)[1]
        warnings.append(
            Diagnostic(
                journey_doc.location(timer),
                f"a synchronous start can reach timer {state!r} before any terminal or "
                "external-input state (DSL §2.2.1, §2.7: a poor fit for sync start): the "
                "start then answers 200 with the JourneyStatus of the paused run, which the "
                "contract's start response (JourneyOutcome) does not describe, so the typed "
                "client's start() raises DecodeError; write spec.lifecycle.startMode: async, "
                "or give the start the JourneyStatus response `journeygen export` derives",
                Level.WARNING,
            )
        )
    return ServerPart(server, tuple(warnings))


def _platform_keys(spec: JourneySpec) -> tuple[tuple[str, str, bool], ...]:
    """(key, type, required) of every `spec.platform.config` key."""
    if spec.platform is None:
        return ()
    return tuple(
        (str(key), entry.type, entry.required)
        for key, entry in spec.platform.config.items()
    )


def _cache_settings(spec: JourneySpec) -> tuple[float | None, int | None]:
    """Default TTL and size of the cache from `spec.resources.caches` (one cache)."""
    caches = spec.resources.caches if spec.resources is not None else {}
    if not caches:
        return None, None
    entry = next(iter(caches.values()))
    ttl, size = entry.ttlSeconds, entry.maxEntries
    return (
        float(ttl) if isinstance(ttl, int | float) and not isinstance(ttl, bool) and ttl > 0 else None,
        size if isinstance(size, int) and not isinstance(size, bool) and size > 0 else None,
    )  # fmt: skip


def _warning(item: Unsupported) -> Diagnostic:
    return Diagnostic(
        item.location,
        f"state {item.state!r} uses {item.construct}, which the server engine does not run: "
        "reaching this state fails the run with JOURNEY_DEFINITION_INVALID (the rest of the "
        "journey is served)",
        Level.WARNING,
    )
