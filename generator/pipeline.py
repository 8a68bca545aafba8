"""`generate()`: one case folder in, a file map and diagnostics out. No I/O but reading specs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .build import Case, build, find_case
from .diagnostics import Diagnostic
from .format import Formatter
from .load import Workspace
from .render import render


@dataclass
class Generated:
    """The result of generating one case."""

    package: str
    files: dict[str, str]
    warnings: list[Diagnostic] = field(default_factory=list)


def spec_root(case_folder: Path, specs: Path | None = None) -> Path:
    """The spec tree a case may reference: the configured specs folder when the case is inside
    it, else the nearest ancestor holding `openapi/` or `apis/` (the corpus layout), else the case.
    """
    folder = case_folder.resolve()
    if specs is not None and folder.is_relative_to(specs.resolve()):
        return specs.resolve()
    for parent in (folder, *folder.parents):
        if (parent / "openapi").is_dir() or (parent / "apis").is_dir():
            return parent
    return folder


def discover(specs: Path) -> list[Path]:
    """Every case folder under `specs`: folders holding a journey or Arazzo document."""
    folders = {
        p.parent for pattern in ("*.journey.y*ml", "*.arazzo.y*ml") for p in specs.rglob(pattern)
    }
    return sorted(folders)


def generate(
    case_folder: Path,
    *,
    root: Path | None = None,
    formatter: Formatter | None = None,
) -> Generated:
    """Generate the package for one case; raises SpecError on invalid input."""
    workspace = Workspace(root or spec_root(case_folder))
    case: Case = find_case(case_folder)
    bundle = build(case, workspace)
    files = (formatter or Formatter()).format_files(render(bundle))
    return Generated(bundle.names.module, files, list(bundle.warnings))
