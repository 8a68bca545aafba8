"""The engine's one interpreter: every state kind through its registry, subjourneys on the
run's own step budget and execution deadline, their steps kept out of the history."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from jg_runtime.server.definition import (
    Branch,
    ExternalInput,
    JourneyDefinition,
    Machine,
    Parallel,
    Timer,
)
from jg_runtime.server.engine import JourneyEngine
from jg_runtime.server.lifecycle import Deadline
from jg_runtime.server.results import JsonObject, Next, Succeed
from jg_runtime.server.settings import Settings
from jg_runtime.server.sqlite import SQLiteStore
from jg_runtime.server.states import (
    INPUT,
    TIMEOUT,
    TIMER,
    ParallelState,
    Step,
    TimerState,
    Wait,
    Webhook,
    state_of,
)
from jg_runtime.server.states.subjourney import run_subjourney

SPIN = Machine(
    states={"spin": lambda ctx: Next("spin")}
)  # a subjourney that never ends
TWO = Machine(states={"a": lambda ctx: Next("b"), "b": lambda ctx: Succeed({"n": 2})})


def _calling(machine: Machine[Any], start: str) -> dict[str, Any]:
    """Steps of a journey whose `call` state captures the subjourney's outcome."""

    def call(ctx: Any) -> Any:
        found = run_subjourney(ctx, machine, start, {}, "sub")
        ctx.context["sub"] = found.outcome()
        return Next("after")

    return {"call": call, "after": lambda ctx: Succeed(ctx.context["sub"])}


def _ticking(step: timedelta) -> Callable[[], datetime]:
    """A clock that moves on by `step` every time it is read."""
    ticks: Iterator[datetime] = (
        datetime(2026, 1, 1, tzinfo=UTC) + n * step for n in itertools.count()
    )
    return lambda: next(ticks)


def _engine(
    definition: JourneyDefinition[Any], clock: Callable[[], datetime] | None = None
) -> JourneyEngine[Any]:
    store = SQLiteStore(":memory:")
    if clock is None:
        return JourneyEngine(definition, None, store, Settings())
    return JourneyEngine(definition, None, store, Settings(), clock=clock)


def test_a_subjourney_stops_at_the_run_s_execution_deadline() -> None:
    definition = JourneyDefinition(
        "spinner", "call", JsonObject, _calling(SPIN, "spin"), {},
        execution=Deadline(10, "TOO_SLOW", "over ten seconds"),
    )  # fmt: skip
    engine = _engine(definition, _ticking(timedelta(seconds=1)))
    status = engine.start({}, {})
    record = engine.get(status["journeyId"])
    assert record.phase == "Failed"
    assert record.error == {"code": "TOO_SLOW", "reason": "over ten seconds"}
    assert record.context["sub"]["error"]["code"] == "TOO_SLOW"


def test_a_subjourney_counts_against_the_journey_s_step_limit() -> None:
    definition = JourneyDefinition(
        "spinner", "call", JsonObject, _calling(SPIN, "spin"), {}, max_steps=50
    )
    with pytest.raises(RuntimeError, match="exceeded 50 steps"):
        _engine(definition).start({}, {})


def test_a_subjourney_s_states_are_not_in_the_journey_s_history() -> None:
    definition = JourneyDefinition("two", "call", JsonObject, _calling(TWO, "a"), {})
    engine = _engine(definition)
    journey_id = engine.start({}, {})["journeyId"]
    record = engine.get(journey_id)
    assert (record.phase, record.output["output"]) == ("Succeeded", {"n": 2})
    states = [t.to_state for t in engine.store.history(journey_id)]
    assert states == ["call", "after"]


def test_a_paused_or_unknown_subjourney_state_fails_the_subjourney() -> None:
    waits = Machine(states={"w": ExternalInput("w", "wait", JsonObject, next="x")})
    for machine, start, reason in [
        (waits, "w", "subjourney 'sub' paused at 'w'"),
        (TWO, "nowhere", "state 'nowhere' is not a state of this journey"),
    ]:
        definition = JourneyDefinition(
            "bad", "call", JsonObject, _calling(machine, start), {}
        )
        engine = _engine(definition)
        record = engine.get(engine.start({}, {})["journeyId"])
        error = record.context["sub"]["error"]
        assert error == {"code": "JOURNEY_DEFINITION_INVALID", "reason": reason}


def test_every_part_of_a_machine_is_reached_through_the_state_registry() -> None:
    wait = ExternalInput("w", "wait", JsonObject, next="n1", on_timeout="t1")
    hook = ExternalInput("h", "webhook", JsonObject, next="n2")
    timer: Timer[Any] = Timer("t", next="n3", duration=lambda ctx: "PT1S")
    branch = Branch("b", "s", Machine(states={"s": lambda ctx: Succeed(None)}))
    parallel: Parallel[Any] = Parallel("p", (branch,), next="n4")
    machine: Machine[Any] = Machine(
        states={
            "s": lambda ctx: Succeed(None),
            "w": wait,
            "h": hook,
            "t": timer,
            "p": parallel,
        }
    )
    kinds = {name: type(state_of(machine, name)) for name in ("s", "w", "h", "t", "p")}
    assert kinds == {
        "s": Step,
        "w": Wait,
        "h": Webhook,
        "t": TimerState,
        "p": ParallelState,
    }
    assert state_of(machine, "missing") is None
    targets = {
        (name, kind): state_of(machine, name).resume_target(kind)
        for name in ("s", "w", "h", "t", "p")
        for kind in (INPUT, TIMEOUT, TIMER)
    }
    assert {k: v for k, v in targets.items() if v is not None} == {
        ("w", INPUT): "n1",
        ("w", TIMEOUT): "t1",
        ("h", INPUT): "n2",
        ("t", TIMER): "n3",
    }
