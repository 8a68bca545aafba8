"""Several Arazzo documents per case: an `arazzo` sourceDescription, workflows of the entry
document calling and depending on workflows of another (`$sourceDescriptions.<name>.<id>`),
each document with its own OpenAPI source, run end to end against a real server.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.realworld.support import CASES, Run, generate
from tests.support.live import LiveServer, run_live


@pytest.fixture(scope="module")
def adopt(tmp_path_factory: pytest.TempPathFactory) -> Run:
    run = generate("multi-doc", tmp_path_factory.mktemp("multi-doc"))
    assert run.code == 0, run.stderr
    assert run.stderr == ""
    return run


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[LiveServer, list[str]]]:
    """The pets and store APIs, written by hand from their OpenAPI documents."""
    seen: list[str] = []

    async def login(request: Request) -> JSONResponse:
        seen.append("POST /login")
        return JSONResponse({"token": "t-1"})

    async def pets(request: Request) -> JSONResponse:
        species = request.query_params.get("species", "")
        seen.append(f"GET /pets?species={species}")
        return JSONResponse([{"id": f"{species}-7"}] if species != "none" else [])

    async def adopt(request: Request) -> JSONResponse:
        seen.append(f"POST /pets/{request.path_params['pet']}/adopt")
        return JSONResponse({"status": "adopted"})

    app = Starlette(
        routes=[
            Route("/login", login, methods=["POST"]),
            Route("/pets", pets, methods=["GET"]),
            Route("/pets/{pet}/adopt", adopt, methods=["POST"]),
        ]
    )
    live = run_live(app)
    yield live, seen
    live.stop()


def test_a_workflow_calls_and_depends_on_workflows_of_another_document(
    adopt: Run, server: tuple[LiveServer, list[str]]
) -> None:
    live, seen = server
    client = adopt.module()
    seen.clear()
    with client.AdoptClient(live.url) as api:
        outputs = api.run_adopt({"species": "dog"})
    assert (outputs.pet_id, outputs.status) == ("dog-7", "adopted")
    assert seen == [
        "POST /login",  # adopt dependsOn $sourceDescriptions.shared.login
        "POST /login",  # shared find-pet dependsOn its own login
        "GET /pets?species=dog",
        "POST /pets/dog-7/adopt",
    ]


def test_the_other_documents_workflows_are_methods_too_named_apart(
    adopt: Run, server: tuple[LiveServer, list[str]]
) -> None:
    live, _ = server
    client = adopt.module()
    with client.AdoptClient(live.url) as api:
        # the shared document's find-pet reads its own $workflows.login outputs
        shared = api.run_shared_find_pet({"species": "cat"})
        assert (shared.pet_id, shared.token) == ("cat-7", "t-1")
        assert api.run_find_pet().pet_id == "cat-7"  # the entry's find-pet delegates
        assert api.run_login().token == "t-1"
        with pytest.raises(Exception) as failed:
            api.run_shared_find_pet({"species": "none"})
        assert type(failed.value).__name__ == "WorkflowError"
        assert "search" in str(failed.value)  # the shared document's step that failed


def test_the_package_passes_mypy_strict(adopt: Run) -> None:
    folder = adopt.package()
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", str(folder / folder.name)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout


def test_an_unknown_workflow_of_another_document_is_located_with_the_nearest(
    tmp_path: Path,
) -> None:
    case = tmp_path / "multi-doc"
    shutil.copytree(CASES / "multi-doc", case)
    entry = case / "adopt.arazzo.yaml"
    text = entry.read_text(encoding="utf-8")
    entry.write_text(
        text.replace("workflowId: $sourceDescriptions.shared.find-pet\n",
                     "workflowId: $sourceDescriptions.shared.find-pets\n", 1),
        encoding="utf-8",
    )  # fmt: skip
    run = generate(case, tmp_path / "out", "--strict")
    assert run.code == 2
    errors = [
        line.split(": error: ", 1)
        for line in run.stderr.splitlines()
        if ": error: " in line
    ]
    assert [(where.rsplit("/", 1)[-1], what) for where, what in errors] == [
        (
            "adopt.arazzo.yaml:15:21",
            "Arazzo: workflows.0.steps.0.workflowId: step "
            "'$sourceDescriptions.shared.find-pets': Arazzo source 'shared' has no "
            "workflow 'find-pets'; did you mean 'find-pet'?; workflow 'adopt' is left out "
            "of the package (everything else is generated)",
        )
    ]
