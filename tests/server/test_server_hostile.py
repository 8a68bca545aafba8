"""Hostile spec text reaches the generated server only as literals, docstrings or comments."""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path

from generator.pipeline import generate
from tests.support.paths import SPECS

CASE = "examples/technical/payment-callback"
HOSTILE = 'x\'); import os  # """ \\\n\u2028 ${'


def _hostile_specs(tmp_path: Path) -> Path:
    root = tmp_path / "specs"
    shutil.copytree(SPECS, root)
    journey = root / CASE / "payment-callback.journey.yaml"
    text = journey.read_text(encoding="utf-8")
    quoted = json.dumps(HOSTILE)  # a JSON string is a YAML double-quoted scalar
    text = text.replace("errorCode: PAYMENT_FAILED", f"errorCode: {quoted}")
    text = text.replace(
        "Accept: application/json", f"Accept: {json.dumps(HOSTILE[:-3])}"
    )
    journey.write_text(text, encoding="utf-8")
    return root


def test_hostile_strings_stay_inside_literals(tmp_path: Path) -> None:
    specs = _hostile_specs(tmp_path)
    result = generate(specs / CASE, root=specs)
    for name in ("engine.py", "handlers.py", "testing.py", "server.py"):
        text = result.files[f"payment_callback/payment_callback/{name}"]
        tree = ast.parse(text)
        imported = {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in node.names
        }
        assert "os" not in imported, name
    engine = result.files["payment_callback/payment_callback/engine.py"]
    codes = [
        node.args[0].value
        for node in ast.walk(ast.parse(engine))
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Fail"
    ]
    assert codes == [HOSTILE]
