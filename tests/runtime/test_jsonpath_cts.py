"""The runtime JSONPath evaluator against the RFC 9535 compliance suite, plus depth and I-Regexp.

Every case of `tests/data/jsonpath-cts/cts.json` runs: a valid selector must give one of the
allowed node lists (values compared as JSON, so `1` is not `true` and order matters) with the
matching normalized paths; an invalid selector must be refused with a column inside the query.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jg_runtime.client import jsonpath as jp

CTS = Path(__file__).resolve().parents[1] / "data" / "jsonpath-cts" / "cts.json"
CASES: list[dict[str, Any]] = json.loads(CTS.read_text(encoding="utf-8"))["tests"]


def _canonical(values: list[Any]) -> str:
    return json.dumps(values, sort_keys=True, ensure_ascii=False)


def test_the_whole_suite_is_there() -> None:
    assert len(CASES) == 703
    assert sum(1 for c in CASES if c.get("invalid_selector")) == 247


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{i}-{c['name'][:60]}" for i, c in enumerate(CASES)]
)
def test_compliance_case(case: dict[str, Any]) -> None:
    selector = case["selector"]
    if case.get("invalid_selector"):
        with pytest.raises(jp.JsonPathError) as info:
            jp.parse(selector)
        assert 0 <= info.value.column <= len(selector)
        return
    query = jp.parse(selector)
    located = jp.locate(query, case["document"])
    got = (_canonical([v for _, v in located]), [p for p, _ in located])
    if "result" in case:
        allowed = [(case["result"], case["result_paths"])]
    else:
        allowed = list(zip(case["results"], case["results_paths"], strict=True))
    assert got in [(_canonical(values), paths) for values, paths in allowed]
    assert jp.select(query, case["document"]) == [v for _, v in located]


def _nested_filter(depth: int) -> str:
    """`$[?@[?@[?...@.a == 1...]]]` with `depth` filters."""
    return "$" + "[?@" * depth + ".a == 1" + "]" * depth


def test_nesting_up_to_the_limit_parses_and_evaluates() -> None:
    query = jp.parse(_nested_filter(jp.MAX_DEPTH))
    document: Any = {"a": 1}
    for _ in range(jp.MAX_DEPTH - 1):
        document = [document]
    assert jp.select(query, [document]) == [document]


@pytest.mark.parametrize(
    "text",
    [
        _nested_filter(jp.MAX_DEPTH + 1),
        _nested_filter(5000),
        "$[?" + "(" * 5000 + "@.a" + ")" * 5000 + "]",
        "$[?" + "!(" * 3000 + "@.a" + ")" * 3000 + "]",
        "$[?" + "length(" * 3000 + "@.a" + ")" * 3000 + " > 1]",
    ],
    ids=["limit+1", "filters", "parentheses", "not", "functions"],
)
def test_deeper_queries_are_refused_cleanly(text: str) -> None:
    with pytest.raises(jp.JsonPathError) as info:
        jp.parse(text)
    assert f"more than {jp.MAX_DEPTH} levels" in info.value.message
    assert 0 < info.value.column < len(text)


def test_deep_documents_do_not_exhaust_the_stack() -> None:
    depth = sys.getrecursionlimit() * 3
    deep: Any = {"x": 1}
    for _ in range(depth):
        deep = {"a": deep}
    assert jp.select(jp.parse("$..x"), deep) == [1]
    left: Any = [1]
    right: Any = [2]
    for _ in range(depth):
        left, right = [left], [right]
    document = [[left], [right]]
    selected = jp.select(jp.parse("$[?@[0] == $[1][0]]"), document)
    assert len(selected) == 1 and selected[0] is document[1]


@pytest.mark.parametrize(
    ("query", "document", "expected"),
    [
        ("$[?@ == 1]", [1, 1.0, True, "1", [1], None], [1, 1.0]),
        ("$[?@ == true]", [1, True, "true"], [True]),
        (
            "$[?@.a == $.b]",
            {"x": {"a": [1, {"k": 2.0}]}, "b": [1.0, {"k": 2}]},
            [{"a": [1, {"k": 2.0}]}],
        ),
        ("$[?@.a == $.b]", {"x": {"a": [1, {"k": 1}]}, "b": [1, {"k": True}]}, []),
        ("$[?@.a == $.b]", {"x": {"a": {"k": 1}}, "b": {"k": 1, "j": 1}}, []),
        ("$[?@.a <= $.b]", {"x": {}, "y": {"a": 1}}, [{}]),  # Nothing == Nothing
    ],
)
def test_equality_is_json_equality(
    query: str, document: Any, expected: list[Any]
) -> None:
    assert _canonical(jp.select(jp.parse(query), document)) == _canonical(expected)


@pytest.mark.parametrize(
    ("pattern", "subject", "full", "anywhere"),
    [
        ("a.c", "a\nc", False, False),
        ("a.c", "a\rc", False, False),
        ("a.c", "a\u2028c", True, True),
        ("b", "abc", False, True),
        ("^ab", "abc", False, True),
        ("^bc", "abc", False, False),
        ("bc$", "abc", False, True),
        ("bc$", "abc\n", False, False),
        ("[^a]", "b", True, True),
        ("[a-c]+", "abcd", False, True),
        ("[\\p{Lu}\\d]", "A", False, False),  # \d is not I-Regexp
        ("\\p{Lu}\\P{Lu}", "Ab", True, True),
        ("[\\P{L}]", "1", True, True),
        ("a{2,3}", "aaa", True, True),
        ("a{3,2}", "aaa", False, False),
        ("a**", "aa", False, False),
        ("(a)\\1", "aa", False, False),
        ("(?i)a", "A", False, False),
        ("a|", "", True, True),
        ("()", "", True, True),
        ("\\.\\^\\$", ".^$", False, False),  # \$ is not a single-character escape
        ("\\.\\^", ".^", True, True),
        ("[--]", "-", True, True),
        ("[a-b-c]", "-", False, False),
        ("[a-]", "-", True, True),
        ("\\p{Xx}", "a", False, False),
    ],
)
def test_iregexp(pattern: str, subject: str, full: bool, anywhere: bool) -> None:
    document = [subject]
    quoted = json.dumps(pattern)
    assert jp.select(jp.parse(f"$[?match(@, {quoted})]"), document) == (
        document if full else []
    )
    assert jp.select(jp.parse(f"$[?search(@, {quoted})]"), document) == (
        document if anywhere else []
    )


CATEGORIES = sorted(
    {"L", "Lu", "Ll", "Lt", "Lm", "Lo", "M", "Mn", "N", "Nd", "P", "Ps", "S", "Sm"}
    | {"Z", "Zs", "C", "Cc", "Cf", "Co", "Cn"}
)


@settings(max_examples=300, deadline=None)
@given(
    st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=["Cs"]),
    st.sampled_from(CATEGORIES),
)
def test_unicode_categories_follow_unicodedata(char: str, category: str) -> None:
    expected = unicodedata.category(char).startswith(category)
    positive = jp.iregexp(f"\\p{{{category}}}")
    assert positive is not None
    assert (positive.fullmatch(char) is not None) == expected
    negated = jp.iregexp(f"[\\P{{{category}}}]")
    assert negated is not None
    assert (negated.fullmatch(char) is not None) == (not expected)
