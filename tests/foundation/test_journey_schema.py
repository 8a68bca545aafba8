"""The typed journey schema: what an author sees for fields and shapes the DSL does not allow."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.diagnostics import Level, SpecError
from generator.load import parse_yaml
from generator.schema.journey import ParsedJourney, parse_journey
from generator.schema.journey.states import TaskState, TransformState
from generator.schema.journey.tasks import HttpCall

HEAD = """apiVersion: v1
kind: Journey
metadata: {name: j}
spec:
  start: call
  states:
"""
CALL = """    call:
      type: task
      task:
        kind: httpCall:v1
        method: GET
        url: https://example.com/items
        RESULTVAR: item
      next: done
    done:
      type: succeed
"""


def _parse(states: str, extra: str = "") -> ParsedJourney:
    doc = parse_yaml(HEAD + states + extra, "j.journey.yaml", Path("j.journey.yaml"))
    return parse_journey(doc)


def _errors(states: str, extra: str = "") -> list[str]:
    with pytest.raises(SpecError) as caught:
        _parse(states, extra)
    return [str(d) for d in caught.value.diagnostics]


def test_a_field_in_another_case_is_read_as_the_field_with_a_located_warning() -> None:
    parsed = _parse(CALL)
    call = parsed.journey.spec.states["call"]
    assert isinstance(call, TaskState) and isinstance(call.task, HttpCall)
    assert call.task.resultVar == "item"
    (warning,) = parsed.warnings
    assert warning.level is Level.WARNING
    assert str(warning.location) == "j.journey.yaml:13:20"
    assert "'RESULTVAR'" in warning.message and "read as 'resultVar'" in warning.message


def test_a_misspelled_field_is_a_warning_with_did_you_mean_and_extensions_are_silent() -> (
    None
):
    states = CALL.replace("RESULTVAR", "resutVar").replace(
        "      next: done\n", "      next: done\n      x-owner: team-a\n", 1
    )
    (warning,) = _parse(states).warnings
    assert "unknown field 'resutVar' at spec.states.call.task is ignored" in (
        warning.message
    )
    assert "did you mean 'resultVar'?" in warning.message


def test_every_shape_problem_is_listed_at_once_with_its_position() -> None:
    states = """    call:
      type: task
      task:
        kind: kafkaPublish:v1
        topic: ''
        resultVar: r
      next: done
    fork:
      type: parallel
      parallel:
        branches:
          - name: a
            start: x
            states:
              x: {type: teleport}
    plug:
      type: task
      task: {kind: not a kind}
      next: done
    done:
      type: succeed
"""
    errors = _errors(states)
    assert errors == [
        "j.journey.yaml:10:9: error: journey: spec.states.call.task: required field "
        "'value' is missing; add it",
        "j.journey.yaml:11:16: error: journey: spec.states.call.task.topic: kafkaPublish:v1 "
        "needs a non-empty topic (got '')",
        "j.journey.yaml:12:20: error: journey: spec.states.call.task.resultVar: "
        "kafkaPublish:v1 does not allow resultVar (a publish has no result) (got 'r')",
        "j.journey.yaml:21:25: error: journey: spec.states.fork.parallel.branches.0.states"
        ".x.type: not a state type; write one of 'task', 'choice', 'transform', 'parallel', "
        "'wait', 'webhook', 'timer', 'subjourney', 'succeed' or 'fail' (got 'teleport')",
        "j.journey.yaml:24:20: error: journey: spec.states.plug.task.kind: task.kind must "
        "have the form <pluginType>:v<major>, e.g. httpCall:v1 (got 'not a kind')",
    ]


def test_cross_references_are_located_errors() -> None:
    states = """    call:
      type: subjourney
      subjourney: {ref: missing}
      next: shape
    shape:
      type: transform
      transform: {mapperRef: nope}
      next: done
    done:
      type: succeed
"""
    errors = _errors(states.replace("start: call", "start: call"), "  mappers: {}\n")
    assert errors == [
        "j.journey.yaml:9:25: error: subjourney ref 'missing' is not a key of "
        "spec.subjourneys (known: none)",
        "j.journey.yaml:13:30: error: mapperRef 'nope' is not a key of spec.mappers "
        "(known: none)",
    ]


def test_a_transform_result_var_beside_the_block_is_read_with_a_warning() -> None:
    states = """    call:
      type: transform
      transform:
        mapper: {lang: dataweave, expr: '1'}
        target: {kind: var}
      resultVar: one
      next: done
    done:
      type: succeed
"""
    parsed = _parse(states)
    shape = parsed.journey.spec.states["call"]
    assert isinstance(shape, TransformState) and shape.resultVar == "one"
    (warning,) = parsed.warnings
    assert "resultVar belongs inside the transform block" in warning.message
