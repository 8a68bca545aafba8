"""Corpus conformance: every JourneyForge corpus journey generates a package a user can rely on.

Checked against the spec documents themselves (read by `tests/conformance/spec.py`, which
shares no code with the generator): the package imports; each OpenAPI operation has a sync and
an async client method that sends that operation's HTTP method to that path on a real local
server; each Arazzo workflow has `run_<workflow>()`; each object and enum schema has a typed
model; the 42 packages pass one `mypy --strict` run; every `Any` left in the models and the
client is explained by the spec (no schema there), never a schema the generator dropped.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import os
import re
import subprocess
import sys
import typing
from collections import Counter
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pydantic import BaseModel

from tests.conformance import anys, spec
from tests.conformance.report import REPORT
from tests.support.paths import CorpusPackage
from tests.support.recording import Reply, Request, Server

CORPUS_SIZE = 42


def _docs(case: Path, kind: str) -> list[Path]:
    return sorted(case.glob(f"*.{kind}.yaml"))


def _snake(name: str) -> str:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return re.sub(r"[^A-Za-z0-9]+", "_", spaced).strip("_").lower()


def _modules(package: CorpusPackage) -> tuple[ModuleType, ModuleType]:
    return (
        importlib.import_module(f"{package.module}.models"),
        importlib.import_module(f"{package.module}.client"),
    )


def _clients(package: CorpusPackage, client: ModuleType) -> tuple[type, type]:
    """(sync, async) client classes, as the package's `__init__` exports them."""
    exported = importlib.import_module(package.module).__all__
    classes = [getattr(client, n) for n in exported if n.endswith("Client")]
    (sync,) = [c for c in classes if not hasattr(c, "__aenter__")]
    (async_,) = [c for c in classes if hasattr(c, "__aenter__")]
    assert "AsyncAsync" not in async_.__name__  # a name is never doubled
    return sync, async_


# -- imports ----------------------------------------------------------------------------------


def test_every_corpus_package_imports(
    corpus_packages: dict[str, CorpusPackage],
) -> None:
    assert len(corpus_packages) == CORPUS_SIZE
    imported, full = 0, []
    for name, package in sorted(corpus_packages.items()):
        models, client = _modules(package)
        sync, asynchronous = _clients(package, client)
        assert issubclass(sync, object) and inspect.isclass(asynchronous), name
        server = importlib.import_module(f"{package.module}.server")
        # a state the engine cannot compile fails its run, the server is never a stub
        assert (package.folder / package.module / "engine.py").is_file(), name
        for part in ("engine", "handlers", "testing"):
            importlib.import_module(f"{package.module}.{part}")
        assert callable(server.create_app), name
        full.append(name)
        assert any(
            inspect.isclass(v) and issubclass(v, BaseModel)
            for v in vars(models).values()
        ), f"{name}: models.py defines no model"
        imported += 1
    REPORT["import"] = (
        f"corpus conformance: {imported}/{CORPUS_SIZE} import (models, client, server); "
        f"server with a full engine: {len(full)}"
    )


# -- operations: a method per operation, found by what it sends -------------------------------


@dataclass(frozen=True)
class Surface:
    """What one package's client does: method name -> the spec operation it sends."""

    operations: dict[str, spec.SpecOperation]
    spec_operations: list[spec.SpecOperation]


def _arguments(method: Any, module: ModuleType) -> list[Any]:
    hints = typing.get_type_hints(method, vars(module))
    args: list[Any] = []
    for param in inspect.signature(method).parameters.values():
        if param.kind is not inspect.Parameter.POSITIONAL_OR_KEYWORD:
            continue
        if param.default is not inspect.Parameter.empty or param.name == "self":
            continue
        hint = hints.get(param.name)
        if param.name == "body":
            if inspect.isclass(hint) and issubclass(hint, BaseModel):
                args.append(hint.model_construct())  # no fields set: sends {}
            else:
                args.append([] if typing.get_origin(hint) is list else {})
        else:
            args.append(f"v-{param.name}")
    return args


def _not_found(request: Request) -> Reply:
    return 404, {"Content-Type": "application/problem+json"}, {"title": "Not Found"}


def _match(
    method: str, path: str, operations: list[spec.SpecOperation]
) -> spec.SpecOperation | None:
    found = [
        op for op in operations if op.method == method and op.pattern.fullmatch(path)
    ]
    return max(found, key=lambda op: op.literal_length, default=None)


def _send_both(
    server: Server,
    classes: tuple[type, type],
    method: str,
    args: list[Any],
    expected: type[BaseException],
) -> list[tuple[str, str]]:
    """Call `method` on a sync and on an async client; (HTTP method, path) each sent."""
    sync_cls, async_cls = classes
    sent: list[tuple[str, str]] = []
    with sync_cls(server.url, retry=None) as client, pytest.raises(expected):
        getattr(client, method)(*args)
    sent.append((server.seen[-1].method, server.seen[-1].path))

    async def call() -> None:
        async with async_cls(server.url, retry=None) as client:
            await getattr(client, method)(*args)

    with pytest.raises(expected):
        asyncio.run(call())
    sent.append((server.seen[-1].method, server.seen[-1].path))
    return sent


@pytest.fixture(scope="module")
def surfaces(corpus_packages: dict[str, CorpusPackage]) -> dict[str, Surface]:
    """Call every operation method (sync, then async) of every package against one local
    server answering 404, and record which spec operation each method sent."""
    result: dict[str, Surface] = {}
    with Server(_not_found) as server:
        for name, package in sorted(corpus_packages.items()):
            _, client = _modules(package)
            errors = importlib.import_module(f"{package.module}._runtime.client.errors")
            sync_cls, async_cls = _clients(package, client)
            ops = spec.operations(_docs(package.case, "openapi")[0])
            with sync_cls(server.url) as probe:
                raw_cls = type(probe.with_raw_response)
            names = sorted(
                n
                for n, v in vars(raw_cls).items()
                if not n.startswith("_") and callable(v)
            )
            found: dict[str, spec.SpecOperation] = {}
            for method_name in names:
                sync_method = getattr(sync_cls, method_name)
                async_method = getattr(async_cls, method_name)
                assert not inspect.iscoroutinefunction(sync_method), method_name
                assert inspect.iscoroutinefunction(async_method), method_name
                args = _arguments(sync_method, client)
                sent = _send_both(
                    server, (sync_cls, async_cls), method_name, args, errors.NotFound
                )
                assert (
                    sent[0] == sent[1]
                ), f"{name}.{method_name}: sync and async differ"
                op = _match(*sent[0], ops)
                assert (
                    op is not None
                ), f"{name}.{method_name} sent {sent[0]}, no operation"
                found[method_name] = op
            result[name] = Surface(found, ops)
    return result


def test_every_operation_has_a_sync_and_an_async_method_that_sends_it(
    surfaces: dict[str, Surface],
) -> None:
    total = methods = 0
    for name, surface in sorted(surfaces.items()):
        sent = Counter((op.method, op.path) for op in surface.operations.values())
        expected = Counter((op.method, op.path) for op in surface.spec_operations)
        assert sent == expected, f"{name}: operations without (or with two) methods"
        total += len(surface.spec_operations)
        methods += len(surface.operations)
    assert total > 0
    REPORT["operations"] = (
        f"corpus conformance: {total}/{total} OpenAPI operations have a sync and an async "
        f"method ({methods} method names, each called against 127.0.0.1)"
    )


# -- workflows --------------------------------------------------------------------------------


def test_every_arazzo_workflow_has_a_run_method(
    corpus_packages: dict[str, CorpusPackage],
) -> None:
    total = 0
    for name, package in sorted(corpus_packages.items()):
        _, client = _modules(package)
        sync_cls, async_cls = _clients(package, client)
        ids = [
            w for doc in _docs(package.case, "arazzo") for w in spec.workflow_ids(doc)
        ]
        assert set(client._WORKFLOWS) == set(ids), name
        for workflow in ids:
            method = f"run_{_snake(workflow)}"
            assert callable(getattr(sync_cls, method, None)), f"{name}: no {method}"
            assert inspect.iscoroutinefunction(getattr(async_cls, method)), method
            source = inspect.getsource(getattr(sync_cls, method))
            assert repr(workflow) in source or f'"{workflow}"' in source, method
        total += len(ids)
    assert total > 0
    REPORT["workflows"] = (
        f"corpus conformance: {total}/{total} Arazzo workflows have run_<workflow>() "
        "(sync and async)"
    )


# -- typed models for every schema ------------------------------------------------------------


def _journey_schema_roots(states: Any, pointer: str) -> list[tuple[str, Any]]:
    """The input/response schemas of webhook and wait states (also in parallel branches)."""
    roots: list[tuple[str, Any]] = []
    for name, body in (states or {}).items():
        here = f"{pointer}/{name}"
        kind = body.get("type")
        if kind in ("webhook", "wait") and isinstance(body.get(kind), dict):
            for part in ("input", "response"):
                schema = (body[kind].get(part) or {}).get("schema")
                if schema is not None:
                    roots.append((f"{here}/{kind}/{part}/schema", schema))
        for i, branch in enumerate((body.get("parallel") or {}).get("branches") or []):
            roots += _journey_schema_roots(
                branch.get("states"), f"{here}/parallel/branches/{i}/states"
            )
    return roots


def _schema_roots(file: Path, kind: str) -> list[tuple[str, Any]]:
    """Where a document holds schemas, per the OpenAPI, JourneyForge and Arazzo formats."""
    data = spec.load(file)
    if kind == "openapi":
        return [("", data)]
    if kind == "arazzo":
        roots = [
            (f"/workflows/{i}/inputs", w["inputs"])
            for i, w in enumerate(data.get("workflows") or [])
            if "inputs" in w
        ]
        inputs = (data.get("components") or {}).get("inputs") or {}
        return roots + [(f"/components/inputs/{k}", v) for k, v in inputs.items()]
    journey = data["spec"]
    roots = [
        (f"/spec/{part}/schema", journey[part]["schema"])
        for part in ("input", "output")
        if isinstance(journey.get(part), dict) and "schema" in journey[part]
    ]
    return roots + _journey_schema_roots(journey.get("states"), "/spec/states")


def _schema_nodes(file: Path, kind: str) -> list[tuple[str, Any]]:
    """(pointer, dict) for every schema with properties or an enum in a document (allOf
    branches are left out: their merge is the model)."""
    found: list[tuple[str, Any]] = []
    stack = _schema_roots(file, kind)
    while stack:
        where, value = stack.pop()
        if isinstance(value, dict):
            if not re.search(r"/allOf/\d+$", where) and (
                isinstance(value.get("properties"), dict)
                or isinstance(value.get("enum"), list)
            ):
                found.append((where, value))
            stack.extend((f"{where}/{k}", v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((f"{where}/{i}", v) for i, v in enumerate(value))
    return found


def _model_shapes(models: ModuleType) -> tuple[list[set[str]], list[list[Any]]]:
    objects: list[set[str]] = []
    enums: list[list[Any]] = []
    for value in vars(models).values():
        if not inspect.isclass(value) or value.__module__ != models.__name__:
            continue
        if issubclass(value, BaseModel):
            value.model_rebuild()  # resolve forward references before reading the fields
            objects.append({i.alias or n for n, i in value.model_fields.items()})
        elif issubclass(value, Enum):
            enums.append([m.value for m in value])
    return objects, enums


def test_every_object_and_enum_schema_has_a_typed_model(
    corpus_packages: dict[str, CorpusPackage],
) -> None:
    objects_total = enums_total = 0
    missing: list[str] = []
    invalid: list[str] = []
    for name, package in sorted(corpus_packages.items()):
        models, _ = _modules(package)
        objects, enums = _model_shapes(models)
        for kind in ("openapi", "journey", "arazzo"):
            for doc in _docs(package.case, kind):
                for where, node in _schema_nodes(doc, kind):
                    if isinstance(node.get("enum"), list):
                        enums_total += 1
                        if node["enum"] not in enums:
                            missing.append(f"{name}: {doc.name}#{where} enum")
                        continue
                    merged = spec.ObjectSchema(where)
                    spec._merge(spec.Located(doc, node), merged)
                    if not all(
                        isinstance(site.value, dict | bool)
                        for sites in merged.properties.values()
                        for site in sites
                    ):
                        # Not a valid schema (a property that is not a schema): generation
                        # warns and leaves the model out (only inside parallel branches).
                        invalid.append(f"{name}: {doc.name}#{where}")
                        assert any(
                            "no model is generated" in w.message
                            for w in package.generated.warnings
                        ), f"{name}: {where} is invalid and was not reported"
                        continue
                    objects_total += 1
                    if set(merged.properties) not in objects:
                        missing.append(f"{name}: {doc.name}#{where} object")
    assert missing == [], "schemas without a typed model:\n" + "\n".join(missing)
    REPORT["models"] = (
        f"corpus conformance: {objects_total}/{objects_total} object schemas and "
        f"{enums_total}/{enums_total} enums have a typed model; {len(invalid)} invalid "
        f"schema(s) reported as warnings ({', '.join(invalid)})"
    )


# -- Any report -------------------------------------------------------------------------------


def _client_context(package: CorpusPackage, surface: Surface) -> anys.ClientContext:
    journey_doc = spec.load(_docs(package.case, "journey")[0])
    _, client = _modules(package)
    sync_cls, _ = _clients(package, client)
    journey_method = f"run_{package.module}"
    start = next(
        (op for op in surface.spec_operations if op.path.endswith("/start")), None
    )
    states = journey_doc["spec"]["states"]
    inputs: dict[str, spec.Located] = {}
    method = getattr(sync_cls, journey_method, None)
    journey_file = _docs(package.case, "journey")[0]
    for arg in inspect.signature(method).parameters if method else ():
        for state, body in states.items():
            kind = body.get("type")
            if kind in ("webhook", "wait") and _snake(state).endswith(arg):
                schema = (body.get(kind, {}).get("input") or {}).get("schema")
                inputs[arg] = spec.Located(journey_file, schema or {})
    workflows: dict[str, spec.Located | None] = {}
    for doc in _docs(package.case, "arazzo"):
        for workflow in spec.load(doc).get("workflows") or []:
            schema = workflow.get("inputs")
            workflows[f"run_{_snake(workflow['workflowId'])}"] = (
                spec.Located(doc, schema) if schema is not None else None
            )
    return anys.ClientContext(
        operations=surface.operations,
        journey_method=journey_method,
        journey_start=start.body if start else None,
        journey_inputs=inputs,
        workflow_inputs=workflows,
    )


def test_every_remaining_any_is_explained_by_the_spec(
    corpus_packages: dict[str, CorpusPackage], surfaces: dict[str, Surface]
) -> None:
    uses: list[anys.AnyUse] = []
    for name, package in sorted(corpus_packages.items()):
        models, _ = _modules(package)
        schemas = [
            s
            for kind in ("openapi", "journey", "arazzo")
            for doc in _docs(package.case, kind)
            for s in spec.object_schemas(doc)
        ]
        folder = package.folder / package.module
        uses += anys.model_anys(name, folder / "models.py", vars(models), schemas)
        context = _client_context(package, surfaces[name])
        uses += anys.client_anys(name, folder / "client.py", context)
    reasons = Counter(u.reason for u in uses if u.reason is not None)
    unexplained = [u for u in uses if u.reason is None]
    lines = [
        f"corpus conformance: {len(uses)} Any annotation(s) in models/client, "
        f"{len(unexplained)} where the spec gave a schema"
    ]
    lines += [f"  {count:4d}  {reason}" for reason, count in reasons.most_common()]
    REPORT["any"] = "\n".join(lines)
    print("\n".join(lines))
    assert unexplained == [], "Any where the spec gives a schema:\n" + "\n".join(
        f"{u.package}/{u.file}:{u.line}: {u.where}: {u.annotation}" for u in unexplained
    )


# -- mypy --strict over the whole corpus, once ------------------------------------------------


@pytest.mark.slow
def test_all_corpus_packages_pass_one_mypy_strict_run(
    corpus_packages: dict[str, CorpusPackage], tmp_path: Path
) -> None:
    folders = sorted(str(p.folder) for p in corpus_packages.values())
    modules = [
        arg
        for p in sorted(corpus_packages.values(), key=lambda p: p.module)
        for arg in ("-p", p.module)
    ]
    env = {**os.environ, "MYPYPATH": os.pathsep.join(folders)}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-error-summary",
            "--cache-dir",
            str(tmp_path / "mypy-cache"),
            *modules,
        ],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    REPORT["mypy"] = (
        f"corpus conformance: {len(folders)}/{CORPUS_SIZE} packages pass one mypy --strict run"
    )


_DEFINED = re.compile(
    r"^\s*(?:class (\w+)\(|(\w+) = [A-Z]\w*$|(?:async )?def (\w+)\()", re.M
)


def _numbered(names: set[str]) -> list[str]:
    """Names that are another defined name plus a number (`X2`, `create_account_2`,
    `CreateAccount2Call`)."""
    return sorted(
        n
        for n in names
        for m in re.finditer(r"(?<=[A-Za-z])_?\d+", n)
        if n[: m.start()] + n[m.end() :] in names
    )


def test_model_and_client_names_are_never_numbered_or_doubled(
    corpus_packages: dict[str, CorpusPackage],
) -> None:
    """`X2` beside `X` (a second model for a name already taken), `X2 = X` (an alias nobody
    asked for) or `create_account_2` beside `create_account` (a second handler method for one
    operation) is a name a user has to guess; the generator names by location instead.
    """
    numbered: list[str] = []
    for name, package in sorted(corpus_packages.items()):
        for part in ("models", "client", "__init__", "handlers", "testing"):
            text = package.generated.files.get(
                f"{package.module}/{package.module}/{part}.py", ""
            )
            names = {a or b or c for a, b, c in _DEFINED.findall(text)}
            numbered += [f"{name}/{part}: {n}" for n in _numbered(names)]
            assert "AsyncAsync" not in text, name
    assert not numbered, numbered
