"""The models the case's documents define: OpenAPI components, the journey's input and
output, and the input/response schema of every external-input state."""

from __future__ import annotations

from typing import Any

from .. import naming
from ..diagnostics import Diagnostic, Level, SpecError
from ..load import Document, escape_pointer_token
from .context import BuildContext


def journey_models(ctx: BuildContext, pascal: str) -> tuple[str | None, str | None]:
    """The journey's input and output models (None without a schema); records the model of
    each external-input state's input in `ctx.state_inputs`."""
    if ctx.journey is None or ctx.journey_doc is None:
        return None, None
    doc = ctx.journey_doc
    spec = doc.data["spec"]
    names: list[str | None] = []
    for part, suffix in (("input", "Input"), ("output", "Output")):
        schema = (spec.get(part) or {}).get("schema")
        if isinstance(schema, dict):
            converted = ctx.schemas.model(
                doc, f"/spec/{part}/schema", schema, pascal + suffix
            )
            names.append(ctx.schemas.model_name(converted))
        else:
            names.append(None)
    for state, base, body in external_states(spec["states"], "/spec/states"):
        _state_models(ctx, doc, state, f"{base}/{body['type']}", body[body["type"]])
    return names[0], names[1]


def _state_models(
    ctx: BuildContext, doc: Document, state: str, base: str, block: dict[str, Any]
) -> None:
    for part, suffix in (("input", "Input"), ("response", "Response")):
        schema = (block.get(part) or {}).get("schema")
        if not isinstance(schema, dict):
            continue
        wanted = naming.class_prefix(state) + suffix
        pointer = f"{base}/{part}/schema"
        try:
            converted = ctx.schemas.model(doc, pointer, schema, wanted)
        except SpecError as exc:
            if "/parallel/" not in base:
                raise
            # Parallel branches are not run by the engine yet; a broken schema
            # there costs its model only, not the whole package.
            ctx.warnings.extend(
                Diagnostic(
                    d.location,
                    f"{d.message}; no model is generated for the {part} of "
                    f"state {state!r}",
                    Level.WARNING,
                )
                for d in exc.diagnostics
            )
            continue
        if part == "input":
            ctx.state_inputs[state] = ctx.schemas.model_name(converted)


def component_models(ctx: BuildContext, doc: Document) -> None:
    """A model for every `components.schemas` entry of an OpenAPI document."""
    components = (doc.data.get("components") or {}).get("schemas") or {}
    for key, value in components.items():
        pointer = f"/components/schemas/{escape_pointer_token(key)}"
        ctx.schemas.model(doc, pointer, value, naming.class_name(key))


def external_states(
    states: Any, pointer: str
) -> list[tuple[str, str, dict[str, Any]]]:
    """(name, pointer, body) of every webhook/wait state, also inside parallel branches."""
    found: list[tuple[str, str, dict[str, Any]]] = []
    if not isinstance(states, dict):
        return found
    for state, body in states.items():
        if not isinstance(body, dict):
            continue
        here = f"{pointer}/{escape_pointer_token(str(state))}"
        kind = body.get("type")
        if kind in ("webhook", "wait") and isinstance(body.get(kind), dict):
            found.append((str(state), here, body))
        parallel = body.get("parallel")
        branches = parallel.get("branches") if isinstance(parallel, dict) else None
        for i, branch in enumerate(branches if isinstance(branches, list) else []):
            if isinstance(branch, dict):
                found.extend(
                    external_states(
                        branch.get("states"), f"{here}/parallel/branches/{i}/states"
                    )
                )
    return found
