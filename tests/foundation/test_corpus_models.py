"""Every published journey generates, its models import, and JourneyOutcome keeps a typed output."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

from generator.format import Formatter
from generator.pipeline import generate
from generator.write import write_package
from tests.support.paths import CORPUS, corpus_cases

# The generic JourneyOutcome leaves `output` untyped (`output: {}`); these journeys' OpenAPI points
# JourneyOutcome straight at it, so `Any` is what the spec says there.
UNTYPED_OUTPUT = {"http-aggregate-errors", "http-post-json", "metadata-from-payload"}


@pytest.mark.slow
def test_whole_corpus_generates_and_keeps_typed_outputs(tmp_path: Path) -> None:
    cases = corpus_cases()
    assert len(cases) == 42
    formatter = Formatter()
    typed, untyped = [], []
    for case in cases:
        result = generate(case, root=CORPUS, formatter=formatter)
        write_package(tmp_path, result.package, result.files)
        sys.path.insert(0, str(tmp_path / result.package))
        try:
            models = importlib.import_module(f"{result.package}.models")
        finally:
            sys.path.pop(0)
        outcome = models.JourneyOutcome
        field = outcome.model_fields["output"]
        assert {"journey_id", "phase", "status"} <= set(outcome.model_fields), case.name
        (untyped if "Any" in str(field.annotation) else typed).append(case.name)
    print(
        f"\ncorpus: {len(cases)} journeys generated; typed JourneyOutcome.output in {len(typed)}"
    )
    assert sorted(untyped) == sorted(UNTYPED_OUTPUT)
