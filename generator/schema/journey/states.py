"""One model per state type (DSL §5, §12, §14, §16), discriminated on `type`.

A state whose `type` is missing or not a DSL state type is an `UnknownState`: it validates, and
the checker turns it into a located error, so one bad state never hides the others' problems.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag, field_validator, model_validator
from pydantic_core import PydanticCustomError

from ...diagnostics import did_you_mean
from .base import (
    Expression,
    MapperHolder,
    Open,
    ResponseProjection,
    SchemaHolder,
    Target,
)
from .placement import relocate
from .tasks import Task, Value


class TaskState(Open):
    """`type: task`: one task plugin run, then `next`."""

    type: Literal["task"]
    task: Task
    next: str | None = None


class When(Open):
    """`when: {predicate}` of a choice branch."""

    predicate: Expression | None = None


class ChoiceBranch(Open):
    """One entry of `choices`."""

    when: When | None = None
    next: str | None = None


class ChoiceState(Open):
    """`type: choice`: the first branch whose predicate holds, else `default`."""

    type: Literal["choice"]
    choices: list[ChoiceBranch] = Field(default_factory=list)
    default: str | None = None


class Transform(MapperHolder):
    """The `transform` block (DSL §14)."""

    target: Target | None = None
    resultVar: str | None = None


class TransformState(Open):
    """`type: transform`; a `resultVar` beside the block (a corpus idiom) is read as the
    block's own, with a warning from the checker."""

    type: Literal["transform"]
    transform: Transform
    resultVar: str | None = None
    next: str | None = None


class SucceedState(Open):
    """`type: succeed`: terminal success with `context.<outputVar>` or the whole context."""

    type: Literal["succeed"]
    outputVar: str | None = None


class FailState(Open):
    """`type: fail`: terminal failure."""

    type: Literal["fail"]
    errorCode: str | None = None
    reason: str | None = None


class ExternalInput(Open):
    """The `wait` / `webhook` block (DSL §12.1, §12.2). `default` is the JourneyForge
    examples' spelling of the state's `next` inside the block, read the same way."""

    channel: str | None = None
    input: SchemaHolder | None = None
    response: ResponseProjection | None = None
    timeoutSec: Any = None
    onTimeout: Any = None
    default: str | None = None


class WaitState(Open):
    """`type: wait`: manual/external input at `/steps/<state>`. Block fields written beside
    the block are read inside it (placement.py); `timeoutSec`/`onTimeout` here stay None.
    """

    type: Literal["wait"]
    wait: ExternalInput = Field(default_factory=ExternalInput)
    next: str | None = None
    timeoutSec: Any = None
    onTimeout: Any = None

    @model_validator(mode="before")
    @classmethod
    def _placed(cls, data: Any) -> Any:
        return relocate(data, "wait")


class WebhookState(Open):
    """`type: webhook`: a third-party callback at `/steps/<state>`."""

    type: Literal["webhook"]
    webhook: ExternalInput = Field(default_factory=ExternalInput)
    next: str | None = None
    timeoutSec: Any = None
    onTimeout: Any = None

    @model_validator(mode="before")
    @classmethod
    def _placed(cls, data: Any) -> Any:
        return relocate(data, "webhook")


class TimerBlock(Open):
    """The `timer` block: exactly one of `duration` / `until`, literal or mapper."""

    duration: Value = None
    until: Value = None


class TimerState(Open):
    """`type: timer`: a durable delay (DSL §12.3)."""

    type: Literal["timer"]
    timer: TimerBlock = Field(default_factory=TimerBlock)
    next: str | None = None


class Branch(Open):
    """One branch of a parallel state: its own state machine."""

    name: str | None = None
    start: str | None = None
    states: dict[str, State] | None = None


class Join(MapperHolder):
    """`join` of a parallel state (DSL §16): its `mapper` (or `mapperRef`) aggregates."""

    strategy: Literal["allOf", "anyOf", "firstCompleted"] = "allOf"
    errorPolicy: Literal["collectAll", "failFast", "ignoreErrors"] = "collectAll"
    resultVar: str | None = None


class ParallelBlock(Open):
    """The `parallel` block."""

    branches: list[Branch] | None = None
    join: Join = Field(default_factory=Join)


class ParallelState(Open):
    """`type: parallel`: branches run to their ends, then joined."""

    type: Literal["parallel"]
    parallel: ParallelBlock = Field(default_factory=ParallelBlock)
    next: str | None = None


class OnFailure(Open):
    """`onFailure` of a subjourney state."""

    behavior: Literal["propagate", "capture"] = "propagate"


class SubjourneyCall(Open):
    """The `subjourney` block (DSL §5.8)."""

    ref: str
    input: MapperHolder | None = None
    resultVar: str | None = Field(default=None, min_length=1)
    resultKind: Literal["output", "outcome"] = "output"
    onFailure: OnFailure = Field(default_factory=OnFailure)


class SubjourneyState(Open):
    """`type: subjourney`: a synchronous call of a `spec.subjourneys` graph."""

    type: Literal["subjourney"]
    subjourney: SubjourneyCall
    next: str | None = None


class UnknownState(Open):
    """A state with no `type` or one the DSL does not define: never a model, always a
    located validation error naming the state types."""

    type: Any = Field(default=None, validate_default=True)

    @field_validator("type", mode="before")
    @classmethod
    def _known(cls, value: Any) -> Any:
        if value is None:
            raise PydanticCustomError("missing", "Field required")
        names = [repr(n) for n in STATE_MODELS]
        listing = ", ".join(names[:-1]) + " or " + names[-1]
        hint = did_you_mean(value, STATE_MODELS) if isinstance(value, str) else ""
        raise PydanticCustomError(
            "literal_error",
            "not a state type{hint}; write one of {listing}",
            {"listing": listing, "hint": f" ({hint})" if hint else ""},
        )


STATE_MODELS: dict[str, type[Open]] = {
    "task": TaskState,
    "choice": ChoiceState,
    "transform": TransformState,
    "parallel": ParallelState,
    "wait": WaitState,
    "webhook": WebhookState,
    "timer": TimerState,
    "subjourney": SubjourneyState,
    "succeed": SucceedState,
    "fail": FailState,
}


def _type(value: Any) -> str:
    kind = (
        value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    )
    return kind if isinstance(kind, str) and kind in STATE_MODELS else "unknown"


State = Annotated[
    Annotated[TaskState, Tag("task")]
    | Annotated[ChoiceState, Tag("choice")]
    | Annotated[TransformState, Tag("transform")]
    | Annotated[ParallelState, Tag("parallel")]
    | Annotated[WaitState, Tag("wait")]
    | Annotated[WebhookState, Tag("webhook")]
    | Annotated[TimerState, Tag("timer")]
    | Annotated[SubjourneyState, Tag("subjourney")]
    | Annotated[SucceedState, Tag("succeed")]
    | Annotated[FailState, Tag("fail")]
    | Annotated[UnknownState, Tag("unknown")],
    Discriminator(_type),
]

AnyState = (
    TaskState | ChoiceState | TransformState | ParallelState | WaitState | WebhookState
    | TimerState | SubjourneyState | SucceedState | FailState | UnknownState
)  # fmt: skip

Branch.model_rebuild()
