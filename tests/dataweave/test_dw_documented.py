"""DataWeave's documented examples (dw_documented.py), compiled by journeygen and checked value
for value against MuleSoft's engine; both failing counts as agreement."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from types import ModuleType
from typing import Any

import pytest

from generator.dataweave import DataWeaveError, compile_expression
from tests.dataweave.dw_documented import DOCUMENTED
from tests.dataweave.dw_support import assert_safe_code, evaluate
from tests.dataweave.oracle import Oracle

FAILED = "<fails>"
PINS = {"now": datetime(2025, 1, 2, 8, 30, tzinfo=UTC), "random": 0.25}
CASES = [(page, expr) for page, exprs in DOCUMENTED for expr in exprs]


def comparable(value: Any, dw: ModuleType) -> Any:
    """A journeygen value as the oracle's JSON decodes: exact decimals, plain containers."""
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


def ours(expr: str, dw: ModuleType) -> Any:
    names = frozenset({"payload"})
    try:
        compiled = compile_expression(expr, bindings=names)
        assert_safe_code(compiled.code, names, dw)
        with dw.pinned(**PINS):
            value = evaluate(compiled.code, dw, {"payload": None})
    except (DataWeaveError, dw.DataWeaveRuntimeError):
        return FAILED
    return comparable(value, dw)


def theirs(oracle: Oracle, expr: str) -> Any:
    header, _, body = expr.rpartition("\n---\n")  # a module import before the body
    result = oracle.run(body, header=header)
    if not result.ok:
        return FAILED
    return json.loads(result.text, parse_float=Decimal, parse_int=Decimal)


@pytest.mark.parametrize(
    "case", CASES, ids=lambda c: f"{c[0].split(' (')[0]}: {c[1].replace(chr(10), ' ')}"
)
def test_documented_example_agrees_with_dataweave(
    case: tuple[str, str], dw: ModuleType, oracle: Oracle
) -> None:
    _, expr = case
    assert ours(expr, dw) == theirs(oracle, expr)


def test_documented_examples_mostly_give_values(dw: ModuleType) -> None:
    """The table checks answers: nearly every documented example has a value."""
    failing = [expr for _, expr in CASES if ours(expr, dw) == FAILED]
    print(f"\n{len(CASES)} documented examples; {len(failing)} fail on both engines")
    assert len(failing) <= len(CASES) // 20, failing
