"""Walk the DSL reference's construct list against the README's coverage table (issue #14).

Every construct the reference defines (`reference.constructs()`: state types, task kinds and
their fields, `spec.*` blocks, mapper sites, expression languages) needs a row in the README's
"DSL construct coverage" table saying it runs or is refused with a located error, and naming
the test that shows it. A `gap` row is a construct that is still accepted without a tested
effect: its case is a strict expected failure, so it is visible in every run and fails once the
row is not updated after the construct is built.
"""

from __future__ import annotations

import re

import pytest

from tests.constructs.reference import (
    README,
    ROOT,
    STATUSES,
    Row,
    constructs,
    coverage_table,
    reference,
    task_kinds,
)

ROWS = {row.construct: row for row in coverage_table()}


def test_the_reference_is_read() -> None:
    found = constructs()
    assert {"state wait", "task xmlDecode:v1", "spec.mappers"} <= found
    assert {"mapperRef in transform.mapper", "mapperRef in body.mapper"} <= found
    assert {"task httpCall:v1.timeoutMs", "lang dataweave"} <= found
    assert {"kind Journey", "kind Api"} <= found
    assert {"spec.bindings.http.route", "spec.bindings.http.apiResponses"} <= found
    assert len(task_kinds(reference())) >= 8
    assert len(found) >= 100


def test_every_row_is_a_construct_of_the_reference_with_a_known_status() -> None:
    rows = coverage_table()
    assert len(rows) == len(ROWS), "a construct has two rows"
    stale = [
        f"README.md:{r.line}: {r.construct}"
        for r in rows
        if r.construct not in constructs()
    ]
    assert not stale, f"rows naming no construct of the reference: {stale}"
    bad = [f"README.md:{r.line}: {r.status}" for r in rows if r.status not in STATUSES]
    assert not bad, f"status must be one of {STATUSES}: {bad}"
    sections = [r for r in rows if not re.fullmatch(r"§\d+(\.\d+)*", r.section)]
    assert not sections, [
        f"README.md:{r.line}: DSL section {r.section!r}" for r in sections
    ]


def _test_exists(reference_: str) -> bool:
    path, _, name = reference_.partition("::")
    file = ROOT / path
    if not name or not file.is_file():
        return False
    text = file.read_text(encoding="utf-8")
    return (
        re.search(rf"^(async )?def {re.escape(name)}\(", text, re.MULTILINE) is not None
    )


def _case(construct: str) -> object:
    row = ROWS.get(construct)
    if row is not None and row.status == "gap":
        reason = f"issue #14: {construct} is accepted without a tested effect"
        return pytest.param(
            construct, marks=pytest.mark.xfail(strict=True, reason=reason)
        )
    return construct


@pytest.mark.parametrize("construct", [_case(c) for c in sorted(constructs())])
def test_every_construct_runs_or_is_refused(construct: str) -> None:
    row: Row | None = ROWS.get(construct)
    assert (
        row is not None
    ), f"{construct!r} of the DSL reference has no row in {README.name}'s coverage table"
    assert row.status in (
        "runs",
        "refused",
    ), f"README.md:{row.line}: {construct} is a gap"
    assert _test_exists(
        row.test
    ), f"README.md:{row.line}: {construct}: no test {row.test!r} (write path.py::test_name)"
