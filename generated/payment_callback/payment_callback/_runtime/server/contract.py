"""The contract the server serves at /openapi.json (and /docs): the journey's own OpenAPI.

``served_contract`` takes the journey's per-journey OpenAPI export (generated into the
package's ``contract.py``) and adds what the server really does beyond it:

- every problem answer an operation can give (400, 401, 404, 408, 409, 413, 414, 415, 422,
  431, 503 as they apply), as ``application/problem+json`` with the ``Problem`` schema;
- the ``Idempotency-Key`` header on start and on each step (a kind: Api endpoint has none);
- one operation per provider webhook route, its request body from the binding's payload model
  (nested models as components, so no reference dangles).

Paths carry the ``servers`` prefix (``/api/v1``) and ``servers`` is ``/``, because the webhook
routes live outside it. Operation ids, schemas and summaries stay the export's.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from .webhooks import ProviderBinding

__all__ = ["PROBLEM_SCHEMA", "served_contract"]

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "pointer": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "pointer": {"type": "string"},
                    "detail": {"type": "string"},
                    "type": {"type": ["string", "null"]},
                },
            },
        },
    },
    "additionalProperties": True,
}

_REASONS = {
    400: "Not strict JSON, or the body breaks the schema (see `errors`)",
    401: "Missing or wrong credentials",
    404: "No such journey",
    408: "The body did not arrive in time",
    409: "The journey is not in a state that accepts this",
    413: "The body is larger than the limit",
    414: "The request target is too long",
    415: "The body is not application/json",
    422: "The Idempotency-Key was used with another body",
    431: "Too many or too large header fields",
    503: "A secret or platform setting is not configured",
}
_HEAD = (414, 431)
_BODY = (400, 408, 413, 415)
_BY_KIND: dict[str, tuple[int, ...]] = {
    "start": (*_BODY, 401, 422, 503, *_HEAD),
    "status": (404, *_HEAD),
    "result": (404, 409, *_HEAD),
    "step": (*_BODY, 401, 404, 409, 422, 503, *_HEAD),
    "webhook": (*_BODY, 401, 409, 503, *_HEAD),
    "api": (*_BODY, 401, 503, *_HEAD),  # kind: Api: its own statuses are the export's
}
_IDEMPOTENCY_KEY = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "description": "A retry with the same key and body is answered the first answer again "
    "and changes nothing; the same key with another body is refused with 422.",
    "schema": {
        "type": "string",
        "minLength": 1,
        "maxLength": 255,
        "pattern": "^[\\x20-\\x7e]+$",
    },
}


def _kind(path: str, method: str) -> str:
    if method == "get":
        return "result" if path.endswith("/result") else "status"
    return "start" if path.endswith("/start") else "step"


def _problems(statuses: Sequence[int]) -> dict[str, Any]:
    return {
        str(status): {
            "description": _REASONS[status],
            "content": {
                "application/problem+json": {
                    "schema": {"$ref": "#/components/schemas/Problem"}
                }
            },
        }
        for status in statuses
    }


def _complete(operation: dict[str, Any], kind: str) -> None:
    responses = operation.setdefault("responses", {})
    for status, answer in _problems(_BY_KIND[kind]).items():
        # The export may name a status without a body (409 on result): give it the problem.
        known = responses.get(status)
        if known is None or "content" not in known:
            responses[status] = {
                **answer,
                **(known or {}),
                "content": answer["content"],
            }
        elif kind == "api":
            # a kind: Api failure status its apiResponses also answer (with a custom
            # envelope as application/json): the request's own problem is answered too
            known["content"] = {**answer["content"], **known["content"]}
    if kind in ("start", "step"):
        parameters = operation.setdefault("parameters", [])
        if not any(p.get("name", "").lower() == "idempotency-key" for p in parameters):
            parameters.append(copy.deepcopy(_IDEMPOTENCY_KEY))


def _model_schema(model: type[BaseModel], schemas: dict[str, Any], prefix: str) -> Any:
    """The model's JSON Schema with its nested models moved into components."""
    schema = model.model_json_schema(
        ref_template="#/components/schemas/" + prefix + "{model}"
    )
    for name, nested in schema.pop("$defs", {}).items():
        schemas.setdefault(prefix + name, nested)
    name = prefix + model.__name__
    schemas.setdefault(name, schema)
    return {"$ref": f"#/components/schemas/{name}"}


def _webhook(
    binding: ProviderBinding, operation_prefix: str, schemas: dict[str, Any]
) -> dict[str, Any]:
    prefix = f"{binding.provider.capitalize()}Webhook_"
    body = _model_schema(binding.payload_model, schemas, prefix)
    operation: dict[str, Any] = {
        "operationId": f"{operation_prefix}_webhook_{binding.provider}",
        "summary": f"Receive a {binding.provider} event (drives step {binding.target_step})",
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": body}},
        },
        "responses": {
            "200": {
                "description": "Received: processed, acknowledged, recorded, "
                "already_processed or accepted_unmatched",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["status"],
                            "properties": {
                                "status": {"type": "string"},
                                "eventId": {"type": "string"},
                                "journeyId": {"type": "string"},
                                "outcome": {"type": "string"},
                                "phase": {"type": "string"},
                            },
                        }
                    }
                },
            }
        },
    }
    if binding.guard is not None:
        operation["parameters"] = [
            {
                "in": "header",
                "name": binding.guard.header,
                "required": False,
                "description": "The provider's shared secret (401 when missing or wrong).",
                "schema": {"type": "string"},
            }
        ]
    _complete(operation, "webhook")
    return operation


def served_contract(
    contract: Mapping[str, Any],
    bindings: Sequence[ProviderBinding] = (),
    *,
    api: bool = False,
) -> dict[str, Any]:
    """Return the document the app serves (see the module docstring); ``api``: the contract
    of a kind: Api endpoint (no Idempotency-Key, no journey resources)."""
    document = copy.deepcopy(dict(contract))
    servers = document.get("servers") or [{"url": ""}]
    base = str(servers[0].get("url", "")).rstrip("/")
    document["servers"] = [{"url": "/"}]
    paths: dict[str, Any] = {}
    for path, item in (document.get("paths") or {}).items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                _complete(operation, "api" if api else _kind(path, method))
        paths[base + path] = item
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Problem", PROBLEM_SCHEMA)
    operation_prefix = _operation_prefix(document)
    for binding in bindings:
        paths[binding.route] = {"post": _webhook(binding, operation_prefix, schemas)}
    document["paths"] = paths
    return document


def _operation_prefix(document: Mapping[str, Any]) -> str:
    for item in (document.get("paths") or {}).values():
        for operation in item.values():
            found = (
                operation.get("operationId") if isinstance(operation, dict) else None
            )
            if isinstance(found, str) and "_" in found:
                return found.split("_", 1)[0]
    return "journey"
