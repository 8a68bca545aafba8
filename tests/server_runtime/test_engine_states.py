"""The engine's one interpreter: every state kind through its registry, subjourneys on the
run's own step budget and execution deadline, pausing with the journey and returning into it
when resumed, their steps kept out of the history."""

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
    SubjourneyCall,
    Timer,
)
from jg_runtime.server.engine import JourneyEngine
from jg_runtime.server.lifecycle import Deadline
from jg_runtime.server.results import JsonObject, Next, SubjourneyResult, Succeed
from jg_runtime.server.settings import Settings
from jg_runtime.server.sqlite import SQLiteStore
from jg_runtime.server.states import (
    INPUT,
    TIMEOUT,
    TIMER,
    CallState,
    ParallelState,
    Step,
    TimerState,
    Wait,
    Webhook,
    state_of,
)

SPIN = Machine(
    states={"spin": lambda ctx: Next("spin")}
)  # a subjourney that never ends
TWO = Machine(states={"a": lambda ctx: Next("b"), "b": lambda ctx: Succeed({"n": 2})})


def _calling(start: str) -> dict[str, Any]:
    """States of a journey whose `call` state captures subjourney `sub`'s outcome."""

    def finish(ctx: Any, found: SubjourneyResult) -> Any:
        ctx.context["sub"] = found.outcome()
        return Next("after")

    return {
        "call": SubjourneyCall("call", "sub", start, finish),
        "after": lambda ctx: Succeed(ctx.context["sub"]),
    }


def _journey(
    name: str, machine: Machine[Any], start: str, **options: Any
) -> JourneyDefinition[Any]:
    return JourneyDefinition(
        name, "call", JsonObject, _calling(start), subjourneys={"sub": machine},
        **options,
    )  # fmt: skip


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
    definition = _journey(
        "spinner", SPIN, "spin", execution=Deadline(10, "TOO_SLOW", "over ten seconds")
    )
    engine = _engine(definition, _ticking(timedelta(seconds=1)))
    status = engine.start({}, {})
    record = engine.get(status["journeyId"])
    assert record.phase == "Failed"
    assert record.error == {"code": "TOO_SLOW", "reason": "over ten seconds"}
    assert record.context["sub"]["error"]["code"] == "TOO_SLOW"


def test_a_subjourney_counts_against_the_journey_s_step_limit() -> None:
    definition = _journey("spinner", SPIN, "spin", max_steps=50)
    with pytest.raises(RuntimeError, match="exceeded 50 steps"):
        _engine(definition).start({}, {})


def test_a_subjourney_s_states_are_not_in_the_journey_s_history() -> None:
    definition = _journey("two", TWO, "a")
    engine = _engine(definition)
    journey_id = engine.start({}, {})["journeyId"]
    record = engine.get(journey_id)
    assert (record.phase, record.output["output"]) == ("Succeeded", {"n": 2})
    states = [t.to_state for t in engine.store.history(journey_id)]
    assert states == ["call", "after"]


def test_an_unknown_subjourney_state_fails_the_subjourney() -> None:
    engine = _engine(_journey("bad", TWO, "nowhere"))
    record = engine.get(engine.start({}, {})["journeyId"])
    reason = "state 'nowhere' is not a state of this journey"
    error = {"code": "JOURNEY_DEFINITION_INVALID", "reason": reason}
    assert record.context["sub"]["error"] == error


def test_a_paused_subjourney_pauses_the_journey_and_returns_when_resumed() -> None:
    waits = Machine(
        states={
            "w": ExternalInput("w", "wait", JsonObject, next="x"),
            "x": lambda ctx: Succeed({"got": ctx.context["payload"]}),
        }
    )
    engine = _engine(_journey("pausing", waits, "w"))
    started = engine.start({}, {})
    assert (started["phase"], started["currentState"]) == ("Running", "w")
    journey_id = started["journeyId"]
    assert engine.get(journey_id).runtime["call"]["state"] == "w"
    engine.submit(journey_id, "w", {"v": 1}, {})
    record = engine.get(journey_id)
    assert (record.phase, record.output["output"]) == ("Succeeded", {"got": {"v": 1}})
    assert "call" not in (record.runtime or {})


def test_the_deadline_ends_a_journey_paused_inside_a_subjourney() -> None:
    waits = Machine(states={"w": ExternalInput("w", "wait", JsonObject, next="w")})
    now = datetime(2026, 1, 1, tzinfo=UTC)
    engine = _engine(
        _journey("late", waits, "w", execution=Deadline(10, "TOO_SLOW", "too slow")),
        lambda: now,
    )
    journey_id = engine.start({}, {})["journeyId"]
    assert engine.get(journey_id).runtime["call"]["state"] == "w"
    assert engine.fire_due(now + timedelta(seconds=11)) == 1
    record = engine.get(journey_id)
    assert (record.phase, record.error) == (
        "Failed",
        {"code": "TOO_SLOW", "reason": "too slow"},
    )
    assert "call" not in (record.runtime or {})  # the call is abandoned with the run


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
            "c": SubjourneyCall("c", "sub", "s", lambda ctx, found: Next("n5")),
        }
    )
    names = ("s", "w", "h", "t", "p", "c")
    kinds = {name: type(state_of(machine, name)) for name in names}
    assert kinds == {
        "s": Step,
        "w": Wait,
        "h": Webhook,
        "t": TimerState,
        "p": ParallelState,
        "c": CallState,
    }
    assert state_of(machine, "missing") is None
    targets = {
        (name, kind): state_of(machine, name).resume_target(kind)
        for name in names
        for kind in (INPUT, TIMEOUT, TIMER)
    }
    assert {k: v for k, v in targets.items() if v is not None} == {
        ("w", INPUT): "n1",
        ("w", TIMEOUT): "t1",
        ("h", INPUT): "n2",
        ("t", TIMER): "n3",
    }
