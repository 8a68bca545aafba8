"""`generate_many` spreads cases over worker processes: same bytes, same order, same problems
as generating them one by one in this process, and the cache still answers first."""

from __future__ import annotations

import concurrent.futures
import os
from pathlib import Path
from typing import Any

import pytest

from generator import pipeline
from generator.cache import Cache
from generator.cli import main
from generator.format import Formatter
from generator.pipeline import Outcome, generate, generate_many, jobs_wanted
from tests.support.paths import CORPUS, corpus_cases

BROKEN = Path(__file__).resolve().parent / "adversarial" / "cases" / "ref-dangling"


def _cases() -> list[tuple[Path, Path]]:
    picked = corpus_cases()[:3]
    jobs = [(case, CORPUS) for case in picked]
    # A case with errors in the middle: its problems arrive in its place.
    jobs.insert(1, (BROKEN, BROKEN))
    return jobs


def _summary(outcomes: list[Outcome]) -> list[tuple[Path, object, list[str]]]:
    return [
        (
            o.case,
            (o.result.package, o.result.files, o.result.warnings) if o.result else None,
            [str(d) for d in o.problems],
        )
        for o in outcomes
    ]


def test_workers_give_the_same_outcomes_in_case_order() -> None:
    jobs = _cases()
    serial = list(generate_many(jobs, jobs=1))
    parallel = list(generate_many(jobs, jobs=2))
    assert [o.case for o in parallel] == [case for case, _ in jobs]
    assert _summary(parallel) == _summary(serial)
    assert parallel[1].result is None and parallel[1].problems
    assert all(o.result is not None for i, o in enumerate(parallel) if i != 1)


def test_cache_hits_are_answered_without_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    jobs = _cases()[2:]
    cache = Cache(tmp_path / "cache", "fingerprint")
    first = list(generate_many(jobs, cache=cache, jobs=2))

    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("every case is a cache hit: no worker should start")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_pool)
    again = list(generate_many(jobs, cache=cache, jobs=2))
    assert _summary(again) == _summary(first)


def test_jobs_follow_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOURNEYGEN_JOBS", "1")
    assert jobs_wanted(10) == 1
    monkeypatch.setenv("JOURNEYGEN_JOBS", "3")
    assert jobs_wanted(10) == 3
    assert jobs_wanted(2) == 2
    monkeypatch.delenv("JOURNEYGEN_JOBS")
    assert jobs_wanted(10) == min(os.cpu_count() or 1, 10)


def test_cli_reports_in_case_order_with_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("JOURNEYGEN_JOBS", "2")
    monkeypatch.chdir(tmp_path)
    cases = [str(case) for case, _ in _cases() if case != BROKEN]
    code = main(["generate", *cases, "--out", str(tmp_path / "out"), "--no-cache"])
    assert code == 0
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("ok")]
    packages = [ln.split()[1] for ln in lines]
    assert packages == [Path(c).name.replace("-", "_") for c in cases]
    assert all((tmp_path / "out" / p / p / "client.py").is_file() for p in packages)


def test_a_helper_process_gives_the_same_package(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    case = corpus_cases()[0]
    alone = generate(case, root=CORPUS, formatter=Formatter())
    used: list[bool] = []
    original = pipeline._Helper.generate

    def recording(self: Any, *args: Any, **kwargs: Any) -> Any:
        used.append(True)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(pipeline._Helper, "generate", recording)
    helped = generate(case, root=CORPUS, formatter=Formatter(), helper=True)
    assert used == (
        [True] if pipeline._can_fork() and (os.cpu_count() or 1) > 1 else []
    )
    assert helped.files == alone.files
    assert helped.warnings == alone.warnings
