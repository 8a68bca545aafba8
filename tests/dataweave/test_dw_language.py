"""The per-construct table: every operator and language construct journeygen compiles, each
case run by journeygen and by MuleSoft's engine (the oracle) and compared value for value.

A case whose `differs` is set is a deliberate difference (listed in the README): journeygen's
answer is then `ours`, and the test also checks that the engine still answers otherwise.
Both failing counts as agreement (DataWeave rejects the expression, and so does journeygen).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from types import ModuleType
from typing import Any

import pytest

from generator.dataweave import DataWeaveError, compile_expression
from tests.dataweave.dw_format_cases import FORMAT_EXPRS, ZONE_EXPRS
from tests.dataweave.dw_support import assert_safe_code, evaluate
from tests.dataweave.oracle import Oracle

FAILED = "<fails>"
P: dict[str, Any] = {
    "items": [
        {"id": 1, "price": 3, "tags": ["a", "b"], "ok": True},
        {"id": 2, "price": 7.5, "tags": [], "ok": False},
        {"id": 3, "price": 12, "tags": ["c"], "ok": True},
    ],
    "n": None,
    "x": 1,
    "s": "Hello World",
    "nested": {"a": {"b": {"a": 2, "c": [1, {"a": 3}]}}},
    "flag": True,
}


@dataclass(frozen=True)
class Case:
    """One expression checked against the oracle (payload P unless given)."""

    construct: str
    expr: str
    payload: Any = field(default_factory=lambda: P)
    differs: str = ""
    ours: Any = None


def _cases(construct: str, *exprs: str) -> list[Case]:
    return [Case(construct, e) for e in exprs]


CASES: list[Case] = [
    # -- precedence (the silent wrong answers first) ---------------------------------
    *_cases(
        "precedence",
        "not 1 == 2",
        "payload.items filter $.price > 5",
        "payload.items filter $.ok == true",
        "payload.n default 0 == 0",
        "payload.x default 0 == 0",
        "payload.x default 5 ++ 'a'",
        "payload.n default 2 * 3",
        "2 * payload.n default 3",
        "1 + 2 default 3",
        "payload.x default false or true",
        "'a' ++ 'b' == 'ab'",
        "1 + 1 ++ 'x'",
        "[1] map $ + 1 == [2]",
        "[1, 2] map $ ++ [3]",
        "[1] ++ [2] map $ + 1",
        "[1, 2] map $ + 1 filter $ > 2",
        "[1, 2, null] map $ default 0",
        "true or false and false",
        "true or false ++ 'x'",
        "not true ++ 'x'",
        "not false == false",
        "not not true",
        "!true or true",
        "!false and false",
        "1 < 2 == true",
        "true == 1 < 2",
        "1 == 1 == true",
        "1 < 2 < 3",
        "1 + 1 is Number",
        "1 is Number == true",
        "-payload.x as String",
        "-1 as String",
        "payload.x -1",
        "10 / 2 / 5",
        "2 + 3 * 4 - 1",
        "(2 + 3) * 4",
        "1 to 1 + 2",
        "1 + 1 to 3",
        "1 to 3 ++ [4]",
        "1 to 3 map $ * 2",
        "payload.n default 1 to 3",
        "if (true) 1 else 2 ++ 'x'",
        "if (false) 1 else 2 ++ 'x'",
        "[1] map (x) -> x + 1 ++ 'a'",
        "[[1]] map (x) -> x map (y) -> y + 1",
        "payload.x default 3 match { case 1 -> 'one' else -> 'other' }",
        "1 + 1 match { case 2 -> 'two' else -> 'x' }",
        "payload.x match { case 1 -> 'one' else -> 'other' } ++ '!'",
        "{a: 1} update { case .a -> 2 } ++ {b: 3}",
    ),
    # -- literals and constructors ---------------------------------------------------------
    *_cases(
        "literals",
        "[1, 'x', null, true, 2.50, -3, 1e3]",
        "{a: 1, 'b c': [true], (payload.s): 2}",
        "{(a: 1) if true, (b: 2) if false}",
        "{ (payload.items[0]) }",
        "{ ([{a: 1}, {b: 2}]) }",
        "{ (if (true) {c: 3} else {}) , d: 4}",
        "{a: 1, a: 2}.a",
        "{a: 1, a: 2}.*a",
        "0.1 + 0.2",
    ),
    *_cases(
        "strings",
        "'a $(payload.x + 1) b'",
        '"$(payload.x)x"',
        '"a \\$(1) b"',
        "'it\\'s' ++ \"q\\\"\"",
        '"a $(true) b"',
        '"a $(payload.n) b"',
        '"a $(payload.items) b"',
    ),
    *_cases(
        "regex",
        "'a-b' splitBy /-/",
        "'abc' matches /a.c/",
        "'abc' replace /b/ with 'X'",
        "'a1b22' scan /[0-9]+/",
    ),
    # -- selectors -------------------------------------------------------------------------
    *_cases(
        "selectors",
        "payload.items.id",
        "payload.items[0].tags[-1]",
        "payload.items[-1].id",
        "payload.items[9].id",
        "payload.s[0]",
        "payload.s[1 to 3]",
        "payload.s[-2 to 0]",
        "[1, 2, 3, 4, 5][1 to -2]",
        "[1, 2, 3][3 to 5]",
        "payload.items[1 to 0].id",
        "payload['s']",
        'payload."s"',
        "payload.items.*id",
        "payload..a",
        "payload.nested..a",
        "payload.items..price",
        "payload.items.&price",
        "payload.x?",
        "payload.n?",
        "payload.zz?",
        "payload.items.price?",
        "payload.items.zz?",
        "payload.x.y?",
        "payload.items[?($.price > 5)].id",
        "[1, 2, 3][?($ > 5)]",
        "payload.x!",
        "payload.q!",
        "payload.n.x!",
        "payload.items.price!",
        "payload.nested.a.b.c[1].a",
    ),
    # -- flow control ----------------------------------------------------------------------
    *_cases(
        "if/unless",
        "if (payload.x == 1) 'one' else 'other'",
        "if (payload.flag) 1 else if (payload.x > 0) 2 else 3",
        "unless (false) 1 else 2",
        "unless (true) 1 else 2",
        "if (payload.x) 1 else 2",
    ),
    *_cases(
        "default",
        "payload.zz default 5",
        "payload.x default 5",
        "payload.n default payload.x + 1",
        "(payload.n as Number) default 3",
        "(payload.n + 1) default 3",
        "(payload.x as Object) default 3",
        "('a' as Number) default 3",
        "(payload.s ++ payload.n) default 9",
        "(payload.x * 'a') default 3",
        "(1 / 0) default 2",
        "([1][5] + 1) default 3",
    ),
    *_cases(
        "do/var/fun/type",
        "do { var a = 1 var b = a + 1 --- b }",
        "do { var x = 1 --- do { var x = 2 --- x } + x }",
        "do { fun f(x) = x + 1 --- f(2) }",
        "do { fun f(a, b = 2) = a + b --- f(1) }",
        "do { fun f(n) = if (n <= 1) 1 else n * f(n - 1) --- f(5) }",
        "do { fun add(a, b) = a + b --- 3 add 4 }",
        "do { var f = (x) -> x * 2 --- f(4) }",
        "do { type T = String --- 'a' as T }",
        "do { type T = String | Number --- [1 is T, 'a' is T, true is T] }",
        "do { var match = {match: 2} --- match.match + 1 }",
        "do { import * from dw::core::Arrays --- [1, 2, 3] countBy ($ > 1) }",
        "using (a = 1, b = 2) a + b",
        "((x) -> x + 1)(2)",
        "((x, y = 10) -> x + y)(1)",
    ),
    *_cases(
        "types with schema properties (metadata)",
        'do { type T = String {format: "yyyy"} --- ["a" is T, "2020" is T, 1 is T] }',
        'do { type T = String {foo: "x"} --- ["a" is T] }',
        'do { type T = String {} --- ["a" is T] }',
        'do { type T = Number {format: "#.00"} --- [1 is T, "1" is T] }',
        'do { type T = String {format: "yyyy"} type U = T --- ["a" is U] }',
        'do { type T = String {format: "yyyy"} --- ["a" is T | Number] }',
        'do { type T = String {format: "yyyy"} --- [["a"] is Array<T>] }',
        'do { type T = String {format: "yyyy"} --- "a" match { case is T -> 1 else -> 2 } }',
        'do { type T = Date {format: "yyyy"} --- [|2020-01-01| is T] }',
        'do { type T = String {format: "yyyy"} --- [("a" as T) is T, typeOf("a" as T)] }',
        'do { type T = String {format: "yyyy"} --- [|2020-01-01| as T, '
        "(|2020-01-01| as T) is T] }",
        'do { type T = String {class: "java.lang.String"} --- ["a" is T] }',
        '["a" is String {format: "yyyy"}, ("a" as String {format: "yyyy"}) is String '
        '{format: "yyyy"}]',
        'do { type T = String {format: "yyyy"} --- [("a" as String {format: "yyyy", x: 1}) '
        'is T, ("a" as String {format: "MM"}) is T, (1 as String {format: "yyyy"}) is T] }',
        'do { type T = String {format: "yyyy"} var x = "a" as T --- [x is T, x is String, '
        '(x ++ "") is T, [x][0] is T, {a: x}.a is T] }',
        'do { type T = String {format: "yyyy"} --- [("a" as T) is T {format: "MM"}, '
        '(("a" as T) as String) is T] }',
        'do { type T = String {format: "yyyy"} type U = String {format: "yyyy"} --- '
        '[("a" as T) is U] }',
        'do { type T = String {format: "yyyy"} fun f(x) = x --- [f("a" as T) is T] }',
        '"a" as String {foo: 1}',
        "1 as Number {foo: 1}",
        "|2020-01-01| as String {foo: 1}",
        '"2020-01-01" as Date {foo: 1}',
        '{} as Object {class: "x"}',
        '"a" as String {format: 1}',
        "1 as String {format: null}",
        '"a" as String {format: null}',
        "1 as Number {unit: 3}",
        '1234.567 as String {format: "#,##0.00", roundingMode: "DOWN"}',
        '1234.565 as String {format: "#,##0.00", roundingMode: "HALF_EVEN"}',
        '"1234.5" as Number {format: "#,##0.00", roundingMode: "UP"}',
        '1234.5 as String {roundingMode: "UP"}',
        '[12.5 as String {format: "yyyy"}, 1234567 as String {format: "yyyy"}, '
        '-3 as String {format: "ab"}, 0.25 as String {format: "q"}]',
        '"yyyy12" as Number {format: "yyyy"}',
    ),
    *_cases(
        "callbacks in a parenthesized call take every parameter",
        'import * from dw::core::Strings\n---\nmapString("abc", (c) -> upper(c))',
        'import * from dw::core::Strings\n---\n"abc" mapString (c) -> upper(c)',
        'import * from dw::core::Strings\n---\nmapString("abc", (c, i) -> upper(c))',
        'import * from dw::core::Strings\n---\nmapString("abc", upper($))',
        'import * from dw::core::Strings\n---\n"abc" mapString upper($)',
        "map([1, 2], (x) -> x + 1)",
        "map([1, 2], (x, i) -> x + i)",
        "map([1, 2], $ + 1)",
        "do { fun f(x) = x + 1 --- map([1, 2], f) }",
        "do { fun f(x, i) = x + i --- map([1, 2], f) }",
        "filter([1, 2], (x) -> x > 1)",
        "reduce([1, 2], (x) -> x)",
        "reduce([1, 2], (x, a = 0) -> x + a)",
        "mapObject({a: 1}, (v) -> {x: v})",
        "mapObject({a: 1}, (v, k) -> {x: v})",
        "mapObject({a: 1}, (v, k, i) -> {x: v})",
        "pluck({a: 1}, (v, k) -> v)",
        "pluck({a: 1}, (v, k, i) -> v)",
        "filterObject({a: 1}, (v) -> true)",
        "groupBy([1, 2], (x) -> x)",
        "orderBy([2, 1], (v) -> v)",
        "orderBy([2, 1], (v, i) -> v)",
        "distinctBy([2, 1], (v) -> v)",
        "flatMap([1, 2], (x) -> [x])",
        "flatMap([1, 2], (x, i) -> [x])",
        'import * from dw::core::Strings\n---\nsubstringBy("abc", (c) -> true)',
        "import * from dw::core::Arrays\n---\ncountBy([1, 2], (x) -> x > 1)",
        "import * from dw::core::Arrays\n---\nfirstWith([1, 2], (x) -> x > 1)",
        'import * from dw::core::Strings\n---\neveryCharacter("abc", (c) -> true)',
        "import * from dw::core::Objects\n---\neveryEntry({a: 1}, (v) -> true)",
        "[1, 2] map ((x) -> x + 1)",
        "[1, 2] filter ((x) -> x > 1)",
    ),
    *_cases(
        "object, function and intersection types",
        '[{a: "x", b: 1} is {a: String}, {a: "x"} is {a: String, b?: Number}, '
        '{a: "x", b: "s"} is {a: String, b?: Number}, {a: "x", b: 1} is {| a: String |}, '
        '{a: "x"} is {| a: String |}, {a: [1]} is {a: Array<String>}]',
        '[{a: "x", b: 1} is {a: String} & {b: Number}, {a: "x"} is {a: String} & '
        "{b: Number}, 1 is String & Number, {} is {}, [] is {}]",
        '[{a: 1, a: "x"} is {a: Number}, {a: 1, a: "x"} is {a*: Number}, '
        '{a: "x", a: 1} is {a: Number}]',
        'do { type P = {name: String, age?: Number} --- [{name: "a"} is P, {age: 1} is P, '
        '{name: "a", age: "x"} is P, {name: "a"} match { case is P -> "p" else -> "no" }] }',
        '[{a: "x"} as {a: String}]',
        'do { type T = {a: String} --- {a: "x"} as T }',
        "[((x) -> x) is (Number) -> Number, 1 is (Number) -> Number]",
        "[1.5 is 1.5, '1.5' is 1.5, 1.50 is 1.5]",
        "do { type T = String --- [typeOf(T), T, String] }",
    ),
    *_cases(
        "array item types are erased",
        '["a"] is Array<Number>',
        '[["a"] is Array<String>, [] is Array<Number>, [1, "a"] is Array<Number>, '
        '(1 to 3) is Array<String>, "a" is Array<String>]',
        'do { type T = Array<Number> --- ["a"] is T }',
        '["a"] match { case is Array<Number> -> 1 else -> 2 }',
    ),
    *_cases("as with a format schema", *FORMAT_EXPRS),
    *_cases("time zone ids", *ZONE_EXPRS),
    *_cases(
        "mutually recursive fun",
        "do { fun isEven(n) = if (n == 0) true else isOdd(n - 1) "
        "fun isOdd(n) = if (n == 0) false else isEven(n - 1) --- [isEven(10), isOdd(4)] }",
        "do { fun f(n) = if (n <= 0) 0 else g(n) + 1 fun g(n) = f(n - 2) --- f(9) }",
        "do { fun a(n) = b(n) + 1 fun b(n) = n * 2 var x = a(3) --- x }",
        "do { fun sizeOf(a) = 42 --- sizeOf([1]) }",
    ),
    *_cases(
        "forward references in a block",
        "do { var x = f(2) fun f(a) = a + 1 --- x }",
        "do { fun g(a) = a f 1 fun f(a, b) = a + b --- g(3) }",
        "do { fun f() = x var x = 1 --- f() }",
        "do { var y = g(1) fun g(a) = a var z = 2 --- y }",
        "do { fun f(n) = if (n > 0) n g 1 else 0 fun g(a, b) = f(a - b) --- f(3) }",
        "do { var f = (a, b) -> a + b --- 1 f 2 }",
        "do { var x = 1 fun f() = x + y var y = 2 --- f() }",
        "do { fun f() = y var x = f() var y = 2 --- x }",
        "do { var a = b var b = 1 --- a }",
        "do { fun f() = g() var x = 1 fun g() = x + 1 --- f() }",
        "do { fun f() = x var x = f() --- x }",
        "do { var x = 1 fun f() = x var y = f() fun g() = y + h() fun h() = 10 --- g() }",
        "do { var u = 1 fun f(a) = a g u fun g(a, b) = a + b --- f(2) }",
        "do { var x = 1 fun f() = 1 var x = 2 --- x }",
        "fun f(n) = if (n <= 1) 1 else n * g(n - 1)\nvar k = 2\nfun g(n) = f(n) * k"
        "\n---\nf(4)",
        "fun f(x = 1, y = 2) = if (x > 10) x + y else f(x * 2, y)\n---\nf(5)",
        "do { fun f(xs) = xs map (x) -> x plus k var k = 10 fun plus(a, b) = a + b "
        "--- f([1, 2]) }",
        "do { var f = () -> later var later = 5 --- f() }",
        "do { fun f(x) = x is T2 var z = 1 type T2 = Number --- f(1) }",
    ),
    *_cases(
        "then",
        "5 then $ + 1",
        "[3, 1, 2] orderBy $ then $[0]",
        "payload.items map $.price then sum($)",
        "payload.n then $ + 1",
        "then([1, 2], (a) -> sizeOf(a))",
    ),
    Case(
        "header",
        "import * from dw::core::Arrays\n---\n[1, 2, 3] sumBy $",
    ),
    *_cases(
        "lambdas",
        "[1, 2] reduce (item, acc = 10) -> acc + item",
        "[1, 2] reduce $$ + $",
        "payload.items reduce (item, acc = 0.0) -> acc + item.price",
        "payload.items map $$",
        "payload.items map (item, index) -> item.id * index",
        "{a: 1, b: 2} mapObject {($$): $ + 1}",
        "{a: 1, b: 2} mapObject (v, k, i) -> {(k ++ i): v}",
        "payload.items filter (item) -> item.ok",
        "[3, 1, 2] orderBy $",
        "[[1, 2], [3]] flatMap $",
    ),
    # -- pattern matching ------------------------------------------------------------------
    *_cases(
        "match",
        "payload.x match { case 1 -> 'one' case 2 -> 'two' }",
        "payload.x match { case 3 -> 'one' case 2 -> 'two' }",
        "'abc' match { case 'abc' -> 1 case 'd' -> 2 else -> 3 }",
        "payload.x match { case x if x > 0 -> 'big' else -> 'small' }",
        "payload.x match { case x if (x > 5) -> 'big' else -> 'small' }",
        "'x' match { case is String -> 'str' else -> 'other' }",
        "'x' match { case s is String -> s ++ '!' else -> 'other' }",
        "payload.n match { case is Null -> 'null' else -> 1 }",
        "[1, 2] match { case is Array<Number> -> 'arr' else -> 1 }",
        "[1, 2, 3] match { case [h ~ t] -> {h: h, t: t} else -> 0 }",
        "[] match { case [h ~ t] -> h else -> 'empty' }",
        "{a: 1, b: 2} match { case {k: v ~ rest} -> {k: k, v: v, r: rest} else -> 0 }",
        "{} match { case {k: v ~ rest} -> k else -> 'no' }",
        "'abc123' match { case s matches /([a-z]+)([0-9]+)/ -> s else -> 0 }",
        "'2' match { case matches /\\d/ -> $[0] else -> 'no' }",
        "payload.items map ($.price match { case p if p > 5 -> 'high' else -> 'low' })",
    ),
    # -- update ----------------------------------------------------------------------------
    *_cases(
        "update",
        "payload update { case .x -> 5 }",
        "payload update { case v at .x -> v + 5 }",
        "payload update { case .x -> $ + 1 }",
        "payload update { case p at .items[0].price if (p > 2) -> p * 10 }",
        "payload update { case .z! -> 9 }",
        "{a: 1, b: {c: 2}} update { case .b.c -> 5 }",
        "[{a: 1}, {a: 2}] update { case [1].a -> 5 }",
        "{a: [1, 2]} update { case .a[0] -> 9 }",
        "{a: [1, 2]} update { case .a[-1] -> 9 }",
        "{a: 1, a: 2} update { case .a -> 9 }",
        "{} update { case .a.b! -> 9 }",
        "{a: null} update { case .a.b -> 9 }",
        "{a: 1, b: 2} update { case .a -> 10 case .b -> 20 }",
    ),
    # -- types -----------------------------------------------------------------------------
    *_cases(
        "as/is",
        "payload.x as String",
        "'12' as Number",
        "'true' as Boolean",
        "payload.x as Boolean",
        "[payload.x is Number, payload.s is String, payload.n is Null]",
        "[payload.items is Array, payload is Object, payload.flag is Boolean]",
        "[1 is String | Number, 'a' is Array<String>, ['a'] is Array<String>]",
        "[(1 to 3) is Array, payload.x is Any, 'a' is 'a', 'a' is 'b']",
        "(payload.x as String) ++ '!'",
    ),
    # -- arithmetic and comparison ---------------------------------------------------------
    *_cases(
        "operators",
        "[1, 2, 3] - 1",
        "{a: 1, b: 2, c: 3} - 'a'",
        "[1] >> [2]",
        "1 >> [2]",
        "[1] << 2",
        "[1, 2, 3] -- [2]",
        "{a: 1, b: 2} -- {a: 3}",
        "1 ~= '1'",
        "'a' < 'b'",
        "payload.items.price[1] >= 7.5",
        "1 == 1.0",
        "true == 1",
        "3 to 1",
        "(1 to 3)[1]",
    ),
    # -- deliberate differences ------------------------------------------------------------
    Case(
        "not over and/or",
        "not false or true",
        differs="DataWeave reads `not a or b` as `not (a or b)`; journeygen compiles "
        "`(not a) or b`, with a warning asking for parentheses",
        ours=True,
    ),
    Case(
        "null in boolean position",
        "if (payload.n) 1 else 2",
        differs="null in a boolean position counts as false (DataWeave fails)",
        ours=2,
    ),
    Case(
        "then",
        "if (payload.x == 1) then 'one' else 'other'",
        differs="JourneyForge's `if (c) then a else b` compiles, with a warning "
        "(DataWeave rejects `then` there)",
        ours="one",
    ),
    Case(
        "types with schema properties (metadata)",
        'do { type T = Number {format: "#.00"} --- [(1 as T) is T, 1 as T] }',
        differs="only a String keeps the schema of the `as` that made it; a Number, Object "
        "or date made by `as T {...}` is not a `T {...}` for `is`",
        ours=[False, 1],
    ),
    Case(
        "grouping recovered",
        "payload.s contains 'H' and payload.s contains 'W'",
        differs="DataWeave groups this as a type error (`contains` looser than `and`); "
        "journeygen compiles the usual grouping, with a warning",
        ours=True,
    ),
]

PINS = {"now": datetime(2025, 1, 2, 8, 30, tzinfo=UTC), "random": 0.25}


def comparable(value: Any, dw: ModuleType) -> Any:
    """A journeygen value as the oracle's JSON decodes: Decimal numbers, plain containers."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return Decimal(value) if type(value) is int else dw._dec(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, dict):
        return {str(k): comparable(v, dw) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [comparable(v, dw) for v in value]
    return f"<{type(value).__name__}>"


def ours(source: str, payload: Any, dw: ModuleType) -> Any:
    """journeygen's answer, or FAILED (a located compile error or a typed run-time one)."""
    names = frozenset({"payload"})
    try:
        compiled = compile_expression(source, bindings=names)
        assert_safe_code(compiled.code, names, dw)
        with dw.pinned(**PINS):
            value = evaluate(compiled.code, dw, {"payload": payload})
    except (DataWeaveError, dw.DataWeaveRuntimeError):
        return FAILED
    # The value as JSON: what a journey stores and serves.
    return comparable(json.loads(json.dumps(value)), dw)


def theirs(oracle: Oracle, source: str, payload: Any) -> Any:
    """The engine's answer, or FAILED."""
    header, _, body = source.rpartition("\n---\n")
    result = oracle.run(body, header=header, payload=payload)
    if not result.ok:
        return FAILED
    return json.loads(result.text, parse_float=Decimal, parse_int=Decimal)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.construct}: {c.expr}")
def test_construct_agrees_with_dataweave(
    case: Case, dw: ModuleType, oracle: Oracle
) -> None:
    expected = theirs(oracle, case.expr, case.payload)
    got = ours(case.expr, case.payload, dw)
    if case.differs:
        assert got == comparable(case.ours, dw), case.differs
        assert got != expected, f"no longer differs from DataWeave: {case.differs}"
        return
    assert got == expected


def test_most_cases_give_values_not_failures(dw: ModuleType) -> None:
    """The table checks answers, not only shared failures."""
    failing = [c.expr for c in CASES if ours(c.expr, c.payload, dw) == FAILED]
    assert len(failing) < len(CASES) // 6, failing
