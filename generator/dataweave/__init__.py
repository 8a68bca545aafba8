"""DataWeave subset: parse `lang: dataweave` expressions and compile them to Python at generation time."""

from generator.dataweave.compiler import (
    RUNTIME,
    CompiledExpression,
    compile_expression,
    compile_interpolation,
)
from generator.dataweave.errors import DataWeaveError, DataWeaveWarning
from generator.dataweave.parser import parse

__all__ = [
    "RUNTIME",
    "CompiledExpression",
    "DataWeaveError",
    "DataWeaveWarning",
    "compile_expression",
    "compile_interpolation",
    "parse",
]
