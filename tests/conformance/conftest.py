"""The corpus conformance summary, printed at the end of every run that collected these tests."""

from __future__ import annotations

from typing import Any

from tests.conformance.report import REPORT


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print what the conformance tests measured (also when they all pass)."""
    if not REPORT:
        return
    terminalreporter.section("corpus conformance")
    for line in REPORT.values():
        terminalreporter.write_line(line)
