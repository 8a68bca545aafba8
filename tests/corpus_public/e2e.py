"""Run a generated corpus package's workflows end to end against the stub API made from its
OpenAPI documents (tests/corpus_public/stub.py), on 127.0.0.1 over real HTTP."""

from __future__ import annotations

import importlib
import inspect
import sys
from pathlib import Path
from typing import Any

from generator import naming
from generator.discover import find_case, source_files
from tests.corpus_public.stub import Documents, stub_app, workflow_inputs
from tests.support.live import run_live


def openapi_files(case: Path) -> tuple[Path, list[Path]]:
    """The entry Arazzo document and every OpenAPI file its description names."""
    found = find_case(case)
    assert found.arazzo is not None
    files: list[Path] = []
    pending, seen = [found.arazzo], set()
    while pending:
        document = pending.pop()
        seen.add(document)
        for path, kind in source_files(document):
            if kind == "arazzo":
                if path not in seen:
                    pending.append(path)
            elif path not in files:
                files.append(path)
    return found.arazzo, files


def run_workflows(case: Path, package: Path, module: str) -> dict[str, str]:
    """workflowId -> 'ok' or why its run failed, for every workflow method generated."""
    arazzo, files = openapi_files(case)
    docs = Documents()
    data = docs.load(arazzo)
    for loaded in [m for m in sys.modules if m.split(".")[0] == module]:
        del sys.modules[loaded]
    sys.path.insert(0, str(package))
    try:
        client = importlib.import_module(f"{module}.client")
    finally:
        sys.path.remove(str(package))
    classes = [
        c
        for _, c in inspect.getmembers(client, inspect.isclass)
        if c.__module__ == client.__name__
        and c.__name__.endswith("Client")
        and any(
            n.startswith("run_") and not inspect.iscoroutinefunction(getattr(c, n))
            for n in dir(c)
        )
    ]
    if not classes:
        return {}  # every workflow left out
    cls: Any = classes[0]
    assert len(classes) == 1, classes
    app, _ = stub_app(files)
    live = run_live(app)
    results: dict[str, str] = {}
    try:
        with cls(live.url) as api:
            for workflow in data["workflows"]:
                wid = workflow["workflowId"]
                method = getattr(
                    api, "run_" + naming.snake(wid, default="workflow"), None
                )
                if method is None:
                    continue  # left out of the package
                inputs: Any = workflow_inputs(docs, arazzo, workflow)
                try:
                    method(inputs, timeout=10)
                except Exception as exc:  # the reason is the result
                    results[wid] = f"{type(exc).__name__}: {str(exc)[:300]}"
                else:
                    results[wid] = "ok"
    finally:
        live.stop()
    return results
