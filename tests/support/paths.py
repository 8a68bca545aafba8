"""Where the repository's inputs and outputs are, and the JourneyForge corpus's cases."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.pipeline import Generated

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "specs"
GENERATED = ROOT / "generated"
# The JourneyForge corpus is test data kept in the repository (origin and licence beside it), so a
# fresh clone runs every corpus test.
CORPUS = ROOT / "tests" / "corpus" / "journeyforge"
PAYMENT_CALLBACK = SPECS / "examples" / "technical" / "payment-callback"


def corpus_cases() -> list[Path]:
    """Every journey folder of the JourneyForge corpus."""
    return sorted(p.parent for p in (CORPUS / "examples").glob("*/*/*.journey.yaml"))


@dataclass(frozen=True)
class CorpusPackage:
    """One corpus journey generated and written to disk, importable as `module`."""

    case: Path
    generated: Generated
    folder: Path  # the distribution folder: holds pyproject.toml and the module folder

    @property
    def module(self) -> str:
        """The import name of the generated package."""
        return self.generated.package
