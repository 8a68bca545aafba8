"""Arazzo Criterion evaluation: loose comparisons, regex and JSONPath conditions.

Conditions are parsed by journeygen at generation time; generated code calls these helpers
with already-evaluated operands and already-parsed JSONPath queries.
"""

from __future__ import annotations

import re
from typing import Any, Literal, TypeAlias

from .expressions import plain, to_text
from .jsonpath import JsonPath, select

Operator: TypeAlias = Literal["==", "!=", "<", "<=", ">", ">="]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _as_number(value: Any) -> float | None:
    if _is_number(value):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _normalize(left: Any, right: Any) -> tuple[Any, Any]:
    """Make operands comparable: case-fold strings, read numeric strings against numbers."""
    if isinstance(left, str) and isinstance(right, str):
        return left.casefold(), right.casefold()
    if _is_number(left) != _is_number(right) and (
        isinstance(left, str) or isinstance(right, str)
    ):
        return _as_number(left), _as_number(right)
    return left, right


def compare(op: Operator, left: Any, right: Any) -> bool:
    """Loose Arazzo comparison; strings compare case-insensitively; mismatches are false."""
    a, b = _normalize(plain(left), plain(right))
    if op in ("==", "!="):
        equal = _equal(a, b)
        return equal if op == "==" else not equal
    if not (_is_number(a) and _is_number(b)) and not (
        isinstance(a, str) and isinstance(b, str)
    ):
        return False
    if op == "<":
        return bool(a < b)
    if op == "<=":
        return bool(a <= b)
    if op == ">":
        return bool(a > b)
    return bool(a >= b)


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if _is_number(a) and _is_number(b):
        return bool(a == b)
    return type(a) is type(b) and bool(a == b)


def truthy(value: Any) -> bool:
    """Truth of a bare operand in a condition (`$response.body.done`, `!$x`)."""
    if isinstance(value, str):
        return value.casefold() not in ("", "false")
    return bool(plain(value))


def regex_matches(pattern: str, value: Any) -> bool:
    """`regex` criterion: `re.search` of the (validated) pattern in the context value."""
    if value is None:
        return False
    return re.search(pattern, to_text(value)) is not None


def jsonpath_matches(query: JsonPath, value: Any) -> bool:
    """`jsonpath` criterion: true when the query selects at least one node."""
    return bool(select(query, plain(value)))
