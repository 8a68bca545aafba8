"""Differential property test: random well-typed DataWeave expressions and random JSON inputs,
compiled by journeygen and run by MuleSoft's engine, compared value for value.

Expressions come from a small typed grammar (numbers, strings, booleans, arrays, objects) over
the language's operators and constructs: arithmetic, comparison, `and`/`or`/`not`, `++`,
`default`, `if`/`else`, selectors (`.k`, `[i]`, `[a to b]`, `?`, `[?( )]`, `..`), ranges,
`map`/`filter`/`reduce`, `do` with `var`/`fun`, lambdas, `match`/`case`, `update`, `as`, `is`
and string interpolation. Subexpressions are parenthesized at random, so both engines must
agree on precedence too. Both failing counts as agreement.

Deliberate differences are kept out of the grammar (and listed in the README): `not` is
always written `(not x)` (journeygen reads `not a or b` as `(not a) or b`), and null never
reaches a boolean position (journeygen counts it as false). An expression journeygen compiles
with its "DataWeave would group ..." warning must be one the engine rejects.

Fixed seed and a bounded number of examples by default; JOURNEYGEN_PROPERTY_EXAMPLES=N runs
more, JOURNEYGEN_PROPERTY_RANDOM=1 draws a new seed each run.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from types import ModuleType
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.dataweave import DataWeaveError, compile_expression
from tests.dataweave.oracle import Oracle
from tests.dataweave.test_dw_language import FAILED, ours, theirs

Gen = Callable[[int], st.SearchStrategy[str]]
EXAMPLES = int(os.environ.get("JOURNEYGEN_PROPERTY_EXAMPLES", "150"))


def _wrap(text: str) -> st.SearchStrategy[str]:
    return st.sampled_from([text, f"({text})"])


def _binary(op: str, left: Gen, right: Gen, depth: int) -> st.SearchStrategy[str]:
    return st.tuples(left(depth - 1), right(depth - 1)).flatmap(
        lambda pair: _wrap(f"{pair[0]} {op} {pair[1]}")
    )


def num(depth: int) -> st.SearchStrategy[str]:
    """A Number expression."""
    leaves = st.one_of(
        st.integers(-5, 20).map(str),
        st.sampled_from(["1.5", "0.25", "2.50", "0.1", "10.0"]),
        st.sampled_from(
            ["payload.n", "payload.m", "payload.obj.k", "(payload.missing default 4)"]
        ),
    )
    if depth <= 0:
        return leaves
    d = depth
    return st.one_of(
        leaves,
        *(_binary(op, num, num, d) for op in ("+", "-", "*")),
        num(d - 1).map(lambda a: f"({a}) / 4"),
        st.tuples(boolean(d - 1), num(d - 1), num(d - 1)).map(
            lambda t: f"(if ({t[0]}) {t[1]} else {t[2]})"
        ),
        arr(d - 1).map(lambda a: f"sizeOf({a})"),
        arr(d - 1).map(lambda a: f"({a}) reduce (item, acc = 0) -> acc + item"),
        st.tuples(num(d - 1), num(d - 1)).map(
            lambda t: f"do {{ var v = {t[0]} --- v * 2 + {t[1]} }}"
        ),
        num(d - 1).map(lambda a: f"do {{ fun twice(x) = x * 2 --- twice({a}) }}"),
        st.tuples(num(d - 1), st.integers(0, 9), num(d - 1)).map(
            lambda t: f"(({t[0]}) match {{ case v if v > {t[1]} -> v - 1 "
            f"case 3 -> 33 else -> {t[2]} }})"
        ),
        st.tuples(st.sampled_from(["payload.n", "payload.missing"]), num(d - 1)).map(
            lambda t: f"{t[0]} default {t[1]}"
        ),
        text(d - 1).map(lambda s: f"sizeOf({s})"),
        st.integers(0, 3).map(lambda i: f"(payload.nums[{i}] default 0)"),
    )


def text(depth: int) -> st.SearchStrategy[str]:
    """A String expression."""
    leaves = st.one_of(
        st.sampled_from(["'abc'", '"x y"', "''", "payload.s", "payload.obj.t"]),
        st.sampled_from(["(payload.missing default 'd')"]),
    )
    if depth <= 0:
        return leaves
    d = depth
    return st.one_of(
        leaves,
        _binary("++", text, text, d),
        num(d - 1).map(lambda a: f"(({a}) as String)"),
        num(d - 1).map(lambda a: f'"n=$({a})!"'),
        st.tuples(boolean(d - 1), text(d - 1), text(d - 1)).map(
            lambda t: f"(if ({t[0]}) {t[1]} else {t[2]})"
        ),
        text(d - 1).map(
            lambda s: f"(({s}) match {{ case 'abc' -> 'ABC' else -> 'o' }})"
        ),
        st.tuples(text(d - 1), st.integers(0, 2), st.integers(0, 2)).map(
            lambda t: f"(('hello' ++ {t[0]})[{t[1]} to {t[1] + t[2]}])"
        ),
    )


def boolean(depth: int) -> st.SearchStrategy[str]:
    """A Boolean expression (never null)."""
    leaves = st.sampled_from(["true", "false", "payload.b", "payload.obj.f"])
    if depth <= 0:
        return leaves
    d = depth
    return st.one_of(
        leaves,
        *(_binary(op, num, num, d) for op in ("<", "<=", ">", ">=", "==", "!=")),
        _binary("==", text, text, d),
        *(_binary(op, boolean, boolean, d) for op in ("and", "or")),
        boolean(d - 1).map(lambda b: f"(not {b})"),
        num(d - 1).map(lambda a: f"({a}) is Number"),
        st.sampled_from(["payload.obj.k?", "payload.missing?", "payload.n?"]),
        st.tuples(arr(d - 1), num(d - 1)).map(lambda t: f"({t[0]}) contains ({t[1]})"),
        st.tuples(text(d - 1), text(d - 1)).map(
            lambda t: f"({t[0]}) startsWith ({t[1]})"
        ),
    )


def arr(depth: int) -> st.SearchStrategy[str]:
    """An Array<Number> expression."""
    leaves = st.sampled_from(["[1, 2, 3]", "[]", "payload.nums", "[0.5, -1]"])
    if depth <= 0:
        return leaves
    d = depth
    return st.one_of(
        leaves,
        st.lists(num(d - 1), max_size=3).map(lambda items: f"[{', '.join(items)}]"),
        st.tuples(arr(d - 1), num(d - 1)).map(lambda t: f"{t[0]} map $ + {t[1]}"),
        st.tuples(arr(d - 1), num(d - 1)).map(
            lambda t: f"{t[0]} map (x, i) -> x * {t[1]} + i"
        ),
        st.tuples(arr(d - 1), num(d - 1)).map(lambda t: f"{t[0]} filter $ > {t[1]}"),
        _binary("++", arr, arr, d),
        st.tuples(st.integers(-3, 3), st.integers(-3, 3)).map(
            lambda t: f"({t[0]} to {t[1]})"
        ),
        arr(d - 1).map(lambda a: f"(({a}) orderBy -$)"),
        arr(d - 1).map(lambda a: f"(({a})[?($ >= 1)] default [])"),
        st.just("payload.items.v"),
        st.just("payload..v"),
    )


def obj(depth: int) -> st.SearchStrategy[str]:
    """An Object expression."""
    leaves = st.sampled_from(["payload.obj", "{}", "{a: 1}"])
    if depth <= 0:
        return leaves
    d = depth
    return st.one_of(
        leaves,
        st.tuples(num(d - 1), text(d - 1), arr(d - 1)).map(
            lambda t: f"{{a: {t[0]}, b: {t[1]}, c: {t[2]}}}"
        ),
        st.tuples(obj(d - 1), num(d - 1)).map(lambda t: f"{t[0]} ++ {{z: {t[1]}}}"),
        st.tuples(obj(d - 1), num(d - 1)).map(
            lambda t: f"(({t[0]}) update {{ case .a! -> {t[1]} }})"
        ),
        st.tuples(obj(d - 1), boolean(d - 1)).map(
            lambda t: f"{{ ({t[0]}), (q: 1) if ({t[1]}) }}"
        ),
        obj(d - 1).map(lambda o: f"(({o}) - 'a')"),
    )


EXPRESSIONS = st.one_of(num(3), text(3), boolean(3), arr(3), obj(2))
NUMBERS = st.one_of(st.integers(-10, 10), st.sampled_from([0.5, 2.25, -1.75]))
PAYLOADS = st.fixed_dictionaries(
    {
        "n": NUMBERS,
        "m": NUMBERS,
        "s": st.sampled_from(["", "abc", "Hello", "x y"]),
        "b": st.booleans(),
        "nums": st.lists(NUMBERS, max_size=4),
        "obj": st.fixed_dictionaries(
            {"k": NUMBERS, "t": st.sampled_from(["t", "abc"]), "f": st.booleans()}
        ),
        "items": st.lists(st.fixed_dictionaries({"v": NUMBERS}), max_size=3),
    }
)


@settings(
    max_examples=EXAMPLES,
    derandomize=os.environ.get("JOURNEYGEN_PROPERTY_RANDOM") != "1",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(expr=EXPRESSIONS, payload=PAYLOADS)
def test_journeygen_agrees_with_dataweave(
    expr: str, payload: dict[str, Any], dw: ModuleType, oracle: Oracle
) -> None:
    expected = theirs(oracle, expr, payload)
    got = ours(expr, payload, dw)
    if got != expected and _regrouped(expr):
        assert expected == FAILED, "a regrouped expression DataWeave accepts"
        return
    assert got == expected, expr


def _regrouped(expr: str) -> bool:
    """Whether journeygen compiled expr with JourneyForge's grouping (and said so)."""
    try:
        compiled = compile_expression(expr, bindings=frozenset({"payload"}))
    except DataWeaveError:
        return False
    return any("DataWeave would group" in w.message for w in compiled.warnings)
