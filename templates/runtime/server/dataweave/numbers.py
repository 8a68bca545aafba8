"""dw::Core number functions, `random`/`uuid`, and the dw::core::Numbers module."""

from __future__ import annotations

import math
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP
from typing import Any

from .sources import _SOURCES
from .values import (
    _EXACT,
    DataWeaveRuntimeError,
    _arith,
    _dec,
    _integer,
    _number,
    _text,
    _to_number,
    number_text,
)


def abs_(value: Any) -> int | float:
    """`abs(number)`."""
    number = _to_number(value, "abs")
    return -number if number < 0 else number


def _rounded(value: Any, rounding: str, operation: str) -> int:
    return int(_dec(_to_number(value, operation)).to_integral_value(rounding=rounding))


def ceil(value: Any) -> int:
    """`ceil(number)`."""
    return _rounded(value, ROUND_CEILING, "ceil")


def floor(value: Any) -> int:
    """`floor(number)`."""
    return _rounded(value, ROUND_FLOOR, "floor")


def round_(value: Any) -> int:
    """`round(number)`: halves away from zero."""
    return _rounded(value, ROUND_HALF_UP, "round")


def sqrt(value: Any) -> int | float:
    """`sqrt(number)` (a double, as DataWeave computes it)."""
    number = _to_number(value, "sqrt")
    if number < 0:
        raise DataWeaveRuntimeError(
            f"sqrt of a negative number ({number_text(number)})"
        )
    root = math.sqrt(number)
    return int(root) if root.is_integer() else root


def pow_(base: Any, power: Any) -> int | float:
    """`pow(base, power)`: exact for whole powers, a double otherwise."""
    b, p = _to_number(base, "pow"), _to_number(power, "pow")
    if type(p) is int:
        if p < 0:
            raise DataWeaveRuntimeError(f"pow: negative exponent {p}")
        return _number(_EXACT.power(_dec(b), p))
    try:
        result = math.pow(b, p)
    except (OverflowError, ValueError) as exc:
        raise DataWeaveRuntimeError(f"pow: {exc}") from exc
    return int(result) if result.is_integer() else result


def mod(dividend: Any, divisor: Any) -> int | float:
    """`dividend mod divisor` (the sign of the dividend, as Java's remainder)."""
    a, b = _arith(dividend, divisor, "mod")
    if b == 0:
        raise DataWeaveRuntimeError("mod: division by zero")
    return _number(_EXACT.remainder(a, b))


def _is_integral(value: Any, operation: str) -> bool:
    exact = _dec(_to_number(value, operation))
    return exact == exact.to_integral_value()


def is_integer(value: Any) -> bool:
    """`isInteger(number)`: no fractional part."""
    return _is_integral(value, "isInteger")


def is_decimal(value: Any) -> bool:
    """`isDecimal(number)`: a fractional part."""
    return not _is_integral(value, "isDecimal")


def is_even(value: Any) -> bool:
    """`isEven(number)`."""
    return mod(value, 2) == 0


def is_odd(value: Any) -> bool:
    """`isOdd(number)`."""
    return mod(value, 2) != 0


def random() -> int | float:
    """`random()`: a number in [0, 1)."""
    return _number(_dec(float(_SOURCES["random"]())))


def random_int(upper_bound: Any) -> int:
    """`randomInt(n)`: a whole number in [0, n)."""
    bound = _to_number(upper_bound, "randomInt")
    return math.floor(float(_SOURCES["random"]()) * float(bound))


def uuid() -> str:
    """`uuid()`: a random UUID."""
    return str(_SOURCES["uuid"]())


_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def _radix_text(value: Any, radix: int, operation: str) -> Any:
    if value is None:
        return None
    n = _to_number(value, operation)
    if type(n) is not int:
        raise DataWeaveRuntimeError(
            f"{operation}: {number_text(n)} is not a whole number"
        )
    if not 2 <= radix <= 36:
        raise DataWeaveRuntimeError(f"{operation}: radix {radix} is not in 2..36")
    digits, rest = "", abs(n)
    while True:
        rest, digit = divmod(rest, radix)
        digits = _DIGITS[digit] + digits
        if rest == 0:
            break
    return ("-" if n < 0 else "") + digits


def _radix_number(value: Any, radix: int, operation: str) -> Any:
    if value is None:
        return None
    text = _text(value, operation)
    try:
        return int(text, radix)
    except ValueError as exc:
        raise DataWeaveRuntimeError(
            f"{operation}: {text!r} is not a number in radix {radix}"
        ) from exc


def numbers_to_hex(value: Any) -> Any:
    """`toHex(number)`."""
    return _radix_text(value, 16, "toHex")


def numbers_to_binary(value: Any) -> Any:
    """`toBinary(number)`."""
    return _radix_text(value, 2, "toBinary")


def numbers_to_radix_number(value: Any, radix: Any) -> Any:
    """`toRadixNumber(number, radix)`."""
    return _radix_text(value, _integer(radix, "toRadixNumber"), "toRadixNumber")


def numbers_from_hex(value: Any) -> Any:
    """`fromHex(text)`."""
    return _radix_number(value, 16, "fromHex")


def numbers_from_binary(value: Any) -> Any:
    """`fromBinary(text)`."""
    return _radix_number(value, 2, "fromBinary")


def numbers_from_radix_number(value: Any, radix: Any) -> Any:
    """`fromRadixNumber(text, radix)`."""
    return _radix_number(value, _integer(radix, "fromRadixNumber"), "fromRadixNumber")
