"""`generate()`: one case folder in, a file map and diagnostics out. No I/O but reading specs.

The heavy stages (spec models, jinja, datamodel-code-generator, black) are imported only when a
case is really generated, so `--help` and a run answered from the cache import almost nothing.
`generate_many()` spreads the cases the cache cannot answer over worker processes.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import Cache, Entry
from .diagnostics import Diagnostic, Level, Location, SpecError
from .format import Formatter

if TYPE_CHECKING:
    from .ir import Bundle
    from .parts import PartOutput

JOBS_ENV = "JOURNEYGEN_JOBS"


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


def _from_entry(entry: Entry) -> Generated:
    warnings = [
        Diagnostic(Location(p, ln, col), m, Level.WARNING)
        for p, ln, col, m in entry.warnings
    ]
    return Generated(entry.package, entry.files, warnings)


def render(bundle: Bundle, *, cache_dir: Path | None = None) -> PartOutput:
    """The render stage (`generator.render.render`), imported on first use."""
    from .render import render as render_bundle

    return render_bundle(bundle, cache_dir=cache_dir)


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
        return _from_entry(hit)
    from .build import build, find_case
    from .load import Workspace
    from .render import static_sources

    workspace = Workspace(tree)
    bundle = build(find_case(folder), workspace)
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


@dataclass
class Outcome:
    """One case of `generate_many`: its result or its problems, and the seconds it took."""

    case: Path
    result: Generated | None
    problems: list[Diagnostic]
    seconds: float


def jobs_wanted(misses: int) -> int:
    """Worker processes for `misses` cases to generate: one per core (`JOURNEYGEN_JOBS`
    overrides; 1 generates in this process)."""
    raw = os.environ.get(JOBS_ENV, "").strip()
    wanted = int(raw) if raw.isdigit() and int(raw) > 0 else (os.cpu_count() or 1)
    return max(1, min(wanted, misses))


# State of a worker process, set once by `_init_worker`.
_WORKER: dict[str, object] = {}


def _init_worker(cache: Cache | None, stage_cache: Path | None) -> None:
    _WORKER.update(
        cache=cache, stage_cache=stage_cache, formatter=Formatter(stage_cache)
    )


def _one(
    case: Path,
    root: Path,
    formatter: Formatter,
    cache: Cache | None,
    stage_cache: Path | None,
) -> Outcome:
    started = time.perf_counter()
    try:
        result = generate(
            case, root=root, formatter=formatter, cache=cache, stage_cache=stage_cache
        )
    except SpecError as exc:
        return Outcome(case, None, exc.diagnostics, time.perf_counter() - started)
    return Outcome(case, result, [], time.perf_counter() - started)


def _work(job: tuple[Path, Path]) -> Outcome:
    formatter = _WORKER["formatter"]
    cache, stages = _WORKER["cache"], _WORKER["stage_cache"]
    assert isinstance(formatter, Formatter)
    assert cache is None or isinstance(cache, Cache)
    assert stages is None or isinstance(stages, Path)
    return _one(*job, formatter, cache, stages)


def _can_fork() -> bool:
    """Workers are forked: cheap, and nothing re-runs the caller's `__main__`. A process with
    other threads (a test's server) cannot be forked safely, so it generates serially.
    """
    import multiprocessing
    import threading

    return (
        sys.platform.startswith("linux")
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
    )


def generate_many(
    cases: Sequence[tuple[Path, Path]],
    *,
    cache: Cache | None = None,
    stage_cache: Path | None = None,
    jobs: int | None = None,
) -> Iterator[Outcome]:
    """Generate every `(case, spec root)`, yielding outcomes in the order of `cases`.

    Cases the cache answers are answered here; the others are generated in up to `jobs` worker
    processes (default: `jobs_wanted`). Each case's output depends only on its inputs, so the
    result is the same bytes however the work is spread.
    """
    formatter = Formatter(stage_cache)
    hits: dict[int, Outcome] = {}
    misses: list[int] = []
    for index, (case, root) in enumerate(cases):
        started = time.perf_counter()
        entry = cache.get(case.resolve(), root.resolve()) if cache is not None else None
        if entry is None:
            misses.append(index)
        else:
            hits[index] = Outcome(
                case, _from_entry(entry), [], time.perf_counter() - started
            )
    workers = jobs if jobs is not None else jobs_wanted(len(misses))
    if workers <= 1 or len(misses) <= 1 or not _can_fork():
        for index, (case, root) in enumerate(cases):
            yield hits.get(index) or _one(case, root, formatter, cache, stage_cache)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(
        max_workers=min(workers, len(misses)),
        mp_context=multiprocessing.get_context("fork"),
        initializer=_init_worker,
        initargs=(cache, stage_cache),
    )
    try:
        futures = {index: pool.submit(_work, cases[index]) for index in misses}
        for index in range(len(cases)):
            yield hits[index] if index in hits else futures[index].result()
    finally:
        # An internal error (or a caller that stops early) must not wait for the rest.
        pool.shutdown(wait=True, cancel_futures=True)


def default_cache(folder: Path) -> Cache:
    """The cache under `folder`, keyed to this installation of journeygen."""
    from .cache import fingerprint
    from .render import templates_dir

    return Cache(folder, fingerprint(Path(__file__).resolve().parent, templates_dir()))
