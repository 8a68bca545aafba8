"""The journey linked to its HTTP surface: start, status and result operations, the step
endpoint of each external-input state, and the phase values the contract declares."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..diagnostics import Diagnostic, Level, error
from ..ir import ExternalStep, JourneyIR, Operation
from ..schemas import REF_PREFIX
from .context import BuildContext
from .examples import accepted, state_example


def journey_ir(
    ctx: BuildContext,
    ops: list[Operation],
    input_model: str | None,
    output_model: str | None,
) -> JourneyIR | None:
    if ctx.journey is None or ctx.journey_doc is None:
        return None
    # Imported here: the journey schema's state types only for a journey.
    from .links import external_step, link, waiting_states

    doc = ctx.journey_doc
    by_kind = {op.kind: op for op in reversed(ops)}
    start = by_kind.get("start")
    if ctx.journey.kind == "Api":
        from .api import api_ir

        return api_ir(ctx, ops, input_model, output_model)
    from .api import journey_bindings

    journey_bindings(ctx)
    if start is None:
        raise error(
            doc.location("/metadata/name"),
            "the OpenAPI document has no start operation (POST .../start) for this journey",
        )
    states = doc.data["spec"]["states"]
    order = [
        n
        for n in journey_order(doc.data["spec"])
        if states[n].get("type") in ("webhook", "wait")
    ]
    waiting = waiting_states(ctx.journey, order)
    linked = link(waiting, [op for op in ops if op.kind == "step"], ctx.state_inputs)
    external, branches = [], []
    for state in waiting:
        op = linked.get(state.pointer)
        if (
            state.branch
        ):  # the server says what a branch state lacks, where it compiles it
            branches.append(external_step(state, op, ctx.state_inputs))
            continue
        if op is None:
            # A provider-only webhook may be left out of the public contract: the server
            # still serves it, the client just has no method for it. A wait state may not.
            name, kind = state.name, state.body.type
            webhook = kind == "webhook"
            (ctx.warnings if webhook else ctx.problems).append(
                Diagnostic(
                    doc.location(state.pointer),
                    f"{kind} state {name!r} has no step endpoint in the OpenAPI document "
                    f"(POST /journeys/{{journeyId}}/steps/{name}); add it or re-export the OpenAPI"
                    + (
                        "; the server serves it at that path and run_<journey>() posts the "
                        "input given for it there; add the operation for a typed client method"
                        if webhook
                        else ""
                    ),
                    Level.WARNING if webhook else Level.ERROR,
                )
            )
            if not webhook:
                continue
        external.append(external_step(state, op, ctx.state_inputs))
    status = by_kind.get("status")
    result = by_kind.get("result")
    start_example = accepted(
        ctx, doc, "/spec/input/schema", start.body.example if start.body else None
    )
    return JourneyIR(
        definition=ctx.journey,
        start=start,
        status=status,
        result=result,
        external_steps=tuple(_with_example(ctx, s) for s in external),
        input_model=input_model,
        output_model=output_model,
        status_phases=_phases(ctx, status, ("Running", "Succeeded", "Failed")),
        outcome_phases=_phases(ctx, result, ("SUCCEEDED", "FAILED")),
        schema_refs=tuple(sorted(ctx.schema_refs.items())),
        location=doc.location(""),
        branch_steps=tuple(_with_example(ctx, s) for s in branches),
        start_example=start_example,
    )


def _with_example(ctx: BuildContext, step: ExternalStep) -> ExternalStep:
    """The step with an input its state accepts, for the README's example."""
    assert ctx.journey_doc is not None
    body = step.operation.body if step.operation else None
    found = state_example(
        ctx, ctx.journey_doc, step.pointer, body.example if body else None
    )
    return replace(step, example=found)


def _phases(
    ctx: BuildContext, op: Operation | None, default: tuple[str, ...]
) -> tuple[str, ...]:
    success = op.success if op else None
    model = ctx.schemas.defs.get(success.model or "") if success else None
    phase = (model.schema.get("properties") or {}).get("phase") if model else None
    ref = phase.get("$ref") if isinstance(phase, dict) else None
    enum = (
        ctx.schemas.defs.get(ref[len(REF_PREFIX) :]) if isinstance(ref, str) else None
    )
    values = enum.schema.get("enum") if enum else None
    return tuple(str(v) for v in values) if isinstance(values, list) else default


def journey_order(spec: dict[str, Any]) -> list[str]:
    """States in the order a run meets them (breadth-first from `start`), then the rest."""
    states = spec["states"]
    order: list[str] = []
    queue = [spec.get("start")]
    while queue:
        name = queue.pop(0)
        if not isinstance(name, str) or name in order or name not in states:
            continue
        order.append(name)
        queue.extend(_successors(states[name]))
    return order + [s for s in states if s not in order]


def _successors(state: Any) -> list[str]:
    if not isinstance(state, dict):
        return []
    found = [state.get("next"), state.get("default")]
    for choice in state.get("choices") or []:
        if isinstance(choice, dict):
            found.append(choice.get("next"))
    for key in ("onTimeout", "onError", "onFailure"):
        value = state.get(key)
        found.append(value.get("next") if isinstance(value, dict) else value)
    return [s for s in found if isinstance(s, str)]
