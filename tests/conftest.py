"""Shared paths and helpers for the whole test suite."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
GENERATED = ROOT / "generated"
CORPUS = ROOT.parent / "shared" / "corpus" / "journeyforge"
PAYMENT_CALLBACK = SPECS / "examples" / "technical" / "payment-callback"
SEEDS = ROOT.parent / "shared" / "seeds"

# The committed generated packages are importable in tests without installing them.
for package in sorted(GENERATED.glob("*/pyproject.toml")):
    if str(package.parent) not in sys.path:
        sys.path.insert(0, str(package.parent))


def corpus_cases() -> list[Path]:
    """Every journey folder of the JourneyForge corpus (empty when the corpus is absent)."""
    if not CORPUS.is_dir():
        return []
    return sorted(p.parent for p in (CORPUS / "examples").glob("*/*/*.journey.yaml"))


needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason="../shared/corpus is not present"
)
