"""Hostile spec text reaches generated code only inside string constants; nothing runs on compile."""

from __future__ import annotations

import ast
from pathlib import Path
from types import ModuleType

import pytest

from generator.dataweave import (
    DataWeaveError,
    compile_expression,
    compile_interpolation,
)
from tests.dataweave.dw_support import assert_safe_code, evaluate

CONTEXT = frozenset({"context"})
PAYLOADS = [
    "'); __import__('os').system('touch SENTINEL') #",
    '""" + __import__("os").getcwd() + """',
    "back\\slash \\\\ end\\",
    "carriage\rreturn\nnewline",
    "\\N{BULLET} {} {0} {__class__} %s",
    "\u2028 \x00 \u202e",
]


def residue(code: str) -> str:
    """The code with every string constant blanked out."""
    tree = ast.parse(code, mode="eval")
    spans = sorted(
        (node.col_offset, node.end_col_offset or 0)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    )
    assert "\n" not in code
    out, last = [], 0
    for start, end in spans:
        out.append(code[last:start])
        last = max(last, end)
    out.append(code[last:])
    return "".join(out)


def string_constants(code: str) -> set[str]:
    tree = ast.parse(code, mode="eval")
    return {
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }


def dw_string(text: str) -> str:
    """A DataWeave double-quoted literal for text."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$")
    return f'"{escaped}"'


@pytest.mark.parametrize("payload", PAYLOADS)
def test_string_literals_stay_constants(
    payload: str, dw: ModuleType, tmp_path: Path
) -> None:
    sentinel = tmp_path / "SENTINEL"
    text = payload.replace("SENTINEL", str(sentinel))
    source = f"{{ {dw_string(text)}: context.{dw_string(text)} ++ {dw_string(text)} }}"
    code = compile_expression(source, bindings=CONTEXT).code
    assert text in string_constants(code)
    for fragment in (
        "__import__",
        "system",
        "getcwd",
        "__class__",
        "SENTINEL",
        "BULLET",
    ):
        assert fragment not in residue(code)
    assert_safe_code(code, CONTEXT, dw)
    assert not sentinel.exists()
    assert evaluate(code, dw, {"context": {text: "v"}}) == {text: "v" + text}


@pytest.mark.parametrize("payload", PAYLOADS)
def test_interpolation_text_stays_constant(payload: str, dw: ModuleType) -> None:
    text = f"{payload}/${{context.id}}/{payload}"
    code = compile_interpolation(text, bindings=CONTEXT).code
    assert any(payload in constant for constant in string_constants(code))
    assert "__import__" not in residue(code) and "BULLET" not in residue(code)
    assert_safe_code(code, CONTEXT, dw)
    assert evaluate(code, dw, {"context": {"id": 1}}) == f"{payload}/1/{payload}"


def test_raw_dataweave_escapes_are_kept_verbatim(dw: ModuleType) -> None:
    code = compile_expression(r"'\N{BULLET} \q \x41 \u0041'", bindings=CONTEXT).code
    assert evaluate(code, dw, {"context": {}}) == "\\N{BULLET} \\q \\x41 A"


@pytest.mark.parametrize(
    "name",
    [
        "class",
        "__class__",
        "__builtins__",
        "_dw",
        "lambda",
        "None",
        "context",
        "_s_item",
    ],
)
def test_hostile_variable_names_are_mangled(name: str, dw: ModuleType) -> None:
    source = (
        f"do {{ var {name} = 41 --- ([1] map ({name}) -> {name} + 1)[0] + {name} }}"
    )
    code = compile_expression(source, bindings=CONTEXT).code
    assert_safe_code(code, CONTEXT, dw)
    assert evaluate(code, dw, {"context": {}}) == 43


def test_dataweave_reserved_words_are_not_variables() -> None:
    with pytest.raises(
        DataWeaveError, match="expected a variable name, found `import`"
    ):
        compile_expression("do { var import = 1 --- import }", bindings=CONTEXT)


def test_match_is_a_plain_name_where_it_is_not_pattern_matching(dw: ModuleType) -> None:
    source = "do { var match = {match: 2} --- match.match + match.match }"
    code = compile_expression(source, bindings=CONTEXT).code
    assert evaluate(code, dw, {"context": {}}) == 4
