"""`spec.errors` (DSL §24, §5.7): normalisers, the error envelope, a mapperRef envelope mapper.

The journey `dsl-errors` looks an item up; when the lookup fails, a transform builds the
canonical RFC 9457 Problem Details object with `normaliserRef: itemsProblem` (a normaliser runs
only where it is named) into `context.problem`, and the run fails with ITEM_LOOKUP_FAILED. Its
`spec.errors.envelope` is `format: custom` with `mapperRef: orderEnvelope`: the failed run's
Problem (`type` = error code, `title` = reason) is mapped, with the final context, into the
journey's one external error body, which `JourneyOutcome.error` carries. With
`format: problemDetails` the error is the canonical `{code, reason}` view of the same Problem.
"""

from __future__ import annotations

import importlib
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.diagnostics import SpecError
from generator.format import Formatter
from generator.pipeline import generate
from tests.constructs.support import JOURNEYS
from tests.constructs.support import generate as generate_journey
from tests.support.engine import generate_case, server_module
from tests.support.live import LiveServer

NAME = "dsl-errors"
CASE = JOURNEYS / "examples" / "technical" / NAME
CUSTOM = "      format: custom\n      mapperRef: orderEnvelope\n"


def _variant(tmp: Path, old: str, new: str, name: str = NAME) -> Path:
    """A copy of the journey folder tree with one text replaced in the journey (and the
    journey renamed `name`, so its package is a new one)."""
    root = tmp / "journeys"
    shutil.copytree(JOURNEYS, root)
    folder = root / "examples" / "technical" / NAME
    text = (folder / f"{NAME}.journey.yaml").read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new).replace(f"name: {NAME}\n", f"name: {name}\n")
    shutil.rmtree(folder)
    (root / "examples" / "technical" / name).mkdir()
    journey = root / "examples" / "technical" / name / f"{name}.journey.yaml"
    journey.write_text(text, encoding="utf-8")
    return root


def _run(
    package: str, db_path: str, live: Callable[..., LiveServer], name: str = NAME
) -> dict[str, Any]:
    """Start one failing and one succeeding run with the generated client; their outcomes."""
    server = server_module(package)
    client = importlib.import_module(f"{package}.client")
    models = importlib.import_module(f"{package}.models")
    testing = importlib.import_module(f"{package}.testing")
    missing = testing.TaskResult(status=404, ok=False, body={"message": "no item o-9"})
    found = testing.TaskResult(status=200, ok=True, body={"name": "lamp"})
    fake = server.FakeHandlers(lookup=[missing, found])
    app = live(server.create_app(fake, settings=server.Settings(store_path=db_path)))
    pascal = "".join(p.capitalize() for p in name.split("-"))
    with getattr(client, f"{pascal}Client")(app.url) as api:
        start = getattr(models, f"{pascal}Input")
        failed = api.start(start(id="o-9")).model_dump(
            mode="json", by_alias=True, exclude_none=True
        )
        ok = api.start(start(id="o-1")).model_dump(
            mode="json", by_alias=True, exclude_none=True
        )
        again = api.get_result(failed["journeyId"]).model_dump(
            mode="json", by_alias=True, exclude_none=True
        )
    assert again == failed  # the result endpoint serves what the sync start answered
    return {"failed": failed, "ok": ok}


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> str:
    return generate_journey(NAME, tmp_path_factory.mktemp("errors"))


def test_a_custom_envelope_shapes_the_failed_outcome_from_the_normalised_problem(
    package: str, db_path: str, live: Callable[..., LiveServer]
) -> None:
    ran = _run(package, db_path, live)
    failed = ran["failed"]
    assert failed["phase"] == "FAILED"
    assert (
        failed["status"] == "ITEM_LOOKUP_FAILED"
    )  # the code stays the business status
    # the envelope's body: from the run's Problem (error.type, error.title) and context
    # (context.problem written by the itemsProblem normaliser)
    assert failed["error"] == {
        "errorId": "ITEM_LOOKUP_FAILED",
        "message": "Item lookup failed",
        "orderId": "o-9",
        "upstream": {
            "type": "https://example.com/probs/item-lookup",
            "title": "Item lookup failed",
            "status": 404,
            "detail": "no item o-9",
        },
    }
    assert ran["ok"]["phase"] == "SUCCEEDED" and ran["ok"]["output"] == {"name": "lamp"}
    assert "error" not in ran["ok"]


def test_the_problem_details_envelope_keeps_the_code_and_reason_view(
    tmp_path: Path, db_path: str, live: Callable[..., LiveServer]
) -> None:
    name = "dsl-errors-problem"
    root = _variant(tmp_path, CUSTOM, "      format: problemDetails\n", name)
    package = generate_case(name, tmp_path / "out", root=root)
    failed = _run(package, db_path, live, name)["failed"]
    assert failed["error"] == {
        "code": "ITEM_LOOKUP_FAILED",
        "reason": "Item lookup failed",
    }


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "normaliserRef: itemsProblem",
            "normaliserRef: itemProblem",
            "normaliserRef 'itemProblem' is not a key of spec.errors.normalisers (known: "
            "itemsProblem; DSL §24); did you mean 'itemsProblem'?",
        ),
        (
            "mapperRef: orderEnvelope",
            "mapperRef: orderEnvelop",
            "mapperRef 'orderEnvelop' is not a key of spec.mappers (known: orderEnvelope); "
            "did you mean 'orderEnvelope'?",
        ),
        (CUSTOM, "      format: custom\n", "format: custom needs a mapper"),
    ],
)
def test_an_unknown_normaliser_or_envelope_mapper_is_a_located_error(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    root = _variant(tmp_path, old, new)
    case = root / "examples" / "technical" / NAME
    with pytest.raises(SpecError) as raised:
        generate(case, root=root, formatter=Formatter())
    messages = [str(d) for d in raised.value.diagnostics]
    assert any(expected in m and ".journey.yaml:" in m for m in messages), messages


def test_a_normaliser_no_state_names_is_a_located_warning(tmp_path: Path) -> None:
    root = _variant(
        tmp_path,
        "        normaliserRef: itemsProblem\n",
        "        mapper: {lang: dataweave, expr: '{}'}\n",
    )
    case = root / "examples" / "technical" / NAME
    result = generate(case, root=root, formatter=Formatter())
    found = [str(w) for w in result.warnings if "never used" in w.message]
    assert len(found) == 1, [str(w) for w in result.warnings]
    assert (
        f"{NAME}.journey.yaml:33:9: warning: normaliser 'itemsProblem' is never used"
        in (found[0])
    )
    assert CASE.is_dir()
