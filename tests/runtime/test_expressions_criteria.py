"""Runtime evaluation of Arazzo expressions, criteria and JSONPath queries."""

from __future__ import annotations

from typing import Any

import pytest
from jg_runtime.client import jsonpath as jp
from jg_runtime.client.criteria import compare, jsonpath_matches, regex_matches, truthy
from jg_runtime.client.expressions import Exchange, RunContext, concat, evaluate
from pydantic import BaseModel, Field


class Output(BaseModel):
    status: str
    retry_count: int = Field(alias="retryCount")


class Result(BaseModel):
    journey_id: str = Field(alias="journeyId")
    output: Output


def make_ctx() -> RunContext:
    ctx = RunContext(
        inputs={
            "startRequest": {"paymentId": "p/1"},
            "signatures": ["a", "b"],
            "a.b": 7,
        },
        components={"parameters": {"page": {"name": "page", "value": 1}}},
    )
    ctx.set_step_outputs(
        "startJourney", {"journeyId": "j-1", "get.result": {"x": [10, 20]}}
    )
    ctx.begin_step(
        Exchange(
            url="http://h/j/j-1",
            method="GET",
            status_code=200,
            request_headers={"Accept": "application/json"},
            request_query={"page": "2"},
            request_path={"journeyId": "j-1"},
            request_body={"a/b": {"m~n": 1}},
            response_headers={"Content-Type": "application/json", "X-Trace": "t"},
            response_body=Result(
                journeyId="j-1", output=Output(status="SUCCESS", retryCount=2)
            ),
        )
    )
    return ctx


@pytest.mark.parametrize(
    ("source", "names", "pointer", "expected"),
    [
        ("statusCode", (), (), 200),
        ("method", (), (), "GET"),
        ("url", (), (), "http://h/j/j-1"),
        ("response.header", ("content-type",), (), "application/json"),
        ("response.header", ("X-TRACE",), (), "t"),
        ("response.header", ("missing",), (), None),
        ("request.header", ("accept",), (), "application/json"),
        ("request.query", ("page",), (), "2"),
        ("request.path", ("journeyId",), (), "j-1"),
        ("request.body", (), ("a/b", "m~n"), 1),
        ("response.body", ("journeyId",), (), "j-1"),
        ("response.body", ("output", "status"), (), "SUCCESS"),
        ("response.body", (), ("output", "retryCount"), 2),
        ("response.body", ("output", "nope", "deeper"), (), None),
        ("inputs", ("startRequest", "paymentId"), (), "p/1"),
        ("inputs", ("signatures", 0), (), "a"),
        ("inputs", ("signatures",), ("1",), "b"),
        ("inputs", ("signatures",), ("01",), None),
        ("inputs", ("signatures", 5), (), None),
        ("inputs", ("a", "b"), (), 7),
        ("steps", ("startJourney", "outputs", "journeyId"), (), "j-1"),
        ("steps", ("startJourney", "outputs", "get", "result"), ("x", "1"), 20),
        ("steps", ("unknown", "outputs", "x"), (), None),
        ("components", ("parameters", "page"), ("value",), 1),
    ],
)
def test_evaluate(source: Any, names: Any, pointer: Any, expected: Any) -> None:
    assert evaluate(make_ctx(), source, names, pointer) == expected


def test_whole_body_is_wire_json() -> None:
    body = evaluate(make_ctx(), "response.body")
    assert body == {
        "journeyId": "j-1",
        "output": {"status": "SUCCESS", "retryCount": 2},
    }


def test_concat_renders_values() -> None:
    assert concat("Bearer ", "t0k", " n=", 3, " ok=", True, " none=", None) == (
        "Bearer t0k n=3 ok=true none="
    )


@pytest.mark.parametrize(
    ("op", "left", "right", "expected"),
    [
        ("==", "SUCCESS", "success", True),
        ("!=", "SUCCESS", "failed", True),
        ("==", 200, 200.0, True),
        ("==", 200, "200", True),
        ("==", "abc", 1, False),
        ("==", None, None, True),
        ("==", None, "x", False),
        ("==", True, 1, False),
        ("<", 1, 2, True),
        (">=", 2, 2, True),
        ("<", "a", "B", True),
        ("<", None, 1, False),
        (">", {"a": 1}, 0, False),
    ],
)
def test_compare(op: Any, left: Any, right: Any, expected: bool) -> None:
    assert compare(op, left, right) is expected


def test_truthy_and_regex() -> None:
    assert truthy(True) and not truthy(None) and not truthy("false") and truthy("x")
    assert regex_matches("^2\\d\\d$", 201)
    assert not regex_matches("^2", None)
    assert regex_matches("SUCC", "PRE-SUCCESS")


DOC = {
    "store": {
        "book": [
            {"title": "A", "price": 8, "tags": ["x"]},
            {"title": "B", "price": 12, "isbn": "1"},
            {"title": "C", "price": 22.5},
        ],
        "bicycle": {"color": "red", "price": 399},
    },
    "o.k": {"it's": 1},
}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("$", [DOC]),
        ("$.store.bicycle.color", ["red"]),
        ("$['store']['bicycle']['color']", ["red"]),
        ("$[\"o.k\"]['it\\'s']", [1]),
        ("$.store.book[0].title", ["A"]),
        ("$.store.book[-1].title", ["C"]),
        ("$.store.book[9]", []),
        ("$.store.book[*].title", ["A", "B", "C"]),
        ("$.store.book[0:2].title", ["A", "B"]),
        ("$.store.book[::-1].title", ["C", "B", "A"]),
        ("$.store.book[0, 2].title", ["A", "C"]),
        ("$..price", [8, 12, 22.5, 399]),
        ("$..book[?@.price < 10].title", ["A"]),
        ("$.store.book[?@.isbn].title", ["B"]),
        ("$.store.book[?!@.isbn].title", ["A", "C"]),
        ("$.store.book[?@.price > 10 && @.price < 20].title", ["B"]),
        ("$.store.book[?@.title == 'A' || @.title == 'C'].price", [8, 22.5]),
        ("$.store.book[?(@.price >= 12)].title", ["B", "C"]),
        ("$.store.book[?length(@.title) == 1].title", ["A", "B", "C"]),
        ("$.store.book[?count(@.tags[*]) > 0].title", ["A"]),
        ("$.store.book[?match(@.title, '[AB]')].title", ["A", "B"]),
        ("$.store.book[?search(@.title, 'c')].title", []),
        ("$.store.book[?@.price == $.store.book[1].price].title", ["B"]),
        ("$.store[?@.color == 'red'].price", [399]),
    ],
)
def test_jsonpath_select(query: str, expected: list[Any]) -> None:
    assert jp.select(jp.parse(query), DOC) == expected


@pytest.mark.parametrize(
    ("query", "column", "fragment"),
    [
        ("store", 0, "must start with '$'"),
        ("$.", 2, "member name"),
        ("$[", 2, "in brackets"),
        ("$['a", 2, "unterminated"),
        ("$[?@.a == ]", 10, "literal"),
        ("$[?foo(@.a)]", 3, "unknown function foo()"),
        ("$[?count(1) > 0]", 9, "count() takes a query"),
        ("$[?@..a == 1]", 3, "singular"),
        ("$[?@.a]x", 7, "unexpected"),
        ("$[?length(@.a)]", 3, "length() gives a value, not true/false"),
    ],
)
def test_jsonpath_errors(query: str, column: int, fragment: str) -> None:
    with pytest.raises(jp.JsonPathError) as info:
        jp.parse(query)
    assert info.value.column == column
    assert fragment in info.value.message


def test_jsonpath_criterion_on_model_body() -> None:
    body = Result(journeyId="j", output=Output(status="FAILED", retryCount=0))
    assert jsonpath_matches(jp.parse("$.output[?@ == 'FAILED']"), body)
    assert not jsonpath_matches(jp.parse("$.output[?@ == 'SUCCESS']"), body)
