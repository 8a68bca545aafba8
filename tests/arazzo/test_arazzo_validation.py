"""Arazzo validation: the official JSON Schema (mapped to located, readable diagnostics) and the
semantic rules it cannot express, on every Arazzo document the project has and on mutations.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from generator.arazzo.rules import semantic_problems
from generator.diagnostics import did_you_mean
from generator.load import Document, Workspace
from generator.schema.arazzo_schema import SCHEMA_PATH, schema_problems

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = sorted(
    p
    for base in (
        "specs",
        "tests/corpus/journeyforge",
        "tests/plain/cases",
        "tests/client",
    )
    for p in (ROOT / base).rglob("*.arazzo.yaml")
)
RAW = Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def _load(path: Path) -> Document:
    return Workspace(path.parent).load(path)


def test_there_are_documents_to_check() -> None:
    assert len(DOCUMENTS) >= 45


def test_the_shipped_schema_is_a_valid_draft_2020_12_schema() -> None:
    # Checked here, not on every run (generator/schema/arazzo_schema.py trusts its own file).
    Draft202012Validator.check_schema(RAW.schema)
    broken = {**RAW.schema, "type": "mapping"}
    with pytest.raises(SchemaError, match="mapping"):
        Draft202012Validator.check_schema(broken)


@pytest.mark.parametrize(
    "path", DOCUMENTS, ids=[str(p.relative_to(ROOT)) for p in DOCUMENTS]
)
def test_every_project_document_passes_schema_and_rules(path: Path) -> None:
    document = _load(path)
    assert [str(d) for d in schema_problems(document)] == []
    assert [str(d) for d in semantic_problems(document)] == []


PETSTORE = _load(ROOT / "tests/plain/cases/petstore/petstore.arazzo.yaml")


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _paths(item, (*prefix, i))
    return found


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.sampled_from(["", "x", "$x"]),
    lambda inner: st.lists(inner, max_size=2)
    | st.dictionaries(
        st.sampled_from(["name", "type", "x-a", "zz"]), inner, max_size=2
    ),
    max_leaves=4,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_the_schema_mapping_reports_exactly_when_the_schema_fails(data: Any) -> None:
    """A mutated document has diagnostics if and only if the official schema refuses it."""
    mutated = copy.deepcopy(PETSTORE.data)
    path = data.draw(st.sampled_from(_paths(mutated)[1:]))
    parent = mutated
    for part in path[:-1]:
        parent = parent[part]
    if data.draw(st.booleans()) and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = data.draw(JSON)
    document = Document(PETSTORE.path, PETSTORE.display, mutated, PETSTORE.positions)
    problems = schema_problems(document)
    assert bool(problems) == bool(list(RAW.iter_errors(mutated)))
    for problem in problems:
        assert problem.message.startswith("Arazzo: ")
        assert "{where}" not in problem.message
        assert "is not valid under any of the given schemas" not in problem.message


@pytest.mark.parametrize(
    ("name", "known", "expected"),
    [
        ("pet_id", ["petId", "tags"], "did you mean 'petId'?"),
        ("PAR", ["Par", "other"], "did you mean 'Par'?"),
        ("retyr", ["end", "goto", "retry"], "did you mean 'retry'?"),
        ("zzz", ["petId"], ""),
    ],
)
def test_did_you_mean(name: str, known: list[str], expected: str) -> None:
    assert did_you_mean(name, known) == expected
