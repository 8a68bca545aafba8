"""One Arazzo workflow run as a program: steps in order, their calls, polls and nested
workflows, success criteria, onSuccess/onFailure actions (end, goto, retry) and outputs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import arazzo as _az
from .checks import first_unmet
from .errors import (
    ApiError,
    DeadlineExceeded,
    WorkflowError,
)
from .expressions import plain
from .flow_effects import Call, Program, Sleep
from .flow_env import Env, is_not_terminal, poll
from .flow_plans import (
    STEPS_KEY,
    ActionPlan,
    Context,
    StepPlan,
    WorkflowPlan,
)
from .flow_requests import with_secret
from .polling import PollState
from .retry import parse_retry_after
from .transport import (
    NO_BODY,
    ApiResponse,
    Prepared,
    RequestSpec,
    prepare,
)


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
    try:
        prepared = prepare(env.config, spec)
    except (ValueError, TypeError) as exc:  # a path value or body it cannot send
        raise WorkflowError(
            step.step_id, f"its request cannot be built: {exc}"
        ) from exc
    exchange = _az.Exchange(
        url=prepared.url,
        method=prepared.method,
        request_headers=dict(spec.headers),
        request_query=dict(spec.query),
        request_path=dict(spec.path_params),
        request_body=None if spec.body is NO_BODY else plain(spec.body),
    )
    try:
        reply = yield from _send(spec, prepared, step, env)
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


def _send(
    spec: RequestSpec, prepared: Prepared, step: StepPlan, env: Env
) -> Program[ApiResponse[Any]]:
    budget = env.budget
    state: PollState[Any] = (
        budget.poll_state(env.schedule)
        if budget is not None
        else PollState(env.schedule, env.config.timing)
    )

    def call() -> Call:
        if budget is not None:
            return budget.call(spec, prepared=prepared)
        return Call(spec, prepared=prepared)

    try:
        if step.poll == "status":
            return (
                yield from poll(
                    call, lambda r: _settled(env, r.data, step.until_states), state
                )
            )
        if step.poll == "result":
            return (yield from poll(call, lambda r: True, state, is_not_terminal))
    except DeadlineExceeded as error:
        raise _expired(error, step, state) from None
    reply: ApiResponse[Any] = yield call()
    return reply


def _expired(
    error: DeadlineExceeded, step: StepPlan, state: PollState[Any]
) -> DeadlineExceeded:
    """The deadline error of a polling step: the step, and the last journey status seen."""
    seen: object = state.last_value
    dump = getattr(seen, "model_dump", None)
    if callable(dump):
        seen = dump(mode="json", by_alias=True)
    where = ""
    if isinstance(seen, Mapping) and seen.get("phase") is not None:
        where = f"; last status: {seen.get('phase')} at {seen.get('currentState')}"
    return DeadlineExceeded(
        f"step {step.step_id!r} not settled before the deadline{where} ({error})",
        last_status=error.last_status,
        last_value=error.last_value,
    )


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
