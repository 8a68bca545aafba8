"""Client engine: every workflow and journey decision as a program of effects, no I/O.

A program is a generator that yields `Call` (send one request) and `Sleep` effects and is sent
the results back. `drive` runs it with blocking I/O, `adrive` with asyncio; nothing else differs
between the two clients. Cancelling an async run cancels the awaited effect at once.

This module is what generated clients import (`_flow.<name>`); the engine lives in flow_effects
(effects and drivers), flow_requests (request building), flow_env (run environment, deadline
budget, polling), flow_plans (compiled workflow and journey plans), flow_workflow (a workflow
run) and flow_journey (a journey run).
"""

from __future__ import annotations

from .flow_effects import Call, Effect, Program, Sleep, adrive, drive
from .flow_env import Budget, Env, is_not_terminal, poll
from .flow_journey import run_journey
from .flow_plans import (
    DEFAULT_MAX_STEPS,
    STEPS_KEY,
    ActionPlan,
    Context,
    ExternalPlan,
    JourneyPlan,
    StepPlan,
    Values,
    WorkflowPlan,
    no_values,
)
from .flow_requests import (
    body,
    cookies,
    headers,
    make_config,
    new_key,
    plain_inputs,
    raw_request,
    replaced,
    step_request,
    with_media,
    with_params,
    with_secret,
)
from .flow_workflow import run_workflow

__all__ = [
    "DEFAULT_MAX_STEPS",
    "STEPS_KEY",
    "ActionPlan",
    "Budget",
    "Call",
    "Context",
    "Effect",
    "Env",
    "ExternalPlan",
    "JourneyPlan",
    "Program",
    "Sleep",
    "StepPlan",
    "Values",
    "WorkflowPlan",
    "adrive",
    "body",
    "cookies",
    "drive",
    "headers",
    "is_not_terminal",
    "make_config",
    "new_key",
    "no_values",
    "plain_inputs",
    "poll",
    "raw_request",
    "replaced",
    "run_journey",
    "run_workflow",
    "step_request",
    "with_media",
    "with_params",
    "with_secret",
]
