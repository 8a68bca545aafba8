"""The built-in DataWeave functions this subset supports, and the runtime helper each maps to."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final


@dataclass(frozen=True)
class FunctionSpec:
    """How one built-in compiles: runtime helper, arity, and which argument is a callback."""

    helper: str
    arity: int
    infix: bool = False
    callback: bool = False


BUILTINS: Final = MappingProxyType(
    {
        "now": FunctionSpec("now", 0),
        "sizeOf": FunctionSpec("size_of", 1),
        "isEmpty": FunctionSpec("is_empty", 1),
        "upper": FunctionSpec("upper", 1),
        "lower": FunctionSpec("lower", 1),
        "trim": FunctionSpec("trim", 1),
        "abs": FunctionSpec("abs_", 1),
        "durationBetween": FunctionSpec("duration_between", 2),
        "duration": FunctionSpec("duration", 1),
        "days": FunctionSpec("days", 1),
        "hours": FunctionSpec("hours", 1),
        "minutes": FunctionSpec("minutes", 1),
        "seconds": FunctionSpec("seconds", 1),
        "contains": FunctionSpec("contains", 2, infix=True),
        "startsWith": FunctionSpec("starts_with", 2, infix=True),
        "endsWith": FunctionSpec("ends_with", 2, infix=True),
        "joinBy": FunctionSpec("join_by", 2, infix=True),
        "splitBy": FunctionSpec("split_by", 2, infix=True),
        "map": FunctionSpec("map_", 2, infix=True, callback=True),
        "filter": FunctionSpec("filter_", 2, infix=True, callback=True),
        "orderBy": FunctionSpec("order_by", 2, infix=True, callback=True),
        "any": FunctionSpec("any_", 2, infix=True, callback=True),
        "some": FunctionSpec("any_", 2, infix=True, callback=True),
        "all": FunctionSpec("all_", 2, infix=True, callback=True),
        "every": FunctionSpec("all_", 2, infix=True, callback=True),
    }
)
INFIX_FUNCTIONS: Final = frozenset(
    name for name, spec in BUILTINS.items() if spec.infix
)
COERCION_TYPES: Final = frozenset(
    {
        "String",
        "Number",
        "Boolean",
        "DateTime",
        "Date",
        "Object",
        "Array",
        "Null",
        "Any",
    }
)
