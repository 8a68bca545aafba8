"""Generate the construct journeys of tests/constructs/journeys (one folder per construct)."""

from __future__ import annotations

from pathlib import Path

from tests.support.engine import generate_case

JOURNEYS = Path(__file__).resolve().parent / "journeys"


def generate(name: str, out: Path) -> str:
    """Generate tests/constructs/journeys/examples/technical/<name>; return its package."""
    return generate_case(name, out, root=JOURNEYS)
