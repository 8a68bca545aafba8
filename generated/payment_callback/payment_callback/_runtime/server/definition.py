"""A compiled journey as the generator emits it: its machines and their parts.

Generated code describes a journey as a ``JourneyDefinition`` whose ``states`` mapping lists
the journey's states in spec order, one entry per state: a step function for an internal state
(task, choice, transform, succeed, fail) returning ``Next``, ``Succeed``, ``Fail`` or ``Leave``,
an ``ExternalInput`` for a webhook/wait state, a ``Timer`` for a timer state, a ``Parallel``
for a parallel state (each branch a ``Machine`` of the same kinds of entries) and a
``SubjourneyCall`` for a subjourney state (``JourneyDefinition.subjourneys`` holds the called
machines by id). How each kind runs is in ``states/``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeAlias, TypeVar

from pydantic import BaseModel

from .api_surface import ApiSurface
from .auth import RequestMeta
from .cache import DEFAULT_TTL_SECONDS
from .context import RunContext
from .lifecycle import Compensation, Deadline, ErrorEnvelope, NamedOutcome
from .metadata import JourneyMetadata
from .results import StepResult, SubjourneyResult
from .security import Guard

if TYPE_CHECKING:
    from .access import ReadGuard
    from .outbound_policies import OutboundSpec

__all__ = [
    "Branch",
    "ExternalInput",
    "JourneyDefinition",
    "Machine",
    "Parallel",
    "PlatformKey",
    "RequestBinding",
    "StateEntry",
    "StepFn",
    "SubjourneyCall",
    "Timer",
    "ValueFn",
    "machines",
]

H = TypeVar("H")

StepFn = Callable[[RunContext[H]], StepResult]
ValueFn = Callable[[RunContext[H]], Any]


@dataclass(frozen=True)
class ExternalInput:
    """A webhook or wait state: where the run pauses until a step submission arrives."""

    name: str
    kind: Literal["webhook", "wait"]
    input_model: type[BaseModel]
    next: str
    guard: Guard | None = None
    response_var: str | None = None
    response_model: type[BaseModel] | None = None
    timeout_sec: float | None = None
    on_timeout: str | None = None
    route: str | None = (
        None  # the step endpoint's name when the OpenAPI names it otherwise
    )


@dataclass(frozen=True)
class Timer(Generic[H]):
    """A timer state: ``duration`` (ISO-8601) or ``until`` (RFC 3339), computed per visit."""

    name: str
    next: str
    duration: ValueFn[H] | None = None
    until: ValueFn[H] | None = None


@dataclass(frozen=True)
class SubjourneyCall(Generic[H]):
    """A subjourney state: run ``spec.subjourneys.<ref>`` from ``start`` on the context
    ``input`` computes (``{}`` without one), then ``finish`` hands its result back (writes
    ``resultVar``, propagates a failure) and says what comes next."""

    name: str
    ref: str
    start: str
    finish: Callable[[RunContext[H], SubjourneyResult], StepResult]
    input: ValueFn[H] | None = None


@dataclass(frozen=True)
class Machine(Generic[H]):
    """The states of a journey or of one parallel branch, in spec order.

    ``steps``, ``inputs``, ``timers``, ``parallels`` and ``calls`` are read-only views of
    ``states`` by kind.
    """

    states: Mapping[str, StateEntry[H]]

    @cached_property
    def steps(self) -> Mapping[str, StepFn[H]]:
        """The internal states' step functions."""
        return {
            name: entry
            for name, entry in self.states.items()
            if not isinstance(entry, (ExternalInput, Timer, Parallel, SubjourneyCall))
        }

    @cached_property
    def inputs(self) -> Mapping[str, ExternalInput]:
        """The webhook and wait states."""
        return _of_kind(self.states, ExternalInput)

    @cached_property
    def timers(self) -> Mapping[str, Timer[H]]:
        """The timer states."""
        return _of_kind(self.states, Timer)

    @cached_property
    def parallels(self) -> Mapping[str, Parallel[H]]:
        """The parallel states."""
        return _of_kind(self.states, Parallel)

    @cached_property
    def calls(self) -> Mapping[str, SubjourneyCall[H]]:
        """The subjourney states."""
        return _of_kind(self.states, SubjourneyCall)


E = TypeVar("E")


def _of_kind(states: Mapping[str, object], kind: type[E]) -> dict[str, E]:
    return {name: entry for name, entry in states.items() if isinstance(entry, kind)}


@dataclass(frozen=True)
class Branch(Generic[H]):
    """One branch of a parallel state."""

    name: str
    start: str
    machine: Machine[H]


@dataclass(frozen=True)
class Parallel(Generic[H]):
    """A parallel state: branches and their join."""

    name: str
    branches: tuple[Branch[H], ...]
    strategy: Literal["allOf", "anyOf", "firstCompleted"] = "allOf"
    error_policy: Literal["collectAll", "failFast", "ignoreErrors"] = "collectAll"
    join: Callable[[RunContext[H], dict[str, Any]], Any] | None = None
    result_var: str | None = None
    next: str | None = None


# One state of a machine: a step function (internal state), an ExternalInput (webhook, wait),
# a Timer, a Parallel or a SubjourneyCall.
StateEntry: TypeAlias = (
    StepFn[H] | ExternalInput | Timer[H] | Parallel[H] | SubjourneyCall[H]
)


@dataclass(frozen=True)
class RequestBinding:
    """``spec.bindings.http.start`` or ``.steps.<id>``: request values copied into the run.

    ``headers_to_context``/``query_to_context`` copy a present header or query parameter to
    ``context.<field>``; ``passthrough`` forwards an inbound header to the outbound calls of
    this request only (never persisted).
    """

    headers_to_context: tuple[tuple[str, str], ...] = ()
    query_to_context: tuple[tuple[str, str], ...] = ()
    passthrough: tuple[tuple[str, str], ...] = ()

    def apply(
        self, context: dict[str, Any], headers: Mapping[str, str], meta: RequestMeta
    ) -> dict[str, str]:
        """Copy the bound values into context; return the passthrough headers."""
        lowered = {k.lower(): v for k, v in headers.items()}
        for header, name in self.headers_to_context:
            if header.lower() in lowered:
                context[name] = lowered[header.lower()]
        for param, name in self.query_to_context:
            if param in meta.query:
                context[name] = meta.query[param]
        return {
            to: lowered[source.lower()]
            for source, to in self.passthrough
            if source.lower() in lowered
        }


@dataclass(frozen=True)
class PlatformKey:
    """One ``spec.platform.config`` key."""

    name: str
    type: str = "string"
    required: bool = False


@dataclass(frozen=True)
class JourneyDefinition(Generic[H]):
    """A compiled journey: what the generator emits per journey."""

    name: str
    start: str
    input_model: type[BaseModel]
    states: Mapping[str, StateEntry[H]]  # every top-level state, in spec order
    correlation_fields: tuple[str, ...] = ()
    status_model: type[BaseModel] | None = None
    outcome_model: type[BaseModel] | None = None
    # the start answers with the outcome when the run ended (the contract's start returns it)
    start_outcome: bool = False
    max_steps: int = 1000
    version: str = "0.1.0"
    platform_keys: tuple[PlatformKey, ...] = ()
    cache_ttl_seconds: float = DEFAULT_TTL_SECONDS
    cache_max_entries: int = 10_000
    http_bindings: Mapping[str, RequestBinding] = field(default_factory=dict)
    status_phases: tuple[
        str, ...
    ] = ()  # JourneyStatus.phase values the contract declares
    outcome_phases: tuple[
        str, ...
    ] = ()  # JourneyOutcome.phase values the contract declares
    outcomes: tuple[NamedOutcome, ...] = ()  # spec.outcomes (see lifecycle.py)
    execution: Deadline | None = None  # spec.execution
    compensation: Compensation | None = None  # spec.compensation
    read_guard: ReadGuard[H] | None = None  # spec.access.read.guardRef (access.py)
    # spec.lifecycle.startMode: async answers the start 202 with a JourneyStartResponse
    start_mode: Literal["sync", "async"] = "sync"
    cancellable: bool = (
        True  # spec.lifecycle.cancellable: POST .../steps/cancel (cancel.py)
    )
    links: bool = (
        True  # spec.httpSurface.links.enabled: `_links` on start, status, outcome
    )
    metadata: JourneyMetadata | None = None  # metadata.tags, spec.metadata.bindings
    output_response_var: str | None = None  # spec.output.response.outputVar
    # spec.subjourneys: the machine of each subjourney id its subjourney states call
    subjourneys: Mapping[str, Machine[H]] = field(default_factory=dict)
    # spec.policies and spec.cookies (outbound_policies): None when the journey has neither
    outbound: OutboundSpec | None = None
    error_envelope: ErrorEnvelope | None = None  # spec.errors.envelope, format: custom
    # succeed state -> "file:line:col", where an outcome that breaks the contract came from
    output_sites: Mapping[str, str] = field(default_factory=dict)
    # kind: Api (api_surface.py): served as one synchronous endpoint by api.py, no instance
    api: ApiSurface | None = None

    @cached_property
    def machine(self) -> Machine[H]:
        """The top-level states as a Machine."""
        return Machine(self.states)

    def all_inputs(self) -> dict[str, ExternalInput]:
        """Every external-input state: top level, inside parallel branches, subjourneys and
        spec.compensation."""
        found: dict[str, ExternalInput] = {}
        tops = [self.machine, *self.subjourneys.values()]
        if self.compensation is not None:
            tops.append(self.compensation.machine)
        for top in tops:
            for machine in machines(top):
                for name, ext in machine.inputs.items():
                    found.setdefault(name, ext)
        return found

    def profiles(self) -> tuple[str, ...]:
        """Return the apiKeyValidate profiles the guards use (to read their secrets)."""
        inputs = self.all_inputs().values()
        return tuple(sorted({i.guard.profile for i in inputs if i.guard}))


def machines(machine: Machine[H]) -> Iterator[Machine[H]]:
    """A machine and every machine nested in its parallel branches."""
    yield machine
    for parallel in machine.parallels.values():
        for branch in parallel.branches:
            yield from machines(branch.machine)
