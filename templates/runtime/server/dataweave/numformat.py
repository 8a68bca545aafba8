"""Java DecimalFormat patterns (`1234.5 as String {format: "#,##0.00"}` is `1,234.50`).

Digits `0` and `#`, grouping `,`, decimal point `.`, exponent `E0`, percent `%` and per-mille
`‰` suffixes or prefixes, quoted text, a negative subpattern after `;`. Rounding is half-up,
on the exact decimal value, as DataWeave rounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from functools import lru_cache
from typing import Any

from .values import DataWeaveRuntimeError

_SYMBOLS = {  # locale language -> (grouping, decimal point)
    "": (",", "."),
    "en": (",", "."),
    "de": (".", ","),
    "es": (".", ","),
    "it": (".", ","),
    "nl": (".", ","),
    "pt": (".", ","),
    "fr": ("\u202f", ","),
}
_PATTERN_CHARS = frozenset("#0,.E")


@dataclass(frozen=True)
class NumberPattern:
    prefix: str
    suffix: str
    negative_prefix: str
    negative_suffix: str
    min_int: int
    max_int: int
    min_frac: int
    max_frac: int
    grouping: int
    exponent: int  # minimum exponent digits; 0: no exponent
    scale: int  # 100 for %, 1000 for per-mille, else 1


def _bad(pattern: str, why: str) -> DataWeaveRuntimeError:
    return DataWeaveRuntimeError(f"invalid number format {pattern!r}: {why}")


def _affix(text: str, pattern: str) -> tuple[str, int]:
    """Unquote an affix; the scale its `%`/`‰` asks for."""
    out, scale, at = [], 1, 0
    while at < len(text):
        char = text[at]
        if char == "'":
            close = text.find("'", at + 1)
            if close < 0:
                raise _bad(pattern, "unterminated quote")
            out.append(text[at + 1 : close] or "'")
            at = close + 1
            continue
        if char == "%":
            scale = 100
        elif char == "\u2030":
            scale = 1000
        elif char == "\u00a4":
            raise _bad(pattern, "currency signs are not supported")
        out.append(char)
        at += 1
    return "".join(out), scale


def _split(sub: str, pattern: str) -> tuple[str, str, str]:
    """prefix, number part, suffix of one subpattern (quotes kept in the affixes)."""
    at, quoted = 0, False
    while at < len(sub) and (quoted or sub[at] not in _PATTERN_CHARS):
        quoted = quoted != (sub[at] == "'")
        at += 1
    end = at
    while end < len(sub) and sub[end] in _PATTERN_CHARS:
        end += 1
    if (
        at == end
    ):  # no digits: all affix, the number printed as with `#` (DecimalFormat)
        return sub, "#", ""
    return sub[:at], sub[at:end], sub[end:]


@lru_cache(maxsize=256)
def compile_number(pattern: str) -> NumberPattern:
    """Read a DecimalFormat pattern."""
    positive, _, negative = pattern.partition(";")
    prefix, body, suffix = _split(positive, pattern)
    mantissa, _, exponent = body.partition("E")
    if "E" in exponent or (body.count("E") and not exponent.strip("0") == ""):
        raise _bad(pattern, "the exponent takes only `0` digits")
    whole, _, fraction = mantissa.partition(".")
    if "," in fraction or "." in fraction:
        raise _bad(pattern, "grouping or a second `.` after the decimal point")
    digits = whole.replace(",", "")
    if "0" in digits and "#" in digits[digits.index("0") :]:
        raise _bad(pattern, "`#` after `0` in the integer part")
    grouping = len(whole) - whole.rindex(",") - 1 if "," in whole else 0
    pre, scale = _affix(prefix, pattern)
    post, scale_after = _affix(suffix, pattern)
    if negative:
        nprefix, _, nsuffix = _split(negative, pattern)
        neg_pre, neg_post = _affix(nprefix, pattern)[0], _affix(nsuffix, pattern)[0]
    else:
        neg_pre, neg_post = "-" + pre, post
    return NumberPattern(
        pre,
        post,
        neg_pre,
        neg_post,
        digits.count("0"),
        len(digits),
        fraction.count("0"),
        len(fraction),
        grouping,
        len(exponent) if "E" in body else 0,
        max(scale, scale_after),
    )


def _symbols(locale: Any) -> tuple[str, str]:
    if locale is None:
        return _SYMBOLS[""]
    language = str(locale).replace("-", "_").split("_")[0].lower()
    if language not in _SYMBOLS:
        raise DataWeaveRuntimeError(
            f"locale {locale!r} is not supported for number formats "
            f"(supported: {', '.join(sorted(k for k in _SYMBOLS if k))})"
        )
    return _SYMBOLS[language]


def _digits(value: Decimal, p: NumberPattern) -> tuple[str, str]:
    """Integer and fraction digits of a non-negative value, rounded half-up."""
    quantum = Decimal(1).scaleb(-p.max_frac)
    with localcontext() as context:
        context.prec = max(60, len(value.as_tuple().digits) + p.max_frac + 5)
        rounded = value.quantize(quantum, rounding=ROUND_HALF_UP)
    text = f"{rounded:f}"
    whole, _, fraction = text.partition(".")
    fraction = fraction.rstrip("0").ljust(p.min_frac, "0")
    whole = whole.lstrip("0").rjust(max(p.min_int, 1 if not fraction else 0), "0")
    if not whole and not fraction:
        whole = "0"
    return whole or "0", fraction


def _group(whole: str, size: int, separator: str) -> str:
    if size <= 0 or len(whole) <= size:
        return whole
    head = len(whole) % size or size
    parts = [whole[:head]] + [
        whole[i : i + size] for i in range(head, len(whole), size)
    ]
    return separator.join(parts)


def _scientific(value: Decimal, p: NumberPattern, point: str) -> str:
    exponent = 0 if value == 0 else value.adjusted()
    if (
        p.max_int > p.min_int and p.max_int > 1
    ):  # engineering: exponent a multiple of max_int
        exponent -= exponent % p.max_int
        significant = p.max_int + p.max_frac
        int_digits = 1
    else:
        int_digits = max(p.min_int, 1)
        exponent -= int_digits - 1
        significant = int_digits + p.max_frac
    mantissa = value.scaleb(-exponent)
    frac = (
        max(significant - len(str(int(mantissa))), 0)
        if p.max_int > p.min_int
        else p.max_frac
    )
    local = NumberPattern(
        "", "", "", "", int_digits, int_digits, p.min_frac, frac, 0, 0, 1
    )
    whole, fraction = _digits(mantissa, local)
    sign = "-" if exponent < 0 else ""
    body = whole + (point + fraction if fraction else "")
    return f"{body}E{sign}{str(abs(exponent)).zfill(p.exponent)}"


def format_number(value: Decimal, pattern: str, locale: Any = None) -> str:
    """Print a number with a DecimalFormat pattern."""
    p = compile_number(pattern)
    grouping, point = _symbols(locale)
    negative = value < 0
    magnitude = abs(value) * p.scale
    if p.exponent:
        body = _scientific(magnitude, p, point)
    else:
        whole, fraction = _digits(magnitude, p)
        body = _group(whole, p.grouping, grouping) + (
            point + fraction if fraction else ""
        )
    if negative:
        return f"{p.negative_prefix}{body}{p.negative_suffix}"
    return f"{p.prefix}{body}{p.suffix}"


def parse_number(text: str, pattern: str, locale: Any = None) -> Decimal:
    """Read text written with a DecimalFormat pattern (grouping optional)."""
    p = compile_number(pattern)
    grouping, point = _symbols(locale)
    body, sign = text, 1
    if (
        p.negative_prefix
        and body.startswith(p.negative_prefix)
        and (not p.negative_suffix or body.endswith(p.negative_suffix))
    ):
        body, sign = body[len(p.negative_prefix) :], -1
        body = body[: len(body) - len(p.negative_suffix)] if p.negative_suffix else body
    else:
        if not body.startswith(p.prefix) or not body.endswith(p.suffix):
            raise DataWeaveRuntimeError(f"cannot read {text!r} with format {pattern!r}")
        body = body[len(p.prefix) : len(body) - len(p.suffix) if p.suffix else None]
    plain = body.replace(grouping, "").replace(point, ".")
    try:
        number = Decimal(plain) if plain and plain[0] in "0123456789." else None
    except InvalidOperation:
        number = None
    if number is None:
        raise DataWeaveRuntimeError(f"cannot read {text!r} with format {pattern!r}")
    return sign * number / p.scale
