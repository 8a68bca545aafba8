"""A synchronous start that reaches a timer before any input or terminal state (DSL §2.2.1, §2.7:
"a poor fit for synchronous start"; §12.3: no HTTP request is blocked while a timer waits).

The start answers the JourneyStatus of the run paused at the timer. `journeygen export` gives
such a start that response, so the generated client's own `start()` decodes its server's answer
(it raised DecodeError: the derived contract said JourneyOutcome); a contract whose start still
says JourneyOutcome (a published one) gets a located warning at the timer.
"""

from __future__ import annotations

import importlib
import shutil
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from generator.pipeline import generate as generate_case
from tests.constructs.support import JOURNEYS, generate
from tests.support.engine import server_module, wait_for
from tests.support.live import LiveServer

NAME = "holdout-sync-timer"
FOLDER = JOURNEYS / "examples" / "technical" / NAME


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> str:
    return generate(NAME, tmp_path_factory.mktemp("synctimer"))


def test_the_client_start_decodes_the_status_of_a_run_paused_at_the_timer(
    package: str, db_path: str, live: Callable[..., LiveServer]
) -> None:
    server = server_module(package)
    app = live(server.create_app(settings=server.Settings(store_path=db_path)), "on")
    client = importlib.import_module(f"{package}.client")
    models = importlib.import_module(f"{package}.models")
    soon = (datetime.now(UTC) + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    with client.HoldoutSyncTimerClient(app.url) as api:
        paused = api.start(models.HoldoutSyncTimerInput(orderId="o-1", releaseAt=soon))
        assert (paused.phase.value, paused.current_state) == ("Running", "hold")
        wait_for(
            lambda: api.get_status(paused.journey_id).phase.value, "Succeeded".__eq__
        )
        outcome = api.get_result(paused.journey_id)
        # a run that never reaches the timer answers its (terminal) status at once
        direct = api.start(
            models.HoldoutSyncTimerInput(orderId="now-2", releaseAt=soon)
        )
    assert outcome.output == {"orderId": "o-1", "released": True}
    assert (direct.phase.value, direct.current_state) == ("Succeeded", "done")


def test_a_contract_whose_start_says_outcome_is_warned_about_at_the_timer(
    tmp_path: Path,
) -> None:
    root = tmp_path / "journeys"
    case = root / "examples" / "technical" / NAME
    shutil.copytree(FOLDER, case)
    shutil.copytree(JOURNEYS / "openapi", root / "openapi")
    contract = case / f"{NAME}.openapi.yaml"
    document = yaml.safe_load(contract.read_text(encoding="utf-8"))
    answer = document["paths"][f"/journeys/{NAME}/start"]["post"]["responses"]["200"]
    answer["content"]["application/json"]["schema"] = {
        "$ref": "#/components/schemas/JourneyOutcome"
    }
    contract.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    result = generate_case(case, root=root)
    found = [str(w) for w in result.warnings if "synchronous start" in str(w)]
    assert len(found) == 1, [str(w) for w in result.warnings]
    assert (
        f"{NAME}.journey.yaml:28:7: warning: a synchronous start can reach timer 'hold'"
        in found[0]
    )
    assert "start() raises DecodeError" in found[0] and "startMode: async" in found[0]
    # the contract the author exports gets no such warning
    assert not [
        w
        for w in generate_case(FOLDER, root=JOURNEYS).warnings
        if "synchronous" in str(w)
    ]
