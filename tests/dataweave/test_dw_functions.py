"""Every registered DataWeave function, checked against MuleSoft's engine case by case.

Each case of `dw_cases` is compiled by journeygen, evaluated, and compared value for value with
what the engine prints (numbers as decimals, so precision counts; objects as a JSON reader keeps
them, the last of a repeated key: duplicates are checked through `write`, `sizeOf`, `keysOf`).
A failure on both sides counts as agreement (the messages differ). `now()`, `uuid()` and
`random()` are compared through properties both sides share, with journeygen's sources pinned.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from types import ModuleType
from typing import Any

import pytest

from generator.dataweave import DataWeaveError
from generator.dataweave.builtins import BUILTINS, MODULES
from tests.dataweave.dw_cases import (
    ARRAYS,
    CORE,
    DATES,
    JOURNEYFORGE,
    NUMBERS,
    OBJECTS,
    PERIODS,
    STRINGS,
    TYPES,
    VALUES,
    Case,
)
from tests.dataweave.oracle import Oracle

ALL_CASES = [
    *CORE,
    *ARRAYS,
    *STRINGS,
    *OBJECTS,
    *NUMBERS,
    *PERIODS,
    *DATES,
    *TYPES,
    *JOURNEYFORGE,
]
FAILED = "<fails>"


def comparable(value: Any, dw: ModuleType) -> Any:
    """A journeygen value as the oracle's JSON decodes: Decimal numbers, plain containers."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return Decimal(value) if type(value) is int else dw._dec(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, dict):
        return {str(k): comparable(v, dw) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [comparable(v, dw) for v in value]
    return f"<{type(value).__name__}>"


def ours(run: Callable[..., Any], dw: ModuleType, case: Case) -> Any:
    """journeygen's answer for case, or FAILED."""
    pins = {"now": datetime(2025, 1, 2, 8, 30, tzinfo=UTC), "random": 0.25}
    try:
        with dw.pinned(**pins):
            value = run(case.source, payload=case.payload)
    except (DataWeaveError, dw.DataWeaveRuntimeError):
        return FAILED
    return comparable(value, dw)


def theirs(oracle: Oracle, case: Case) -> Any:
    """The engine's answer for case, or FAILED."""
    result = oracle.run(case.expr, header=case.header, payload=case.payload)
    if not result.ok:
        return FAILED
    return json.loads(result.text, parse_float=Decimal, parse_int=Decimal)


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: f"{c.function}: {c.expr}")
def test_function_agrees_with_dataweave(
    case: Case, run: Callable[..., Any], dw: ModuleType, oracle: Oracle
) -> None:
    expected = theirs(oracle, case)
    got = ours(run, dw, case)
    if case.differs:
        assert got == comparable(case.ours, dw), case.differs
        assert got != expected, f"no longer differs from DataWeave: {case.differs}"
        return
    assert got == expected


@pytest.mark.parametrize("case", VALUES, ids=lambda c: f"{c.function}: {c.expr}")
def test_value_model_agrees_with_dataweave(
    case: Case, run: Callable[..., Any], dw: ModuleType, oracle: Oracle
) -> None:
    assert ours(run, dw, case) == theirs(oracle, case)


def test_every_registered_function_has_an_oracle_checked_case() -> None:
    checked = {(c.module or "dw::Core", c.function) for c in ALL_CASES if not c.differs}
    differing = {c.function for c in ALL_CASES if c.differs}
    missing = [
        name
        for name, spec in BUILTINS.items()
        if "::" not in name
        and (spec.module, name) not in checked
        and name not in differing
    ]
    missing += [
        f"{module}::{name}"
        for module, table in MODULES.items()
        for name in table
        if (module, name) not in checked
    ]
    assert not missing, f"functions without an oracle-checked case: {missing}"


def test_case_counts_are_reported() -> None:
    per_module: dict[str, set[str]] = {}
    for case in ALL_CASES:
        per_module.setdefault(case.module or "dw::Core", set()).add(case.function)
    summary = ", ".join(f"{m}: {len(f)}" for m, f in sorted(per_module.items()))
    print(f"\n{len(ALL_CASES)} oracle cases; functions per module: {summary}")
    assert len(ALL_CASES) > 300
