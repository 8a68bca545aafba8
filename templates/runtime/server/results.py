"""What a state's step function returns, what a task handler returns, and the run phases."""

from __future__ import annotations

import copy
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any, Generic, TypeAlias

from pydantic import BaseModel, ConfigDict
from typing_extensions import TypeVar

__all__ = [
    "CANCELLED",
    "DEFINITION_INVALID",
    "EXPRESSION_FAILED",
    "FAILED",
    "RUNNING",
    "SUBJOURNEY_DEPTH_EXCEEDED",
    "SUCCEEDED",
    "Fail",
    "JsonObject",
    "Leave",
    "Next",
    "StepResult",
    "SubjourneyResult",
    "Succeed",
    "TaskAnswer",
    "TaskResult",
]

B = TypeVar("B", default=Any, covariant=True)  # the body type of a TaskResult

RUNNING, SUCCEEDED, FAILED = "Running", "Succeeded", "Failed"
CANCELLED = "Cancelled"
DEFINITION_INVALID = "JOURNEY_DEFINITION_INVALID"
# A subjourney call deeper than Settings.max_subjourney_depth (a recursion without a base case).
SUBJOURNEY_DEPTH_EXCEEDED = "JOURNEY_SUBJOURNEY_DEPTH_EXCEEDED"
# A state's expression failed on the data it met (DataWeave fails, e.g. `null * 0.25`, or a
# context transform produced no object): the journey fails, the request does not.
EXPRESSION_FAILED = "JOURNEY_EXPRESSION_FAILED"


@dataclass(frozen=True)
class Next:
    """Go to another state."""

    state: str


@dataclass(frozen=True)
class Succeed:
    """End the journey (or the branch) successfully with this output."""

    output: Any


@dataclass(frozen=True)
class Fail:
    """End the journey (or the branch) with a failure code and reason."""

    code: str
    reason: str


@dataclass(frozen=True)
class Leave:
    """End the enclosing parallel and continue at a state of the machine that holds it."""

    state: str


StepResult = Next | Succeed | Fail | Leave


@dataclass(frozen=True)
class SubjourneyResult:
    """How a subjourney call ended: its phase, output (on success) and error (on failure)."""

    phase: str  # "SUCCEEDED" | "FAILED"
    output: Any = None
    error: dict[str, str] | None = None

    @property
    def failed(self) -> bool:
        """True when the subjourney ended with phase FAILED."""
        return self.phase == "FAILED"

    def fail(self) -> Fail:
        """The failure the calling state ends its thread with (``propagate``)."""
        error = self.error or {}
        return Fail(
            error.get("code", "SUBJOURNEY_FAILED"),
            error.get("reason", "subjourney failed"),
        )

    def outcome(self) -> dict[str, Any]:
        """The mini-outcome written by ``resultKind: outcome``."""
        error = self.error or {}
        return {
            "phase": self.phase,
            "terminationKind": "Fail" if self.failed else "Success",
            "output": None if self.failed else copy.deepcopy(self.output),
            "error": {"code": error.get("code"), "reason": error.get("reason")},
        }


class TaskResult(BaseModel, Generic[B]):
    """What an outbound task handler returns; stored as context.<resultVar>.

    `TaskResult[B]` types `body` as the downstream operation documents its responses (the
    generated handlers Protocol says which); a bare `TaskResult` takes any JSON body.
    """

    status: int | None = None
    """The HTTP status answered; None when no answer arrived (a timeout, a refused or reset
    connection, a call refused unsent: BULKHEAD_FULL, CIRCUIT_OPEN, AUTH, a handler that
    raised): then the context has no `status` key (DSL §5.1 "absent if network error")."""
    ok: bool
    headers: dict[str, str] = {}
    body: B | None = None
    error: dict[str, Any] | None = None


# What a handler method returns: a TaskResult, or an awaitable of one (`async def` handlers).
TaskAnswer: TypeAlias = TaskResult[Any] | Awaitable[TaskResult[Any]]


class JsonObject(BaseModel):
    """The start input of a journey that declares no input properties: any JSON object."""

    model_config = ConfigDict(extra="allow")
