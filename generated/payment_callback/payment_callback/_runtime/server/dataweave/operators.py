"""Operators: `default`, `++`, `==`, `~=`, comparisons, arithmetic."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .temporal import Period, Temporal, TimeZone, _between, _combine, _plus
from .values import (
    _DIVISION,
    _EXACT,
    DataWeaveRuntimeError,
    Key,
    Num,
    TypeValue,
    _arith,
    _concat_objects,
    _dec,
    _fail,
    _is_live,
    _is_number,
    _is_textual,
    _number,
    _to_number,
    obj,
    pairs_of,
    to_string,
    type_name,
)


def default(value: Any, fallback: Any) -> Any:
    """`value default fallback`."""
    return fallback if value is None else value


def default_lazy(value: Any, fallback: Callable[[], Any]) -> Any:
    """`value default fallback`, evaluating fallback only when needed."""
    return fallback() if value is None else value


def truth(value: Any) -> bool:
    """A value in boolean position: booleans as-is, null as false, anything else an error."""
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    raise DataWeaveRuntimeError(f"expected a Boolean, got {type_name(value)}")


def concat(left: Any, right: Any) -> Any:
    """`left ++ right`: arrays, objects (a repeated key is kept twice), text, date ++ time."""
    if type(left) is dict and type(right) is dict:
        merged = {**left, **right}
        if len(merged) == len(left) + len(right):
            return merged
        return _concat_objects(left, right)
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        return [*left, *right]
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        return _concat_objects(left, right)
    if _is_live(left) and _is_live(right):
        combined = _combine(left, right)
        if combined is not None:
            return combined
    if _is_textual(left) and _is_textual(right):
        return to_string(left) + to_string(right)
    raise _fail("++", left, right)


def eq(left: Any, right: Any) -> bool:
    """Type-strict DataWeave `==` (objects compare their pairs in order)."""
    kind = type(left)
    if kind is type(right) and (kind is str or kind is int):
        return bool(left == right)
    if _is_number(left) and _is_number(right):
        if kind is Num or type(right) is Num:
            return _dec(left) == _dec(right)
        return bool(left == right)
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    if isinstance(left, str) and isinstance(right, str):
        return _eq_text(left, right)
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        return len(left) == len(right) and all(
            eq(a, b) for a, b in zip(left, right, strict=True)
        )
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        a, b = pairs_of(left), pairs_of(right)
        return len(a) == len(b) and all(
            ka == kb and eq(va, vb) for (ka, va), (kb, vb) in zip(a, b, strict=True)
        )
    return left is None and right is None


def _eq_text(left: str, right: str) -> bool:
    live_left, live_right = _is_live(left), _is_live(right)
    if not live_left and not live_right:
        return str(left) == str(right)
    if not (live_left and live_right):
        return False
    if isinstance(left, TypeValue) and isinstance(right, TypeValue):
        return str(left) == str(right)  # a declared type and what `typeOf` answers
    if type(left) is not type(right):
        return False
    if isinstance(left, Temporal) and isinstance(right, Temporal):
        return left.instant() == right.instant()
    if isinstance(left, Period) and isinstance(right, Period):
        return (
            left.is_duration,
            left.total_nanos,
            left.years,
            left.months,
            left.days,
        ) == (
            right.is_duration,
            right.total_nanos,
            right.years,
            right.months,
            right.days,
        )
    if isinstance(left, TimeZone) and isinstance(right, TimeZone):
        return left.offset == right.offset
    return str(left) == str(right)


def ne(left: Any, right: Any) -> bool:
    """DataWeave `!=`."""
    return not eq(left, right)


def similar(left: Any, right: Any) -> bool:
    """DataWeave `~=`: equal, or equal once both scalars are coerced to text."""
    if eq(left, right):
        return True
    return (
        _is_textual(left) and _is_textual(right) and to_string(left) == to_string(right)
    )


def cmp(left: Any, right: Any, operation: str = "<=>") -> int:
    """Three-way comparison (-1, 0, 1) of two numbers, strings, dates/times or booleans."""
    pair: tuple[Any, Any]
    if _is_number(left) and _is_number(right):
        if type(left) is Num or type(right) is Num:
            pair = (_dec(left), _dec(right))
        else:
            pair = (left, right)
    elif isinstance(left, bool) and isinstance(right, bool):
        pair = (left, right)
    elif isinstance(left, str) and isinstance(right, str):
        pair = _text_pair(left, right, operation)
    else:
        raise _fail(operation, left, right)
    return int(pair[0] > pair[1]) - int(pair[0] < pair[1])


def _text_pair(left: str, right: str, operation: str) -> tuple[Any, Any]:
    live_left, live_right = _is_live(left), _is_live(right)
    if (not live_left and not live_right) or Key in (type(left), type(right)):
        return (str(left), str(right))
    if (
        type(left) is type(right)
        and isinstance(left, Temporal)
        and isinstance(right, Temporal)
    ):
        return (left.instant(), right.instant())
    if type(left) is type(right) is TimeZone:
        assert isinstance(left, TimeZone) and isinstance(right, TimeZone)
        return (left.offset, right.offset)
    raise _fail(operation, left, right)


def lt(left: Any, right: Any) -> bool:
    """DataWeave `<`."""
    return cmp(left, right, "<") < 0


def le(left: Any, right: Any) -> bool:
    """DataWeave `<=`."""
    return cmp(left, right, "<=") <= 0


def gt(left: Any, right: Any) -> bool:
    """DataWeave `>`."""
    return cmp(left, right, ">") > 0


def ge(left: Any, right: Any) -> bool:
    """DataWeave `>=`."""
    return cmp(left, right, ">=") >= 0


def _temporal_pair(left: Any, right: Any) -> tuple[Temporal, Period] | None:
    if isinstance(left, Temporal) and left.live and isinstance(right, Period):
        return (left, right) if right.live else None
    return None


def add(left: Any, right: Any) -> Any:
    """`left + right`: numbers, a date/time plus a period, or an array and one more item."""
    if type(left) is int and type(right) is int:
        return left + right
    if isinstance(left, list | tuple):
        return [*left, right]
    pair = _temporal_pair(left, right) or _temporal_pair(right, left)
    if pair is not None:
        return _plus(pair[0], pair[1], 1, "addition")
    a, b = _arith(left, right, "+")
    return _number(_EXACT.add(a, b))


def sub(left: Any, right: Any) -> Any:
    """`left - right`: numbers, dates/times, object minus key(s), array minus element."""
    if type(left) is int and type(right) is int:
        return left - right
    if isinstance(left, Mapping):
        return _without_keys(left, right)
    if isinstance(left, list | tuple):
        return [item for item in left if not eq(item, right)]
    if isinstance(left, Temporal) and left.live:
        if isinstance(right, Period) and right.live:
            return _plus(left, right, -1, "subtraction")
        if type(right) is type(left) and isinstance(right, Temporal) and right.live:
            return _between(right, left)
    a, b = _arith(left, right, "-")
    return _number(_EXACT.subtract(a, b))


def _without_keys(left: Mapping[str, Any], right: Any) -> dict[str, Any]:
    if isinstance(right, str):
        drop = {str(right)}
    elif isinstance(right, list | tuple) and all(isinstance(k, str) for k in right):
        drop = {str(k) for k in right}
    else:
        raise _fail("-", left, right)
    return obj([(k, v) for k, v in pairs_of(left) if k not in drop])


def mul(left: Any, right: Any) -> int | float:
    """`left * right`."""
    if type(left) is int and type(right) is int:
        return left * right
    a, b = _arith(left, right, "*")
    return _number(_EXACT.multiply(a, b))


def div(left: Any, right: Any) -> int | float:
    """`left / right`, to 34 significant digits as DataWeave divides."""
    a, b = _arith(left, right, "/")
    if b == 0:
        raise DataWeaveRuntimeError("division by zero")
    return _number(_DIVISION.divide(a, b))


def neg(value: Any) -> int | float:
    """Unary minus."""
    if type(value) is int:
        return -value
    return _number(-_dec(_to_number(value, "unary -")))
