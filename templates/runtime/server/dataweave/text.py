"""dw::Core functions over strings and regular expressions."""

from __future__ import annotations

import re
from typing import Any

from .core import _items
from .values import _fail, _text

_JAVA_SPACE = "".join(chr(c) for c in range(33))


def _string_or_null(value: Any, operation: str) -> str | None:
    return None if value is None else _text(value, operation)


def upper(value: Any) -> Any:
    """`upper(text)`; null for null."""
    text = _string_or_null(value, "upper")
    return None if text is None else text.upper()


def lower(value: Any) -> Any:
    """`lower(text)`; null for null."""
    text = _string_or_null(value, "lower")
    return None if text is None else text.lower()


def trim(value: Any) -> Any:
    """`trim(text)`: spaces and control characters off both ends; null for null."""
    text = _string_or_null(value, "trim")
    return None if text is None else text.strip(_JAVA_SPACE)


def is_blank(value: Any) -> bool:
    """`isBlank(text)`: null, empty or only whitespace."""
    text = _string_or_null(value, "isBlank")
    return text is None or text.strip() == ""


def starts_with(value: Any, prefix: Any) -> bool:
    """`value startsWith prefix`; false for null."""
    return value is not None and _text(value, "startsWith").startswith(
        _text(prefix, "startsWith")
    )


def ends_with(value: Any, suffix: Any) -> bool:
    """`value endsWith suffix`; false for null."""
    return value is not None and _text(value, "endsWith").endswith(
        _text(suffix, "endsWith")
    )


def join_by(value: Any, separator: Any) -> Any:
    """`value joinBy separator`; null for null."""
    if value is None:
        return None
    parts = [_text(item, "joinBy") for item in _items(value, "joinBy")]
    return _text(separator, "joinBy").join(parts)


def _java_split(text: str, pattern: re.Pattern[str]) -> list[str]:
    """Java's String.split: no leading empty part for a zero-width first match, no trailing."""
    if text == "":
        return [""]
    parts: list[str] = []
    index = 0
    for m in pattern.finditer(text):
        if m.end() == 0:
            continue
        parts.append(text[index : m.start()])
        index = m.end()
    if not parts and index == 0:
        return [text]
    parts.append(text[index:])
    while parts and parts[-1] == "":
        parts.pop()
    return parts


def split_by(value: Any, separator: Any) -> Any:
    """`value splitBy separator` (a string or a regex); null for null."""
    if value is None:
        return None
    text = _text(value, "splitBy")
    if isinstance(separator, re.Pattern):
        return _java_split(text, separator)
    return _java_split(text, re.compile(re.escape(_text(separator, "splitBy"))))


def _regex_arg(value: Any, operation: str) -> re.Pattern[str]:
    if isinstance(value, re.Pattern):
        return value
    raise _fail(operation, value)


def match_(value: Any, pattern: Any) -> Any:
    """`text match /regex/`: the whole match and its groups when the regex matches it all."""
    if value is None:
        return None
    m = _regex_arg(pattern, "match").fullmatch(_text(value, "match"))
    return [] if m is None else [m.group(0), *(g for g in m.groups())]


def matches(value: Any, pattern: Any) -> bool:
    """`text matches /regex/`: whether the regex matches the whole text; false for null."""
    if value is None:
        return False
    regex_ = _regex_arg(pattern, "matches")
    return regex_.fullmatch(_text(value, "matches")) is not None


def scan(value: Any, pattern: Any) -> Any:
    """`text scan /regex/`: every match, each with its groups."""
    if value is None:
        return None
    found = _regex_arg(pattern, "scan").finditer(_text(value, "scan"))
    return [[m.group(0), *m.groups()] for m in found]


class _Replacement:
    """What `text replace matcher` answers: waits for `with` and its replacement."""

    __slots__ = ("matcher", "text")

    def __init__(self, text: str | None, matcher: Any) -> None:
        self.text = text
        self.matcher = matcher

    def __call__(self, replacer: Any) -> Any:
        if self.text is None:
            return None
        if isinstance(self.matcher, re.Pattern):
            pattern = self.matcher
        else:
            pattern = re.compile(re.escape(_text(self.matcher, "replace")))
        counter = iter(range(len(self.text) + 1))

        def one(m: re.Match[str]) -> str:
            if callable(replacer):
                groups = [m.group(0), *(g for g in m.groups())]
                return _text(replacer(groups, next(counter)), "replace")
            return _text(replacer, "replace")

        return pattern.sub(one, self.text)


def replace(value: Any, matcher: Any) -> _Replacement:
    """`text replace matcher`: completed by `with replacement`."""
    return _Replacement(_string_or_null(value, "replace"), matcher)


def with_(pending: Any, replacer: Any) -> Any:
    """`(text replace matcher) with replacement`: text or a callback(groups, index)."""
    if isinstance(pending, _Replacement):
        return pending(replacer)
    if callable(pending):
        return pending(replacer)
    raise _fail("with", pending, replacer)
