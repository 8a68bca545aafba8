"""Property: for any valid OpenAPI 3.1 + Arazzo 1.0.1 pair, `journeygen generate` either writes a
package that compiles and imports, or refuses with exit 2 and `path:line:col:` diagnostics.
Never a traceback, never another exit code.

The documents are random but valid: names drawn from unicode text, Python keywords and names
that collide once snake_cased; nested, optional, nullable, enum, array and oneOf schemas;
parameters in path, query and header; request bodies; several responses; workflows whose steps
call the operations with their required parameters, success criteria and outputs. Fixed seed,
bounded examples, so CI time stays small.
"""

from __future__ import annotations

import importlib
import io
import itertools
import json
import os
import re
import sys
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.naming import is_header_name

# Names a generator must survive: keywords, builtins, pydantic internals, collisions after
# snake_case, leading digits, a ligature that NFKC-normalises to `field`.
HOSTILE = [
    "class", "self", "def", "return", "None", "True", "import", "from", "async", "await",
    "match", "type", "list", "dict", "json", "copy", "schema", "model_config",
    "model_dump", "_id", "ﬁeld", "field", "journeyId", "journey_id", "VLAN", "Vlan",
    "1st", "2", "x-y", "a b", "é", "名前", "__init__", "headers", "body", "timeout",
]  # fmt: skip
_counter = itertools.count()

names = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(
        alphabet=st.characters(
            whitelist_categories=("Lu", "Ll", "Nd"), whitelist_characters="_-. "
        ),
        min_size=1,
        max_size=12,
    ),
)
header_names = st.one_of(
    st.sampled_from([h for h in HOSTILE if is_header_name(h)]),
    st.from_regex(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,12}", fullmatch=True),
)
# Keys OpenAPI and Arazzo restrict to `[A-Za-z0-9._-]` (components, ids, source names).
ids = st.from_regex(r"[A-Za-z][A-Za-z0-9_\-]{0,10}", fullmatch=True)
words = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=10
)


def _scalar() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        st.just({"type": "string"}),
        st.just({"type": "string", "format": "date-time"}),
        st.builds(
            lambda lo, span: {"type": "integer", "minimum": lo, "maximum": lo + span},
            st.integers(-5, 5),
            st.integers(0, 100),
        ),
        st.just({"type": "number"}),
        st.just({"type": "boolean"}),
        st.lists(words, min_size=1, max_size=4, unique=True).map(
            lambda values: {"type": "string", "enum": values}
        ),
        st.lists(st.integers(-3, 99), min_size=1, max_size=3, unique=True).map(
            lambda values: {"type": "integer", "enum": values}
        ),
    )


def _object(children: st.SearchStrategy[dict[str, Any]]) -> Any:
    return st.dictionaries(names, children, min_size=1, max_size=4).flatmap(
        lambda props: st.lists(st.sampled_from(sorted(props)), unique=True).map(
            lambda required: {
                "type": "object",
                "properties": props,
                **({"required": required} if required else {}),
            }
        )
    )


def _extend(children: st.SearchStrategy[dict[str, Any]]) -> Any:
    return st.one_of(
        _object(children),
        children.map(lambda items: {"type": "array", "items": items}),
        st.lists(children, min_size=2, max_size=3).map(lambda xs: {"oneOf": xs}),
        children.map(
            lambda s: (
                {**s, "type": [s["type"], "null"]}
                if isinstance(s.get("type"), str) and "enum" not in s
                else s
            )
        ),
        st.just({"type": "object", "additionalProperties": {"type": "string"}}),
        st.just({}),
    )


schemas = st.recursive(_scalar(), _extend, max_leaves=6)


@st.composite
def documents(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A valid OpenAPI 3.1 document and an Arazzo 1.0.1 document calling its operations."""
    components = draw(st.dictionaries(ids, schemas, max_size=3))
    refs = [{"$ref": f"#/components/schemas/{k}"} for k in components]
    body_schemas = st.one_of(schemas, *(st.just(r) for r in refs))
    paths: dict[str, Any] = {}
    operations: list[tuple[str, dict[str, Any]]] = []
    op_ids = draw(st.lists(names, min_size=1, max_size=4, unique=True))
    for index, op_id in enumerate(op_ids):
        path_params = draw(st.lists(names, max_size=2, unique=True))
        path = f"/r{index}" + "".join(f"/{{{p}}}" for p in path_params)
        method = draw(st.sampled_from(["get", "post", "put", "delete", "patch"]))
        params: list[dict[str, Any]] = [
            {"name": p, "in": "path", "required": True, "schema": draw(_scalar())}
            for p in path_params
        ]
        for extra in draw(st.lists(names, max_size=2, unique=True)):
            where = draw(st.sampled_from(["query", "header"]))
            if where == "header":  # a header name is an HTTP token (RFC 9110)
                extra = draw(header_names)
            if extra in path_params or any(p["name"] == extra for p in params):
                continue
            params.append(
                {
                    "name": extra,
                    "in": where,
                    "required": draw(st.booleans()),
                    "schema": draw(_scalar()),
                    "description": draw(words),
                }
            )
        operation: dict[str, Any] = {
            "operationId": op_id,
            "summary": draw(words),
            "parameters": params,
            "responses": {
                "200": {
                    "description": "ok",
                    "content": {"application/json": {"schema": draw(body_schemas)}},
                }
            },
        }
        if draw(st.booleans()):
            operation["responses"]["404"] = {"description": "missing"}
        if draw(st.booleans()):
            operation["responses"]["default"] = {
                "description": "problem",
                "content": {"application/problem+json": {"schema": draw(schemas)}},
            }
        if method in ("post", "put", "patch") and draw(st.booleans()):
            operation["requestBody"] = {
                "required": draw(st.booleans()),
                "content": {"application/json": {"schema": draw(body_schemas)}},
            }
        paths.setdefault(path, {})[method] = operation
        operations.append((op_id, operation))
    openapi = {
        "openapi": "3.1.0",
        "info": {"title": draw(words), "version": "1.0.0", "description": draw(words)},
        "servers": [
            {"url": draw(st.sampled_from(["/api", "https://x.example/v1", "/"]))}
        ],
        "paths": paths,
        "components": {"schemas": components},
    }
    workflows = []
    for workflow_id in draw(st.lists(ids, min_size=1, max_size=2, unique=True)):
        steps = []
        chosen = draw(st.lists(st.sampled_from(operations), min_size=1, max_size=3))
        for step_index, (op_id, operation) in enumerate(chosen):
            step: dict[str, Any] = {
                "stepId": f"s{step_index}",
                "operationId": op_id,
                "parameters": [
                    {"name": p["name"], "in": p["in"], "value": draw(_value(p))}
                    for p in operation["parameters"]
                    if p["required"]
                ],
                "successCriteria": [{"condition": "$statusCode == 200"}],
                "outputs": {draw(ids): "$response.body"},
            }
            if operation.get("requestBody", {}).get("required"):
                step["requestBody"] = {
                    "contentType": "application/json",
                    "payload": "$inputs.payload",
                }
            steps.append(step)
        last = steps[-1]
        workflows.append(
            {
                "workflowId": workflow_id,
                "inputs": {
                    "type": "object",
                    "properties": {"payload": {}, draw(names): draw(schemas)},
                },
                "steps": steps,
                "outputs": {
                    "last": f"$steps.{last['stepId']}.outputs.{next(iter(last['outputs']))}"
                },
            }
        )
    arazzo = {
        "arazzo": "1.0.1",
        "info": {"title": draw(words), "version": "1.0.0"},
        "sourceDescriptions": [{"name": "api", "url": "", "type": "openapi"}],
        "workflows": workflows,
    }
    return openapi, arazzo


def _value(param: dict[str, Any]) -> st.SearchStrategy[Any]:
    schema = param["schema"]
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    return st.one_of(
        st.just("$inputs.payload"),
        {
            "integer": st.integers(0, 5),
            "number": st.floats(0, 5),
            "boolean": st.booleans(),
        }.get(str(schema.get("type")), st.just("text")),
    )


_LOCATED = re.compile(r"^[^:\n]+:\d+:\d+: (error|warning): \S")


def test_any_valid_document_pair_generates_importable_code_or_exit_2(
    tmp_path_factory: Any,
) -> None:
    codes: list[int] = []

    @settings(
        max_examples=int(os.environ.get("JOURNEYGEN_PROPERTY_EXAMPLES", "40")),
        derandomize=os.environ.get("JOURNEYGEN_PROPERTY_RANDOM") != "1",
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(pair=documents())
    def check(pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
        codes.append(_generate_and_check(pair, tmp_path_factory))

    check()
    # The documents are valid: most of them must generate, or the property says little.
    assert codes.count(0) >= len(codes) * 3 // 4, codes


def _generate_and_check(
    pair: tuple[dict[str, Any], dict[str, Any]], tmp_path_factory: Any
) -> int:
    """Generate one pair; check the outcome; return the exit code."""
    openapi, arazzo = pair
    n = next(_counter)
    root = tmp_path_factory.mktemp(f"prop{n}")
    case = root / "case"
    case.mkdir()
    name = f"prop_{n}"
    arazzo["sourceDescriptions"][0]["url"] = f"{name}.openapi.yaml"
    # JSON is YAML 1.2: no YAML 1.1 coercions to worry about in the written files.
    (case / f"{name}.openapi.yaml").write_text(
        json.dumps(openapi, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    (case / f"{name}.arazzo.yaml").write_text(
        json.dumps(arazzo, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    out = root / "out"
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(
        ["generate", str(case), "--out", str(out), "-q", "--no-cache"],
        stdout=stdout,
        stderr=stderr,
    )
    text = stderr.getvalue()
    assert "Traceback" not in text and "internal error" not in text, text
    assert code in (0, 2), (code, text)

    problems = [
        line for line in text.splitlines() if not line.startswith("journeygen:")
    ]
    if code == 2:
        assert problems and all(_LOCATED.match(p) for p in problems), text
        assert not out.exists()
        return code
    assert all(_LOCATED.match(p) for p in problems), text
    package = out / name
    for file in sorted(package.rglob("*.py")):
        compile(file.read_text(encoding="utf-8"), str(file), "exec", dont_inherit=True)
    sys.path.insert(0, str(package))
    try:
        client = importlib.import_module(f"{name}.client")
        models = importlib.import_module(f"{name}.models")
    finally:
        sys.path.remove(str(package))
    exported = importlib.import_module(name).__all__
    assert any(e.endswith("Client") for e in exported)
    for workflow in arazzo["workflows"]:
        assert workflow["workflowId"] in client._WORKFLOWS
    assert models.__name__ == f"{name}.models"
    return code
