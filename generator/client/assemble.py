"""Build the client of a package: the views `client.py` renders (operations, workflows
compiled into plans, `run_<journey>()`), with the warnings found. Part of the build stage: the
client part only renders what this returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import naming
from ..diagnostics import Diagnostic, error
from ..ir import Bundle, JourneyIR
from .operations import OpView, model_imports, op_views
from .plan_data import components_literal, sources_literal
from .readme import ClientExample, client_example
from .workflows import WorkflowView, compile_workflows

_RUN_RESERVED = ("self", "start", "timeout", "poll", "idempotency_key")
_WAIT_PREFIXES = ("wait_for_", "await_", "wait_")


@dataclass(frozen=True)
class ExternalView:
    """One external-input state as a keyword argument of `run_<journey>()`."""

    state: str
    arg: str
    annotation: str
    op: OpView | None
    guard_header: str | None
    call_args: str = "journey_id, body"
    example: Any = (
        None  # a JSON value for the README's example (None: not posted there)
    )
    # where the generated server serves the state when the OpenAPI has no step endpoint
    served_path: str = ""


def _external_args(op: OpView | None, guard: str | None) -> str:
    """Arguments of the step's spec builder from `journey_id`, `body` (the input) only.

    The journey id fills the path parameter; a required header that is the journey's guard
    gets an empty placeholder the engine replaces with the client's webhook secret.
    """
    if op is None:
        return "journey_id, body"
    args: list[str] = []
    path_taken = False
    for param in op.op.params:
        if param.location == "path" and not path_taken:
            value, path_taken = "journey_id", True
        elif (
            param.location == "header"
            and guard is not None
            and param.wire.lower() == guard.lower()
        ):
            value = '""'
        elif param.required:
            raise error(
                op.op.location,
                f"step endpoint {op.op.operation_id!r} needs {param.location} parameter "
                f"{param.wire!r}, which run_<journey>() cannot fill; make it optional",
            )
        else:
            continue
        args.append(value if param.required else f"{param.py_name}={value}")
    if op.op.body is not None:
        args.append("body" if op.op.body.required else "body=body")
    return ", ".join(args)


@dataclass(frozen=True)
class JourneyView:
    """What `run_<journey>()` needs."""

    method_name: str
    start: OpView
    start_body: str
    status: OpView | None
    result: OpView
    outcome: str
    external: tuple[ExternalView, ...]
    running: tuple[str, ...]


def _arg_name(state: str) -> str:
    name = naming.snake(state, default="input")
    for prefix in _WAIT_PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix):
            return naming.safe_identifier(name[len(prefix) :])
    return naming.safe_identifier(name)


def running_phases(journey: JourneyIR | None) -> tuple[str, ...]:
    """Status phases that are not an outcome phase (case-insensitively), casefolded."""
    if journey is None:
        return ("running",)
    terminal = {p.casefold() for p in journey.outcome_phases}
    found = sorted({p.casefold() for p in journey.status_phases} - terminal)
    return tuple(found) or ("running",)


def journey_view(
    bundle: Bundle, ops: dict[str, OpView], taken: set[str]
) -> JourneyView | None:
    """The journey view, or None when the case has no journey or no result endpoint."""
    journey = bundle.journey
    if journey is None or journey.result is None or journey.start.body is None:
        return None
    # the top level's states in the order a run meets them, then those inside parallel
    # branches and subjourneys: run_<journey>() posts each given input whenever its state
    # waits (spec.compensation's come after the outcome the method returns: none of them)
    steps = (
        *journey.external_steps,
        *(
            s
            for s in journey.branch_steps
            if not s.pointer.startswith("/spec/compensation/")
        ),
    )
    args = naming.assign(
        ((s.state, _arg_name(s.state)) for s in steps),
        reserved=_RUN_RESERVED,
    )
    external = tuple(
        ExternalView(
            state=s.state,
            arg=args[s.state],
            annotation=(
                s.operation.body.annotation
                if s.operation and s.operation.body
                else s.input_model or "Any"
            ),
            op=ops[s.operation.method_name] if s.operation else None,
            guard_header=s.guard_header,
            call_args=_external_args(
                ops[s.operation.method_name] if s.operation else None, s.guard_header
            ),
            example=s.example,
            served_path=_served_path(journey.start.server_path, s.state),
        )
        for s in steps
    )
    method = naming.Scope(taken).claim("run_" + bundle.names.module)
    result = ops[journey.result.method_name]
    return JourneyView(
        method_name=method,
        start=ops[journey.start.method_name],
        start_body=journey.start.body.annotation,
        status=ops[journey.status.method_name] if journey.status else None,
        result=result,
        outcome=result.returns,
        external=external,
        running=running_phases(journey),
    )


def _served_path(start_path: str, state: str) -> str:
    """The step path the generated server serves an external-input state at: beside the
    start endpoint's `.../journeys/<name>/start`."""
    base = start_path.rsplit("/journeys/", 1)[0]
    return f"{base}/journeys/{{journeyId}}/steps/{state}"


def _annotations(
    ops: list[OpView], journey: JourneyView | None, flows: list[WorkflowView]
) -> list[str]:
    found = [a for v in ops for a in v.annotations]
    if journey is not None:
        found += [journey.start_body, journey.outcome] + [
            e.annotation for e in journey.external
        ]
    found += [f.inputs_model for f in flows if f.inputs_model]
    return found


@dataclass(frozen=True)
class ClientPart:
    """What `client.py` renders, decided by the build."""

    ops: tuple[OpView, ...]
    flows: tuple[WorkflowView, ...]
    journey: JourneyView | None
    client: str  # the blocking client's class name
    aclient: str  # the asyncio client's class name
    imports: tuple[str, ...]  # the model names client.py imports
    components: str  # `$components` as a Python literal
    sources: str  # `$sourceDescriptions` as a Python literal
    running: tuple[str, ...]
    binary_bodies: bool  # an operation takes a binary body (`bytes | _IO[bytes]`)
    warnings: tuple[Diagnostic, ...] = ()
    # the other Arazzo documents: label, suffix, components and sources literals
    other_parts: tuple[dict[str, str], ...] = ()
    example: ClientExample | None = None  # the README's runnable example

    def context(self) -> dict[str, object]:
        """The template's variables."""
        return {
            "ops": self.ops,
            "flows": self.flows,
            "journey": self.journey,
            "client": self.client,
            "aclient": self.aclient,
            "imports": self.imports,
            "components": self.components,
            "sources": self.sources,
            "running": self.running,
            "binary_bodies": self.binary_bodies,
            "other_parts": self.other_parts,
        }


def build_client(bundle: Bundle) -> ClientPart:
    """The client of a bundle; SpecError for what cannot become correct code."""
    views = op_views(bundle)
    by_name = {v.name: v for v in views}
    pascal = bundle.names.pascal
    aclient = bundle.names.async_client
    classes = naming.Scope(
        [m.name for m in bundle.models]
        + [a for a, _ in bundle.model_aliases]
        + [f"{pascal}Client", aclient]
    )
    flows, warnings = compile_workflows(bundle, by_name, classes)
    taken = {v.name for v in views} | {f.method_name for f in flows}
    journey = journey_view(bundle, by_name, taken)
    return ClientPart(
        example=client_example(bundle, journey, flows),
        ops=tuple(views),
        flows=tuple(flows),
        journey=journey,
        client=f"{pascal}Client",
        aclient=aclient,
        imports=tuple(model_imports(bundle, _annotations(views, journey, flows))),
        components=components_literal(bundle.arazzo),
        sources=sources_literal(bundle.arazzo),
        running=running_phases(bundle.journey),
        binary_bodies=any(
            op.body is not None and op.body.kind == "binary" for op in bundle.operations
        ),
        warnings=tuple(warnings),
        other_parts=tuple(
            {
                "label": part.label,
                "suffix": f"_{i}",
                "components": components_literal(part.document),
                "sources": sources_literal(part.document),
            }
            for i, part in enumerate(bundle.arazzo_parts)
            if i > 0
        ),
    )
