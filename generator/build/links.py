"""Which step endpoint and guard belong to each external-input state of the journey."""

from __future__ import annotations

from typing import Any

from .. import naming
from ..ir import Operation
from .context import BuildContext


def link_states(
    ctx: BuildContext, order: list[str], step_ops: list[Operation]
) -> dict[str, Operation]:
    """Pair external-input states with step endpoints: by name, else by their input model.

    The exporter names the endpoint after the state, but published journeys also use a
    business name (`approveLevel1` for state `waitForLevel1Approval`); the request body is
    then the state's input schema, which names the same model after deduplication.
    """
    free = list(step_ops)
    linked: dict[str, Operation] = {}
    for name in order:
        op = next((o for o in free if o.step_state == name), None)
        if op is not None:
            linked[name] = op
            free.remove(op)
    for name in order:
        model = ctx.state_inputs.get(name)
        if name in linked or model is None:
            continue
        same = [o for o in free if o.body is not None and o.body.model == model]
        op = same[0] if len(same) == 1 else _closest(name, same)
        if op is not None:
            linked[name] = op
            free.remove(op)
    return linked


def guard(
    states: dict[str, Any], body: dict[str, Any]
) -> tuple[str | None, str | None]:
    """The header an external-input state's input is checked with (apiKeyValidate right after it)."""
    nxt = states.get(body.get("next") or "")
    task = nxt.get("task") if isinstance(nxt, dict) else None
    if not isinstance(task, dict) or not str(task.get("kind", "")).startswith(
        "apiKeyValidate"
    ):
        return None, None
    source = task.get("source") or {}
    if source.get("location", "header") != "header" or not isinstance(
        source.get("name"), str
    ):
        return None, None
    profile = task.get("profile")
    return source["name"], profile if isinstance(profile, str) else "default"


def _closest(state: str, ops: list[Operation]) -> Operation | None:
    """The one endpoint sharing the most words with a state's name (approveLevel3 for
    waitForLevel3Approval when several endpoints take the same model), else None."""
    words = {w.lower() for w in naming.ascii_words(state)}
    scored = sorted(
        ((len(words & {w.lower() for w in naming.ascii_words(o.step_state or "")}), o)
         for o in ops),
        key=lambda pair: pair[0],
    )  # fmt: skip
    if (
        not scored
        or scored[-1][0] == 0
        or (len(scored) > 1 and scored[-2][0] == scored[-1][0])
    ):
        return None
    return scored[-1][1]
