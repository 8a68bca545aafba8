"""OpenAPI 3.0, 3.1 and 3.2 as published: deviations with an unambiguous intent are located
warnings and correct code; schema bugs on valid input (boolean subschemas, recursion through
oneOf + additionalProperties, OAS-ignored header parameters) generate mypy-clean code.
"""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import pytest

from tests.realworld.support import Run, generate


@pytest.fixture(scope="module")
def schemas(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return generate("oas-schemas", tmp_path_factory.mktemp("oas-schemas"))


def test_valid_schemas_generate_with_a_warning_per_ignored_header(schemas: Run) -> None:
    assert schemas.code == 0, schemas.stderr
    assert schemas.lines("warning") == [
        f"oas-schemas/api.yaml:{line}:11: warning: header parameter {name!r} is ignored: "
        "OpenAPI says a header parameter named Accept, Content-Type or Authorization "
        f"SHALL be ignored, so the client takes no such argument; {name} is set from "
        f"{source}, or per call with headers=: remove the parameter, or describe it there"
        for line, name, source in [
            (8, "Accept", "the response media types (responses.<status>.content)"),
            (
                9,
                "Authorization",
                "the security schemes (components.securitySchemes and security)",
            ),
        ]
    ]


def test_a_recursive_one_of_through_additional_properties_is_a_root_model(
    schemas: Run,
) -> None:
    models = schemas.module("models")
    value = models.Value.model_validate({"a": ["x", {"b": "y"}]})
    assert value.model_dump() == {"a": ["x", {"b": "y"}]}


def test_unevaluated_properties_false_forbids_unknown_fields(schemas: Run) -> None:
    models = schemas.module("models")
    assert models.Thing.model_validate({"id": "1"}).id_ == "1"
    with pytest.raises(ValueError):
        models.Thing.model_validate({"id": "1", "surprise": True})


def test_accept_content_type_and_authorization_are_no_parameters(schemas: Run) -> None:
    client = schemas.module()
    params = inspect.signature(client.FlowsClient.get_thing).parameters
    assert [p for p in params if p != "self"] == ["x_trace", "headers"]
    assert hasattr(client.FlowsClient, "run_get")  # the step gives no Accept either


def test_the_generated_package_passes_mypy_strict(schemas: Run) -> None:
    folder = schemas.package()
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", str(folder / folder.name)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout


def test_openapi_3_0_deviations_are_warnings_and_correct_code(tmp_path: Path) -> None:
    run = generate("oas30-deviations", tmp_path)
    assert run.code == 0, run.stderr
    where = "oas30-deviations/shop.json"
    assert sorted(run.lines("warning")) == sorted(
        [
            f"{where}:14:18: warning: OpenAPI: response '201' has no 'description', which "
            "OpenAPI requires; add one (read as empty)",
            f"{where}:24:49: warning: OpenAPI: 'required: true' on property 'sku' is Swagger "
            "2; in OpenAPI 3 'required' is the list of the object's required property names: "
            "read as listed there, so write it so",
            f"{where}:27:77: warning: default 'a,b' does not match the schema type 'array'; "
            "the default is left out: fix or remove it",
            f"{where}:3:11: warning: OpenAPI: info has no 'version', which OpenAPI requires; "
            "add one (read as '0.1.0')",
            f"{where}:30:49: warning: OpenAPI: 'properties' is an empty list; read as the "
            "empty mapping it stands for: write 'properties: {}'",
            f"{where}:4:11: warning: OpenAPI: 'tags' is not valid OpenAPI here (Input should "
            "be a valid string); it only documents the API, so it is left out: fix it",
        ]
    )
    models = run.module("models")
    with pytest.raises(ValueError):
        models.Order.model_validate({"quantity": 1})  # sku is required
    with pytest.raises(ValueError):
        models.Order.model_validate({"sku": "a", "quantity": 0})  # exclusiveMinimum
    order = models.Order.model_validate({"sku": "a", "quantity": 1, "note": None})
    assert order.tags is None


def test_openapi_3_2_generates_its_query_method(tmp_path: Path) -> None:
    run = generate("oas32", tmp_path)
    assert run.code == 0, run.stderr
    client = (run.package() / "search" / "client.py").read_text(encoding="utf-8")
    assert "method='QUERY'" in client or 'method="QUERY"' in client


def test_a_tools_shorthand_is_a_warning_and_a_broken_workflow_is_left_out(
    tmp_path: Path,
) -> None:
    run = generate("dialect-left-out", tmp_path)
    assert run.code == 0, run.stderr
    where = "dialect-left-out/flows.yaml"
    assert run.lines("warning") == [
        f"{where}:8:24: warning: step 'list': operationPath 'pets#/paths/~1pets/get' is a "
        "tool's shorthand, not Arazzo; read as operationPath "
        "'{$sourceDescriptions.pets.url}#/paths/~1pets/get': write that",
        f"{where}:13:22: warning: step 'get' calls unknown operationId 'getPets'; it must "
        "match an operationId of the source's OpenAPI document; did you mean 'getPet' or "
        "'listPets'?; workflow 'broken' is left out of the package (everything else is "
        "generated)",
        f"{where}:17:9: warning: step 'run': unknown workflowId 'broken'; workflow "
        "'calls-broken' is left out of the package (everything else is generated)",
    ]
    client = run.module()
    assert hasattr(client.FlowsClient, "run_list")
    assert not hasattr(client.FlowsClient, "run_broken")
    assert not hasattr(client.FlowsClient, "run_calls_broken")
    strict = generate("dialect-left-out", tmp_path / "strict", "--strict")
    assert strict.code == 2


def test_an_optional_request_body_without_media_type_is_no_body(tmp_path: Path) -> None:
    run = generate("empty-content", tmp_path)
    assert run.code == 0, run.stderr
    assert run.lines("warning") == [
        "empty-content/api.yaml:10:18: warning: requestBody content names no media type: "
        "the operation is generated without a body; if it takes one, describe it, e.g. "
        "content: {application/json: {schema: ...}}, else remove the requestBody"
    ]
    client = run.module()
    params = inspect.signature(client.FlowsClient.publish_draft).parameters
    assert "body" not in params
    assert hasattr(client.FlowsClient, "run_publish")


def test_a_required_request_body_without_media_type_is_refused(tmp_path: Path) -> None:
    run = generate("empty-content-required", tmp_path)
    assert run.code == 2
    assert run.lines("error") == [
        "empty-content-required/api.yaml:10:18: error: requestBody is required but its "
        "content names no media type, so no request can carry it; describe it, e.g. "
        "content: {application/json: {schema: ...}}"
    ]
    assert not tmp_path.exists() or not any(tmp_path.iterdir())
