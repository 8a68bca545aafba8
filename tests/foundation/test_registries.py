"""Every state type and task kind of the DSL reference is reached through its registries.

The kinds are read from the reference itself (`tests/corpus/journeyforge/reference/`): a
kind added there fails here until it has a schema model and a compiler, or is reported as a
located "not supported" warning.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, cast

import pytest

from generator.load import parse_yaml
from generator.schema.journey import STATE_MODELS, TASK_MODELS, parse_journey
from generator.server.compile import JourneyCompiler
from generator.server.scope import Scope
from generator.server.states import COMPILERS
from generator.server.tasks import TASKS

REFERENCE = (
    Path(__file__).resolve().parents[1]
    / "corpus"
    / "journeyforge"
    / "reference"
    / "journeyforge-dsl.md"
)


def _reference() -> str:
    return REFERENCE.read_text(encoding="utf-8")


def _state_types() -> list[str]:
    """The first column of the table in §1.1 "State types and surface"."""
    text = _reference()
    table = text[text.index("### 1.1") : text.index("## 2. Top-level shape")]
    found = re.findall(r"^\| `([a-z]+)`", table, flags=re.MULTILINE)
    return sorted(set(found))


def _task_kinds() -> list[str]:
    return sorted(set(re.findall(r"\b([a-z][A-Za-z]+:v[0-9]+)\b", _reference())))


def test_the_reference_is_read() -> None:
    assert {"task", "wait", "parallel", "subjourney"} <= set(_state_types())
    assert {"httpCall:v1", "xmlDecode:v1"} <= set(_task_kinds())


@pytest.mark.parametrize("kind", _state_types())
def test_every_state_type_has_a_schema_model_and_a_compiler(kind: str) -> None:
    assert kind in STATE_MODELS
    assert kind in COMPILERS


def _journey_with_task(kind: str) -> Any:
    model = TASK_MODELS[kind]
    required = [
        f.alias or name
        for name, f in model.model_fields.items()
        if f.is_required() and name != "kind"
    ]
    fields = "".join(f"        {name}: x\n" for name in required)
    text = (
        "apiVersion: v1\nkind: Journey\nmetadata: {name: j}\nspec:\n  start: t\n"
        f"  states:\n    t:\n      type: task\n      task:\n        kind: {kind}\n"
        f"{fields}      next: done\n    done:\n      type: succeed\n"
    )
    return parse_yaml(text, "j.journey.yaml", Path("j.journey.yaml"))


@pytest.mark.parametrize("kind", _task_kinds())
def test_every_task_kind_has_a_compiler_or_a_located_not_supported(kind: str) -> None:
    assert kind in TASK_MODELS  # the schema models it (a typo'd field is then reported)
    if kind in TASKS:
        return
    doc = _journey_with_task(kind)
    journey = parse_journey(doc).journey
    compiler = JourneyCompiler(cast(Any, None), doc, journey, cast(Any, None))
    scope = Scope(journey.spec.states, "/spec/states", "", compiler.expressions)
    compiler.machine(scope, "")
    (unsupported,) = compiler.unsupported
    assert unsupported.construct == f"task kind {kind!r}"
    assert str(unsupported.location) == "j.journey.yaml:10:15"  # the task's kind
