"""The server part: `<pkg>/handlers.py`, `engine.py`, `testing.py`, `server.py` per journey.

A journey using a construct the compiler does not support yet gets only a `server.py` whose
`create_app` raises NotImplementedError naming it, and a WARNING diagnostic, never guessed code.
"""

from __future__ import annotations

import re
from typing import Any

import jinja2

from ..diagnostics import Diagnostic, Level
from ..ir import Bundle
from ..parts import PartOutput
from ..schema.journey.spec import JourneySpec
from .bindings import BindingsCode, parse_bindings
from .calls import CallBuilder
from .compile import JourneyCompiler
from .expressions import dataweave_warnings
from .ir import ServerIR, Unsupported
from .sources import open_sources

MODULES = ("handlers", "engine", "testing", "server")


def _success_model(op: Any) -> str | None:
    success = op.success if op is not None else None
    return success.model if success is not None else None


def build_server(bundle: Bundle) -> tuple[ServerIR, list[Diagnostic]]:
    """Compile the journey of a bundle into the server IR plus warnings."""
    assert bundle.journey is not None
    sources = open_sources(bundle)
    definition = bundle.journey.definition
    calls = CallBuilder(sources, sources.journey, definition.spec.apis)
    compiler = JourneyCompiler(bundle, sources.journey, definition, calls)
    with dataweave_warnings() as expression_warnings:
        steps, inputs = compiler.steps(), compiler.inputs()
    bound = (
        parse_bindings(sources.bindings, bundle, sources.journey)
        if sources.bindings is not None
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
    return server, warnings


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
        f"state {item.state!r} uses {item.construct}, which the server engine does not support "
        "yet; the generated create_app raises NotImplementedError",
        Level.WARNING,
    )


def render(
    env: jinja2.Environment, bundle: Bundle, base: str, context: dict[str, Any]
) -> PartOutput:
    """Render the server modules of a journey bundle (nothing for plain OpenAPI + Arazzo)."""
    if bundle.journey is None:
        return PartOutput({})
    server, warnings = build_server(bundle)
    values = {**context, "s": server}
    if server.unsupported:
        stub = env.get_template("server/stub_server.py.jinja").render(values)
        return PartOutput({f"{base}/server.py": stub}, tuple(warnings))
    files = {
        f"{base}/{name}.py": env.get_template(f"server/{name}.py.jinja").render(values)
        for name in MODULES
    }
    files[README_SECTION] = env.get_template("server/README.server.md.jinja").render(
        {**values, **_settings_table(server, bundle.names.env_prefix)}
    )
    return PartOutput(files, tuple(warnings))


# The server's section of the package README: `render` puts it in place of its marker.
README_SECTION = "README.server.md"
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")


def _variable(text: str) -> str:
    """The runtime's `env_prefix` rule (templates/runtime/settings.py), for documentation."""
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").upper()


def _settings_table(server: ServerIR, prefix: str) -> dict[str, Any]:
    api_keys = [(p, f"{prefix}_API_KEY_{_variable(p)}") for p in server.profiles]
    config = []
    for key, kind, required in server.platform_keys:
        words = _CAMEL.sub(r"\1_\2", key)
        config.append((key, f"{prefix}_CONFIG_{_variable(words)}", kind, required))
    return {"api_keys": api_keys, "config_keys": config}
