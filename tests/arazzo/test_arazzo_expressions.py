"""Arazzo expression/criterion parsing, error positions, safe emission and round trips."""

from __future__ import annotations

import ast
from typing import Any

import pytest

from generator.arazzo import (
    And,
    ArazzoSyntaxError,
    BuiltinRef,
    Compare,
    ContextRef,
    JsonPathCriterion,
    Lit,
    MessageRef,
    Not,
    Or,
    RegexCriterion,
    SourceRef,
    Template,
    ValueMap,
    emit_condition,
    emit_criterion,
    emit_value,
    parse_condition,
    parse_criterion,
    parse_expression,
    parse_template,
    parse_value,
)
from tests.support.runtime import runtime_module

AZ = runtime_module("client.arazzo")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$url", BuiltinRef("url")),
        ("$method", BuiltinRef("method")),
        ("$statusCode", BuiltinRef("statusCode")),
        ("$request.header.accept", MessageRef("request", "header", ("accept",))),
        (
            "$response.header.X-Rate.Limit",
            MessageRef("response", "header", ("X-Rate.Limit",)),
        ),
        ("$request.query.page", MessageRef("request", "query", ("page",))),
        ("$request.path.id", MessageRef("request", "path", ("id",))),
        ("$request.body", MessageRef("request", "body")),
        (
            "$request.body#/user/uuid",
            MessageRef("request", "body", (), ("user", "uuid")),
        ),
        (
            "$response.body#/a~1b/c~0d/0",
            MessageRef("response", "body", (), ("a/b", "c~d", "0")),
        ),
        ("$response.body#", MessageRef("response", "body")),
        (
            "$response.body.output.status",
            MessageRef("response", "body", ("output", "status")),
        ),
        ("$inputs.username", ContextRef("inputs", ("username",))),
        ("$inputs.signatures[0]", ContextRef("inputs", ("signatures", 0))),
        # `[]` is never an index: part of the name (form-style array parameters)
        ("$inputs.tagName[]", ContextRef("inputs", ("tagName[]",))),
        (
            "$steps.s.outputs.ids[][0]",
            ContextRef("steps", ("s", "outputs", "ids[]", 0)),
        ),
        ("$outputs.bar", ContextRef("outputs", ("bar",))),
        (
            "$steps.someStepId.outputs.pets#/0/id",
            ContextRef("steps", ("someStepId", "outputs", "pets"), ("0", "id")),
        ),
        (
            "$workflows.foo.outputs.mappedResponse#/name",
            ContextRef("workflows", ("foo", "outputs", "mappedResponse"), ("name",)),
        ),
        (
            "$workflows.foo.inputs.username",
            ContextRef("workflows", ("foo", "inputs", "username")),
        ),
        (
            "$components.parameters.page",
            ContextRef("components", ("parameters", "page")),
        ),
        (
            "$components.failureActions.retry",
            ContextRef("components", ("failureActions", "retry")),
        ),
        ("$components.inputs.pet", ContextRef("components", ("inputs", "pet"))),
        ("$sourceDescriptions.petStore.addPet", SourceRef("petStore", "addPet")),
        ("$sourceDescriptions.petStore", SourceRef("petStore")),
    ],
)
def test_parse_expression(text: str, expected: Any) -> None:
    assert parse_expression(text) == expected


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("$foo.bar", 0, "unknown runtime expression"),
        ("$urlx", 0, "unknown runtime expression"),
        ("statusCode", 0, "unknown runtime expression"),
        ("$response.cookie.x", 10, "expected header.<name>"),
        ("$request.header.", 16, "header name"),
        ("$request.header.a b", 17, "' ' is not allowed"),
        ("$inputs.", 8, "expected a name after '.'"),
        ("$inputs.a..b", 10, "expected a name after '.'"),
        ("$inputs.a[x]", 9, "index"),
        ("$response.body#a", 15, "must be empty or start with '/'"),
        ("$response.body#/a~2", 17, "~0 or ~1"),
        ("$steps.a", 7, "$steps.<stepId>.outputs.<name>"),
        ("$workflows.w.steps.x", 11, "inputs|outputs"),
        ("$components.schemas.x", 12, "kind one of"),
    ],
)
def test_expression_errors(text: str, column: int, fragment: str) -> None:
    with pytest.raises(ArazzoSyntaxError) as info:
        parse_expression(text)
    assert info.value.column == column
    assert fragment in info.value.message
    assert info.value.text == text


def test_template_and_values() -> None:
    assert parse_template("Bearer {$steps.login.outputs.token}!") == Template(
        ("Bearer ", ContextRef("steps", ("login", "outputs", "token")), "!")
    )
    assert parse_template('{"a": {b}}') == Template(('{"a": {b}}',))
    with pytest.raises(ArazzoSyntaxError) as info:
        parse_template("x {$inputs.a")
    assert info.value.column == 2
    with pytest.raises(ArazzoSyntaxError) as info:
        parse_template("ab{$nope}")
    assert info.value.column == 3
    assert parse_value({"id": "$inputs.id", "n": 1}) == ValueMap(
        (("id", ContextRef("inputs", ("id",))), ("n", 1))
    )


def test_condition_ast_and_precedence() -> None:
    status = BuiltinRef("statusCode")
    phase = MessageRef("response", "body", ("phase",))
    parsed = parse_condition(
        "$statusCode == 200 || !($response.body.phase != 'it''s') && true"
    )
    assert parsed == Or(
        Compare("==", status, Lit(200)),
        And(Not(Compare("!=", phase, Lit("it's"))), Lit(True)),
    )
    assert parse_condition("$statusCode>=2.5e2") == Compare(">=", status, Lit(250.0))
    assert parse_condition("null == $response.body.phase") == Compare(
        "==", Lit(None), phase
    )


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("", 0, "empty condition"),
        ("$statusCode ==", 14, "text ended"),
        ("$statusCode == 'abc", 15, "unterminated string"),
        ("($statusCode == 200", 19, "expected ')'"),
        ("$statusCode = 200", 12, "unexpected"),
        ('$statusCode == "200"', 15, "expected a literal"),
        ("$statusCode == 200 and true", 19, "unexpected"),
        ("$response.body#x == 1", 15, "JSON Pointer"),
        ("1e999 == $statusCode", 0, "out of range"),
        ("$statusCode == 200 ; import os", 19, "unexpected"),
    ],
)
def test_condition_errors(text: str, column: int, fragment: str) -> None:
    with pytest.raises(ArazzoSyntaxError) as info:
        parse_condition(text)
    assert info.value.column == column
    assert fragment in info.value.message


def test_criterion_types() -> None:
    regex = parse_criterion("^2\\d\\d$", type="regex", context="$statusCode")
    assert regex == RegexCriterion(BuiltinRef("statusCode"), "^2\\d\\d$")
    path = parse_criterion(
        "$[?@.status == 'ok']", type="jsonpath", context="$response.body"
    )
    assert isinstance(path, JsonPathCriterion)
    with pytest.raises(ArazzoSyntaxError, match="xpath"):
        parse_criterion("/a/b", type="xpath", context="$response.body")
    with pytest.raises(ArazzoSyntaxError, match="draft-goessner"):
        parse_criterion(
            "$.a",
            type={"type": "jsonpath", "version": "draft-goessner-dispatch-jsonpath-00"},
            context="$response.body",
        )
    with pytest.raises(ArazzoSyntaxError, match="needs a 'context'"):
        parse_criterion("^a", type="regex")
    with pytest.raises(ArazzoSyntaxError) as info:
        parse_criterion("ab(c", type="regex", context="$statusCode")
    assert info.value.column == 2 and "invalid regex" in info.value.message
    with pytest.raises(ArazzoSyntaxError) as info:
        parse_criterion("$.a[", type="jsonpath", context="$response.body")
    assert info.value.column == 4


def make_ctx() -> Any:
    ctx = AZ.RunContext(inputs={"startRequest": {"paymentId": "p1"}, "token": "t0k"})
    ctx.set_step_outputs("startJourney", {"journeyId": "j-1"})
    ctx.begin_step(
        AZ.Exchange(
            status_code=200,
            response_headers={"Content-Type": "application/json"},
            response_body={
                "journeyId": "j-1",
                "phase": "Succeeded",
                "output": {"status": "OK"},
            },
        )
    )
    return ctx


def run(source: str, ctx: Any) -> Any:
    tree = ast.parse(source, mode="eval")
    code = compile(tree, "<emitted>", "eval")
    return eval(code, {"_az": AZ, "ctx": ctx})  # noqa: S307


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("$statusCode == 200", True),
        ("$statusCode == '200'", True),
        ("$statusCode != 200", False),
        ("$response.body.phase == 'SUCCEEDED'", True),
        ("$response.body#/output/status == 'ok' && $statusCode < 300", True),
        ("$response.header.content-type == 'application/json'", True),
        ("$response.body.missing == null", True),
        ("!($statusCode >= 400) || false", True),
        ("$steps.startJourney.outputs.journeyId == $response.body.journeyId", True),
        ("$response.body.phase", True),
        ("$response.body.missing", False),
    ],
)
def test_round_trip_conditions(condition: str, expected: bool) -> None:
    assert run(emit_condition(parse_condition(condition)), make_ctx()) is expected


def test_round_trip_criteria_and_values() -> None:
    ctx = make_ctx()
    regex = parse_criterion("^2", type="regex", context="$statusCode")
    jsonpath = parse_criterion(
        "$[?@.status == 'OK']", type="jsonpath", context="$response.body"
    )
    assert run(emit_criterion(regex), ctx) is True
    assert run(emit_criterion(jsonpath), ctx) is True
    value = parse_value(
        {
            "auth": "Bearer {$inputs.token}",
            "journey": "$steps.startJourney.outputs.journeyId",
        }
    )
    assert run(emit_value(value), ctx) == {"auth": "Bearer t0k", "journey": "j-1"}


HOSTILE = [
    "'); import os; os.system('x'); ('",
    '"""; __import__("os") #',
    "\\' + __import__('os').name + \\'",
    "a\rb\nc",
    "\\N{BULLET} {} {{}} }",
    "\u2028\u2029\x00\ufeff😀 ℌ𝔢𝔩𝔩𝔬",
    "~1~0/#",
]

ALLOWED_NAMES = {"_az", "ctx"}
ALLOWED_ATTRS = {
    "evaluate", "compare", "truthy", "concat", "regex_matches", "jsonpath_matches", "jp",
    "JsonPath", "Segment", "NameSelector", "FilterSelector", "Comparison", "LiteralValue",
}  # fmt: skip


def _assert_only_in_constants(source: str, hostile: str) -> None:
    tree = ast.parse(source, mode="eval")
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            assert node.id in ALLOWED_NAMES
        elif isinstance(node, ast.Attribute):
            assert node.attr in ALLOWED_ATTRS
        elif isinstance(node, ast.keyword):
            assert node.arg in {"segments", "relative", "selectors", "descendant", "expr",
                                "op", "left", "right", "name", "value"}  # fmt: skip
    constants = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)]
    assert any(isinstance(c, str) and hostile in c for c in constants)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_only_becomes_string_constants(hostile: str) -> None:
    quoted = hostile.replace("'", "''")
    sources = [
        emit_condition(parse_condition(f"$response.body.phase == '{quoted}'")),
        emit_value(parse_value({hostile: f"{hostile}{{$inputs.token}}{hostile}"})),
        (
            emit_criterion(
                parse_criterion(hostile, type="regex", context="$statusCode")
            )
            if _valid_regex(hostile)
            else emit_value(parse_value([hostile]))
        ),
        (
            emit_criterion(
                parse_criterion(
                    "$[?@.x == '"
                    + hostile.replace("\\", "\\\\").replace("'", "\\'")
                    + "']",
                    type="jsonpath",
                    context="$response.body",
                )
            )
            if "\x00" not in hostile and "\r" not in hostile
            else emit_value(parse_value(hostile))
        ),
    ]
    for source in sources:
        _assert_only_in_constants(source, hostile)
        run(source, make_ctx())  # evaluates without executing anything else


def test_hostile_names_in_expressions_stay_constants() -> None:
    hostile = "x');__import__('os')"
    source = emit_value(parse_value(f"$inputs.{hostile}"))
    _assert_only_in_constants(source, hostile)
    header = emit_condition(parse_condition("$request.query.a\"b'c == 1"))
    _assert_only_in_constants(header, "a\"b'c")


def _valid_regex(text: str) -> bool:
    import re

    try:
        re.compile(text)
    except re.error:
        return False
    return True


@pytest.mark.parametrize(
    ("written", "standard"),
    [
        ("$response.headers.X-Rate", "$response.header.X-Rate"),
        ("$request.headers.Accept", "$request.header.Accept"),
        ("$steps.first.token", "$steps.first.outputs.token"),
        ("$steps.first.items[0]", "$steps.first.outputs.items[0]"),
    ],
)
def test_dialects_read_in_their_one_meaning_with_a_note(
    written: str, standard: str
) -> None:
    """Spellings people publish that have one meaning parse as the standard one, and
    `dialect_notes` says what to write instead."""
    from generator.arazzo.expressions import dialect_notes

    assert parse_expression(written) == parse_expression(standard)
    (note,) = dialect_notes(written)
    assert f"read as {standard!r}: write that" in note
    assert dialect_notes(standard) == []
