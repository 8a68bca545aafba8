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
    machines = [(spec["states"], "/spec/states")]
    for ref, sub in (spec.get("subjourneys") or {}).items():
        if isinstance(sub, dict):  # a subjourney's steps are the journey's (DSL §5.8)
            where = f"/spec/subjourneys/{escape_pointer_token(str(ref))}/states"
            machines.append((sub.get("states"), where))
    compensation = spec.get("compensation")
    if isinstance(compensation, dict):
        machines.append((compensation.get("states"), "/spec/compensation/states"))
    for states, pointer in machines:
        for state, base, body in external_states(states, pointer):
            kind = body["type"]
            _state_models(ctx, doc, state, f"{base}/{kind}", body[kind])
    return names[0], names[1]


def schema_ref_models(ctx: BuildContext) -> None:
    """A model for the schema each kafkaPublish:v1 keySchemaRef/valueSchemaRef names (DSL
    §5.2), recorded in `ctx.schema_refs` as the Python type the engine validates against:
    `models.<Class>` for an object or enum schema, a plain annotation (`str`, `list[int]`)
    for a simple one. A ref that names no schema journeygen can read is a located error."""
    if ctx.journey is None or ctx.journey_doc is None:
        return
    from ..inputs import SCHEMA_REF_FIELDS
    from ..schema.journey.check import walk_states
    from ..schema.journey.states import TaskState
    from ..schema.journey.tasks import KafkaPublish
    from ..server.schematypes import annotation

    doc = ctx.journey_doc
    for pointer, state in walk_states(ctx.journey.spec):
        task = state.task if isinstance(state, TaskState) else None
        if not isinstance(task, KafkaPublish):
            continue
        for field_name in SCHEMA_REF_FIELDS:
            ref = getattr(task, field_name)
            if ref is None or ref in ctx.schema_refs:
                continue
            site = f"{pointer}/task/{field_name}"
            try:
                found = ctx.ws.resolve(doc, ref, site, field_name)
                stem = ref.rpartition("#")[2].rpartition("/")[2] or ref.partition("#")[0]
                wanted = naming.class_name(stem.rpartition("/")[2].partition(".")[0])
                converted = ctx.schemas.model(
                    found.document, found.pointer, found.value, wanted
                )
            except SpecError as exc:
                ctx.problems.extend(exc.diagnostics)
                continue
            name = ctx.schemas.model_name(converted)
            if name is not None:
                ctx.schema_refs[ref] = f"models.{name}"
                continue
            typed = annotation(found.value, lambda _: None)
            if typed == "Any" or "Literal" in typed or not _plain(found.value):
                ctx.problems.append(
                    Diagnostic(
                        doc.location(site),
                        f"{field_name} {ref!r} names a schema journeygen cannot check a "
                        "value against: an object or enum schema is checked in full, any "
                        "other only by its type (string, integer, number, boolean or an "
                        "array of those, without pattern, bounds or formats); DSL §5.2",
                    )
                )
                continue
            ctx.schema_refs[ref] = typed


_PLAIN = {"type", "title", "description", "examples", "$comment", "items"}


def _plain(schema: Any) -> bool:
    """A schema whose every constraint its type annotation checks (no pattern, bounds)."""
    if not isinstance(schema, dict) or not set(schema) <= _PLAIN:
        return False
    return "items" not in schema or _plain(schema["items"])


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
