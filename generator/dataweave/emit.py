"""One emitter per AST node type: the Python expression code each DataWeave construct becomes."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Final

from generator.dataweave import ast
from generator.dataweave.declarations import do
from generator.dataweave.emit_types import coerce, is_, type_spec, type_value
from generator.dataweave.errors import DataWeaveError
from generator.dataweave.typing import TYPE_NAMES
from generator.dataweave.walk import local

if TYPE_CHECKING:
    from generator.dataweave.compiler import Compiler

R: Final = "_dw"
_HELPERS: Final = MappingProxyType(
    {
    "==": "eq", "!=": "ne", "~=": "similar", "<": "lt", "<=": "le", ">": "gt", ">=": "ge",
    "<=>": "cmp", "+": "add", "-": "sub", "*": "mul", "/": "div",
    }
)  # fmt: skip
_LANGUAGE_OPS: Final = MappingProxyType(
    {"++": "concat", "--": "remove", "to": "range_", ">>": "prepend", "<<": "append"}
)
_TEMPORAL_TEXT: Final = re.compile(
    r"-?P[0-9YMWDTHS.,+-]+"
    r"|[0-9]{4}-[0-9]{2}-[0-9]{2}(?:T[0-9:.]+)?(?:Z|[+-][0-9]{2}:[0-9]{2})?"
    r"|[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:[0-9]{2})?"
    r"|[+-][0-9]{2}:[0-9]{2}|Z"
)
_SELECT_HELPERS: Final = MappingProxyType(
    {"multi": "sel_multi", "descendants": "sel_desc", "keyvalue": "sel_kv"}
)


def _fail(message: str, node: ast.Node) -> DataWeaveError:
    return DataWeaveError(message, node.line, node.column)


# -- literals ------------------------------------------------------------------------------------


def literal(c: Compiler, node: ast.Literal) -> str:
    """Strings, integers, booleans and null as Python literals."""
    return repr(node.value)


def number(c: Compiler, node: ast.Number) -> str:
    """A decimal literal: an int or float literal when that is exact, else an exact Num."""
    return number_code(node.text)


def number_code(text: str) -> str:
    """Code for the number text means (`1.50` is `1.5`, `1e3` is `1000`)."""
    exact = Decimal(text)
    if exact == exact.to_integral_value() and abs(exact) < 10**30:
        return repr(int(exact))
    near = float(exact)
    if math.isfinite(near) and Decimal(repr(near)) == exact:
        return repr(near)
    return f"{R}.num({text!r})"


def template(c: Compiler, node: ast.Template) -> str:
    """`"a $(x) b"`: text parts and each interpolated value as text (DataWeave's `++`)."""
    parts = [
        repr(part) if isinstance(part, str) else f"{R}.interp({c.compile(part)})"
        for part in node.parts
    ]
    return f"''.join(({', '.join(parts)},))"


def regex(c: Compiler, node: ast.Regex) -> str:
    """A `/.../` literal: a compiled pattern value (checked here, at generation)."""
    try:
        re.compile(re.sub(r"\(\?<([A-Za-z])", r"(?P<\1", node.pattern))
    except re.error as exc:
        raise _fail(
            f"invalid regular expression /{node.pattern}/: {exc}", node
        ) from None
    return f"{R}.regex({node.pattern!r})"


def temporal(c: Compiler, node: ast.Temporal) -> str:
    """A `|...|` literal, validated at generation."""
    zoned = re.fullmatch(
        r"([0-9T:.\-]+?)(?:Z|[+-][0-9:]+)?\s*\[?([A-Za-z][\w/+\-]*)\]?", node.text
    )
    if zoned and "T" in zoned.group(1) and not _TEMPORAL_TEXT.fullmatch(node.text):
        local_text, zone = zoned.groups()
        raise _fail(
            f"a zone id is not part of a DataWeave date literal: write "
            f'`|{local_text}| ++ ("{zone}" as TimeZone)` (that local time in {zone}) or '
            f'`|{local_text}Z| >> "{zone}"` (that UTC instant seen in {zone})',
            node,
        )
    if not _TEMPORAL_TEXT.fullmatch(node.text):
        raise _fail(
            f"invalid date/time literal |{node.text}|; expected ISO-8601 such as "
            "|2024-01-31|, |2024-01-31T10:00:00Z|, |10:00:00|, |-05:00| or |PT5M|",
            node,
        )
    return f"{R}.temporal({node.text!r})"


def name(c: Compiler, node: ast.Name) -> str:
    """A name reference (a type name is a type value, as `arrayItem(A)` reads it)."""
    found = c.lookup(node.name)
    if found is not None and found.kind == "type" and found.type is not None:
        return type_value(c, ast.TypeRef(node.line, node.column, "name", node.name))
    if found is None and node.name in TYPE_NAMES and node.name not in c.bindings:
        return type_value(c, ast.TypeRef(node.line, node.column, "name", node.name))
    return c.name(node)


def dollar(c: Compiler, node: ast.Dollar) -> str:
    """`$`, `$$`, `$$$`."""
    return c.dollar(node)


# -- selectors -----------------------------------------------------------------------------------


def select(c: Compiler, node: ast.Select | ast.Index) -> str:
    """`.key` chains collapse into one `path` call; other selectors call their helper."""
    if isinstance(node, ast.Select) and node.mode != "single":
        helper = _SELECT_HELPERS[node.mode]
        return f"{R}.{helper}({c.compile(node.target)}, {node.key!r})"
    keys: list[str] = []
    base: ast.Node = node
    while isinstance(base, ast.Select | ast.Index):
        if isinstance(base, ast.Select) and base.mode == "single":
            assert base.key is not None
            keys.append(base.key)
        elif (
            isinstance(base, ast.Index)
            and isinstance(base.index, ast.Literal)
            and isinstance(base.index.value, str)
        ):
            keys.append(base.index.value)
        else:
            break
        base = base.target
    if not keys:
        assert isinstance(node, ast.Index)
        return _index(c, node)
    keys.reverse()
    helper = "sel" if len(keys) == 1 else "path"
    args = ", ".join(repr(key) for key in keys)
    return f"{R}.{helper}({c.compile(base)}, {args})"


def _index(c: Compiler, node: ast.Index) -> str:
    index = node.index
    if isinstance(index, ast.Binary) and index.op == "to":
        low, high = c.compile(index.left), c.compile(index.right)
        return f"{R}.slice_range({c.compile(node.target)}, {low}, {high})"
    return f"{R}.idx({c.compile(node.target)}, {c.compile(index)})"


def filter_select(c: Compiler, node: ast.FilterSelect) -> str:
    """`xs[?(cond)]`: the items for which cond holds, `$` being each item."""
    return f"{R}.sel_filter({c.compile(node.target)}, {c.dollar_lambda(node.condition, 2)})"


def exists(c: Compiler, node: ast.Exists) -> str:
    """`x.key?`: whether the key is there (even with a null value)."""
    target = node.target
    if isinstance(target, ast.Select) and target.mode == "single":
        return f"{R}.exists_key({c.compile(target.target)}, {target.key!r})"
    return f"{R}.exists({c.compile(target)})"


def assert_present(c: Compiler, node: ast.Assert) -> str:
    """`x.key!`: the value of a key that must be there."""
    target = node.target
    if isinstance(target, ast.Select) and target.mode == "single":
        return f"{R}.sel_strict({c.compile(target.target)}, {target.key!r})"
    return f"{R}.assert_present({c.compile(target)})"


# -- calls and operators -------------------------------------------------------------------------


def call(c: Compiler, node: ast.Call) -> str:
    """`f(args)`."""
    return c.call(node)


def apply(c: Compiler, node: ast.Apply) -> str:
    """`(expr)(args)`: a computed function value."""
    args = "".join(f", {c.compile(arg)}" for arg in node.args)
    return f"{R}.call({c.compile(node.function)}{args})"


def unary(c: Compiler, node: ast.Unary) -> str:
    """`not x`, `!x`, `-x`."""
    if node.op == "not":
        return f"(not {c.boolean(node.operand)})"
    operand = node.operand
    if isinstance(operand, ast.Literal) and type(operand.value) is int:
        return repr(-operand.value)
    if isinstance(operand, ast.Number):
        text = operand.text[1:] if operand.text.startswith("-") else "-" + operand.text
        return number_code(text)
    return f"{R}.neg({c.compile(operand)})"


def binary(c: Compiler, node: ast.Binary) -> str:
    """Operators and infix function calls."""
    if node.op in ("and", "or"):
        return f"({c.boolean(node.left)} {node.op} {c.boolean(node.right)})"
    if node.op == "default":
        return _default(c, node)
    if node.op in _HELPERS:
        left, right = c.compile(node.left), c.compile(node.right)
        return f"{R}.{_HELPERS[node.op]}({left}, {right})"
    local_ = c.lookup(node.op)
    if local_ is not None and local_.kind in ("fun", "var", "param"):
        return c.invoke(node.op, (node.left, node.right), node)
    spec = c.resolve_function(node.op, node)
    if spec is not None:
        if spec.arity != 2:
            raise _fail(
                f"`{node.op}` takes {spec.arity} argument(s); only functions of 2 "
                f"can be called infix (`a {node.op} b`)",
                node,
            )
        return c.apply(node.op, spec, (node.left, node.right), node)
    if node.op in _LANGUAGE_OPS:
        helper = _LANGUAGE_OPS[node.op]
        left, right = c.compile(node.left), c.compile(node.right)
        return f"{R}.{helper}({left}, {right})"
    raise c.unknown_function(node.op, node)


def _default(c: Compiler, node: ast.Binary) -> str:
    left, right = c.compile(node.left), c.compile(node.right)
    if cannot_fail(node.left):
        if cannot_fail(node.right):
            return f"{R}.default({left}, {right})"
        return f"{R}.default_lazy({left}, lambda: {right})"
    # DataWeave's `default` also recovers from a failed coercion or a null argument.
    if cannot_fail(node.right):
        return f"{R}.default_try(lambda: {left}, {right})"
    return f"{R}.default_try_lazy(lambda: {left}, lambda: {right})"


def cannot_fail(node: ast.Node) -> bool:
    """Whether evaluating node eagerly can neither raise nor cost anything."""
    if isinstance(node, ast.Literal | ast.Name | ast.Number | ast.Dollar):
        return True
    if isinstance(node, ast.Select):
        return node.mode == "single" and cannot_fail(node.target)
    if isinstance(node, ast.Array):
        return all(cannot_fail(item) for item in node.items)
    if isinstance(node, ast.Object):
        return all(
            isinstance(f, ast.Field)
            and isinstance(f.key, str)
            and f.condition is None
            and cannot_fail(f.value)
            for f in node.fields
        )
    return False


# -- types ---------------------------------------------------------------------------------------


# -- flow control --------------------------------------------------------------------------------


def if_(c: Compiler, node: ast.If) -> str:
    """`if (c) a else b`."""
    cond, then = c.boolean(node.cond), c.compile(node.then)
    return f"({then} if {cond} else {c.compile(node.otherwise)})"


def lambda_(c: Compiler, node: ast.Lambda) -> str:
    """`(a, b = 1) -> body`."""
    return f"({c.lambda_(node.params, node.body)})"


def _pattern_params(pattern: ast.Pattern) -> tuple[str, ...]:
    if pattern.kind == "array":
        assert pattern.binder is not None and pattern.rest is not None
        return (pattern.binder, pattern.rest)
    if pattern.kind == "object":
        assert pattern.key_name and pattern.binder and pattern.rest
        return (pattern.key_name, pattern.binder, pattern.rest)
    return (pattern.binder,) if pattern.binder else ()


def _case_data(c: Compiler, pattern: ast.Pattern) -> str:
    if pattern.kind in ("literal", "regex"):
        assert pattern.value is not None
        return c.compile(pattern.value)
    if pattern.kind == "type":
        assert pattern.type is not None
        return type_spec(c, pattern.type)
    return "None"


def match(c: Compiler, node: ast.Match) -> str:
    """`value match { case ... }`: each case's guard and body as lambdas of its bindings."""
    cases: list[str] = []
    for case in node.cases:
        data = _case_data(c, case.pattern)
        params = _pattern_params(case.pattern)
        guard = "None" if case.guard is None else _case_lambda(c, params, case.guard)
        body = _case_lambda(c, params, case.body)
        cases.append(f"({case.pattern.kind!r}, {data}, {guard}, {body})")
    return f"{R}.match_cases({c.compile(node.value)}, ({', '.join(cases)},))"


def _case_lambda(c: Compiler, params: tuple[str, ...], body: ast.Node) -> str:
    """A lambda over the pattern's names, or over `$` when the pattern names nothing."""
    if not params:
        return c.dollar_lambda(body, 1)
    scope = {p: c.local_of(p) for p in params}
    c.push(scope)
    try:
        code = c.compile(body)
    finally:
        c.pop()
    return f"lambda {', '.join(local(p) for p in params)}: {code}"


def update(c: Compiler, node: ast.Update) -> str:
    """`value update { case [x at] .path [if cond] -> new }`."""
    cases: list[str] = []
    for case in node.cases:
        steps = []
        for step in case.path:
            key = c.compile(step.index) if step.index is not None else repr(step.key)
            steps.append(f"({step.kind!r}, {key}, {step.upsert!r})")
        params = (case.binder,) if case.binder else ()
        guard = "None" if case.guard is None else _case_lambda(c, params, case.guard)
        body = _case_lambda(c, params, case.body)
        cases.append(f"(({', '.join(steps)},), {guard}, {body})")
    return f"{R}.update_cases({c.compile(node.value)}, ({', '.join(cases)},))"


# -- constructors and scopes ---------------------------------------------------------------------


def array(c: Compiler, node: ast.Array) -> str:
    """`[a, b]`; a conditional item `(x) if c` is spliced in when c holds."""
    parts = [
        (
            f"*([{c.compile(item.value)}] if {c.boolean(item.condition)} else [])"
            if isinstance(item, ast.CondItem)
            else c.compile(item)
        )
        for item in node.items
    ]
    return f"[{', '.join(parts)}]"


def object_(c: Compiler, node: ast.Object) -> str:
    """`{k: v}` as a dict literal when keys are static and unique, else ordered pairs."""
    static = [
        f.key for f in node.fields if isinstance(f, ast.Field) and f.condition is None
    ]
    simple = len(static) == len(node.fields) and all(isinstance(k, str) for k in static)
    if simple and len(set(static)) == len(static):
        entries = [
            f"{f.key!r}: {c.compile(f.value)}"
            for f in node.fields
            if isinstance(f, ast.Field)
        ]
        return "{" + ", ".join(entries) + "}"
    parts = [_member(c, member) for member in node.fields]
    return f"{R}.object_of([{', '.join(parts)}])"


def _member(c: Compiler, member: ast.Field | ast.Spread) -> str:
    if isinstance(member, ast.Spread):
        part = f"*{R}.spread_pairs({c.compile(member.value)})"
    else:
        key = (
            repr(member.key)
            if isinstance(member.key, str)
            else f"{R}.dyn_key({c.compile(member.key)})"
        )
        part = f"({key}, {c.compile(member.value)})"
        if member.condition is None:
            return part
        part = f"*(({part},) if {c.boolean(member.condition)} else ())"
        return part
    if member.condition is not None:
        inner = part[1:]
        part = f"*({inner} if {c.boolean(member.condition)} else ())"
    return part


HANDLERS: Final[MappingProxyType[type, Callable[..., str]]] = MappingProxyType(
    {
        ast.Literal: literal,
        ast.Number: number,
        ast.Template: template,
        ast.Regex: regex,
        ast.Temporal: temporal,
        ast.Name: name,
        ast.Dollar: dollar,
        ast.Select: select,
        ast.Index: select,
        ast.FilterSelect: filter_select,
        ast.Exists: exists,
        ast.Assert: assert_present,
        ast.Call: call,
        ast.Apply: apply,
        ast.Unary: unary,
        ast.Binary: binary,
        ast.Is: is_,
        ast.Coerce: coerce,
        ast.If: if_,
        ast.Lambda: lambda_,
        ast.Match: match,
        ast.Update: update,
        ast.Array: array,
        ast.Object: object_,
        ast.Do: do,
    }
)
