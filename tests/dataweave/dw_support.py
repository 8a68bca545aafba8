"""Shared helpers for the DataWeave tests: runtime loader, evaluator, generated-code checks."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from types import ModuleType
from typing import Any

from tests.support.runtime import runtime_module

CORPUS_EXAMPLES = (
    Path(__file__).resolve().parents[1] / "corpus" / "journeyforge" / "examples"
)
SAFE_LOCAL = re.compile(r"_(v_[A-Za-z0-9_]+|s_item|s_index|s_third|u[0-9]+)")


def load_runtime() -> ModuleType:
    """The runtime's DataWeave helper module, as generated packages import it."""
    return runtime_module("server.dataweave")


def evaluate(code: str, runtime: ModuleType, bindings: dict[str, Any]) -> Any:
    """Evaluate compiled code as generated modules run it: `_dw` and bindings in scope."""
    program = compile(code, "<dataweave>", "eval")
    # Bindings go in globals so the emitted lambdas close over them, as they close over the
    # parameters of the generated function. No builtins: emitted code must not need any.
    scope = {"__builtins__": {}, "_dw": runtime, **bindings}
    # Tests execute generated code on purpose; the generator itself never evaluates anything.
    return eval(program, scope)  # noqa: S307


def assert_safe_code(code: str, bindings: frozenset[str], runtime: ModuleType) -> None:
    """Code reads only bindings, `_dw.<helper>` and mangled locals; calls only those."""
    tree = ast.parse(code, mode="eval")
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            assert (
                node.id in bindings or node.id == "_dw" or SAFE_LOCAL.fullmatch(node.id)
            ), node.id
        elif isinstance(node, ast.Attribute):
            is_runtime = isinstance(node.value, ast.Name) and node.value.id == "_dw"
            is_join = isinstance(node.value, ast.Constant) and node.attr == "join"
            assert is_join or (is_runtime and hasattr(runtime, node.attr)), ast.dump(
                node
            )
        elif isinstance(node, ast.arg):
            assert SAFE_LOCAL.fullmatch(node.arg), node.arg
