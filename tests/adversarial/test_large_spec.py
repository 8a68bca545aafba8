"""A spec with thousands of operations generates in bounded time."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.adversarial.support import run_cli

# 1,000, not more: black over the generated client is ~95% of the time (400 operations: 15 s
# of 16 s on this machine), so a larger spec would dominate the whole suite.
OPERATIONS = 1_000


def _spec(count: int) -> dict[str, object]:
    paths: dict[str, object] = {}
    for i in range(count):
        paths[f"/items{i}/{{itemId}}"] = {
            "get": {
                "operationId": f"getItem{i}",
                "parameters": [
                    {
                        "name": "itemId",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": f"#/components/schemas/Item{i % 50}"}
                            }
                        },
                    }
                },
            }
        }
    schemas = {
        f"Item{k}": {
            "type": "object",
            "properties": {"id": {"type": "string"}, f"f{k}": {"type": "integer"}},
        }
        for k in range(50)
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "big", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas},
    }


@pytest.mark.slow
def test_thousands_of_operations_generate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = tmp_path / "big"
    case.mkdir()
    # JSON is YAML: the loader reads it the same way.
    (case / "big.openapi.yaml").write_text(
        json.dumps(_spec(OPERATIONS)), encoding="utf-8"
    )
    run = run_cli(case, tmp_path / "out", monkeypatch)
    assert run.code == 0, run.stderr[-2000:]
    models = (tmp_path / "out/big/big/models.py").read_text(encoding="utf-8")
    assert all(f"class Item{k}(BaseModel)" in models for k in range(50))
    # Every operation has its request builder (how long it takes is the benchmarks' business).
    client = (tmp_path / "out/big/big/client.py").read_text(encoding="utf-8")
    assert len(re.findall(r"^def _\w+_spec\(", client, re.MULTILINE)) == OPERATIONS
