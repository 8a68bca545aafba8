"""Every corpus journey generates a full server engine.

mypy --strict over every corpus package runs once, in tests/conformance.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.diagnostics import Level
from generator.pipeline import Generated
from tests.support.paths import CorpusPackage

SERVER_MODULES = ("handlers.py", "engine.py", "testing.py", "server.py")


@pytest.fixture(scope="module")
def corpus(corpus_packages: dict[str, CorpusPackage]) -> dict[Path, Generated]:
    """Every corpus journey, as the session generated it once."""
    return {p.case: p.generated for p in corpus_packages.values()}


def _server_files(result: Generated) -> dict[str, str]:
    base = f"{result.package}/{result.package}/"
    return {
        path[len(base) :]: text
        for path, text in result.files.items()
        if path.startswith(base) and path[len(base) :] in SERVER_MODULES
    }


@pytest.mark.slow
def test_every_corpus_journey_gets_a_compiling_server(
    corpus: dict[Path, Generated],
) -> None:
    for case, result in corpus.items():
        files = _server_files(result)
        assert set(files) == set(SERVER_MODULES), case.name
        for name, text in files.items():
            compile(text, f"{case.name}/{name}", "exec")
        assert "NotImplementedError" not in files["server.py"], case.name
    assert len(corpus) == 42


@pytest.mark.slow
def test_no_corpus_journey_is_reported_as_unsupported(
    corpus: dict[Path, Generated],
) -> None:
    for case, result in corpus.items():
        unsupported = [
            w for w in result.warnings if "server engine does not run" in w.message
        ]
        assert unsupported == [], case.name


@pytest.mark.slow
def test_states_indented_under_a_state_are_read_as_states(
    corpus: dict[Path, Generated],
) -> None:
    """healthcare-appointment-referral's branch YAML indents six states under the state before
    them: each is a located warning and a state of the branch, so no next is broken."""
    case = next(c for c in corpus if c.name == "healthcare-appointment-referral")
    result = corpus[case]
    broken = [w for w in result.warnings if "JOURNEY_DEFINITION_INVALID" in w.message]
    assert broken == []
    outdented = [w for w in result.warnings if "is indented under state" in w.message]
    assert {w.location.line for w in outdented} == {168, 192, 219, 264, 287, 308}
    assert all(w.level is Level.WARNING for w in outdented)
    engine = _server_files(result)["engine.py"]
    assert "patientDecision" in engine and "waitForAppointmentStatus" in engine
