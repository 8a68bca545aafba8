"""A JSON Schema `number` in generated Python: `_JsonNumber`, which keeps a number's form.

pydantic's `float` turns every integer into a float, so 500 sent would be echoed, stored, sent
downstream and answered as 500.0. `_JsonNumber` is `float | int` to a type checker (an `int` is
acceptable where a `float` is expected) and, at run time, keeps an integer an int and a fraction
a float. The name starts with `_`, so no model class or field type can take it.
"""

from __future__ import annotations

import ast

NUMBER_TYPE = "_JsonNumber"

# The definition of `_JsonNumber`, put after the imports of a module whose fields use it: an
# integer is kept as an int (checked strictly, so a boolean never is one), anything else is
# validated as a `float` field would be; a failure is the one error a `float` gives ("Input
# should be a valid number" at the field itself, not one per union member), and its JSON
# Schema is `{"type": "number"}`. Typed code sees `float | int`, which mypy accepts as float.
NUMBER_DEFINITION = f"""
from typing import Annotated as _Annotated

from pydantic import GetPydanticSchema as _GetPydanticSchema
from pydantic_core import core_schema as _core_schema

# A JSON number as it came: an integer stays an int, a fraction a float.
{NUMBER_TYPE} = _Annotated[
    float | int,
    _GetPydanticSchema(
        lambda _source, _handler: _core_schema.union_schema(
            [_core_schema.int_schema(strict=True), _core_schema.float_schema()],
            custom_error_type="float_type",
            metadata={{
                "pydantic_js_functions": [lambda _schema, _h: {{"type": "number"}}]
            }},
        )
    ),
]
"""


def define_number(source: str) -> str:
    """`source` with the `_JsonNumber` definition after its imports, when a field uses it."""
    tree = ast.parse(source)
    if not any(
        isinstance(node, ast.Name) and node.id == NUMBER_TYPE for node in ast.walk(tree)
    ):
        return source
    imports = [
        node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)
    ]
    end = imports[-1].end_lineno if imports else 0
    lines = source.splitlines(keepends=True)
    return "".join(lines[:end]) + NUMBER_DEFINITION + "".join(lines[end:])


__all__ = ["NUMBER_DEFINITION", "NUMBER_TYPE", "define_number"]
