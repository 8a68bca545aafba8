"""The state of one run in memory: its threads (journey, branches, subjourney calls,
compensation) and what one burst of execution must persist."""

from __future__ import annotations

import copy
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .auth import RequestMeta
from .results import FAILED, RUNNING, SUCCEEDED
from .services import Services
from .store import JourneyRecord, TimerRecord, Transition

__all__ = [
    "Run",
    "Thread",
    "branch_json",
    "branch_view",
    "merge",
    "new_token",
    "root_from_record",
]


def new_token() -> str:
    """A visit token: unique, and ordered by creation (the newest open step is reported)."""
    return f"{time.time_ns():020d}{uuid.uuid4().hex[:12]}"


@dataclass
class Thread:
    """Where one line of execution is: the journey itself, one parallel branch, one
    subjourney call or a compensation. A thread paused inside a parallel holds its
    ``branches``, one paused inside a subjourney its ``call``; all are persisted with the
    journey. A subjourney's states record no history (``recorded`` is False)."""

    state: str
    context: dict[str, Any]
    status: str = RUNNING
    output: Any = None
    error: dict[str, str] | None = None
    leave: str | None = None
    token: str | None = None
    branches: dict[str, Thread] | None = None
    entry: dict[str, Any] | None = None
    done: list[str] = field(default_factory=list)
    recorded: bool = True
    call: Thread | None = None  # the subjourney this thread's subjourney state runs
    depth: int = 0  # the subjourney calls this thread runs inside (0: none)

    @property
    def finished(self) -> bool:
        return self.status != RUNNING or self.leave is not None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"state": self.state, "status": self.status}
        for key in ("output", "error", "leave", "token", "entry"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        if self.branches is not None:
            data["branches"] = {n: b.to_json() for n, b in self.branches.items()}
            data["done"] = list(self.done)
        if self.call is not None:
            data["call"] = branch_json(self.call)
        if not self.recorded:
            data["recorded"] = False
        if self.depth:
            data["depth"] = self.depth
        return data

    def extras(self) -> dict[str, Any]:
        """The root's bookkeeping beyond the journey row's own columns."""
        data = self.to_json()
        for key in ("state", "status", "output", "error"):
            data.pop(key, None)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any], context: dict[str, Any]) -> Thread:
        thread = cls(
            state=data["state"],
            context=context,
            status=data.get("status", RUNNING),
            output=data.get("output"),
            error=data.get("error"),
            leave=data.get("leave"),
            token=data.get("token"),
            entry=data.get("entry"),
            recorded=data.get("recorded", True) is not False,
            depth=_depth(data.get("depth")),
        )
        call = data.get("call")
        if isinstance(call, dict):
            thread.call = cls.from_json(call, call.get("context", {}))
        branches = data.get("branches")
        if isinstance(branches, dict):
            thread.branches = {
                n: cls.from_json(b, b.get("context", {})) for n, b in branches.items()
            }
            thread.done = list(data.get("done", []))
        return thread


def _depth(value: Any) -> int:
    """A persisted thread's subjourney depth (0 when absent or not a whole number)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def branch_json(thread: Thread) -> dict[str, Any]:
    data = thread.to_json()
    data["context"] = thread.context
    if thread.branches is not None:
        data["branches"] = {n: branch_json(b) for n, b in thread.branches.items()}
    return data


def root_from_record(record: JourneyRecord) -> Thread:
    runtime = record.runtime or {}
    data = {
        **{k: v for k, v in runtime.items() if k not in ("display", "schedule")},
        "state": record.current_state,
        "status": record.phase,
        "output": record.output,
        "error": record.error,
    }
    return Thread.from_json(data, dict(record.context))


@dataclass
class Run:
    """One synchronous burst of execution and everything it must persist."""

    journey_id: str
    headers: Mapping[str, str]
    meta: RequestMeta
    services: Services
    event_id: str | None = None
    scheduled: bool = False
    steps: int = 0
    transitions: list[Transition] = field(default_factory=list)
    timer_ops: list[TimerRecord | tuple[str, ...]] = field(default_factory=list)
    auth_codes: list[str] = field(default_factory=list)
    deadline: datetime | None = None  # spec.execution: when the run times out
    timed_out: bool = False
    cancelled: bool = False  # ended by POST .../steps/cancel (terminationKind Cancel)
    metadata: dict[str, Any] | None = None  # instance tags and attributes, set at start
    # timer rows of a compensation paused at a timer (written after the run's own timers
    # are cancelled at its end)
    compensation_timers: list[TimerRecord | tuple[str, ...]] = field(
        default_factory=list
    )
    lowered: dict[str, str] | None = (
        None  # headers by lower-case name (Driver.context_for)
    )


def merge(
    target: dict[str, Any], entry: Mapping[str, Any], branch: Mapping[str, Any]
) -> None:
    """Apply what a branch changed relative to the context it started from; objects merge
    key by key, so branches writing different fields of one object all keep theirs."""
    for key, value in branch.items():
        before = entry.get(key)
        if key in entry and before == value:
            continue
        current = target.get(key)
        if (
            isinstance(value, dict)
            and isinstance(current, dict)
            and isinstance(before, dict | None)
        ):
            merge(current, before or {}, value)
        else:
            target[key] = copy.deepcopy(value)
    for key in entry:
        if key not in branch:
            target.pop(key, None)


def branch_view(thread: Thread) -> Any:
    if thread.status == FAILED:
        return {"error": thread.error}
    if thread.status == SUCCEEDED:
        return thread.output
    return thread.context
