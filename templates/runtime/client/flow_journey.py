"""One journey run as a program: start it, post each external input when the journey waits
for it, poll the status until it settles and read the result."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from .errors import (
    DeadlineExceeded,
)
from .flow_effects import Program
from .flow_env import Budget, Env, is_not_terminal, poll
from .flow_plans import (
    JourneyPlan,
)
from .flow_requests import new_key, with_secret
from .transport import (
    ApiResponse,
)

T = TypeVar("T")
R = TypeVar("R")


def _field(data: object, name: str) -> Any:
    return data.get(name) if isinstance(data, Mapping) else None


def _waiting(data: object) -> set[str]:
    """The states a status says wait for input: its current state and every state it links
    (a step link's relation is the state's name, so waits inside parallel branches count).
    """
    links = _field(data, "_links")
    found = {str(k) for k in links} if isinstance(links, Mapping) else set()
    current = _field(data, "currentState")
    if isinstance(current, str):
        found.add(current)
    return found


def _any_of(states: set[str]) -> Callable[[object], bool]:
    return lambda data: bool(_waiting(data) & states)


def run_journey(
    plan: JourneyPlan[R],
    start: object,
    inputs: Sequence[object | None],
    env: Env,
    *,
    timeout: float | None,
    idempotency_key: str | None,
) -> Program[R]:
    """Start, post each given external input whenever its state waits (top level or inside a
    parallel branch; a state given no input waits for someone else), read the outcome.

    `timeout` bounds the whole run; None takes the client's overall `deadline`.
    """
    budget = Budget(
        env.config.timing, env.config.deadline if timeout is None else timeout
    )
    started: ApiResponse[Any] = yield budget.call(
        plan.start(start, idempotency_key or new_key())
    )
    journey_id = str(_field(started.data, "journeyId"))
    seen: list[ApiResponse[Any]] = [started]
    pending = [
        (external, given)
        for external, given in zip(plan.external, inputs, strict=True)
        if given is not None and external.request is not None
    ]
    while pending:
        states = {external.state for external, _ in pending}
        yield from _await_status(plan, journey_id, budget, env, seen, _any_of(states))
        if not env.is_running(seen[-1].data):
            break
        # without a status endpoint nothing says where the journey waits: post in order
        ready = _waiting(seen[-1].data) if plan.status is not None else states
        for external, given in pending:
            if external.state in ready and external.request is not None:
                spec = external.request(journey_id, given)
                if external.guard_header is not None:
                    spec = dataclasses.replace(
                        spec,
                        headers=with_secret(
                            spec.headers, external.guard_header, env.secret
                        ),
                    )
                yield budget.call(spec)
        pending = [p for p in pending if p[0].state not in ready]
    yield from _await_status(plan, journey_id, budget, env, seen, lambda d: False)
    return (yield from _outcome(plan, journey_id, budget, env, seen))


def _await_status(
    plan: JourneyPlan[R],
    journey_id: str,
    budget: Budget,
    env: Env,
    seen: list[ApiResponse[Any]],
    until: Callable[[object], bool],
) -> Program[None]:
    """Poll the status until `until` holds or the journey is no longer running."""
    if plan.status is None:
        return
    status = plan.status

    def done(reply: ApiResponse[Any]) -> bool:
        seen.append(reply)
        return until(reply.data) or not env.is_running(reply.data)

    # an async start's answer (202) names no phase: only a status says where the journey is
    if _field(seen[-1].data, "phase") is not None and done(seen[-1]):
        return
    state = budget.poll_state(env.schedule)
    state.last_value = seen[-1].value
    try:
        yield from poll(
            lambda: budget.call(status(journey_id), plan.status_adapter), done, state
        )
    except DeadlineExceeded as error:
        raise _expired(error, seen) from None


def _outcome(
    plan: JourneyPlan[R],
    journey_id: str,
    budget: Budget,
    env: Env,
    seen: list[ApiResponse[Any]],
) -> Program[R]:
    """Read the result, treating 409 as not terminal yet."""
    state = budget.poll_state(env.schedule)
    try:
        reply = yield from poll(
            lambda: budget.call(plan.result(journey_id), plan.result_adapter),
            lambda r: True,
            state,
            is_not_terminal,
        )
    except DeadlineExceeded as error:
        raise _expired(error, seen) from None
    outcome: R = reply.value
    return outcome


def _expired(error: DeadlineExceeded, seen: list[ApiResponse[Any]]) -> DeadlineExceeded:
    """The deadline error carrying the last journey status seen."""
    last = seen[-1]
    return DeadlineExceeded(
        f"journey not terminal before the deadline; last status: {_field(last.data, 'phase')} "
        f"at {_field(last.data, 'currentState')} ({error})",
        last_status=last.status,
        last_value=last.value if last.value is not None else last.data,
    )
