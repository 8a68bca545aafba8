"""`generate()`: one case folder in, a file map and diagnostics out. No I/O but reading specs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .build import Case, build, find_case
from .cache import Cache, Entry
from .diagnostics import Diagnostic, Level, Location
from .format import Formatter
from .load import Workspace
from .render import render, static_sources


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
        p.parent
        for pattern in ("*.journey.y*ml", "*.arazzo.y*ml")
        for p in specs.rglob(pattern)
    }
    return sorted(folders)


def generate(
    case_folder: Path,
    *,
    root: Path | None = None,
    formatter: Formatter | None = None,
    cache: Cache | None = None,
    stage_cache: Path | None = None,
) -> Generated:
    """Generate the package for one case; raises SpecError on invalid input."""
    folder = case_folder.resolve()
    tree = (root or spec_root(folder)).resolve()
    hit = cache.get(folder, tree) if cache is not None else None
    if hit is not None:
        warnings = [
            Diagnostic(Location(p, ln, col), m, Level.WARNING)
            for p, ln, col, m in hit.warnings
        ]
        return Generated(hit.package, hit.files, warnings)
    workspace = Workspace(tree)
    case: Case = find_case(folder)
    bundle = build(case, workspace)
    rendered = render(bundle, cache_dir=stage_cache)
    formatter = formatter or Formatter(stage_cache)
    formatter.trust(static_sources())
    files = formatter.format_files(rendered.files)
    result = Generated(bundle.names.module, files, list(rendered.warnings))
    if cache is not None:
        flat = [
            (w.location.path, w.location.line, w.location.column, w.message)
            for w in result.warnings
        ]
        cache.put(folder, tree, Entry(result.package, result.files, flat))
    return result


def default_cache(folder: Path) -> Cache:
    """The cache under `folder`, keyed to this installation of journeygen."""
    from .cache import fingerprint
    from .render import templates_dir

    return Cache(folder, fingerprint(Path(__file__).resolve().parent, templates_dir()))
