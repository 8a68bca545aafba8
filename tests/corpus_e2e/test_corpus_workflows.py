"""Acceptance of issue #5: every Arazzo workflow of the corpus runs end to end.

Each workflow runs with the GENERATED sync client (`run_<workflow>()`) against the GENERATED
server (uvicorn on 127.0.0.1, a SQLite file, FakeHandlers steered by `workflows.yaml`), and the
journey it started must end in the phase the workflow's name and description promise. One
server per journey serves all of its workflows. The session prints
`corpus workflows: N passed of M`.
"""

from __future__ import annotations

import asyncio
import importlib
import json
from collections.abc import Iterator, Mapping
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from tests.corpus_e2e.corpus_e2e_support import (
    SECRET,
    JourneyCase,
    LiveJourney,
    WorkflowCase,
    contains,
    corpus_workflows,
    live_journey,
    load_table,
    method_for,
    plain,
    run_workflow,
)
from tests.support.paths import CORPUS, CorpusPackage

pytestmark = pytest.mark.slow

TABLE = load_table()
# Workflows that cannot reach the promised phase for a reason outside the harness (a defect of
# the corpus journey itself, or an engine gap), each stated. strict: a workflow that starts
# passing fails here until it is removed.
KNOWN_FAILURES: dict[str, str] = {
    "cache-user-profile-happy-path": (
        "corpus: `normalise` writes {user: {...}} at target path `user`, so context.user.id "
        "is null, the lookup cannot be built and the profile output is null"
    ),
}


FAST = {"initial": 0.01, "multiplier": 1.5, "max_interval": 0.05, "deadline": 10.0}


def _params() -> list[Any]:
    params = []
    for journey in TABLE.values():
        for case in journey.workflows:
            marks = []
            if case.workflow_id in KNOWN_FAILURES:
                reason = KNOWN_FAILURES[case.workflow_id]
                marks.append(pytest.mark.xfail(strict=True, reason=reason))
            params.append(
                pytest.param(
                    journey, case, id=f"{journey.name}/{case.workflow_id}", marks=marks
                )
            )
    return params


class Servers:
    """One live server at a time, replaced when the journey or its settings change (a
    workflow whose timers must run at another scale gets a server of its own)."""

    def __init__(self, packages: dict[str, CorpusPackage], root: Path) -> None:
        self.packages = packages
        self.root = root
        self.key: str | None = None
        self.live: LiveJourney | None = None
        self.stack = ExitStack()
        self.started = 0

    def get(self, journey: JourneyCase, settings: Mapping[str, Any]) -> LiveJourney:
        key = f"{journey.name} {json.dumps(settings, sort_keys=True)}"
        if self.key != key or self.live is None:
            self.close()
            self.started += 1
            module = self.packages[journey.name].module
            store = self.root / f"{journey.name}-{self.started}.sqlite3"
            self.live = self.stack.enter_context(live_journey(module, settings, store))
            self.key = key
        return self.live

    def close(self) -> None:
        self.stack.close()
        self.stack = ExitStack()
        self.key, self.live = None, None


@pytest.fixture(scope="module")
def servers(
    corpus_packages: dict[str, CorpusPackage], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Servers]:
    pool = Servers(corpus_packages, tmp_path_factory.mktemp("corpus-e2e"))
    yield pool
    pool.close()


def test_every_corpus_workflow_has_a_table_row() -> None:
    """A new corpus workflow without a row (or a row for no workflow) fails here."""
    corpus = corpus_workflows(CORPUS / "examples")
    table = {name: [c.workflow_id for c in j.workflows] for name, j in TABLE.items()}
    missing = {
        f"{j}/{w}" for j, ws in corpus.items() for w in ws if w not in table.get(j, [])
    }
    extra = {
        f"{j}/{w}" for j, ws in table.items() for w in ws if w not in corpus.get(j, [])
    }
    assert not missing, f"workflows without a row in workflows.yaml: {sorted(missing)}"
    assert (
        not extra
    ), f"rows of workflows.yaml naming no corpus workflow: {sorted(extra)}"
    assert sum(len(ws) for ws in corpus.values()) == 57
    assert set(KNOWN_FAILURES) <= {w for ws in corpus.values() for w in ws}


@pytest.mark.parametrize(("journey", "case"), _params())
def test_corpus_workflow(
    servers: Servers, journey: JourneyCase, case: WorkflowCase
) -> None:
    live = servers.get(journey, case.settings)
    ran = run_workflow(live, case, live.poll(**FAST))
    assert not ran.provider.errors, ran.provider.errors
    assert [p.state for p in case.provider] == ran.provider.posted
    assert ran.outputs.steps["startJourney"]["journeyId"] == ran.journey_id
    # the terminal outcome as the workflow's own getResult step read it
    result = ran.result
    assert result["journeyId"] == ran.journey_id
    assert result["phase"] == case.expect, (case.reason, result)
    if case.error is not None:
        assert (result.get("error") or {}).get("code") == case.error, result
    if case.output is not None:
        assert contains(result.get("output"), case.output), (case.output, result)
    # and as the generated client's typed get_result reads it
    with live.client_class(live.url) as client:
        if case.untyped_output is None:
            typed = plain(client.get_result(ran.journey_id))
            assert (
                typed["phase"] == case.expect and typed["journeyId"] == ran.journey_id
            )
        else:  # the journey's output breaks its own output schema: the typed read says so
            errors = importlib.import_module(f"{live.module}._runtime.client.errors")
            with pytest.raises(errors.DecodeError) as raised:
                client.get_result(ran.journey_id)
            # the error names the fields that broke (JSON pointers into the outcome)
            fields = raised.value.fields
            assert fields and all(p.startswith("/output") for p, _ in fields), fields
            assert fields[0][0] in str(raised.value)


def test_async_client_runs_a_workflow(
    servers: Servers, corpus_packages: dict[str, CorpusPackage]
) -> None:
    """The generated async client runs wait-approval's happy path against the live server."""
    journey = TABLE["wait-approval"]
    case = next(
        c for c in journey.workflows if c.workflow_id == "wait-approval-happy-path"
    )
    live = servers.get(journey, case.settings)
    live.steer(case.answers)

    async def run() -> Any:
        async with live.async_client_class(live.url, webhook_secret=SECRET) as client:
            method = getattr(client, method_for(live.client_class, case.workflow_id))
            outputs = await method(dict(case.inputs), poll=live.poll(**FAST))
            journey_id = outputs.steps["startJourney"]["journeyId"]
            return await client.get_result(journey_id)

    outcome = plain(asyncio.run(run()))
    assert outcome["phase"] == "SUCCEEDED"
    assert contains(outcome["output"], {"status": 201, "ok": True})
    assert [type(c).__name__ for c in live.fake.calls][-1] == "CreateItemCall"
