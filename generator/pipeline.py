"""`generate()`: one case folder in, a file map and diagnostics out. No I/O but reading specs.

The heavy stages (spec models, jinja, datamodel-code-generator, black) are imported only when a
case is really generated, so `--help` and a run answered from the cache import almost nothing.
`generate_many()` spreads the cases the cache cannot answer over worker processes.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .cache import Cache, Entry
from .diagnostics import Diagnostic, Level, Location, SpecError, display_path
from .format import Formatter

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from .ir import Bundle
    from .models import ModelsInput
    from .parts import PartOutput

T = TypeVar("T")

JOBS_ENV = "JOURNEYGEN_JOBS"


@dataclass
class Generated:
    """The result of generating one case."""

    package: str
    files: Mapping[str, str]  # a cache hit's texts are read on first use (cache.Files)
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
    """Every case folder under `specs` (see `generator.discover`)."""
    from .discover import discover as find_cases

    return find_cases(specs)


def _from_entry(entry: Entry) -> Generated:
    # Entries keep absolute paths; shown as a fresh run from this directory would show them.
    warnings = [
        Diagnostic(Location(display_path(Path(p)), ln, col), m, Level.WARNING)
        for p, ln, col, m in entry.warnings
    ]
    return Generated(entry.package, entry.files, warnings)


def render(
    bundle: Bundle, *, cache_dir: Path | None = None, models_text: str | None = None
) -> PartOutput:
    """The render stage (`generator.render.render`), imported on first use."""
    from .render import render as render_bundle

    return render_bundle(bundle, cache_dir=cache_dir, models_text=models_text)


def generate(
    case_folder: Path,
    *,
    root: Path | None = None,
    formatter: Formatter | None = None,
    cache: Cache | None = None,
    stage_cache: Path | None = None,
    helper: bool = False,
) -> Generated:
    """Generate the package for one case; raises SpecError on invalid input.

    With `helper` (and a machine with a spare core, in a process that can fork) a helper
    process imports the model generator and black while this one builds the IR, then runs the
    models stage and formats part of the files alongside this one. Every text is produced by
    the same functions either way, so the output is the same bytes.
    """
    folder = case_folder.resolve()
    tree = (root or spec_root(folder)).resolve()
    hit = cache.get(folder, tree) if cache is not None else None
    if hit is not None:
        return _from_entry(hit)
    formatter = formatter or Formatter(stage_cache)
    assistant = _Helper.start(stage_cache) if helper else None
    finished = False
    try:
        from .build import build
        from .discover import documents, find_case
        from .inputs import load_case
        from .load import Workspace
        from .render import static_sources

        workspace = Workspace(tree)
        found = documents(folder)
        derived = None
        if found["journey"] and not found["openapi"] and not found["arazzo"]:
            # A journey-only folder: its contracts are derived (the exporter, imported only here).
            from .export.case import derived_case

            derived = derived_case(folder, workspace)
        case = derived or find_case(folder)
        inputs = load_case(
            case, workspace
        )  # every file read; nothing is read after this
        checks = [] if derived is not None else _contract_checks(case, workspace)
        bundle = build(inputs)
        formatter.trust(static_sources())
        if assistant is not None:
            rendered, files = assistant.generate(bundle, formatter, stage_cache)
        else:
            rendered = render(bundle, cache_dir=stage_cache)
            files = formatter.format_files(rendered.files)
        finished = True
    finally:
        if assistant is not None:
            assistant.close(wait=finished)
    result = Generated(bundle.names.module, files, [*checks, *rendered.warnings])
    if cache is not None:
        flat = [
            (
                str(Path(w.location.path).resolve()),
                w.location.line,
                w.location.column,
                w.message,
            )
            for w in result.warnings
        ]
        cache.put(folder, tree, Entry(result.package, result.files, flat))
    return result


def _contract_checks(case: Any, workspace: Any) -> list[Diagnostic]:
    """Warnings where a hand-written contract drifts from the contract its journey derives."""
    if case.journey is None:
        return []
    from .export.crosscheck import contract_warnings

    try:
        journey, contract = workspace.load(case.journey), workspace.load(case.openapi)
    except SpecError:
        return []  # the build reports unreadable documents, located
    return contract_warnings(journey, contract, workspace)


# --------------------------------------------------------------------------- helper process


def _helper_init(stage_cache: Path | None) -> None:
    from .models import warm_up

    warm_up()
    formatter = Formatter(stage_cache)
    formatter.warm_up()
    _WORKER.update(formatter=formatter, stage_cache=stage_cache)


def _helper_ready() -> bool:
    return True


def _helper_models(inp: ModelsInput, path: str) -> tuple[str | None, list[Diagnostic]]:
    from .models import models_source

    formatter = _WORKER["formatter"]
    stages = _WORKER["stage_cache"]
    assert isinstance(formatter, Formatter)
    assert stages is None or isinstance(stages, Path)
    try:
        return formatter.format(path, models_source(inp, cache_dir=stages)), []
    except SpecError as exc:  # sent back as data: SpecError does not survive pickling
        return None, exc.diagnostics


def _helper_format(
    files: dict[str, str],
) -> tuple[dict[str, str] | None, list[Diagnostic]]:
    formatter = _WORKER["formatter"]
    assert isinstance(formatter, Formatter)
    try:
        return formatter.format_files(files), []
    except SpecError as exc:
        return None, exc.diagnostics


def _answer(value: tuple[T | None, list[Diagnostic]]) -> T:
    result, problems = value
    if result is None:
        raise SpecError(problems)
    return result


class _Helper:
    """One forked process that shares a case's work with this one (see `generate`)."""

    def __init__(self, pool: ProcessPoolExecutor) -> None:
        self.pool = pool

    @classmethod
    def start(cls, stage_cache: Path | None) -> _Helper | None:
        if (os.cpu_count() or 1) < 2 or not _can_fork():
            return None
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # Both processes need pydantic (the spec models here, the model generator there):
        # imported once, before the fork, it is shared instead of imported twice.
        import pydantic.main  # noqa: F401

        pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_helper_init,
            initargs=(stage_cache,),
        )
        pool.submit(
            _helper_ready
        )  # forks now: the imports run while this process builds
        return cls(pool)

    def generate(
        self, bundle: Bundle, formatter: Formatter, stage_cache: Path | None
    ) -> tuple[PartOutput, dict[str, str]]:
        """Render and format `bundle`'s files: the models stage on the helper, the other files
        shared between the two processes as they come free."""
        from .models import models_input
        from .render import models_path

        path = models_path(bundle)
        models = self.pool.submit(_helper_models, models_input(bundle), path)
        rendered = render(bundle, cache_dir=stage_cache, models_text="")
        todo = {
            p: t
            for p, t in rendered.files.items()
            if p.endswith(".py") and p != path and not formatter.known(t)
        }
        # The two processes share the files from the two ends of one list: the helper takes
        # the largest left, one at a time (a thread here hands it the next as the last comes
        # back), this process the smallest, so the two finish together whatever each file
        # costs. One at a time: a file the pool has queued can no longer be taken back, and
        # with the whole list submitted up front this process sat idle while the helper
        # worked through the two it held (65 ms of a 770 ms cold run).
        pending = deque(sorted(todo, key=lambda p: (-len(todo[p]), p)))
        lock = threading.Lock()
        done: dict[str, str] = {}
        failures: list[BaseException] = []

        def feed() -> None:
            while True:
                with lock:
                    if not pending:
                        return
                    p = pending.popleft()
                try:
                    done.update(
                        _answer(self.pool.submit(_helper_format, {p: todo[p]}).result())
                    )
                except BaseException as exc:  # re-raised by the main thread below
                    failures.append(exc)
                    return

        feeder = threading.Thread(
            target=feed, name="journeygen-helper-feed", daemon=True
        )
        feeder.start()
        while True:
            with lock:
                if not pending:
                    break
                p = pending.pop()
            done[p] = formatter.format(p, todo[p])
        for p, t in rendered.files.items():  # the rest is trusted: answered from memory
            if p.endswith(".py") and p != path and p not in todo:
                done[p] = formatter.format(p, t)
        done[path] = _answer(models.result())
        feeder.join()
        if failures:
            raise failures[0]
        files = {p: done.get(p, t) for p, t in rendered.files.items()}
        return rendered, files

    def close(self, wait: bool = True) -> None:
        """Stop the helper; without `wait` (the case failed) its work is dropped at once, so
        a refusal of bad input is not held up by imports it no longer needs."""
        if not wait:
            processes = getattr(self.pool, "_processes", None) or {}
            for process in list(processes.values()):
                process.terminate()
        self.pool.shutdown(wait=True, cancel_futures=True)


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
    return max(1, min(_cores_wanted(), misses))


def _cores_wanted() -> int:
    raw = os.environ.get(JOBS_ENV, "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else (os.cpu_count() or 1)


# State of a worker process, set once by `_init_worker`.
_WORKER: dict[str, object] = {}


def _init_worker(cache: Cache | None, stage_cache: Path | None) -> None:
    _WORKER.update(
        cache=cache,
        stage_cache=stage_cache,
        formatter=Formatter(stage_cache, shared=True),
    )


def _one(
    case: Path,
    root: Path,
    formatter: Formatter,
    cache: Cache | None,
    stage_cache: Path | None,
    helper: bool = False,
) -> Outcome:
    started = time.perf_counter()
    try:
        result = generate(
            case,
            root=root,
            formatter=formatter,
            cache=cache,
            stage_cache=stage_cache,
            helper=helper,
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
    formatter = Formatter(stage_cache, shared=len(cases) > 1)
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
    allowed = jobs if jobs is not None else _cores_wanted()
    workers = max(1, min(allowed, len(misses)))
    if workers <= 1 or not _can_fork():
        # One case to generate and a spare core: it gets a helper process instead.
        helper = allowed > 1 and len(misses) == 1
        for index, (case, root) in enumerate(cases):
            yield hits.get(index) or _one(
                case, root, formatter, cache, stage_cache, helper
            )
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from .prewarm import warm_before_fork

    warm_before_fork([cases[index][0] for index in misses], stage_cache)
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
