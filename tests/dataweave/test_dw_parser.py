"""Parser: precedence, JourneyForge spellings, positions."""

from __future__ import annotations

import pytest

from generator.dataweave import ast, parse


def shape(node: ast.Node) -> str:
    """A compact s-expression of a parse tree, for precedence assertions."""
    match node:
        case ast.Literal():
            return repr(node.value)
        case ast.Name():
            return node.name
        case ast.Select():
            return f"{shape(node.target)}.{node.key}"
        case ast.Index():
            return f"{shape(node.target)}[{shape(node.index)}]"
        case ast.Binary():
            return f"({node.op} {shape(node.left)} {shape(node.right)})"
        case ast.Unary():
            return f"({node.op} {shape(node.operand)})"
        case ast.Coerce():
            return f"(as {shape(node.value)} {node.type_name})"
        case ast.If():
            return f"(if {shape(node.cond)} {shape(node.then)} {shape(node.otherwise)})"
        case ast.Lambda():
            return f"(fn {','.join(node.names)} {shape(node.body)})"
        case ast.Dollar():
            return "$" * node.depth
        case ast.Is():
            return f"(is {shape(node.value)} {node.type.name})"
        case ast.Match():
            return f"(match {shape(node.value)} {len(node.cases)})"
        case ast.Call():
            return f"{node.name}({', '.join(shape(a) for a in node.args)})"
        case ast.Object():
            return (
                "{" + ", ".join(f"{f.key}: {shape(f.value)}" for f in node.fields) + "}"
            )
        case ast.Array():
            return "[" + ", ".join(shape(i) for i in node.items) + "]"
        case ast.Do():
            decls = " ".join(f"{d.name}={shape(d.value)}" for d in node.decls)
            return f"(do {decls} {shape(node.body)})"
    return type(node).__name__


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # DataWeave's grouping, as MuleSoft's engine reads each of these.
        ("a ++ b default c == d", "(default (++ a b) (== c d))"),
        ("x default 0 + 1", "(default x (+ 0 1))"),
        ("a.b default 'x' == 'y'", "(default a.b (== 'x' 'y'))"),
        ("x default 5 ++ 'a'", "(++ (default x 5) 'a')"),
        ("'a' ++ 1 + 2", "(++ 'a' (+ 1 2))"),
        ("'a' ++ 'b' == 'ab'", "(++ 'a' (== 'b' 'ab'))"),
        ("a == b and c != d or e", "(or (and (== a b) (!= c d)) e)"),
        ("not a or b", "(or (not a) b)"),  # deliberate difference, with a warning
        ("not 1 == 2", "(not (== 1 2))"),
        ("not true ++ 'x'", "(++ (not True) 'x')"),
        ("t and not f or t", "(or (and t (not f)) t)"),  # ditto
        ("not (a or b)", "(not (or a b))"),
        ("not not a", "(not (not a))"),
        ("!t or t", "(or (not t) t)"),
        ("p filter $.price > 5", "(filter p (> $.price 5))"),
        ("p filter $.a == true", "(filter p (== $.a True))"),
        ("[1] map $ + 1 ++ [5]", "(++ (map [1] (+ $ 1)) [5])"),
        ("xs map $ default 0", "(default (map xs $) 0)"),
        ("1 + 1 to 3", "(to (+ 1 1) 3)"),
        ("-x as String", "(- (as x String))"),
        ("-1 as String", "(as -1 String)"),
        ("x - 1", "(- x 1)"),
        ("1 + 1 is Number", "(is (+ 1 1) Number)"),
        ("x default 3 match { case 1 -> 2 }", "(match (default x 3) 1)"),
        ("(x) -> x + 1 ++ 'a'", "(fn x (++ (+ x 1) 'a'))"),
        ("a * 24 as String", "(* a (as 24 String))"),
        ("a < b == true", "(== (< a b) True)"),
        (
            "x contains 'a' and y contains 'b'",
            "(contains (contains x (and 'a' y)) 'b')",
        ),
        ("xs map (s) -> s ++ {a: 1}", "(map xs (fn s (++ s {a: 1})))"),
        (
            "xs filter ((s) -> s.ok) map (s) -> s.id",
            "(map (filter xs (fn s s.ok)) (fn s s.id))",
        ),
        ("-a.b * 2", "(* (- a.b) 2)"),
        ("a['k'][0].c", "a['k'][0].c"),
        (
            "(xs orderBy ((a, b) -> a <=> b))[0].id",
            "(orderBy xs (fn a,b (<=> a b)))[0].id",
        ),
        ("now().hour >= 9", "(>= now().hour 9)"),
    ],
)
def test_precedence(source: str, expected: str) -> None:
    assert shape(parse(source)) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("if (a) 1 else 2", "(if a 1 2)"),
        ("if (a default 0) > 0 then a else 168", "(if (> (default a 0) 0) a 168)"),
        ("if (a) then 1 else 2", "(if a 1 2)"),
        ("if a == 1 then 'x' else 'y'", "(if (== a 1) 'x' 'y')"),
        ("if (a) -1 else 2", "(if a -1 2)"),
        ("unless (a) 1 else 2", "(if a 2 1)"),
        ("if (a) [1] else []", "(if a [1] [])"),
        ("if (a) 1 else if (b) 2 else 3", "(if a 1 (if b 2 3))"),
        ("a ++ if (c) x else y ++ z", "(++ a (if c x (++ y z)))"),
    ],
)
def test_if_forms(source: str, expected: str) -> None:
    assert shape(parse(source)) == expected


def test_do_block_with_and_without_separator() -> None:
    with_sep = parse("do { var a = 1 var b = a + 1 --- b }")
    without = parse("do {\n  var a = 1\n  var b = a + 1\n  b\n}")
    assert shape(with_sep) == shape(without) == "(do a=1 b=(+ a 1) b)"


def test_default_colon_spelling_and_keyword_keys() -> None:
    node = parse(
        "{ status: a.s default: 500, type: 'x', default: 1, 'Content-Type': 2 }"
    )
    assert (
        shape(node)
        == "{status: (default a.s 500), type: 'x', default: 1, Content-Type: 2}"
    )


def test_comments_and_strings() -> None:
    node = parse("// lead\n'it\\'s' ++ \"q\\\"\\n\\u0041\" /* mid */ ++ a")
    assert shape(node) == "(++ (++ \"it's\" 'q\"\\nA') a)"


def test_positions_are_one_based_and_multiline() -> None:
    node = parse("{\n  a: context.b\n}")
    assert isinstance(node, ast.Object)
    field = node.fields[0]
    assert (field.line, field.column) == (2, 3)
    assert isinstance(field.value, ast.Select)
    assert (field.value.target.line, field.value.target.column) == (2, 6)


def test_dynamic_key_and_dollar() -> None:
    assert shape(parse("{ (k): v }").fields[0].value) == "v"  # type: ignore[attr-defined]
    node = parse("xs map $.id")
    assert isinstance(node, ast.Binary) and isinstance(node.right, ast.Select)
