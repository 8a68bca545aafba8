"""What the README says at its example when the journey definition decides the example's run.

- Timers whose length the clock decides (their duration or time reads `now()`, directly or
  through a context variable a transform computes from it): unscaled, how long the example
  waits depends on the time of day, so the README's demo server scales timers.
- Outputs the journey's own output schema rejects (`contract.broken_outputs`, the located
  warnings of DSL §11): the README says which run ends in the typed client's DecodeError,
  naming the field, and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..schema.journey.contract import Broken
    from ..schema.journey.spec import JourneySpec

# the demo's timer scale: a wait of hours takes milliseconds
DEMO_TIMER_SCALE = "1e-6"


@dataclass(frozen=True)
class ClockTimer:
    """A timer state whose length depends on when the run happens."""

    state: str
    why: str  # how the clock reaches it, in README words


def _parse(holder: Any) -> Any:
    """The DataWeave AST of a mapper holder's expression, or None."""
    return _parse_expr(getattr(holder, "mapper", None))


def _parse_expr(mapper: Any) -> Any:
    """The DataWeave AST of a `{lang, expr}` expression, or None."""
    expr = getattr(mapper, "expr", None)
    if getattr(mapper, "lang", None) != "dataweave" or not isinstance(expr, str):
        return None
    from ..dataweave.parser import parse

    try:
        return parse(expr)
    except Exception:  # a broken expression is reported by the journey checks
        return None


def _reads_clock(node: Any) -> bool:
    from ..dataweave import ast
    from ..dataweave.walk import descendants

    return any(
        isinstance(n, ast.Call) and n.name == "now" and not n.args
        for n in descendants(node)
    )


def _context_reads(node: Any) -> list[str]:
    from ..dataweave import ast
    from ..dataweave.walk import descendants

    return [
        n.key
        for n in descendants(node)
        if isinstance(n, ast.Select)
        and n.mode == "single"
        and isinstance(n.target, ast.Name)
        and n.target.name == "context"
        and isinstance(n.key, str)
    ]


def clock_timers(spec: JourneySpec) -> list[ClockTimer]:
    """Every timer of the journey (branches included) whose duration or time the clock
    decides."""
    from ..schema.journey.contract import _Flow, _machines
    from ..schema.journey.states import TimerState

    machines = list(_machines(spec.states, "/spec/states", ends=True))
    flow: _Flow | None = None
    found: list[ClockTimer] = []
    for states, _, _ in machines:
        for name, state in states.items():
            if not isinstance(state, TimerState):
                continue
            for key in ("duration", "until"):
                node = _parse(getattr(state.timer, key))
                if node is None:
                    continue
                if _reads_clock(node):
                    found.append(ClockTimer(name, f"its {key} reads `now()`"))
                    break
                flow = flow or _Flow(spec, machines)
                why = next(
                    (
                        f"its {key} reads `context.{var}`, which {w.what} computes "
                        "from `now()`"
                        for var in _context_reads(node)
                        for w in flow.writers(var)
                        if w.expr is not None and _reads_clock(w.expr)
                    ),
                    None,
                )
                if why is not None:
                    found.append(ClockTimer(name, why))
                    break
    return found


@dataclass(frozen=True)
class TimersOnly:
    """A journey whose runs wait on nothing but timers that run once each."""

    timers: list[str]
    misplaced: list[str]  # wait/webhook states written one level too deep (not states)
    repeating: list[
        str
    ]  # timers on a loop (a poll): scaled, the loop polls without pause


def _walk(node: Any) -> Any:
    """Every pydantic model under node (node included)."""
    from pydantic import BaseModel

    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, BaseModel):
            yield current
            stack.extend(getattr(current, f) for f in type(current).model_fields)
        elif isinstance(current, dict):
            stack.extend(current.values())
        elif isinstance(current, list | tuple):
            stack.extend(current)


def timers_only(spec: JourneySpec) -> TimersOnly | None:
    """The journey's timers when no wait or webhook state exists (so no input the example
    posts can end a wait): its runs wait only for those timers, which the demo scales.
    """
    from ..schema.journey.contract import _machines, _successors
    from ..schema.journey.states import TimerState, WaitState, WebhookState

    models = list(_walk(spec))
    if any(isinstance(m, WaitState | WebhookState) for m in models):
        return None
    timers: list[str] = []
    repeating: list[str] = []
    for states, _, _ in _machines(spec.states, "/spec/states", ends=True):
        for name, state in states.items():
            if not isinstance(state, TimerState):
                continue
            todo, seen = _successors(state), set()
            while todo:
                at = todo.pop()
                if at == name:
                    repeating.append(name)  # a timer on a loop: a poll
                    break
                if at in seen or at not in states:
                    continue
                seen.add(at)
                todo.extend(_successors(states[at]))
            timers.append(name)
    if not timers:
        return None
    misplaced = sorted(
        {
            str(key)
            for m in models
            for key, value in (m.model_extra or {}).items()
            if isinstance(value, dict) and value.get("type") in ("wait", "webhook")
        }
    )
    return TimersOnly(timers, misplaced, repeating)


def broken(spec: JourneySpec) -> list[Broken]:
    from ..schema.journey.contract import broken_outputs

    return broken_outputs(spec)


def _ends(spec: JourneySpec) -> list[str]:
    """The succeed states (with an output) that end the journey."""
    from ..schema.journey.contract import _machines
    from ..schema.journey.states import SucceedState

    return [
        name
        for states, _, ends in _machines(spec.states, "/spec/states", ends=True)
        if ends
        for name, state in states.items()
        if isinstance(state, SucceedState) and state.outputVar
    ]


def decode_note(spec: JourneySpec, method: str) -> str | None:
    """The README paragraph saying which runs of the example end in DecodeError, or None."""
    found = broken(spec)
    if not found:
        return None
    every = {b.state for b in found if b.via is None} >= set(_ends(spec))
    lines = []
    for b in found:
        fields = ", ".join(f"`{f}`" for f in b.fields)
        if b.via is None:
            lines.append(
                f"succeed state `{b.state}` outputs `context.{b.var}`, which never holds "
                f"{fields} that `spec.output.schema` requires ({b.why})"
            )
        else:
            lines.append(
                f"succeed state `{b.state}` outputs `context.{b.var}`, whose {fields} "
                f"`spec.output.schema` declares `format: date-time`, but {b.why}"
            )
    first = found[0]
    if every:
        runs = (
            "So every run of this journey that succeeds ends with "
            f"`{method}()` raising `DecodeError` naming `/output/{first.fields[0]}`"
        )
    else:
        ways = "; ".join(
            f"a run{f' through {b.via}' if b.via else ''} ending at `{b.state}`: "
            f"`/output/{b.fields[0]}`"
            for b in found
        )
        runs = (
            f"So `{method}()` raises `DecodeError` naming the broken field for {ways}"
        )
    return (
        "**The journey's output breaks its own output schema** (a defect of the journey "
        "definition, warned about when the package is generated): "
        + "; ".join(lines)
        + ". "
        + runs
        + " (its `.fields` lists each broken field; the server logs the outcome with the "
        "succeed state's location; a run that fails returns its FAILED outcome). Fix the "
        "journey's output or its schema and regenerate."
    )
