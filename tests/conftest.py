"""Shared paths and helpers for the whole test suite."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from generator.pipeline import Generated

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
GENERATED = ROOT / "generated"
# The JourneyForge corpus is test data kept in the repository (origin and licence beside it), so a
# fresh clone runs every corpus test.
CORPUS = ROOT / "tests" / "corpus" / "journeyforge"
PAYMENT_CALLBACK = SPECS / "examples" / "technical" / "payment-callback"

# The committed generated packages are importable in tests without installing them.
for package in sorted(GENERATED.glob("*/pyproject.toml")):
    if str(package.parent) not in sys.path:
        sys.path.insert(0, str(package.parent))


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


@pytest.fixture(scope="session")
def corpus_packages(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, CorpusPackage]:
    """Every corpus journey generated once per test session into a temporary folder.

    Keyed by the case folder's name; each package folder is put on `sys.path` so tests can
    import the generated client, models and server. Tests must treat the packages as read-only.
    """
    from generator.format import Formatter
    from generator.pipeline import generate
    from generator.write import write_package

    out = tmp_path_factory.mktemp("corpus-packages")
    formatter = Formatter()
    packages: dict[str, CorpusPackage] = {}
    for case in corpus_cases():
        result = generate(case, root=CORPUS, formatter=formatter)
        write_package(out, result.package, result.files)
        folder = out / result.package
        if str(folder) not in sys.path:
            sys.path.insert(0, str(folder))
        packages[case.name] = CorpusPackage(case, result, folder)
    return packages
