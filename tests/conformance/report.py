"""Lines the conformance tests measured, printed by `conftest.pytest_terminal_summary`.

A module of its own: pytest imports the conftest under another name than the tests would.
"""

from __future__ import annotations

# One line (or block) per test, keyed so a re-run replaces its own entry.
REPORT: dict[str, str] = {}
