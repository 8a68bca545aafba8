"""Generating the published Arazzo corpus (tests/corpus/arazzo-public) as a user would, once
per test session, and what each case is expected to do (outcomes.yaml)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.diagnostics import Diagnostic, Level
from generator.pipeline import generate_many
from generator.write import write_package

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus" / "arazzo-public"
OUTCOMES = Path(__file__).resolve().parent / "outcomes.yaml"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())
_LEFT_OUT = re.compile(r"workflow '([^']+)' is left out of the package")
_CALLER_LEFT_OUT = re.compile(r"^workflow '([^']+)' calls or depends on workflow")


@dataclass
class CaseRun:
    """What generating one case gave: its package folder or its errors, and its warnings."""

    case: str
    package: Path | None
    module: str | None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def left_out(self) -> list[str]:
        """The workflowIds left out of the package (each said by a located warning)."""
        found: set[str] = set()
        for line in self.warnings:
            message = line.split(": warning: ", 1)[1]
            found.update(_LEFT_OUT.findall(message))
            found.update(_CALLER_LEFT_OUT.findall(message))
        return sorted(found)


def shown(diagnostic: Diagnostic) -> str:
    """`path:line:col: level: message` with the path relative to the corpus folder."""
    text = str(diagnostic)
    for prefix in (str(CORPUS) + "/", "tests/corpus/arazzo-public/"):
        text = text.replace(prefix, "")
    return text


def generate_corpus(out: Path) -> dict[str, CaseRun]:
    """Generate every case into `out` (two worker processes), writing only what generates."""
    jobs = [(CORPUS / name, CORPUS / name) for name in CASES]
    runs: dict[str, CaseRun] = {}
    for outcome in generate_many(jobs, jobs=2):
        name = outcome.case.name
        if outcome.result is None:
            errors = [shown(d) for d in outcome.problems if d.level is Level.ERROR]
            runs[name] = CaseRun(name, None, None, errors)
            continue
        result = outcome.result
        target = out / name
        write_package(target, result.package, result.files)
        runs[name] = CaseRun(
            name,
            target / result.package,
            result.package,
            warnings=[shown(w) for w in result.warnings],
        )
    return runs


def expected() -> dict[str, dict[str, Any]]:
    """outcomes.yaml: per case its outcome, the reason, and what is left out or refused."""
    data = yaml.safe_load(OUTCOMES.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data
