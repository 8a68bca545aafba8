"""The intermediate representation: exactly what the renderers need, with every name decided.

Templates read only these types. Spec strings that reach generated code are carried here raw and
encoded by the renderer's filters for their context (string literal, docstring, comment).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from .diagnostics import Diagnostic, Location
from .schemas import ModelDef

if TYPE_CHECKING:
    # Annotations only: a case without a journey never imports the journey schema.
    from .client.assemble import ClientPart
    from .schema.arazzo import ArazzoDocument, Step, Workflow
    from .schema.journey import Journey
    from .server.ir import ServerPart

ParamLocation = Literal["path", "query", "header", "cookie"]
MediaKind = Literal["json", "form", "multipart", "text", "binary"]
OperationKind = Literal["start", "status", "result", "step", "other"]


@dataclass(frozen=True)
class PackageNames:
    """How the generated package is called in each context."""

    dist: str  # payment-callback (pip distribution, journey name)
    module: str  # payment_callback
    pascal: str  # PaymentCallback
    env_prefix: str  # PAYMENT_CALLBACK
    title: str
    description: str
    version: str

    @property
    def client(self) -> str:
        """The blocking client class: `PaymentCallbackClient`."""
        return f"{self.pascal}Client"

    @property
    def async_client(self) -> str:
        """The asyncio client class: `AsyncPaymentCallbackClient`; a name that already starts
        with "Async" is not doubled (`AsyncFireAndObserveAsyncClient`)."""
        if self.pascal.startswith("Async"):
            return f"{self.pascal}AsyncClient"
        return f"Async{self.pascal}Client"


@dataclass(frozen=True)
class Param:
    """One path/query/header/cookie parameter of an operation."""

    wire: str
    py_name: str
    location: ParamLocation
    required: bool
    annotation: str
    description: str | None = None
    # OpenAPI style/explode of a path parameter that does not use the default (simple,
    # explode false); None: the default
    path_style: tuple[str, bool] | None = None


@dataclass(frozen=True)
class Body:
    """A request body: its media type (JSON preferred), Python type and OAS `encoding`.

    `kind` says how the runtime encodes it: json, form (x-www-form-urlencoded), multipart,
    text (`str`) or binary (`bytes` or a binary stream); `media_types` lists every media type
    the operation declares (an Arazzo step may pick another one).
    """

    content_type: str
    annotation: str
    model: str | None
    required: bool
    kind: MediaKind = "json"
    encoding: tuple[tuple[str, tuple[tuple[str, str | bool], ...]], ...] = ()
    media_types: tuple[str, ...] = ()
    example: Any = (
        None  # a JSON value valid against the schema (documented, else made up)
    )


@dataclass(frozen=True)
class Response:
    """One documented response: status code (`200`, `2XX`, `default`) and its JSON type, if any."""

    status: str
    annotation: str | None
    model: str | None
    description: str | None = None
    kind: MediaKind = "json"  # text: typed str; binary: typed bytes


@dataclass(frozen=True)
class Operation:
    """One HTTP operation; `kind` says what it does in the journey's lifecycle."""

    operation_id: str
    method_name: str
    http_method: str
    path: str
    server_path: (
        str  # path with the OpenAPI server URL prefix, e.g. /api/v1/journeys/...
    )
    params: tuple[Param, ...]
    body: Body | None
    responses: tuple[Response, ...]
    summary: str | None
    description: str | None
    kind: OperationKind
    source: str
    location: Location
    step_state: str | None = None

    @property
    def success(self) -> Response | None:
        """The first 2xx response (the typed return value of the client method)."""
        for response in self.responses:
            if response.status.startswith("2"):
                return response
        return None


@dataclass(frozen=True)
class ExternalStep:
    """A journey state that waits for input from outside (`webhook` or `wait`)."""

    state: str
    kind: Literal["webhook", "wait"]
    operation: (
        Operation | None
    )  # None: the OpenAPI omits the endpoint (a provider-only webhook)
    input_model: str | None
    guard_header: str | None = None
    guard_profile: str | None = None
    pointer: str = ""  # the state's JSON pointer in the journey document
    # a JSON input the server accepts at this state, for the README's runnable example
    example: Any = None


@dataclass(frozen=True)
class JourneyIR:
    """The journey definition linked to its HTTP surface."""

    definition: Journey
    start: Operation
    status: Operation | None
    result: Operation | None
    external_steps: tuple[
        ExternalStep, ...
    ]  # the top level's, in the order a run meets them
    input_model: str | None
    output_model: str | None
    status_phases: tuple[
        str, ...
    ]  # wire values of JourneyStatus.phase, e.g. Running/Succeeded/Failed
    outcome_phases: tuple[
        str, ...
    ]  # wire values of JourneyOutcome.phase, e.g. SUCCEEDED/FAILED
    location: Location
    # the external-input states inside parallel branches (spec order), linked by the same
    # linker (`generator.build.links`); `operation` None: no step endpoint is left for one
    branch_steps: tuple[ExternalStep, ...] = ()
    # kafkaPublish:v1 keySchemaRef/valueSchemaRef (DSL §5.2) -> the model of that schema
    schema_refs: tuple[tuple[str, str], ...] = ()
    # a start body the journey accepts (its input schema's, with the contract's documented
    # example where that passes), for the README's runnable example
    start_example: Any = None
    # kind: Api (DSL §2.2.2): the one synchronous endpoint (`start` is its operation); no
    # status, result or step endpoints
    api: bool = False

    def state_posted_by(self, op: Operation) -> str | None:
        """The external-input state a step endpoint submits to (None: no state takes it)."""
        for step in (*self.external_steps, *self.branch_steps):
            if step.operation == op:
                return step.state
        return None


@dataclass(frozen=True)
class WorkflowStep:
    """An Arazzo step linked to the operation (or workflow) it calls."""

    step: Step
    py_name: str
    operation: Operation | None
    workflow_id: str | None
    location: Location
    # Redocly's `x-operation`: (METHOD, absolute URL) called untyped, no OpenAPI operation
    raw: tuple[str, str] | None = None


@dataclass(frozen=True)
class WorkflowIR:
    """One Arazzo workflow with its steps linked and its input model named."""

    workflow: Workflow
    method_name: str
    inputs_model: str | None
    outputs_model: str | None
    steps: tuple[WorkflowStep, ...]
    location: Location
    # Several Arazzo documents: which one holds the workflow (index into Bundle.arazzo_parts)
    # and the key its plan has in the client's workflow book (its workflowId in the entry
    # document, `$sourceDescriptions.<source>.<workflowId>` in another).
    part: int = 0
    key: str = ""
    inputs_example: Any = None  # JSON inputs valid against the workflow's inputs schema

    @property
    def book_key(self) -> str:
        """The plan's key in the generated `_WORKFLOWS` book."""
        return self.key or self.workflow.workflowId


@dataclass(frozen=True)
class ArazzoPart:
    """One Arazzo document of the case's description: the entry one (label '') or one an
    `arazzo` sourceDescription names (label: the source names leading to it, dot-joined).
    """

    document: ArazzoDocument
    label: str
    # this document's arazzo sourceDescription names -> index into Bundle.arazzo_parts
    arazzo_sources: tuple[tuple[str, int], ...] = ()

    def key(self, workflow_id: str) -> str:
        """The book key of one of this document's workflows."""
        return (
            f"$sourceDescriptions.{self.label}.{workflow_id}"
            if self.label
            else workflow_id
        )


@dataclass(frozen=True)
class Bundle:
    """Everything generated for one case."""

    names: PackageNames
    models: tuple[ModelDef, ...]
    model_aliases: tuple[tuple[str, str], ...]
    operations: tuple[Operation, ...]
    workflows: tuple[WorkflowIR, ...]
    journey: JourneyIR | None
    arazzo: ArazzoDocument | None
    sources: tuple[str, ...]  # input files, relative to the spec root
    warnings: tuple[Diagnostic, ...] = ()
    client: ClientPart | None = None  # the client (set by build)
    server: ServerPart | None = None  # the journey's server (None: no journey)
    # every Arazzo document of the description, the entry one first (empty: no Arazzo)
    arazzo_parts: tuple[ArazzoPart, ...] = ()
