"""Client engine: every workflow and journey decision as a program of effects, no I/O.

A program is a generator that yields `Call` (send one request) and `Sleep` effects and is sent
the results back. `drive` runs it with blocking I/O, `adrive` with asyncio; nothing else differs
between the two clients. Cancelling an async run cancels the awaited effect at once.
"""

from __future__ import annotations

import copy
import dataclasses
import uuid
from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeAlias, TypeVar

import httpx
from pydantic import BaseModel, TypeAdapter

from . import arazzo as _az
from .checks import Check, all_hold, first_unmet
from .errors import (
    ApiError,
    ClientError,
    Conflict,
    DeadlineExceeded,
    WorkflowError,
)
from .expressions import plain
from .polling import PollSchedule, PollState
from .retry import RetryPolicy, Timing, parse_retry_after
from .transport import (
    NO_BODY,
    ApiResponse,
    AsyncTransport,
    ClientConfig,
    RequestSpec,
    SyncTransport,
    encode_scalar,
    prepare,
)

T = TypeVar("T")
R = TypeVar("R")
Context: TypeAlias = _az.RunContext
DEFAULT_MAX_STEPS = 10_000
# Where a run's step outputs travel next to its outputs (no Arazzo output name can hold `$`).
STEPS_KEY = "$steps"


@dataclass(frozen=True)
class Call:
    """Effect: send one request (retries and its deadline are the transport's)."""

    spec: RequestSpec
    adapter: TypeAdapter[Any] | None = None


@dataclass(frozen=True)
class Sleep:
    """Effect: wait this many seconds."""

    seconds: float


Effect: TypeAlias = Call | Sleep
Program: TypeAlias = Generator[Effect, Any, T]


def drive(transport: SyncTransport, program: Program[T]) -> T:
    """Run a program with blocking I/O."""
    reply: Any = None
    error: ClientError | None = None
    try:
        while True:
            effect = program.throw(error) if error is not None else program.send(reply)
            reply, error = None, None
            if isinstance(effect, Sleep):
                transport.config.timing.sleep(effect.seconds)
                continue
            try:
                reply = transport.request(effect.spec, effect.adapter)
            except ClientError as exc:
                error = exc
    except StopIteration as stop:
        result: T = stop.value
        return result
    finally:
        program.close()


async def adrive(transport: AsyncTransport, program: Program[T]) -> T:
    """Run a program with asyncio; cancellation stops it at the effect being awaited."""
    reply: Any = None
    error: ClientError | None = None
    try:
        while True:
            effect = program.throw(error) if error is not None else program.send(reply)
            reply, error = None, None
            if isinstance(effect, Sleep):
                await transport.config.timing.async_sleep(effect.seconds)
                continue
            try:
                reply = await transport.request(effect.spec, effect.adapter)
            except ClientError as exc:
                error = exc
    except StopIteration as stop:
        result: T = stop.value
        return result
    finally:
        program.close()


# -- request building helpers ------------------------------------------------------------------


def new_key() -> str:
    """A fresh Idempotency-Key (one per logical call, reused by every retry of it)."""
    return str(uuid.uuid4())


def headers(
    extra: Mapping[str, str] | None, declared: Mapping[str, object]
) -> dict[str, str]:
    """Declared header parameters (None dropped) merged under the caller's extra headers."""
    result = {k: encode_scalar(v) for k, v in declared.items() if v is not None}
    result.update(extra or {})
    return result


def cookies(values: Mapping[str, object]) -> str | None:
    """A Cookie header from declared cookie parameters (None dropped)."""
    pairs = [
        f"{name}={encode_scalar(value)}"
        for name, value in values.items()
        if value is not None
    ]
    return "; ".join(pairs) or None


def with_secret(
    extra: Mapping[str, str] | None, name: str, secret: str | None
) -> dict[str, str]:
    """Add the journey's guard header (only ever on the step it guards)."""
    result = dict(extra or {})
    if secret is not None:
        result[name] = secret
    return result


def body(value: object) -> object:
    """The request body, or the marker for none."""
    return NO_BODY if value is None else value


def with_media(spec: RequestSpec, media_type: str) -> RequestSpec:
    """A step's request sent as another media type the operation declares."""
    return dataclasses.replace(spec, media_type=media_type)


def with_params(
    spec: RequestSpec,
    *,
    query: Mapping[str, object] | None = None,
    cookie: Mapping[str, object] | None = None,
    path: Mapping[str, object] | None = None,
) -> RequestSpec:
    """A step's request with parameters its operation does not declare, sent as written."""
    headers = dict(spec.headers)
    if cookie:
        jar = cookies(cookie)
        if jar:
            headers["Cookie"] = "; ".join(c for c in (headers.get("Cookie"), jar) if c)
    return dataclasses.replace(
        spec,
        query={**spec.query, **(query or {})},
        path_params={**spec.path_params, **(path or {})},
        headers=headers,
    )


def replaced(payload: Any, replacements: Sequence[tuple[str, Any]]) -> Any:
    """Arazzo `requestBody.replacements`: each JSON Pointer target of (a copy of) the payload
    set to its value; a missing object member is added, a missing array index is an error.
    """
    result = copy.deepcopy(plain(payload))
    for pointer, value in replacements:
        if pointer in ("", "/"):
            result = value
            continue
        tokens = [
            t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]
        ]
        node = result
        for token in tokens[:-1]:
            node = node[int(token)] if isinstance(node, list) else node[token]
        last = tokens[-1]
        if isinstance(node, list) and last == "-":
            node.append(value)
        elif isinstance(node, list):
            node[int(last)] = value
        elif isinstance(node, dict):
            node[last] = value
        else:
            raise WorkflowError(
                "", f"replacement target {pointer!r} is not in the payload"
            )
    return result


def make_config(
    base_url: str,
    extra: Mapping[str, str] | None,
    timeout: float | httpx.Timeout,
    deadline: float | None,
    retry: RetryPolicy | None,
    timing: Timing | None,
) -> ClientConfig:
    """Settings shared by every call of one client."""
    return ClientConfig(
        base_url=base_url,
        headers=dict(extra or {}),
        timeout=(
            timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        ),
        deadline=deadline,
        retry=retry or RetryPolicy(),
        timing=timing or Timing(),
    )


def plain_inputs(value: object, model: type[BaseModel] | None) -> dict[str, Any]:
    """Workflow inputs as JSON data (validated against the inputs model when there is one)."""
    if value is None:
        value = {}
    if model is not None and not isinstance(value, BaseModel):
        value = model.model_validate(value)
    if isinstance(value, BaseModel):
        dumped: dict[str, Any] = value.model_dump(
            mode="json", by_alias=True, exclude_unset=True
        )
        return dumped
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError("workflow inputs must be a mapping or a pydantic model")


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


# -- polling -----------------------------------------------------------------------------------


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

    def call(self, spec: RequestSpec, adapter: TypeAdapter[Any] | None = None) -> Call:
        """A Call whose own deadline never outlives the budget."""
        left = self.remaining()
        if left is None:
            return Call(spec, adapter)
        if left <= 0:
            raise DeadlineExceeded(f"deadline of {self.seconds} s exceeded")
        current = spec.deadline
        return Call(
            dataclasses.replace(
                spec, deadline=left if current is None else min(current, left)
            ),
            adapter,
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


# -- Arazzo workflows --------------------------------------------------------------------------

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


@dataclass
class _Run:
    """The mutable state of one workflow run."""

    plan: WorkflowPlan
    ctx: Context
    executed: int = 0
    retries: dict[tuple[int, str], int] = field(default_factory=dict)
    taken: dict[tuple[int, str], int] = field(default_factory=dict)
    retry_after: float | None = None
    failure: str = ""


def run_workflow(
    book: Mapping[str, WorkflowPlan],
    workflow_id: str,
    inputs: Mapping[str, Any],
    env: Env,
) -> Program[dict[str, Any]]:
    """Run a workflow: its dependencies first, then its steps as their actions direct."""
    plan = book[workflow_id]
    ctx = _az.RunContext(
        inputs=dict(inputs),
        components=plan.components,
        source_descriptions=plan.sources,
    )
    for dependency in plan.depends_on:
        outputs = _public((yield from run_workflow(book, dependency, inputs, env)))
        ctx.workflows[plan.name_of(dependency)] = {
            "inputs": dict(inputs),
            "outputs": outputs,
        }
    run = _Run(plan, ctx)
    index: int | None = 0
    while index is not None and index < len(plan.steps):
        budget = env.budget
        left = budget.remaining() if budget is not None else None
        if budget is not None and left is not None and left <= 0:
            raise DeadlineExceeded(
                f"workflow {workflow_id!r}: deadline of {budget.seconds} s exceeded "
                f"before step {plan.steps[index].step_id!r}"
            )
        run.executed += 1
        if run.executed > plan.max_steps:
            step_id = plan.steps[index].step_id
            raise WorkflowError(
                step_id, f"loop bound hit ({plan.max_steps} step executions)"
            )
        index = yield from _step(book, run, index, env)
    ctx.outputs = plan.outputs(ctx)
    return {
        **ctx.outputs,
        STEPS_KEY: {k: dict(v["outputs"]) for k, v in ctx.steps.items()},
    }


def _public(outputs: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in outputs.items() if k != STEPS_KEY}


def _step(
    book: Mapping[str, WorkflowPlan], run: _Run, index: int, env: Env
) -> Program[int | None]:
    step = run.plan.steps[index]
    run.failure = ""
    ok = yield from (
        _call_workflow(book, run, step, env) if step.workflow else _call(run, step, env)
    )
    # With successCriteria, the criteria alone decide (Arazzo 1.0.1: all assertions MUST be
    # satisfied), whatever the status; without them, a 2xx answer is success. A failed
    # sub-workflow stays failed.
    if step.criteria and (ok or not step.workflow):
        unmet = first_unmet(step.criteria, run.ctx)
        ok = unmet is None
        if unmet is not None:
            run.failure = unmet.unmet(run.ctx)
    if ok:
        run.ctx.set_step_outputs(step.step_id, step.outputs(run.ctx))
        run.retries = {k: v for k, v in run.retries.items() if k[0] != index}
        return (yield from _on_success(book, run, index, env))
    return (yield from _on_failure(book, run, index, env))


def _call(run: _Run, step: StepPlan, env: Env) -> Program[bool]:
    """Send an operation step (polling status/result steps); True when it answered 2xx."""
    assert step.request is not None
    spec = step.request(run.ctx)
    if step.guard_header is not None and env.secret is not None:
        spec = dataclasses.replace(
            spec, headers=with_secret(spec.headers, step.guard_header, env.secret)
        )
    prepared = prepare(env.config, spec)
    exchange = _az.Exchange(
        url=prepared.url,
        method=prepared.method,
        request_headers=dict(spec.headers),
        request_query=dict(spec.query),
        request_path=dict(spec.path_params),
        request_body=None if spec.body is NO_BODY else plain(spec.body),
    )
    try:
        reply = yield from _send(spec, step, env)
    except ApiError as error:
        exchange.status_code, exchange.response_headers = error.status, error.headers
        exchange.response_body = error.body
        run.retry_after = error.retry_after
        run.failure = f"the call answered {error}"
        run.ctx.begin_step(exchange)
        return False
    exchange.status_code, exchange.response_headers = reply.status, reply.headers
    exchange.response_body = reply.data
    run.retry_after = parse_retry_after(
        reply.headers.get("retry-after"), env.config.timing.wall()
    )
    run.ctx.begin_step(exchange)
    return True


def _send(spec: RequestSpec, step: StepPlan, env: Env) -> Program[ApiResponse[Any]]:
    budget = env.budget
    state: PollState[Any] = (
        budget.poll_state(env.schedule)
        if budget is not None
        else PollState(env.schedule, env.config.timing)
    )

    def call() -> Call:
        return budget.call(spec) if budget is not None else Call(spec)

    if step.poll == "status":
        return (
            yield from poll(
                call, lambda r: _settled(env, r.data, step.until_states), state
            )
        )
    if step.poll == "result":
        return (yield from poll(call, lambda r: True, state, is_not_terminal))
    reply: ApiResponse[Any] = yield call()
    return reply


def _settled(env: Env, data: object, states: Sequence[str]) -> bool:
    """A status poll is done when the journey is terminal or waits at one of `states`."""
    current = data.get("currentState") if isinstance(data, Mapping) else None
    return not env.is_running(data) or (isinstance(current, str) and current in states)


def _call_workflow(
    book: Mapping[str, WorkflowPlan], run: _Run, step: StepPlan, env: Env
) -> Program[bool]:
    """Run a step that calls another workflow; its outputs are the step's `$outputs`."""
    assert step.workflow is not None
    inputs = step.workflow_inputs(run.ctx)
    run.retry_after = None
    try:
        outputs = _public((yield from run_workflow(book, step.workflow, inputs, env)))
    except WorkflowError as exc:
        run.ctx.begin_step(_az.Exchange())
        run.failure = f"workflow {step.workflow!r} failed: {exc}"
        return False
    run.ctx.workflows[run.plan.name_of(step.workflow)] = {
        "inputs": inputs,
        "outputs": outputs,
    }
    run.ctx.begin_step(_az.Exchange(response_body=outputs))
    run.ctx.outputs = dict(outputs)
    return True


def _on_success(
    book: Mapping[str, WorkflowPlan], run: _Run, index: int, env: Env
) -> Program[int | None]:
    step = run.plan.steps[index]
    action = next((a for a in step.on_success if a.matches(run.ctx)), None)
    run.ctx.outputs = {}
    if action is None:
        return index + 1
    return (yield from _jump(book, run, index, action, env))


def _on_failure(
    book: Mapping[str, WorkflowPlan], run: _Run, index: int, env: Env
) -> Program[int | None]:
    step = run.plan.steps[index]
    status = run.ctx.current.status_code
    run.ctx.outputs = {}
    for action in step.on_failure:
        if not action.matches(run.ctx):
            continue
        if action.type == "retry":
            used = run.retries.get((index, action.name), 0)
            if used >= action.retry_limit:
                continue  # exhausted: later failure actions apply
            run.retries[(index, action.name)] = used + 1
            delay = (
                run.retry_after if run.retry_after is not None else action.retry_after
            )
            yield Sleep(min(delay or 0.0, env.config.retry.max_retry_after))
            return index
        if action.type == "end":
            raise WorkflowError(
                step.step_id,
                f"failure action {action.name!r} ended the workflow",
                status=status,
            )
        return (yield from _jump(book, run, index, action, env))
    raise WorkflowError(
        step.step_id, run.failure or "success criteria not met", status=status
    )


def _jump(
    book: Mapping[str, WorkflowPlan],
    run: _Run,
    index: int,
    action: ActionPlan,
    env: Env,
) -> Program[int | None]:
    """Follow an `end` or `goto` action; a goto to a workflow runs it and ends this one."""
    if action.type == "end":
        return None
    key = (index, action.name)
    run.taken[key] = run.taken.get(key, 0) + 1
    if action.max_taken is not None and run.taken[key] > action.max_taken:
        step_id = run.plan.steps[index].step_id
        raise WorkflowError(
            step_id,
            f"loop bound hit (goto {action.name!r} taken {action.max_taken} times)",
        )
    if action.workflow is not None:
        outputs = _public(
            (yield from run_workflow(book, action.workflow, run.ctx.inputs, env))
        )
        run.ctx.workflows[run.plan.name_of(action.workflow)] = {
            "inputs": dict(run.ctx.inputs),
            "outputs": outputs,
        }
        return None
    return action.step


# -- the journey -------------------------------------------------------------------------------


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


def _field(data: object, name: str) -> Any:
    return data.get(name) if isinstance(data, Mapping) else None


def _at(state: str) -> Callable[[object], bool]:
    return lambda data: _field(data, "currentState") == state


def _past(state: str) -> Callable[[object], bool]:
    return lambda data: _field(data, "currentState") != state


def run_journey(
    plan: JourneyPlan[R],
    start: object,
    inputs: Sequence[object | None],
    env: Env,
    *,
    timeout: float | None,
    idempotency_key: str | None,
) -> Program[R]:
    """Start, post each given external input at its state (or wait for someone else), read the outcome.

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
    for external, given in zip(plan.external, inputs, strict=True):
        yield from _await_status(
            plan, journey_id, budget, env, seen, _at(external.state)
        )
        if not env.is_running(seen[-1].data):
            break
        if given is not None and external.request is not None:
            spec = external.request(journey_id, given)
            if external.guard_header is not None:
                spec = dataclasses.replace(
                    spec,
                    headers=with_secret(
                        spec.headers, external.guard_header, env.secret
                    ),
                )
            yield budget.call(spec)
        yield from _await_status(
            plan, journey_id, budget, env, seen, _past(external.state)
        )
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

    if done(seen[-1]):
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
