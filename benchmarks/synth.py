"""Synthetic OpenAPI 3.1 + Arazzo 1.0.1 cases with N operations, for the scaling benchmark.

Operation i is `POST /items{i}` with its own request and response schema (an object with a
string, an integer, an enum, a nested object and an array), so N operations give 2N+ models.
Every ten operations form one Arazzo workflow whose steps chain through `$steps` outputs.
The documents are written as JSON, which is also YAML 1.2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def _schemas(i: int) -> dict[str, Any]:
    return {
        f"Item{i}Request": {
            "type": "object",
            "required": ["name", "count"],
            "properties": {
                "name": {"type": "string", "description": f"Name of item {i}."},
                "count": {"type": "integer", "minimum": 0},
                "kind": {"type": "string", "enum": ["small", "medium", "large"]},
                "tags": {"type": "array", "items": {"type": "string"}},
            },
        },
        f"Item{i}": {
            "type": "object",
            "required": ["id", "name"],
            "properties": {
                "id": {"type": "string"},
                "name": {"type": "string"},
                "count": {"type": "integer"},
                "owner": {
                    "type": "object",
                    "properties": {
                        "userId": {"type": "string"},
                        "since": {"type": "string"},
                    },
                },
            },
        },
    }


def openapi(n: int) -> dict[str, Any]:
    """An OpenAPI 3.1 document with `n` operations."""
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for i in range(n):
        schemas.update(_schemas(i))
        paths[f"/items{i}"] = {
            "post": {
                "operationId": f"createItem{i}",
                "summary": f"Create item {i}.",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": f"#/components/schemas/Item{i}Request"}
                        }
                    },
                },
                "responses": {
                    "201": {
                        "description": "Created.",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": f"#/components/schemas/Item{i}"}
                            }
                        },
                    }
                },
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {"title": f"Synthetic API with {n} operations", "version": "1.0.0"},
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {"schemas": schemas},
    }


def arazzo(n: int, openapi_file: str) -> dict[str, Any]:
    """Arazzo workflows over the operations of `openapi(n)`, ten steps per workflow."""
    workflows = []
    for start in range(0, n, 10):
        steps = []
        for i in range(start, min(start + 10, n)):
            payload: dict[str, Any] = {"name": "$inputs.name", "count": 1}
            if steps:
                payload["name"] = f"$steps.{steps[-1]['stepId']}.outputs.name"
            steps.append(
                {
                    "stepId": f"create{i}",
                    "operationId": f"createItem{i}",
                    "requestBody": {
                        "contentType": "application/json",
                        "payload": payload,
                    },
                    "successCriteria": [{"condition": "$statusCode == 201"}],
                    "outputs": {
                        "id": "$response.body#/id",
                        "name": "$response.body#/name",
                    },
                }
            )
        workflows.append(
            {
                "workflowId": f"chain{start // 10}",
                "summary": f"Create items {start} to {start + len(steps) - 1} in a chain.",
                "inputs": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {"name": {"type": "string"}},
                },
                "steps": steps,
                "outputs": {"lastId": f"$steps.{steps[-1]['stepId']}.outputs.id"},
            }
        )
    return {
        "arazzo": "1.0.1",
        "info": {"title": f"Synthetic workflows ({n} operations)", "version": "1.0.0"},
        "sourceDescriptions": [
            {"name": "synth", "type": "openapi", "url": openapi_file}
        ],
        "workflows": workflows,
    }


def write_case(folder: Path, n: int) -> Path:
    """Write the case `synth-<n>` under `folder`; return the case folder."""
    name = f"synth-{n}"
    case = folder / name
    case.mkdir(parents=True, exist_ok=True)
    (case / f"{name}.openapi.yaml").write_text(
        json.dumps(openapi(n), indent=1), encoding="utf-8"
    )
    (case / f"{name}.arazzo.yaml").write_text(
        json.dumps(arazzo(n, f"{name}.openapi.yaml"), indent=1), encoding="utf-8"
    )
    return case
