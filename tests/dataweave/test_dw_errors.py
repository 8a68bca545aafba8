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
        ("context.x foo 1", 1, 11, "unknown function `foo` called infix"),
        ("context.x startWith 'a'", 1, 11, "did you mean `startsWith`?"),
        ("sizOf(context)", 1, 1, "unknown function `sizOf`; did you mean `sizeOf`?"),
        ("context.a as Foo", 1, 14, "unsupported coercion target `Foo`"),
        ("foo(1)", 1, 1, "unknown function `foo`"),
        (
            "unknownVar.x",
            1,
            1,
            "unknown name `unknownVar`; available bindings: context",
        ),
        ("{\n  a: 1,\n  b: context.x.@y\n}", 3, 16, "XML-only"),
        ("context.x.^class", 1, 11, "metadata selector"),
        ("context.x[@a]", 1, 11, "XML-only"),
        ("if (context.a) 1", 1, 17, "`else` is required"),
        ("sizeOf(1, 2)", 1, 1, "takes 1 argument"),
        ("$ + 1", 1, 1, "`$`/`$$`/`$$$` are only allowed"),
        ("%dw 2.0\n---\n1", 1, 1, "script headers"),
        ('"abc', 1, 1, "unterminated string"),
        ("[1, 2 3]", 1, 7, "expected `,`"),
        ("{a: 1 b: 2}", 1, 7, "expected `,` between object fields"),
        ("map(context.items, 1)", 1, 20, "expects a lambda"),
        ("now", 1, 1, "call it as `now(...)`"),
        ("1 +", 1, 4, "end of expression"),
        ("context.a ~", 1, 11, "unexpected `~`"),
        ("context.a @ b", 1, 11, "attribute selectors"),
        ("context.a match { }", 1, 11, "at least one `case"),
        ("context.a is Strin", 1, 14, "unknown type `Strin`; did you mean `String`?"),
        (
            "do { var x = f(2) fun f(a) = a + 1 --- x }",
            1,
            6,
            "declare `f` before `var x` (DataWeave: `f` is not yet initialized)",
        ),
        (
            "do { var x = 1 fun f() = 1 var x = 2 --- x }",
            1,
            28,
            "`x` is declared twice in this block",
        ),
        ("[1] map $$$", 1, 9, "`$$$` is not defined here"),
        (
            'import * from dw::core::Strings\n---\nmapString("abc", (c) -> upper(c))',
            3,
            18,
            "`mapString(...)` with parentheses needs a callback of all 2 parameter(s)",
        ),
        (
            'write({a: 1}, "application/dw")',
            1,
            15,
            "`write` does not handle 'application/dw' for journey values (DataWeave's own",
        ),
        ("map([1], $ + 1)", 1, 12, "`$` is not defined in `map(...)`'s arguments"),
        (
            "do { fun f(x) = x --- mapObject({a: 1}, f) }",
            1,
            41,
            "`mapObject(...)` with parentheses needs a callback of all 3 parameter(s)",
        ),
        (
            "|2020-01-01T00:00:00[America/New_York]|",
            1,
            1,
            '`|2020-01-01T00:00:00| ++ ("America/New_York" as TimeZone)`',
        ),
        (
            "do {\n  fun f(a) = a\n  ---\n  f(1, 2)\n}",
            4,
            3,
            "takes 1 argument(s), got 2",
        ),
        ("context.x contains /a(/", 1, 20, "invalid regular expression"),
        ("'a' ++ /abc", 1, 8, "unterminated regular expression"),
        (
            "import * from dw::core::Nope\n---\n1",
            1,
            1,
            "unknown module `dw::core::Nope`",
        ),
        ("var a = 1\n a", 2, 2, "expected `---`"),
        ("if (context.a) then 1", 1, 22, "`else` is required"),
        ("context.a and 'x'", 1, 11, "DataWeave groups this as a type error"),
        ("do { var a = 1 --- a", 1, 21, "expected `}` to close the `do` block"),
        ("context.a update { case 1 -> 2 }", 1, 25, "expected a field path"),
        (
            "context.a update { case .a[*] -> 2 }",
            1,
            28,
            "`[*]` is not an `update` path",
        ),
        ("ns x http://a\n---\n1", 1, 1, "namespaces (`ns`) are XML-only"),
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
    ("source", "line", "column", "fragment"),
    [
        ("if (context.a) then 1 else 2", 1, 16, "`then` is not DataWeave"),
        ("if context.a == 1 then 1 else 2", 1, 19, "`then` is not DataWeave"),
        ("context.a default: 1", 1, 18, "`default:` is not DataWeave"),
        ("do {\n  var a = 1\n  a\n}", 3, 3, "needs `---`"),
        ("not context.a or context.b", 1, 1, "DataWeave reads `not a or b`"),
        (
            "context.a contains 'x' and context.b contains 'y'",
            1,
            24,
            "DataWeave would group `and` here",
        ),
    ],
)
def test_journeyforge_spellings_compile_with_a_located_warning(
    source: str, line: int, column: int, fragment: str
) -> None:
    compiled = compile_expression(source, bindings=CONTEXT)
    assert [w for w in compiled.warnings if fragment in w.message], compiled.warnings
    warning = next(w for w in compiled.warnings if fragment in w.message)
    assert (warning.line, warning.column) == (line, column)


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
