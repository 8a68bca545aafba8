"""The compiled plans generated code hands the engine: a workflow (steps, their actions and
outputs) and a journey (its start, status, result and external-input requests)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeAlias, TypeVar

from pydantic import TypeAdapter

from . import arazzo as _az
from .checks import Check, all_hold
from .transport import (
    RequestSpec,
)

R = TypeVar("R")
Context: TypeAlias = _az.RunContext
DEFAULT_MAX_STEPS = 10_000
# Where a run's step outputs travel next to its outputs (no Arazzo output name can hold `$`).
STEPS_KEY = "$steps"


Values: TypeAlias = Callable[[Context], dict[str, Any]]


def no_values(ctx: Context) -> dict[str, Any]:
    """Outputs of a step or workflow that declares none."""
    return {}


@dataclass(frozen=True)
class ActionPlan:
    """One compiled onSuccess/onFailure action."""

    name: str
    type: Literal["end", "goto", "retry"]
    step: int | None = None
    workflow: str | None = None
    retry_after: float | None = None
    retry_limit: int = 1
    max_taken: int | None = None
    criteria: tuple[Check, ...] = ()

    def matches(self, ctx: Context) -> bool:
        """True when every criterion of the action holds."""
        return all_hold(self.criteria, ctx)


@dataclass(frozen=True)
class StepPlan:
    """One compiled step: how to call it, when it succeeded, what comes next, its outputs."""

    step_id: str
    request: Callable[[Context], RequestSpec] | None = None
    workflow: str | None = None
    workflow_inputs: Values = no_values
    poll: Literal["status", "result"] | None = None
    until_states: Sequence[str] = ()  # a status poll also ends when waiting at one
    guard_header: str | None = None
    criteria: tuple[Check, ...] = ()
    on_success: tuple[ActionPlan, ...] = ()
    on_failure: tuple[ActionPlan, ...] = ()
    outputs: Values = no_values


@dataclass(frozen=True)
class WorkflowPlan:
    """One compiled workflow."""

    workflow_id: str
    steps: tuple[StepPlan, ...]
    outputs: Values = no_values
    depends_on: tuple[str, ...] = ()
    max_steps: int = DEFAULT_MAX_STEPS
    components: Mapping[str, Any] = field(default_factory=dict)
    sources: Mapping[str, Any] = field(default_factory=dict)
    # book key -> the name this workflow's document gives that workflow, where they differ
    # (a workflow of another Arazzo document, `$sourceDescriptions.<name>.<workflowId>`)
    names: Mapping[str, str] = field(default_factory=dict)

    def name_of(self, key: str) -> str:
        """How this workflow's `$workflows` expressions name the workflow `key`."""
        return self.names.get(key, key)


@dataclass(frozen=True)
class ExternalPlan:
    """One external-input state: where its input is posted and the header that guards it."""

    state: str
    request: Callable[[str, Any], RequestSpec] | None
    guard_header: str | None = None


@dataclass(frozen=True)
class JourneyPlan(Generic[R]):
    """The journey's HTTP surface as the run needs it."""

    start: Callable[[Any, str], RequestSpec]
    status: Callable[[str], RequestSpec] | None
    result: Callable[[str], RequestSpec]
    result_adapter: TypeAdapter[R]
    status_adapter: TypeAdapter[Any] | None
    external: tuple[ExternalPlan, ...]
