"""Output contracts (DSL §11, issue #14): an outcome that breaks the journey's own output schema.

The journey `dsl-output-contract` ends at `done` with `outputVar: item`, an httpCall result,
while `spec.output.schema` requires `decision`. Generation says so, located at that outputVar;
on a live server the run still ends SUCCEEDED and its outcome is served as stored, but the
server logs where the contract broke (the field, the state, its line in the journey) and the
generated client's typed `get_result` raises DecodeError naming `/output/decision`. The other
end, `approved`, outputs `{decision: APPROVED}` and reads as a typed outcome.
"""

from __future__ import annotations

import importlib
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.format import Formatter
from generator.pipeline import generate
from tests.constructs.support import JOURNEYS
from tests.constructs.support import generate as generate_journey
from tests.support.engine import server_module
from tests.support.live import LiveServer

NAME = "dsl-output-contract"
SITE = f"examples/technical/{NAME}/{NAME}.journey.yaml:53:7"


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> str:
    return generate_journey(NAME, tmp_path_factory.mktemp("contract"))


def test_generation_locates_the_output_that_breaks_the_contract() -> None:
    case = JOURNEYS / "examples" / "technical" / NAME
    result = generate(case, root=JOURNEYS, formatter=Formatter())
    found = [str(w) for w in result.warnings if "never holds" in w.message]
    assert len(found) == 1, [str(w) for w in result.warnings]
    where = (
        f"{NAME}.journey.yaml:54:18: warning: succeed state 'done' outputs context.item"
    )
    assert where in found[0], found[0]
    assert "never holds decision that spec.output.schema requires" in found[0]
    assert "task lookup (an httpCall result): body, error, headers, ok, status" in (
        found[0]
    )


def test_a_broken_outcome_is_logged_where_it_broke_and_the_typed_client_names_the_field(
    package: str,
    db_path: str,
    live: Callable[..., LiveServer],
    caplog: pytest.LogCaptureFixture,
) -> None:
    server = server_module(package)
    client = importlib.import_module(f"{package}.client")
    models = importlib.import_module(f"{package}.models")
    errors = importlib.import_module(f"{package}._runtime.client.errors")
    testing = importlib.import_module(f"{package}.testing")
    reply = testing.TaskResult(status=200, ok=True, body={"name": "lamp"})
    fake = server.FakeHandlers(lookup=reply)
    app = live(server.create_app(fake, settings=server.Settings(store_path=db_path)))
    with client.DslOutputContractClient(app.url) as api:
        good = api.start(models.DslOutputContractInput(id="good"))
        outcome = api.get_result(good.journey_id)
        assert outcome.output.decision.value == "APPROVED"
        # the sync start answers the outcome: the typed start refuses it the same way
        with pytest.raises(errors.DecodeError) as at_start:
            api.start(models.DslOutputContractInput(id="other"))
        found = re.search(r'"journeyId":"([^"]+)"', at_start.value.body_excerpt)
        assert found is not None, at_start.value.body_excerpt
        bad = found.group(1)
        caplog.clear()  # the start's own log line: one per answer that breaks the contract
        with (
            caplog.at_level(logging.WARNING, logger="journeygen.server"),
            pytest.raises(errors.DecodeError) as raised,
        ):
            api.get_result(bad)
    assert ("/output/decision", "Field required") in at_start.value.fields
    error: Any = raised.value
    assert error.fields == (("/output/decision", "Field required"),)
    assert "(1 error: /output/decision: Field required)" in str(error)
    logged = [r.getMessage() for r in caplog.records if bad in r.getMessage()]
    assert len(logged) == 1, logged
    assert f"it ended at state 'done', {SITE}" in logged[0]
    assert "(1 error: /output/decision: Field required)" in logged[0]
    assert "breaks the journey's contract" in logged[0]


def test_the_outcome_is_served_as_stored(
    package: str, db_path: str, live: Callable[..., LiveServer], tmp_path: Path
) -> None:
    import httpx

    server = server_module(package)
    testing = importlib.import_module(f"{package}.testing")
    reply = testing.TaskResult(status=200, ok=True, body={"name": "lamp"})
    app = live(
        server.create_app(
            server.FakeHandlers(lookup=reply),
            settings=server.Settings(store_path=db_path),
        )
    )
    with httpx.Client(base_url=app.url) as http:
        started = http.post(f"/api/v1/journeys/{NAME}/start", json={"id": "x"})
        assert started.status_code == 200, started.text
        body = started.json()
    assert body["phase"] == "SUCCEEDED"
    assert body["output"]["ok"] is True and body["output"]["body"] == {"name": "lamp"}
    assert "decision" not in body["output"]


DATE_TIME_JOURNEY = """\
apiVersion: v1
kind: Journey
metadata:
  name: stamp-contract
  version: 0.1.0
spec:
  input:
    schema:
      type: object
      properties:
        gap: { type: integer }
  output:
    schema:
      type: object
      required: [at]
      properties:
        at: { type: string, format: date-time }
        maybe: { type: string, format: date-time }
  start: stamp
  states:
    stamp:
      type: transform
      transform:
        mapper:
          lang: dataweave
          expr: |
            context ++ {
              nextAt: (now() as String) ++ "|PT" ++ (context.gap as String) ++ "S",
              maybeAt: if (context.gap != null) (now() as String) ++ "|" else null
            }
        target:
          kind: context
          path: ""
      next: shape
    shape:
      type: transform
      transform:
        mapper:
          lang: dataweave
          expr: '{ at: context.nextAt, maybe: context.maybeAt }'
        target:
          kind: var
        resultVar: outcome
      next: done
    done:
      type: succeed
      outputVar: outcome
"""


def test_a_date_time_output_written_as_joined_text_is_located_and_the_readme_says_so(
    tmp_path: Path,
) -> None:
    case = tmp_path / "stamp-contract"
    case.mkdir()
    (case / "stamp-contract.journey.yaml").write_text(DATE_TIME_JOURNEY)
    result = generate(case, root=tmp_path, formatter=Formatter())
    found = [str(w) for w in result.warnings if "format date-time" in w.message]
    assert len(found) == 1, [str(w) for w in result.warnings]  # `maybe` may be null
    assert found[0].endswith("(DSL §11); write an RFC 3339 date-time there (e.g. `(context.t as DateTime) + |PT300S|`), or declare the property without format date-time")  # fmt: skip
    assert found[0].startswith(
        f"{case}/stamp-contract.journey.yaml:47:18: warning: succeed state 'done' "
        "outputs context.outcome, whose at spec.output.schema declares format date-time, "
        'but transform stamp writes it as text joined by `++` with "|PT"'
    ), found[0]
    assert "DecodeError naming /output/at" in found[0]
    readme = next(v for k, v in result.files.items() if k.endswith("README.md"))
    assert (
        "**The journey's output breaks its own output schema**" in readme
        and "a run through transform stamp ending at `done`: `/output/at`" in readme
    ), readme
