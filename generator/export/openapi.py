"""A journey's per-journey OpenAPI 3.1 contract, derived by the JourneyForge export rules.

The rules are `journeyforge-openapi-export.md` and DSL §2.2, §2.7 and §12.4: canonical paths under
`servers: /api/v1`, `<camelName>_start|getStatus|getResult|<stepId>` operation ids, one
`/steps/{stepId}` path per external-input state (`wait`, `webhook`, wherever they sit: top level,
parallel branches, subjourneys), the canonical cancel step `/steps/cancel` (`<camelName>_cancel`)
when the journey declares `spec.lifecycle.cancellable: true`, and a self-contained document (the generic `Journey*` and `Link`
shapes inline, no `$ref` to another file).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from generator import naming
from generator.export.states import external_states, timer_before_input


def camel(name: str) -> str:
    """`payment-callback` -> `paymentCallback` (the export's operation id prefix)."""
    text = naming.pascal(name, default="Journey")
    return text[:1].lower() + text[1:]


def inline_schema(value: Any) -> dict[str, Any]:
    """A deep copy of an inline journey schema; its `title` stays in the journey."""
    if not isinstance(value, Mapping):
        return {"type": "object", "additionalProperties": True}
    schema = copy.deepcopy(dict(value))
    schema.pop("title", None)
    return schema


def _links() -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": {"$ref": "#/components/schemas/Link"},
    }


def generic_components() -> dict[str, Any]:
    """The generic envelopes, inline (the export bundling rule: no cross-file `$ref`)."""
    string = {"type": "string"}
    instance = {
        "tags": {"type": "array", "items": string},
        "attributes": {"type": "object", "additionalProperties": string},
    }
    return {
        "JourneyStartResponse": {
            "type": "object",
            "required": ["journeyId", "journeyName", "statusUrl"],
            "properties": {
                "journeyId": string,
                "journeyName": string,
                "statusUrl": {"type": "string", "format": "uri"},
                "_links": _links(),
            },
        },
        "JourneyStatus": {
            "type": "object",
            "required": [
                "journeyId",
                "journeyName",
                "phase",
                "currentState",
                "updatedAt",
            ],
            "properties": {
                "journeyId": string,
                "journeyName": string,
                "phase": {"type": "string", "enum": ["Running", "Succeeded", "Failed"]},
                "currentState": string,
                "updatedAt": {"type": "string", "format": "date-time"},
                **instance,
                "_links": _links(),
            },
        },
        "JourneyOutcomeEnvelope": {
            "type": "object",
            "required": ["journeyId", "journeyName", "phase", "status"],
            "properties": {
                "journeyId": string,
                "journeyName": string,
                "phase": {"type": "string", "enum": ["SUCCEEDED", "FAILED"]},
                "status": string,
                "output": {},
                "error": {
                    "type": "object",
                    "properties": {"code": string, "reason": string},
                },
                **instance,
                "_links": _links(),
            },
        },
        "Link": {
            "type": "object",
            "required": ["href"],
            "properties": {"href": string, "method": string},
        },
    }


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: Mapping[str, Any], description: str) -> dict[str, Any]:
    return _media("application/json", schema, description)


def _media(media: str, schema: Mapping[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {media: {"schema": schema}}}


def _journey_id() -> list[dict[str, Any]]:
    return [
        {
            "in": "path",
            "name": "journeyId",
            "required": True,
            "schema": {"type": "string"},
        }
    ]


def start_response(spec: Mapping[str, Any]) -> tuple[str, str]:
    """(status code, component) the start answers with (DSL §2.2.1 and §2.7)."""
    lifecycle = spec.get("lifecycle")
    if isinstance(lifecycle, Mapping) and lifecycle.get("startMode") == "async":
        return "202", "JourneyStartResponse"
    # A sync start runs to a terminal state or to the first external input; a run that can
    # pause at a timer first answers its JourneyStatus there (DSL §2.7 calls timers before any
    # input a poor fit for sync start; §12.3: no HTTP request is blocked by a timer).
    if external_states(spec) or timer_before_input(spec) is not None:
        return "200", "JourneyStatus"
    return "200", "JourneyOutcome"


def derive_openapi(journey: Mapping[str, Any]) -> dict[str, Any]:
    """The per-journey OpenAPI document of a `kind: Journey` or `kind: Api` definition."""
    metadata = journey.get("metadata") or {}
    spec = journey.get("spec") or {}
    name = str(metadata.get("name", "journey"))
    if journey.get("kind") == "Api":
        return _derive_api(name, metadata, spec)
    prefix = camel(name)
    components: dict[str, Any] = {}
    paths: dict[str, Any] = {}
    tags = [name]

    def operation(op_id: str, summary: str, **rest: Any) -> dict[str, Any]:
        return {
            "operationId": f"{prefix}_{op_id}",
            "summary": summary,
            "tags": tags,
            **rest,
        }

    components["JourneyStartRequest"] = inline_schema(
        (spec.get("input") or {}).get("schema")
    )
    code, answer = start_response(spec)
    paths[f"/journeys/{name}/start"] = {
        "post": operation(
            "start",
            f"Start the {name} journey",
            requestBody={
                "required": True,
                "content": {
                    "application/json": {"schema": _ref("JourneyStartRequest")}
                },
            },
            responses={code: _json(_ref(answer), _START_ANSWERS[answer])},
        )
    }
    paths["/journeys/{journeyId}"] = {
        "get": operation(
            "getStatus",
            "Get the journey's status",
            parameters=_journey_id(),
            responses={"200": _json(_ref("JourneyStatus"), "Status")},
        )
    }
    for state in external_states(spec):
        step = naming.pascal(state.state_id, default="Step")
        body = (
            _ref(f"{step}Input")
            if state.input_schema is not None
            else {"type": "object", "additionalProperties": True}
        )
        if state.input_schema is not None:
            components[f"{step}Input"] = inline_schema(state.input_schema)
        response = _ref("JourneyStatus")
        if state.response_schema is not None:
            components[f"{step}StepResponse"] = {
                "allOf": [_ref("JourneyStatus"), inline_schema(state.response_schema)]
            }
            response = _ref(f"{step}StepResponse")
        paths[f"/journeys/{{journeyId}}/steps/{state.state_id}"] = {
            "post": operation(
                state.state_id,
                f"Submit the {state.state_id} step ({state.type})",
                parameters=_journey_id(),
                requestBody={
                    "required": True,
                    "content": {"application/json": {"schema": body}},
                },
                responses={"200": _json(response, "Status after the step")},
            )
        }
    if declares_cancel(spec):
        paths[f"/journeys/{{journeyId}}/steps/{CANCEL_STEP}"] = {
            "post": operation(
                CANCEL_STEP,
                f"Cancel a running {name} journey",
                description=_CANCEL_DESCRIPTION,
                parameters=_journey_id(),
                responses={
                    "200": _json(
                        _ref("JourneyStatus"), "Status after the cancellation"
                    ),
                    "404": {"description": "No such journey"},
                },
            )
        }
    paths["/journeys/{journeyId}/result"] = {
        "get": operation(
            "getResult",
            "Get the journey's final outcome",
            parameters=_journey_id(),
            responses={
                "200": _json(_ref("JourneyOutcome"), "Final outcome"),
                "409": {"description": "The journey is not terminal yet"},
            },
        )
    }
    output = (spec.get("output") or {}).get("schema")
    outcome: list[dict[str, Any]] = [_ref("JourneyOutcomeEnvelope")]
    if isinstance(output, Mapping):
        outcome.append(
            {"type": "object", "properties": {"output": inline_schema(output)}}
        )
    components["JourneyOutcome"] = {"allOf": outcome}
    components.update(generic_components())
    return _document(name, metadata, paths, components)


CANCEL_STEP = "cancel"
_CANCEL_DESCRIPTION = (
    "Ends a RUNNING journey as FAILED with error code JOURNEY_CANCELLED (DSL §2.7); "
    "spec.compensation, if any, runs with terminationKind Cancel. Idempotent: on a journey "
    "that already ended nothing changes and its status is answered again. No request body."
)


def serves_cancel(spec: Mapping[str, Any]) -> bool:
    """Whether the server serves the canonical cancel step `/steps/cancel` (DSL §2.7: unless
    `spec.lifecycle.cancellable: false`; an external-input state called `cancel` keeps it).
    """
    lifecycle = spec.get("lifecycle")
    if isinstance(lifecycle, Mapping) and lifecycle.get("cancellable") is False:
        return False
    return all(state.state_id != CANCEL_STEP for state in external_states(spec))


def declares_cancel(spec: Mapping[str, Any]) -> bool:
    """Whether the exported contract lists the cancel step: only when the journey declares
    `spec.lifecycle.cancellable: true`. The canonical export paths have no cancel operation
    and the published contracts of journeys cancellable by default do not list it, so a
    journey that leaves `cancellable` out exports as before (its server still serves it).
    """
    lifecycle = spec.get("lifecycle")
    return (
        isinstance(lifecycle, Mapping)
        and lifecycle.get("cancellable") is True
        and serves_cancel(spec)
    )


_START_ANSWERS = {
    "JourneyStartResponse": "Accepted: the journey runs on; observe it by its status URL",
    "JourneyStatus": "Status at the first external-input state (wait or webhook)",
    "JourneyOutcome": "The final outcome (the journey runs to its end synchronously)",
}


def _derive_api(
    name: str, metadata: Mapping[str, Any], spec: Mapping[str, Any]
) -> dict[str, Any]:
    """`kind: Api`: one synchronous endpoint (`/apis/<name>` or the HTTP binding's route)."""
    route = ((spec.get("bindings") or {}).get("http") or {}).get("route") or {}
    path = str(route.get("path") or f"/apis/{name}")
    method = str(route.get("method") or "POST").lower()
    envelope = (spec.get("errors") or {}).get("envelope") or {}
    # the failure body as the server answers it: the custom envelope as JSON, else a Problem
    # as application/problem+json (RFC 9457)
    error = (
        _json(inline_schema(envelope.get("schema")), "Failure")
        if envelope.get("format") == "custom"
        else _media("application/problem+json", _ref("ProblemDetails"), "Failure")
    )
    components: dict[str, Any] = {
        "Input": inline_schema((spec.get("input") or {}).get("schema")),
        "Output": inline_schema((spec.get("output") or {}).get("schema")),
        "ProblemDetails": {
            "type": "object",
            "properties": {
                "type": {"type": "string"},
                "title": {"type": "string"},
                "status": {"type": "integer"},
                "detail": {"type": "string"},
                "instance": {"type": "string"},
            },
            "additionalProperties": True,
        },
    }
    paths = {
        path: {
            method: {
                "operationId": f"{camel(name)}_execute",
                "summary": f"Call the {name} API",
                "tags": [name],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("Input")}},
                },
                "responses": _api_responses(spec, error),
            }
        }
    }
    return _document(name, metadata, paths, components, api=True)


def _api_responses(spec: Mapping[str, Any], error: dict[str, Any]) -> dict[str, Any]:
    """The statuses `spec.bindings.http.apiResponses` answers with (DSL §2.2.2): the success
    default (200) and each literal success status answer the Output; each literal failure
    status answers the error body, `default` every other failure."""
    http = (spec.get("bindings") or {}).get("http") or {}
    mapping = http.get("apiResponses") if isinstance(http, Mapping) else None
    mapping = mapping if isinstance(mapping, Mapping) else {}
    found = mapping.get("default")
    default: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    success: set[int] = set()
    failure: set[int] = set()
    first = default.get("SUCCEEDED", 200)
    success.add(first if isinstance(first, int) else 200)
    if isinstance(default.get("FAILED"), int):
        failure.add(default["FAILED"])
    for rule in mapping.get("rules") or []:
        if not isinstance(rule, Mapping) or not isinstance(rule.get("when"), Mapping):
            continue
        status = rule.get("status")
        if not isinstance(status, int) or isinstance(status, bool):
            continue
        phase = rule["when"].get("phase")
        (success if phase == "SUCCEEDED" else failure).add(status)
    responses: dict[str, Any] = {
        str(code): _json(_ref("Output"), "Success") for code in sorted(success)
    }
    for code in sorted(failure - success):
        responses[str(code)] = copy.deepcopy(error)
    responses["default"] = copy.deepcopy(error)
    return responses


def _document(
    name: str,
    metadata: Mapping[str, Any],
    paths: dict[str, Any],
    components: dict[str, Any],
    *,
    api: bool = False,
) -> dict[str, Any]:
    title = f"JourneyForge \u2013 {name}" + (" (Api)" if api else "")
    info: dict[str, Any] = {
        "title": title,
        "version": str(metadata.get("version", "0.1.0")),
    }
    if metadata.get("description"):
        info["description"] = str(metadata["description"])
    return {
        "openapi": "3.1.0",
        "info": info,
        "servers": [{"url": "/api/v1"}],
        "tags": [{"name": name}],
        "paths": paths,
        "components": {"schemas": components},
    }
