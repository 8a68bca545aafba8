"""dw::core::Strings `pluralize` and `singularize`: English inflection rules."""

from __future__ import annotations

import re
from typing import Any

from .strings import _str_or_none

_UNCOUNTABLE = frozenset(
    [
        "equipment",
        "information",
        "rice",
        "money",
        "species",
        "series",
        "fish",
        "sheep",
        "deer",
        "jeans",
        "police",
    ]
)


_IRREGULAR = {
    "person": "people",
    "man": "men",
    "woman": "women",
    "child": "children",
    "sex": "sexes",
    "move": "moves",
    "zombie": "zombies",
    "mouse": "mice",
    "louse": "lice",
    "goose": "geese",
    "tooth": "teeth",
    "foot": "feet",
    "ox": "oxen",
}


_PLURAL_RULES = [
    (r"(quiz)$", r"\1zes"),
    (r"^(oxen)$", r"\1"),
    (r"^(ox)$", r"\1en"),
    (r"(matr|vert|ind)(?:ix|ex)$", r"\1ices"),
    (r"(x|ch|ss|sh)$", r"\1es"),
    (r"([^aeiouy]|qu)y$", r"\1ies"),
    (r"(hive)$", r"\1s"),
    (r"(?:([^f])fe|([lr])f)$", r"\1\2ves"),
    (r"sis$", "ses"),
    (r"([ti])a$", r"\1a"),
    (r"([ti])um$", r"\1a"),
    (r"(buffal|tomat)o$", r"\1oes"),
    (r"(bu)s$", r"\1ses"),
    (r"(alias|status)$", r"\1es"),
    (r"(octop|vir)i$", r"\1i"),
    (r"(octop|vir)us$", r"\1i"),
    (r"^(ax|test)is$", r"\1es"),
    (r"s$", "s"),
    (r"$", "s"),
]


_SINGULAR_RULES = [
    (r"(database)s$", r"\1"),
    (r"(quiz)zes$", r"\1"),
    (r"(matr)ices$", r"\1ix"),
    (r"(vert|ind)ices$", r"\1ex"),
    (r"^(ox)en", r"\1"),
    (r"(alias|status)(es)?$", r"\1"),
    (r"(octop|vir)(us|i)$", r"\1us"),
    (r"^(a)x[ie]s$", r"\1xis"),
    (r"(cris|test)(is|es)$", r"\1is"),
    (r"(shoe)s$", r"\1"),
    (r"(o)es$", r"\1"),
    (r"(bus)(es)?$", r"\1"),
    (r"^(m|l)ice$", r"\1ouse"),
    (r"(x|ch|ss|sh)es$", r"\1"),
    (r"(m)ovies$", r"\1ovie"),
    (r"(s)eries$", r"\1eries"),
    (r"([^aeiouy]|qu)ies$", r"\1y"),
    (r"([lr])ves$", r"\1f"),
    (r"(tive)s$", r"\1"),
    (r"(hive)s$", r"\1"),
    (r"([^f])ves$", r"\1fe"),
    (r"(^analy)(sis|ses)$", r"\1sis"),
    (r"([ti])a$", r"\1um"),
    (r"(n)ews$", r"\1ews"),
    (r"(ss)$", r"\1"),
    (r"s$", ""),
]


def _inflect(text: str, table: dict[str, str], rules: list[tuple[str, str]]) -> str:
    lower = text.lower()
    if not text or lower in _UNCOUNTABLE:
        return text
    if lower in table:
        result = table[lower]
        return result[:1].upper() + result[1:] if text[:1].isupper() else result
    for pattern, replacement in rules:
        if re.search(pattern, text, re.IGNORECASE):
            return re.sub(pattern, replacement, text, count=1, flags=re.IGNORECASE)
    return text


def strings_pluralize(value: Any) -> Any:
    """`pluralize(word)` (English rules)."""
    text = _str_or_none(value, "pluralize")
    return None if text is None else _inflect(text, _IRREGULAR, _PLURAL_RULES)


def strings_singularize(value: Any) -> Any:
    """`singularize(word)` (English rules)."""
    text = _str_or_none(value, "singularize")
    singular = {v: k for k, v in _IRREGULAR.items()}
    return None if text is None else _inflect(text, singular, _SINGULAR_RULES)
