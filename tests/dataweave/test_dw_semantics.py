"""Compiled expressions evaluated against sample contexts, one construct at a time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

import pytest

from generator.dataweave import compile_expression, compile_interpolation

Run = Callable[..., Any]
CTX: dict[str, Any] = {
    "a": {"b": {"c": 1}},
    "items": [{"id": 1, "status": "OK"}, {"id": 2, "status": "KO"}, {"id": 3}],
    "name": "Ada",
    "n": 7,
    "flag": True,
    "nothing": None,
}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("context.a.b.c", 1),
        ("context.missing.b.c", None),
        ("context.name.b", None),
        ("context.nothing.x", None),
        ("context.items[0].id", 1),
        ("context.items[-1].id", 3),
        ("context.items[9].id", None),
        ("context['a'].b['c']", 1),
        ("context.items.status", ["OK", "KO"]),
        ('context.a."b".c', 1),
        ("context.name[0]", "A"),
    ],
)
def test_selectors_are_null_safe(run: Run, source: str, expected: Any) -> None:
    assert run(source, context=CTX) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("'it' ++ \"'s\"", "it's"),
        ("1", 1),
        ("2.5", 2.5),
        ("-3", -3),
        ("true", True),
        ("null", None),
        ("[1, 'x', null]", [1, "x", None]),
        ("{a: 1, 'b c': [true]}", {"a": 1, "b c": [True]}),
        ("{(context.name): 1}", {"Ada": 1}),
    ],
)
def test_literals_and_constructors(run: Run, source: str, expected: Any) -> None:
    assert run(source, context=CTX) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("context ++ {n: 8}", {**CTX, "n": 8}),
        ("{a: 1} ++ {b: 2} ++ {a: 3}", {"a": 3, "b": 2}),
        ("[1] ++ [2, 3]", [1, 2, 3]),
        ("'PT' ++ context.n ++ 'S'", "PT7S"),
        ("'x' ++ true", "xtrue"),
        ("context - 'items' - 'a' - 'name' - 'n' - 'flag'", {"nothing": None}),
        ("{a: 1, b: 2, c: 3} - ['a', 'c']", {"b": 2}),
        ("[1, 2, 1] - 1", [2]),
    ],
)
def test_concat_and_removal(run: Run, source: str, expected: Any) -> None:
    assert run(source, context=CTX) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("context.missing default 5", 5),
        ("context.n default 5", 7),
        ("context.flag default false", True),
        ("context.missing default: null", None),
        ("context.missing default context.n + 1", 8),
        ("context.missing default 'a' ++ 'b'", "ab"),
        ("(context.missing default 0) + 1", 1),
        ("context.missing default 0 == 0", True),
        ("context.n default 0 == 0", 7),  # `default (0 == 0)`, as DataWeave groups it
    ],
)
def test_default(run: Run, source: str, expected: Any) -> None:
    assert run(source, context=CTX) == expected


def test_default_is_lazy(run: Run) -> None:
    assert run("context.n default (context.missing + 1)", context=CTX) == 7


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("context.missing == null", True),
        ("context.nothing == null", True),
        ("context.n == null", False),
        ("context.n != null", True),
        ("1 == 1.0", True),
        ("1 == '1'", False),
        ("true == 1", False),
        ("[1, {a: 'x'}] == [1, {a: 'x'}]", True),
        ("1 ~= '1'", True),
        ("context.n > 3 and context.n <= 7", True),
        ("'abc' < 'abd'", True),
        ("(2 <=> 1) + (1 <=> 2) + (1 <=> 1)", 0),
        ("not context.flag", False),
        ("not context.missing", True),
        ("context.missing or context.flag", True),
        ("context.missing and context.flag", False),
    ],
)
def test_comparisons_and_logic(run: Run, source: str, expected: Any) -> None:
    assert run(source, context=CTX) == expected


def test_ordering_with_null_raises_typed_error(run: Run, dw: ModuleType) -> None:
    with pytest.raises(dw.DataWeaveRuntimeError, match="<"):
        run("context.missing < 3", context=CTX)
    with pytest.raises(dw.DataWeaveRuntimeError):
        run("context.missing + 1", context=CTX)
    with pytest.raises(dw.DataWeaveRuntimeError):
        run("context.missing ++ 'x'", context=CTX)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("if (context.flag) 'y' else 'n'", "y"),
        ("if (context.missing) 'y' else 'n'", "n"),
        ("if context.n > 5 then 'big' else 'small'", "big"),
        ("if (context.n > 9) 'a' else if (context.n > 5) 'b' else 'c'", "b"),
        (
            "do { var x = context.n * 2 var y = x + 1 --- {x: x, y: y} }",
            {"x": 14, "y": 15},
        ),
        ("do { var n = 1 --- do { var n = n + 1 --- n } }", 2),
    ],
)
def test_conditionals_and_scopes(run: Run, source: str, expected: Any) -> None:
    assert run(source, context=CTX) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("context.items map (s) -> s.id", [1, 2, 3]),
        ("context.items map (s, i) -> i", [0, 1, 2]),
        ("context.items map $.id", [1, 2, 3]),
        ("context.items map $$", [0, 1, 2]),
        ("context.items filter ((s) -> s.status == 'OK') map (s) -> s.id", [1]),
        ("context.items filter ($.status == 'KO')", [{"id": 2, "status": "KO"}]),
        ("(context.items orderBy (s) -> -s.id) map $.id", [3, 2, 1]),
        ("(context.items orderBy ((a, b) -> b.id <=> a.id))[0].id", 3),
        ("context.items any ((s) -> s.status == 'KO')", True),
        ("context.items all ((s) -> s.id > 0)", True),
        ("context.items all ((s) -> s.status == 'OK')", False),
        ("context.missing map (s) -> s", None),
        ("context.missing filter (s) -> true", None),
        ("context.missing any (s) -> true", False),
        ("context.missing all (s) -> false", True),
        ("map(context.items, (s, i) -> s.id)", [1, 2, 3]),
        ("do { var f = (x) -> x + 1 --- f(2) }", 3),
    ],
)
def test_lambdas_and_collections(run: Run, source: str, expected: Any) -> None:
    assert run(source, context=CTX) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("sizeOf(context.items)", 3),
        ("sizeOf(context.name)", 3),
        ("sizeOf(context.missing)", None),
        ("context.name contains 'd'", True),
        ("context.missing contains 'd'", False),
        ("context.items.status contains 'OK'", True),
        ("context.n as String", "7"),
        ("2.5 as String", "2.5"),
        ("'12' as Number", 12),
        ("(context.n * 24 as String)", 168),
        ("10 / 4", 2.5),
        ("10 / 5", 2),
        ("upper(context.name)", "ADA"),
    ],
)
def test_functions_and_coercions(run: Run, source: str, expected: Any) -> None:
    assert run(source, context=CTX) == expected


def test_time_functions(run: Run, dw: ModuleType) -> None:
    with dw.pinned(now=datetime(2025, 1, 2, 8, 30, tzinfo=UTC)):
        assert run("now()", context={}) == "2025-01-02T08:30:00Z"
        assert run("now().hour", context={}) == 8
        assert run("'PT' ++ ((9 - now().hour) as String) ++ 'H'", context={}) == "PT1H"
    ctx = {"a": "2025-01-02T08:00:00Z", "b": "2025-01-02T08:05:30Z"}
    assert run("durationBetween(context.a, context.b).seconds", context=ctx) == 330
    assert run("durationBetween(context.a, context.b)", context=ctx) == "PT5M30S"
    assert (
        run("(context.a as DateTime) ++ '|PT5M'", context=ctx)
        == "2025-01-02T08:00:00Z|PT5M"
    )
    assert (
        run("(context.a as DateTime) + |PT1H| > (context.b as DateTime)", context=ctx)
        is True
    )
    assert run("days(2).days", context={}) == 2
    assert run("context.a < context.b", context=ctx) is True


def test_implicit_root_reads_unbound_names_from_context(dw: ModuleType) -> None:
    compiled = compile_expression(
        "reportStart.body.jobId",
        bindings=frozenset({"context"}),
        implicit_root="context",
    )
    assert compiled.code == "_dw.path(_dw.sel(context, 'reportStart'), 'body', 'jobId')"
    assert compiled.implicit_fields == frozenset({"reportStart"})
    assert compiled.bindings == frozenset({"context"})


def test_predicate_mode_returns_bool(dw: ModuleType) -> None:
    compiled = compile_expression(
        "context.flag", bindings=frozenset({"context"}), predicate=True
    )
    assert compiled.code == "_dw.truth(_dw.sel(context, 'flag'))"


def test_interpolation_builds_text(dw: ModuleType) -> None:
    from tests.dataweave.dw_support import evaluate

    names = frozenset({"context", "platform"})
    compiled = compile_interpolation(
        "${platform.config.base}/items/${context.id}?q=${context.obj}", bindings=names
    )
    assert compiled.bindings == names
    bindings = {
        "context": {"id": 7, "obj": {"k": [1]}},
        "platform": {"config": {"base": "h"}},
    }
    assert evaluate(compiled.code, dw, bindings) == 'h/items/7?q={"k":[1]}'
    plain = compile_interpolation("no placeholders", bindings=names)
    assert plain.code == "'no placeholders'"
    with pytest.raises(dw.InterpolationError, match=r"\$\{context.id\}"):
        evaluate(
            compiled.code, dw, {"context": {}, "platform": {"config": {"base": "h"}}}
        )


def test_output_is_deterministic() -> None:
    source = "context ++ {b: context.x default 1, a: [1, 2] map (x) -> x}"
    codes = {
        compile_expression(source, bindings=frozenset({"context"})).code
        for _ in range(5)
    }
    assert len(codes) == 1
