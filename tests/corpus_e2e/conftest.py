"""Count the corpus workflows that pass and print `corpus workflows: N passed of M`."""

from __future__ import annotations

from typing import Any

import pytest

_RESULTS: dict[str, str] = {}
_TEST = "test_corpus_workflows.py::test_corpus_workflow["


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Remember the outcome of every workflow test (xfail counts as not passed)."""
    if _TEST not in report.nodeid:
        return
    if report.when == "call" or report.outcome != "passed":
        passed = report.outcome == "passed" and not hasattr(report, "wasxfail")
        if report.nodeid not in _RESULTS or not passed:
            _RESULTS[report.nodeid] = "passed" if passed else "not passed"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print the count when any workflow test ran."""
    if not _RESULTS:
        return
    passed = sum(1 for outcome in _RESULTS.values() if outcome == "passed")
    failing = sorted(
        n.split("[", 1)[1].rstrip("]") for n, o in _RESULTS.items() if o != "passed"
    )
    terminalreporter.write_line(
        f"corpus workflows: {passed} passed of {len(_RESULTS)}", bold=True
    )
    if failing:
        terminalreporter.write_line("not passing: " + ", ".join(failing))
