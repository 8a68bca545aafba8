"""Expressions outside the subset fail with DataWeaveError at the right line and column."""

from __future__ import annotations

import pytest

from generator.dataweave import (
    DataWeaveError,
    compile_expression,
    compile_interpolation,
)

CONTEXT = frozenset({"context"})


@pytest.mark.parametrize(
    ("source", "line", "column", "fragment"),
    [
        ("context.a match { case x -> 1 }", 1, 11, "unexpected `match`"),
        ("fun f(x) = x", 1, 1, "`fun` is not supported"),
        ("context..a", 1, 8, "`..`"),
        ('"a $(context.x)"', 1, 4, "interpolation"),
        ("context.a as Foo", 1, 14, "unsupported coercion target `Foo`"),
        ("foo(1)", 1, 1, "unknown function `foo`"),
        (
            "unknownVar.x",
            1,
            1,
            "unknown name `unknownVar`; available bindings: context",
        ),
        ("{\n  a: 1,\n  b: context.x.*y\n}", 3, 16, "selector `.*`"),
        ("if (context.a) 1", 1, 17, "`else` is required"),
        ("sizeOf(1, 2)", 1, 1, "takes 1 argument"),
        ("$ + 1", 1, 1, "`$`/`$$` are only allowed"),
        ("%dw 2.0\n---\n1", 1, 1, "script headers"),
        ('"abc', 1, 1, "unterminated string"),
        ("[1, 2 3]", 1, 7, "expected `,`"),
        ("context.items map 1", 1, 19, "expects a lambda"),
        ("context.a?", 1, 10, "existence selector"),
        ("do {\n  fun f() = 1\n  f()\n}", 2, 3, "declarations are not supported"),
        ("now", 1, 1, "call it as `now(...)`"),
        ("{ (context.a) }", 1, 3, "spreading"),
        ("1 +", 1, 4, "end of expression"),
        ("context.a ~", 1, 11, "unexpected character '~'"),
        ("context.a @ b", 1, 11, "attribute selectors"),
        ("|not a date|", 1, 1, "invalid date/time literal"),
    ],
)
def test_unsupported_constructs(
    source: str, line: int, column: int, fragment: str
) -> None:
    with pytest.raises(DataWeaveError) as info:
        compile_expression(source, bindings=CONTEXT)
    error = info.value
    assert fragment in error.message
    assert (error.line, error.column) == (line, column), error.message
    assert str(error).startswith(f"{line}:{column}: ")


@pytest.mark.parametrize(
    ("text", "line", "column", "fragment"),
    [
        ("https://x/${context.id", 1, 11, "unterminated `${`"),
        ("a ${ } b", 1, 3, "empty `${}`"),
        ("line1\nurl/${context.id ++} c", 2, 20, "end of expression"),
        ("${secret.key}", 1, 3, "unknown name `secret`"),
    ],
)
def test_interpolation_errors(text: str, line: int, column: int, fragment: str) -> None:
    with pytest.raises(DataWeaveError) as info:
        compile_interpolation(text, bindings=CONTEXT)
    assert fragment in info.value.message
    assert (info.value.line, info.value.column) == (line, column), info.value.message


@pytest.mark.parametrize(
    "source", ["{a: 1}", "'yes'", "1 + 1", "[true]", "context.a as String"]
)
def test_predicates_must_be_boolean(source: str) -> None:
    with pytest.raises(DataWeaveError, match="must evaluate to a boolean"):
        compile_expression(source, bindings=CONTEXT, predicate=True)


@pytest.mark.parametrize(
    "source",
    [
        "(" * 300 + "1" + ")" * 300,
        "not " * 3000 + "true",
        "[" * 500 + "]" * 500,
        "1" + " + 1" * 3000,
        "context" + "[0]" * 3000,
    ],
)
def test_extreme_nesting_is_an_error_not_a_crash(source: str) -> None:
    with pytest.raises(DataWeaveError, match="nested"):
        compile_expression(source, bindings=CONTEXT)


@pytest.mark.parametrize("name", ["import", "class", "_dw", "__x", "a-b", ""])
def test_invalid_binding_names_are_rejected(name: str) -> None:
    with pytest.raises(ValueError, match="invalid binding name"):
        compile_expression("1", bindings=frozenset({name}))
