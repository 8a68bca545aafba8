"""The dw::core::Strings module."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .operators import truth
from .text import _java_split
from .values import Callback, DataWeaveRuntimeError, _fail, _integer, _text


def _str_or_none(value: Any, operation: str) -> str | None:
    return None if value is None else _text(value, operation)


def _separated(text: str, separator: str) -> str:
    """Camel case split, then every `_`, `-` or white space (each one) becomes separator,
    lower-cased: DataWeave's dasherize and underscore."""
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", text)
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", spaced)
    return re.sub(r"[_\-\s]", separator, spaced).lower()


def strings_camelize(value: Any) -> Any:
    """`camelize(text)`: `customer_first_name` becomes `customerFirstName`."""
    text = _str_or_none(value, "camelize")
    if text is None:
        return None
    parts = [p for p in text.lstrip("_").split("_") if p]
    if not parts:
        return ""
    head = parts[0][:1].lower() + parts[0][1:]
    return head + "".join(p[:1].upper() + p[1:] for p in parts[1:])


def strings_capitalize(value: Any) -> Any:
    """`capitalize(text)`: every word capitalized, separated by spaces."""
    text = _str_or_none(value, "capitalize")
    if text is None:
        return None
    # Each `_` or `-` becomes a space (not collapsed, leading ones kept), camel case splits.
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", text)
    spaced = re.sub(r"[_\-]", " ", re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", spaced))
    return re.sub(
        r"\S+", lambda m: m.group(0)[:1].upper() + m.group(0)[1:].lower(), spaced
    )


def strings_dasherize(value: Any) -> Any:
    """`dasherize(text)`: lower-case words joined by dashes."""
    text = _str_or_none(value, "dasherize")
    return None if text is None else _separated(text, "-")


def strings_underscore(value: Any) -> Any:
    """`underscore(text)`: lower-case words joined by underscores."""
    text = _str_or_none(value, "underscore")
    return None if text is None else _separated(text, "_")


def strings_ordinalize(value: Any) -> Any:
    """`ordinalize(n)`: `1st`, `2nd`, `11th`, ..."""
    if value is None:
        return None
    n = _integer(value, "ordinalize")
    suffix = "th"
    if abs(n) % 100 not in (11, 12, 13):
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(abs(n) % 10, "th")
    return f"{n}{suffix}"


def strings_char_code(value: Any) -> Any:
    """`charCode(text)`: the code of its first character."""
    text = _str_or_none(value, "charCode")
    if text is None:
        return None
    if not text:
        raise DataWeaveRuntimeError("charCode: unexpected empty string")
    return ord(text[0])


def strings_char_code_at(value: Any, position: Any) -> Any:
    """`charCodeAt(text, index)`."""
    text = _str_or_none(value, "charCodeAt")
    if text is None:
        return None
    index = _integer(position, "charCodeAt")
    if not 0 <= index < len(text):
        raise DataWeaveRuntimeError(f"charCodeAt: index {index} is out of bounds")
    return ord(text[index])


def strings_from_char_code(value: Any) -> Any:
    """`fromCharCode(code)`."""
    if value is None:
        return None
    code = _integer(value, "fromCharCode")
    if not 0 <= code <= 0x10FFFF:
        raise DataWeaveRuntimeError(f"fromCharCode: {code} is not a character code")
    return chr(code)


def _pad(value: Any, size: Any, pad: Any, left: bool, operation: str) -> Any:
    text = _str_or_none(value, operation)
    if text is None:
        return None
    missing = _integer(size, operation) - len(text)
    if missing <= 0:
        return text
    padding = _text(pad, operation) * missing
    return padding + text if left else text + padding


def strings_left_pad(value: Any, size: Any, pad: Any = " ") -> Any:
    """`leftPad(text, size, padText = " ")`."""
    return _pad(value, size, pad, True, "leftPad")


def strings_right_pad(value: Any, size: Any, pad: Any = " ") -> Any:
    """`rightPad(text, size, padText = " ")`."""
    return _pad(value, size, pad, False, "rightPad")


def strings_wrap_with(value: Any, wrapper: Any) -> Any:
    """`wrapWith(text, wrapper)`."""
    text = _str_or_none(value, "wrapWith")
    w = _text(wrapper, "wrapWith")
    return None if text is None else w + text + w


def strings_wrap_if_missing(value: Any, wrapper: Any) -> Any:
    """`wrapIfMissing(text, wrapper)`."""
    text = _str_or_none(value, "wrapIfMissing")
    if text is None:
        return None
    w = _text(wrapper, "wrapIfMissing")
    head = text if text.startswith(w) else w + text
    return head if head.endswith(w) else head + w


def strings_unwrap(value: Any, wrapper: Any) -> Any:
    """`unwrap(text, wrapper)`."""
    text = _str_or_none(value, "unwrap")
    if text is None:
        return None
    w = _text(wrapper, "unwrap")
    if not (text.startswith(w) and text.endswith(w)) or len(text) < 2:
        return text
    return text[1:-1]


def strings_prepend_if_missing(value: Any, prefix: Any) -> Any:
    """`prependIfMissing(text, prefix)`."""
    text = _str_or_none(value, "prependIfMissing")
    p = _text(prefix, "prependIfMissing")
    return None if text is None else (text if text.startswith(p) else p + text)


def strings_append_if_missing(value: Any, suffix: Any) -> Any:
    """`appendIfMissing(text, suffix)`."""
    text = _str_or_none(value, "appendIfMissing")
    s = _text(suffix, "appendIfMissing")
    return None if text is None else (text if text.endswith(s) else text + s)


def _substring_at(
    value: Any, separator: Any, operation: str, last: bool, after: bool
) -> Any:
    if separator is None:  # no overload takes a null separator, even on a null text
        raise _fail(operation, value, separator)
    text = _str_or_none(value, operation)
    if text is None:
        return None
    sep = _text(separator, operation)
    if after and last and sep == "":
        return ""
    at = text.rfind(sep) if last else text.find(sep)
    if at < 0:
        return ""
    return text[at + len(sep) :] if after else text[:at]


def strings_substring_before(value: Any, separator: Any) -> Any:
    """`substringBefore(text, separator)`."""
    return _substring_at(value, separator, "substringBefore", False, False)


def strings_substring_before_last(value: Any, separator: Any) -> Any:
    """`substringBeforeLast(text, separator)`."""
    return _substring_at(value, separator, "substringBeforeLast", True, False)


def strings_substring_after(value: Any, separator: Any) -> Any:
    """`substringAfter(text, separator)`."""
    return _substring_at(value, separator, "substringAfter", False, True)


def strings_substring_after_last(value: Any, separator: Any) -> Any:
    """`substringAfterLast(text, separator)`."""
    return _substring_at(value, separator, "substringAfterLast", True, True)


def strings_repeat(value: Any, times: Any) -> Any:
    """`repeat(text, times)`."""
    text = _str_or_none(value, "repeat")
    return None if text is None else text * max(0, _integer(times, "repeat"))


def _char_test(value: Any, operation: str, test: Callable[[str], bool]) -> bool:
    text = _str_or_none(value, operation)
    return text is not None and test(text)


def strings_is_numeric(value: Any) -> bool:
    """`isNumeric(text)`: only digits."""
    return _char_test(value, "isNumeric", lambda t: t != "" and t.isdigit())


def strings_is_whitespace(value: Any) -> bool:
    """`isWhitespace(text)`: only whitespace (or empty)."""
    return _char_test(value, "isWhitespace", lambda t: t.strip() == "")


def strings_is_alpha(value: Any) -> bool:
    """`isAlpha(text)`: only letters."""
    return _char_test(value, "isAlpha", lambda t: t != "" and t.isalpha())


def strings_is_alphanumeric(value: Any) -> bool:
    """`isAlphanumeric(text)`: only letters and digits."""
    return _char_test(value, "isAlphanumeric", lambda t: t != "" and t.isalnum())


def strings_is_upper_case(value: Any) -> bool:
    """`isUpperCase(text)`: only upper-case letters."""
    return _char_test(
        value, "isUpperCase", lambda t: t != "" and all(c.isupper() for c in t)
    )


def strings_is_lower_case(value: Any) -> bool:
    """`isLowerCase(text)`: only lower-case letters."""
    return _char_test(
        value, "isLowerCase", lambda t: t != "" and all(c.islower() for c in t)
    )


def strings_with_max_size(value: Any, size: Any) -> Any:
    """`withMaxSize(text, maxLength)`."""
    text = _str_or_none(value, "withMaxSize")
    n = _integer(size, "withMaxSize")
    if n < 0:
        raise DataWeaveRuntimeError(
            "withMaxSize: maxLength should be a positive number"
        )
    return None if text is None else text[:n]


def strings_replace_all(value: Any, target: Any, replacement: Any) -> Any:
    """`replaceAll(text, target, replacement)`: every occurrence of target (plain text)."""
    text = _str_or_none(value, "replaceAll")
    old, new = _text(target, "replaceAll"), _text(replacement, "replaceAll")
    return None if text is None else text.replace(old, new)


def strings_reverse(value: Any) -> Any:
    """`reverse(text)`."""
    text = _str_or_none(value, "reverse")
    return None if text is None else text[::-1]


def strings_substring(value: Any, start: Any, end: Any) -> Any:
    """`substring(text, from, until)`."""
    text = _str_or_none(value, "substring")
    if text is None:
        return None
    first, last = max(0, _integer(start, "substring")), _integer(end, "substring")
    return text[first:last] if first < last else ""


def strings_substring_every(value: Any, amount: Any) -> Any:
    """`substringEvery(text, n)`: consecutive pieces of n characters."""
    text = _str_or_none(value, "substringEvery")
    if text is None:
        return None
    n = _integer(amount, "substringEvery")
    return [] if n <= 0 else [text[i : i + n] for i in range(0, len(text), n)]


def strings_substring_by(value: Any, callback: Callback) -> Any:
    """`substringBy(text, predicate(character, index))`: split where the predicate holds."""
    text = _str_or_none(value, "substringBy")
    if text is None:
        return None
    parts, current = [], ""
    for index, char in enumerate(text):
        if truth(callback(char, index)):
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]


def strings_collapse(value: Any) -> Any:
    """`collapse(text)`: runs of one repeated character."""
    text = _str_or_none(value, "collapse")
    if text is None:
        return None
    return [m.group(0) for m in re.finditer(r"(.)\1*", text, re.DOTALL)] or [""]


def strings_words(value: Any) -> Any:
    """`words(text)`: the pieces between whitespace."""
    text = _str_or_none(value, "words")
    return None if text is None else text.split()


def strings_lines(value: Any) -> Any:
    """`lines(text)`."""
    text = _str_or_none(value, "lines")
    return None if text is None else _java_split(text, re.compile(r"\r\n|\r|\n"))


def strings_first(value: Any, amount: Any) -> Any:
    """`first(text, n)`: the first n characters."""
    text = _str_or_none(value, "first")
    return None if text is None else text[: max(0, _integer(amount, "first"))]


def strings_last(value: Any, amount: Any) -> Any:
    """`last(text, n)`: the last n characters."""
    text = _str_or_none(value, "last")
    n = max(0, _integer(amount, "last"))
    return None if text is None else (text[-n:] if n else "")


def strings_count_matches(value: Any, pattern: Any) -> Any:
    """`countMatches(text, pattern)`: occurrences of a text or regex."""
    text = _str_or_none(value, "countMatches")
    if text is None:
        return None
    if isinstance(pattern, re.Pattern):
        return sum(1 for _ in pattern.finditer(text))
    needle = _text(pattern, "countMatches")
    return text.count(needle) if needle else 0


def strings_count_characters_by(value: Any, callback: Callback) -> Any:
    """`countCharactersBy(text, predicate)`."""
    text = _str_or_none(value, "countCharactersBy")
    return None if text is None else sum(1 for c in text if truth(callback(c)))


def strings_every_character(value: Any, callback: Callback) -> bool:
    """`everyCharacter(text, predicate)`; true for null."""
    text = _str_or_none(value, "everyCharacter")
    return text is None or all(truth(callback(c)) for c in text)


def strings_some_character(value: Any, callback: Callback) -> bool:
    """`someCharacter(text, predicate)`; false for null."""
    text = _str_or_none(value, "someCharacter")
    return text is not None and any(truth(callback(c)) for c in text)


def strings_remove(value: Any, target: Any) -> Any:
    """`remove(text, toRemove)`: every occurrence removed."""
    text = _str_or_none(value, "remove")
    return None if text is None else text.replace(_text(target, "remove"), "")


def strings_map_string(value: Any, callback: Callback) -> Any:
    """`mapString(text, mapper(character, index))`."""
    text = _str_or_none(value, "mapString")
    if text is None:
        return None
    return "".join(_text(callback(c, i), "mapString") for i, c in enumerate(text))


def strings_hamming_distance(left: Any, right: Any) -> Any:
    """`hammingDistance(a, b)`: null when the lengths differ."""
    a, b = _text(left, "hammingDistance"), _text(right, "hammingDistance")
    if len(a) != len(b):
        return None
    return sum(1 for x, y in zip(a, b, strict=True) if x != y)


def strings_levenshtein_distance(left: Any, right: Any) -> int:
    """`levenshteinDistance(a, b)`."""
    a, b = _text(left, "levenshteinDistance"), _text(right, "levenshteinDistance")
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            previous, row[j] = row[j], min(
                row[j] + 1, row[j - 1] + 1, previous + (x != y)
            )
    return row[-1]
