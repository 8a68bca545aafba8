"""What the server templates read: compiled steps, handler methods and bindings, all code-safe.

Every `code`/`lines` value here is Python built by this package with spec strings passed through
`repr()`; every other spec text is carried raw and encoded by the template filters.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..diagnostics import Diagnostic, Location
from ..ir import PackageNames
from ..naming import annotation_names
from ..numbers import NUMBER_DEFINITION, NUMBER_TYPE
from .ir_calls import HandlerMethod


@dataclass(frozen=True)
class StepCode:
    """One function of engine.py: a step of an internal state, a timer value or a join."""

    state: str
    function: str
    summary: str
    lines: tuple[str, ...]
    params: str = "ctx: Ctx"
    returns: str = "StepResult"


@dataclass(frozen=True)
class InputCode:
    """One external-input (webhook/wait) state."""

    state: str
    kind: str
    input_model: str  # a model class name, or "" for the runtime's JsonObject
    next: str
    guard: tuple[str, str] | None
    response_var: str | None
    response_model: str | None
    timeout_sec: int | float | None = None
    on_timeout: str | None = None
    route: str | None = None  # the step endpoint's name when it differs from the state

    @property
    def code(self) -> str:
        """The ExternalInput(...) expression."""
        guard = (
            f"Guard(header={self.guard[0]!r}, profile={self.guard[1]!r})"
            if self.guard
            else "None"
        )
        model = f"models.{self.input_model}" if self.input_model else "JsonObject"
        response = f"models.{self.response_model}" if self.response_model else "None"
        args = [
            f"name={self.state!r}",
            f"kind={self.kind!r}",
            f"input_model={model}",
            f"next={self.next!r}",
            f"guard={guard}",
            f"response_var={self.response_var!r}",
            f"response_model={response}",
        ]
        if self.timeout_sec is not None:
            args += [
                f"timeout_sec={self.timeout_sec!r}",
                f"on_timeout={self.on_timeout!r}",
            ]
        if self.route is not None:
            args.append(f"route={self.route!r}")
        return f"ExternalInput({', '.join(args)})"


@dataclass(frozen=True)
class TimerCode:
    """One timer state: its next state and the function computing duration or until."""

    state: str
    next: str
    mode: str  # "duration" | "until"
    function: str

    @property
    def code(self) -> str:
        """The Timer(...) expression."""
        return f"Timer({self.state!r}, {self.next!r}, {self.mode}={self.function})"


@dataclass(frozen=True)
class BranchCode:
    """One branch of a parallel state."""

    name: str
    start: str
    machine: str  # the module-level Machine variable


@dataclass(frozen=True)
class ParallelCode:
    """One parallel state."""

    state: str
    branches: tuple[BranchCode, ...]
    strategy: str
    error_policy: str
    join: str | None  # the join function
    result_var: str | None
    next: str | None

    @property
    def code(self) -> str:
        """The Parallel(...) expression."""
        branches = ", ".join(
            f"Branch({b.name!r}, {b.start!r}, {b.machine})" for b in self.branches
        )
        return (
            f"Parallel({self.state!r}, ({branches},), strategy={self.strategy!r}, "
            f"error_policy={self.error_policy!r}, join={self.join or 'None'}, "
            f"result_var={self.result_var!r}, next={self.next!r})"
        )


@dataclass(frozen=True)
class CallCode:
    """One subjourney state: the called id and start, its result and input functions."""

    state: str
    ref: str
    start: str
    finish: str  # (ctx, found: SubjourneyResult) -> StepResult
    input: str | None  # (ctx) -> the subjourney's initial context

    @property
    def code(self) -> str:
        """The SubjourneyCall(...) expression."""
        code = f"SubjourneyCall({self.state!r}, {self.ref!r}, {self.start!r}, {self.finish}"
        return code + (f", input={self.input})" if self.input else ")")


@dataclass(frozen=True)
class MachineCode:
    """The states of the journey or of one branch."""

    var: str  # module-level variable name ("" for the journey itself)
    steps: tuple[tuple[str, str], ...]  # (state, function)
    inputs: tuple[InputCode, ...]
    timers: tuple[TimerCode, ...]
    parallels: tuple[ParallelCode, ...]
    # JourneyDefinition keyword arguments (the journey's machine only): (name, code) of
    # outcomes=, execution=, compensation=
    extras: tuple[tuple[str, str], ...] = ()
    order: tuple[str, ...] = ()  # the machine's state names in spec order
    calls: tuple[CallCode, ...] = ()

    @property
    def states(self) -> tuple[tuple[str, str], ...]:
        """(state, code) of every compiled state, in spec order: the `states={...}` entries."""
        codes = dict(self.steps)
        codes.update((i.state, i.code) for i in self.inputs)
        codes.update((t.state, t.code) for t in self.timers)
        codes.update((p.state, p.code) for p in self.parallels)
        codes.update((c.state, c.code) for c in self.calls)
        ordered = [(name, codes.pop(name)) for name in self.order if name in codes]
        return (*ordered, *codes.items())


@dataclass(frozen=True)
class Unsupported:
    """A state the engine compiler cannot compile: it is a step failing the run with
    JOURNEY_DEFINITION_INVALID, reported as a located warning."""

    state: str
    construct: str
    location: Location


@dataclass(frozen=True)
class ServerIR:
    """Everything the server templates render for one journey."""

    names: PackageNames
    journey: str
    start: str
    input_model: str
    status_model: str | None
    outcome_model: str | None
    steps: tuple[StepCode, ...]  # every function of engine.py
    inputs: tuple[InputCode, ...]  # every external-input state, branches included
    methods: tuple[HandlerMethod, ...]
    profiles: tuple[str, ...]
    correlation_fields: tuple[str, ...]
    bindings: tuple[str, ...]  # code of each binding expression
    binding_imports: tuple[str, ...]
    sources: tuple[str, ...]
    unsupported: tuple[Unsupported, ...] = ()
    # the start operation's success response is the outcome (a journey run synchronously)
    start_outcome: bool = False
    top: MachineCode | None = None
    branch_machines: tuple[MachineCode, ...] = ()  # innermost first
    version: str = "0.1.0"
    platform_keys: tuple[tuple[str, str, bool], ...] = ()
    cache_ttl_seconds: float | None = None
    cache_max_entries: int | None = None
    http_bindings: tuple[tuple[str, str], ...] = ()  # (site, RequestBinding(...) code)
    status_phases: tuple[str, ...] = ()
    outcome_phases: tuple[str, ...] = ()
    contract: str = ""  # the per-journey OpenAPI export, as compact JSON text
    api: bool = False  # kind: Api: one synchronous endpoint (runtime api.py), no store
    api_method: str = ""  # kind: Api: its endpoint, e.g. POST /api/v1/apis/<name>
    api_path: str = ""
    # (module under _runtime/server, name) of every runtime name the engine code uses, as the
    # compiler recorded them; ("", "dataweave"): the DataWeave runtime module itself
    runtime_names: tuple[tuple[str, str], ...] = ()
    # (secretRef, what it is) of the outbound auth policies (README settings table)
    secret_refs: tuple[tuple[str, str], ...] = ()
    # (policy id, tokenEndpoint) of the oauth2ClientCredentials policies (README settings)
    token_endpoints: tuple[tuple[str, str], ...] = ()

    @property
    def protocol(self) -> str:
        """The handlers Protocol class name."""
        return f"{self.names.pascal}Handlers"

    @property
    def _annotation_names(self) -> set[str]:
        """Every name the annotations of handlers.py refer to."""
        annotations = [f.annotation for m in self.methods for f in m.fields]
        annotations += [
            f.annotation
            for m in self.methods
            if m.body_model
            for f in m.body_model.fields
        ]
        annotations += [
            f.annotation
            for m in self.methods
            for _, model in m.result_models
            for f in model.fields
        ]
        annotations += [m.result_type for m in self.methods if m.result_type]
        used = {name for a in annotations for name in annotation_names(a)}
        return used

    @property
    def typing_names(self) -> tuple[str, ...]:
        """The `typing` names handlers.py uses."""
        used = self._annotation_names
        return tuple(sorted({"Protocol"} | (used & {"Any", "Literal"})))

    @property
    def number_definition(self) -> str:
        """The `_JsonNumber` definition when a handlers.py annotation uses it, else ""."""
        return NUMBER_DEFINITION if NUMBER_TYPE in self._annotation_names else ""

    @property
    def partial_handlers(self) -> str | None:
        """`<Pascal>PartialHandlers`: the union of one single-method Protocol per call, which
        an object defining only some of the calls is to a type checker (None below two
        calls: the Protocol itself is then what such an object is)."""
        return f"{self.names.pascal}PartialHandlers" if len(self.methods) > 1 else None

    @property
    def method_protocols(self) -> tuple[tuple[str, HandlerMethod], ...]:
        """(class name, method) of each member of `partial_handlers`."""
        if self.partial_handlers is None:
            return ()
        taken = set(self._exports())
        found = []
        for method in self.methods:
            base = method.call_class.removesuffix("Call")
            name = f"{base}Handler"
            if name in taken:
                name = f"{self.names.pascal}{base}Handler"
            taken.add(name)
            found.append((name, method))
        return tuple(found)

    @property
    def http_handlers(self) -> str:
        """The class making every httpCall over HTTP (the default of each handler method)."""
        return f"{self.names.pascal}HttpHandlers"

    @property
    def http_methods(self) -> tuple[HandlerMethod, ...]:
        """The handler methods of httpCall tasks: the server makes these calls itself."""
        return tuple(m for m in self.methods if m.http is not None)

    @property
    def handler_exports(self) -> tuple[str, ...]:
        """The public names of handlers.py, sorted."""
        names = set(self._exports())
        names.update(name for name, _ in self.method_protocols)
        if self.partial_handlers is not None:
            names.add(self.partial_handlers)
        return tuple(sorted(names))

    def _exports(self) -> set[str]:
        names = {
            self.protocol,
            "TaskResult",
            self.http_handlers,
            "HTTP_CALLS",
            "nonblocking",
        }
        for method in self.methods:
            names.add(method.call_class)
            if method.body_model:
                names.add(method.body_model.class_name)
            names.update(model.class_name for _, model in method.result_models)
        return names

    @property
    def scaffold_imports(self) -> tuple[str, ...]:
        """What a scaffolded handlers module imports: the Protocol, the call models, TaskResult."""
        names = {self.protocol, self.http_handlers, "TaskResult"}
        names |= {m.call_class for m in self.methods}
        names |= {
            model.class_name for m in self.methods for _, model in m.result_models
        }
        return tuple(sorted(names))

    @property
    def machines(self) -> tuple[MachineCode, ...]:
        """Every machine: branches innermost first, then the journey's own."""
        return self.branch_machines + ((self.top,) if self.top else ())

    def _names(self, module: str) -> list[str]:
        return sorted(n for m, n in self.runtime_names if m == module)

    @property
    def outbound_policies(self) -> bool:
        """Whether the definition carries `outbound=OutboundSpec(...)` (spec.policies,
        spec.cookies): server.py then sends every httpCall through a JourneyPolicy."""
        return any(
            key == "outbound" for key, _ in (self.top.extras if self.top else ())
        )

    @property
    def engine_imports(self) -> tuple[str, ...]:
        """The import lines engine.py needs (sorted, only what it uses), from the runtime
        names the compiler recorded as it emitted code and from what the IR holds."""
        machines = self.machines
        runtime = {"ExternalInput", "Fail", "JourneyDefinition", "Next", "RunContext"}
        runtime |= {"StepResult", "Succeed", *self._names("engine")}
        if any(m.timers for m in machines):
            runtime.add("Timer")
        if any(m.parallels for m in machines):
            runtime |= {"Parallel", "Branch"}
        if any(m.calls for m in machines):
            runtime |= {"SubjourneyCall", "SubjourneyResult"}
        if self.branch_machines:
            runtime.add("Machine")
        if self.platform_keys:
            runtime.add("PlatformKey")
        if self.http_bindings:
            runtime.add("RequestBinding")
        if not self.input_model or any(not i.input_model for i in self.inputs):
            runtime.add("JsonObject")
        hooks = {"ProviderBinding"} | (set(self.binding_imports) & set(_WEBHOOK_NAMES))
        appypay = set(self.binding_imports) & set(_APPYPAY_NAMES)
        guard = any(i.guard for i in self.inputs) or "Guard" in self.binding_imports
        auth = self._names("auth")
        lines = ["from . import handlers, models"]
        if ("", "dataweave") in self.runtime_names:
            lines.append("from ._runtime.server import dataweave as _dw")
        if self._names("access"):
            lines.append("from ._runtime.server.access import ReadGuard")
        if appypay:
            lines.append(
                f"from ._runtime.server.appypay import {', '.join(sorted(appypay))}"
            )
        api = self._names("api_surface")
        if api:
            lines.append(f"from ._runtime.server.api_surface import {', '.join(api)}")
        if self._names("attributes"):
            lines.append("from ._runtime.server.attributes import write_attributes")
        if auth:
            lines.append(f"from ._runtime.server.auth import {', '.join(auth)}")
        lines.append(
            f"from ._runtime.server.engine import {', '.join(sorted(runtime))}"
        )
        lifecycle = self._names("lifecycle")
        if lifecycle:
            lines.append(
                f"from ._runtime.server.lifecycle import {', '.join(lifecycle)}"
            )
        if self._names("metadata"):
            lines.append("from ._runtime.server.metadata import JourneyMetadata")
        outbound = self._names("outbound_policies")
        if outbound:
            lines.append(
                f"from ._runtime.server.outbound_policies import {', '.join(outbound)}"
            )
        if guard:
            lines.append("from ._runtime.server.security import Guard")
        lines.append("from ._runtime.server.settings import env_prefix")
        kafka = self._names("tasks.kafka")
        if kafka:
            lines.append(f"from ._runtime.server.tasks.kafka import {', '.join(kafka)}")
        if self._names("tasks.xml"):
            lines.append("from ._runtime.server.tasks.xml import xml_decode")
        lines.append(
            f"from ._runtime.server.webhooks import {', '.join(sorted(hooks))}"
        )
        return tuple(lines)


_LIFECYCLE_NAMES = ("Compensation", "Deadline", "NamedOutcome")
_WEBHOOK_NAMES = (
    "Action",
    "Concat",
    "Const",
    "EventRule",
    "Field",
    "FirstOf",
    "GenericEvent",
)
_APPYPAY_NAMES = ("APPYPAY_RULES", "AppyPayEvent", "appypay_binding")


@dataclass(frozen=True)
class ServerPart:
    """The server of a journey package as the build decided it: its IR and the warnings."""

    ir: ServerIR
    warnings: tuple[Diagnostic, ...] = ()
