"""The oracle itself answers as DataWeave does (so a broken install cannot pass silently)."""

from __future__ import annotations

from decimal import Decimal

from tests.dataweave.oracle import Oracle, RawJson


def test_oracle_keeps_precision_and_reads_inputs(oracle: Oracle) -> None:
    result = oracle.run("payload.x + 0.2", payload={"x": 0.1})
    assert result.ok, result.error
    assert result.value == Decimal("0.3")


def test_oracle_reports_errors_and_keeps_raw_json(oracle: Oracle) -> None:
    assert not oracle.run("nosuchfunction(1)").ok
    first = oracle.run("payload.k", payload=RawJson('{"k": 1, "k": 2}'))
    assert first.ok and first.value == 1
