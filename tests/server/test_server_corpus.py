"""Every corpus journey generates a server: a full engine, or a stub naming what is unsupported."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.diagnostics import Level
from generator.format import Formatter
from generator.pipeline import Generated, generate
from tests.conftest import CORPUS, corpus_cases, needs_corpus

SERVER_MODULES = ("handlers.py", "engine.py", "testing.py", "server.py")


@pytest.fixture(scope="module")
def corpus() -> dict[Path, Generated]:
    """Every corpus journey generated in memory."""
    formatter = Formatter()
    return {
        case: generate(case, root=CORPUS, formatter=formatter)
        for case in corpus_cases()
    }


def _server_files(result: Generated) -> dict[str, str]:
    base = f"{result.package}/{result.package}/"
    return {
        path[len(base) :]: text
        for path, text in result.files.items()
        if path.startswith(base) and path[len(base) :] in SERVER_MODULES
    }


@needs_corpus
@pytest.mark.slow
def test_every_corpus_journey_gets_a_compiling_server(
    corpus: dict[Path, Generated],
) -> None:
    full, stubs = [], []
    for case, result in corpus.items():
        files = _server_files(result)
        for name, text in files.items():
            compile(text, f"{case.name}/{name}", "exec")
        if set(files) == set(SERVER_MODULES):
            full.append(case.name)
            assert "NotImplementedError" not in files["server.py"]
        else:
            assert set(files) == {"server.py"}, case.name
            assert "raise NotImplementedError" in files["server.py"]
            stubs.append(case.name)
    print(
        f"\ncorpus servers: {len(full)} full engine, {len(stubs)} NotImplementedError stub"
    )
    print("stubs: " + ", ".join(sorted(stubs)))
    assert len(full) + len(stubs) == len(corpus) == 42
    assert full, "no corpus journey got a full engine"


@needs_corpus
@pytest.mark.slow
def test_every_stub_is_reported_as_a_warning_naming_state_and_construct(
    corpus: dict[Path, Generated],
) -> None:
    for case, result in corpus.items():
        stub = set(_server_files(result)) == {"server.py"}
        warnings = [
            w for w in result.warnings if "server engine does not support" in w.message
        ]
        assert bool(warnings) == stub, case.name
        for warning in warnings:
            assert warning.level is Level.WARNING
            assert warning.location.line > 0 and "state " in warning.message
            assert warning.location.path.endswith(".journey.yaml")
