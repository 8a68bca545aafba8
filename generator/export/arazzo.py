"""A journey's Arazzo 1.0.1 workflows, derived by the JourneyForge Arazzo export rules.

`journeyforge-arazzo-export.md`: one canonical `<journey>-happy-path` workflow over the per-journey
OpenAPI: start, the client's own `wait` steps (a `webhook` is another party's call and is not a
step of the consumer's workflow; a wait of spec.compensation comes after the outcome the
workflow reads, DSL §2.5, and is not one either; the waits of subjourneys are), a status read
while the journey can pause, then the result.
Self-contained: the inputs' schemas are inlined.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator import naming
from generator.export.openapi import camel, inline_schema, start_response
from generator.export.states import external_states, pauses


def _path_id() -> list[dict[str, str]]:
    return [
        {
            "name": "journeyId",
            "in": "path",
            "value": "$steps.startJourney.outputs.journeyId",
        }
    ]


def derive_arazzo(journey: Mapping[str, Any], openapi_file: str) -> dict[str, Any]:
    """The Arazzo document of a `kind: Journey` definition whose contract is `openapi_file`."""
    metadata = journey.get("metadata") or {}
    spec = journey.get("spec") or {}
    name = str(metadata.get("name", "journey"))
    source = camel(name)
    inputs: dict[str, Any] = {
        "startRequest": {
            "description": f"Initial payload for the {name} journey.",
            **inline_schema((spec.get("input") or {}).get("schema")),
        }
    }
    code, _ = start_response(spec)
    steps: list[dict[str, Any]] = [
        {
            "stepId": "startJourney",
            "description": f"Start a new {name} journey instance.",
            "operationId": f"{source}_start",
            "requestBody": {
                "contentType": "application/json",
                "payload": "$inputs.startRequest",
            },
            "successCriteria": [{"condition": f"$statusCode == {code}"}],
            "outputs": {"journeyId": "$response.body.journeyId"},
        }
    ]
    # spec.compensation's waits come after the outcome, from whoever runs the compensation
    for state in external_states(spec, compensation=False):
        if state.type != "wait":
            continue  # a webhook is posted by the provider, not by this workflow's client
        key = f"{state.state_id}Input"
        inputs[key] = {
            "description": f"The client's input to the {state.state_id} step.",
            **inline_schema(state.input_schema),
        }
        steps.append(
            {
                "stepId": f"submit{naming.pascal(state.state_id, default='Step')}",
                "description": f"Provide the client's input to the {state.state_id} step.",
                "operationId": f"{source}_{state.state_id}",
                "parameters": _path_id(),
                "requestBody": {
                    "contentType": "application/json",
                    "payload": f"$inputs.{key}",
                },
                "successCriteria": [{"condition": "$statusCode == 200"}],
                "outputs": {"phase": "$response.body.phase"},
            }
        )
    if pauses(spec) or code == "202":
        steps.append(
            {
                "stepId": "getStatus",
                "description": "Read the journey's status while it runs.",
                "operationId": f"{source}_getStatus",
                "parameters": _path_id(),
                "successCriteria": [{"condition": "$statusCode == 200"}],
                "outputs": {"phase": "$response.body.phase"},
            }
        )
    steps.append(
        {
            "stepId": "getResult",
            "description": "Retrieve the final outcome once the journey is terminal.",
            "operationId": f"{source}_getResult",
            "parameters": _path_id(),
            "successCriteria": [{"condition": "$statusCode == 200"}],
            "outputs": {
                "phase": "$response.body.phase",
                "output": "$response.body.output",
            },
        }
    )
    summary = f"Start the {name} journey and read its final outcome."
    return {
        "arazzo": "1.0.1",
        "info": {
            "title": f"JourneyForge \u2013 {name} workflows",
            "version": str(metadata.get("version", "0.1.0")),
            "summary": f"Happy-path client workflow for the {name} journey.",
        },
        "sourceDescriptions": [
            {"name": source, "type": "openapi", "url": openapi_file}
        ],
        "workflows": [
            {
                "workflowId": f"{name}-happy-path",
                "summary": summary,
                "inputs": {"type": "object", "properties": inputs},
                "steps": steps,
                "outputs": {
                    "journeyId": "$steps.startJourney.outputs.journeyId",
                    "phase": "$steps.getResult.outputs.phase",
                },
            }
        ],
    }
