"""What a run needs from its client (`Env`), the overall deadline of one run (`Budget`), and
polling a status or result endpoint until it settles."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter

from .errors import (
    ClientError,
    Conflict,
    DeadlineExceeded,
)
from .flow_effects import Call, Program, Sleep
from .polling import PollSchedule, PollState
from .retry import Timing
from .transport import (
    ApiResponse,
    ClientConfig,
    Prepared,
    RequestSpec,
)


@dataclass(frozen=True)
class Env:
    """What a run needs from its client: settings, guard secret, polling and phase values."""

    config: ClientConfig
    secret: str | None
    schedule: PollSchedule
    running: frozenset[str]
    # The overall deadline of one run (every request, retry and poll of it, nested workflows
    # included); None: each request has only its own deadline.
    budget: Budget | None = None

    def is_running(self, data: object) -> bool:
        """True while a status body's phase is a running phase (compared case-insensitively)."""
        phase = data.get("phase") if isinstance(data, Mapping) else None
        return isinstance(phase, str) and phase.casefold() in self.running


@dataclass
class Budget:
    """An overall deadline shared by every request and poll of one run."""

    timing: Timing
    seconds: float | None
    started: float = field(init=False)

    def __post_init__(self) -> None:
        self.started = self.timing.monotonic()

    def remaining(self) -> float | None:
        """Seconds left (None when unbounded)."""
        if self.seconds is None:
            return None
        return self.seconds - (self.timing.monotonic() - self.started)

    def call(
        self,
        spec: RequestSpec,
        adapter: TypeAdapter[Any] | None = None,
        prepared: Prepared | None = None,
    ) -> Call:
        """A Call whose own deadline never outlives the budget (`prepared`: the spec
        already prepared with the client's configuration, if the caller has it)."""
        left = self.remaining()
        if left is None:
            return Call(spec, adapter, prepared)
        if left <= 0:
            raise DeadlineExceeded(f"deadline of {self.seconds} s exceeded")
        current = spec.deadline
        return Call(
            dataclasses.replace(
                spec, deadline=left if current is None else min(current, left)
            ),
            adapter,
            prepared,
        )

    def poll_state(self, schedule: PollSchedule) -> PollState[Any]:
        """A poll bookkeeper bounded by both the schedule and this budget."""
        left = self.remaining()
        limit = (
            schedule.deadline
            if left is None
            else max(0.0, min(left, schedule.deadline))
        )
        return PollState(dataclasses.replace(schedule, deadline=limit), self.timing)


def poll(
    make: Callable[[], Call],
    done: Callable[[ApiResponse[Any]], bool],
    state: PollState[Any],
    pending: Callable[[ClientError], bool] = lambda error: False,
) -> Program[ApiResponse[Any]]:
    """Repeat a call until `done` accepts its response; errors `pending` accepts mean not yet."""
    while True:
        try:
            reply: ApiResponse[Any] = yield make()
        except ClientError as error:
            if not pending(error):
                raise
            state.record_pending(error)
        else:
            state.record(reply.value if reply.value is not None else reply.data)
            state.last_status = reply.status
            if done(reply):
                return reply
        yield Sleep(state.next_delay())
        state.check_deadline()


def is_not_terminal(error: ClientError) -> bool:
    """For result endpoints: 409 means the journey is not terminal yet."""
    return isinstance(error, Conflict)
