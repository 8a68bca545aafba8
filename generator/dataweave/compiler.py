"""Compile DataWeave ASTs to plain Python expression strings calling the `_dw` runtime module.

The emitted code reads only the caller's binding names (for example `context`, `payload`),
names of its own lambdas (`_v_<name>` for DataWeave variables and parameters, `_s_item` and
`_s_index` for `$`/`$$`, `_u<n>` for unused callback parameters) and `_dw`, the runtime helper
imported by the generated module. Every string from the source reaches the code through `repr()`.
"""

from __future__ import annotations

import ast as pyast
import keyword
import re
from dataclasses import dataclass, fields
from types import MappingProxyType
from typing import Final

from generator.dataweave import ast
from generator.dataweave.builtins import BUILTINS, FunctionSpec
from generator.dataweave.errors import DataWeaveError
from generator.dataweave.lexer import position_of, tokenize
from generator.dataweave.parser import parse_tokens

RUNTIME: Final = "_dw"
MAX_COMPILE_DEPTH: Final = 120
_BINDING_NAME: Final = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_TEMPORAL_TEXT: Final = re.compile(
    r"-?P[0-9WDTHMS.]+|[0-9]{4}-[0-9]{2}-[0-9]{2}[0-9T:.+\-Z]*"
)
_HELPERS: Final = MappingProxyType(
    {
    "==": "eq", "!=": "ne", "~=": "similar", "<": "lt", "<=": "le", ">": "gt", ">=": "ge",
    "<=>": "cmp", "++": "concat", "+": "add", "-": "sub", "*": "mul", "/": "div",
    }
)  # fmt: skip
_DOLLAR_NAMES: Final = ("_s_item", "_s_index")


@dataclass(frozen=True)
class CompiledExpression:
    """Python expression code, the caller bindings it reads, and unbound names it resolved."""

    code: str
    bindings: frozenset[str]
    implicit_fields: frozenset[str]


def compile_expression(
    source: str,
    *,
    bindings: frozenset[str],
    implicit_root: str | None = None,
    predicate: bool = False,
) -> CompiledExpression:
    """Compile one DataWeave expression (a `predicate`/`mapper` `expr`) to Python code.

    Names that are neither local nor in `bindings` are read from `implicit_root` when given
    (JourneyForge expressions name result variables bare, e.g. `reportStart.body`), else fail.
    With `predicate`, the code returns a bool and obviously non-boolean expressions are rejected.
    """
    compiler = _Compiler(bindings, implicit_root)
    node = parse_tokens(tokenize(source))
    if predicate:
        _check_boolean(node)
    code = compiler.boolean(node) if predicate else compiler.compile(node)
    return compiler.result(_checked(code, node))


def compile_interpolation(
    text: str, *, bindings: frozenset[str], implicit_root: str | None = None
) -> CompiledExpression:
    """Compile a string with `${expr}` placeholders to code building the interpolated str."""
    compiler = _Compiler(bindings, implicit_root)
    parts: list[str] = []
    pos = 0
    while (start := text.find("${", pos)) >= 0:
        if start > pos:
            parts.append(repr(text[pos:start]))
        end = _closing_brace(text, start)
        node = parse_tokens(tokenize(text, start + 2, end))
        hole = f"{RUNTIME}.hole({compiler.compile(node)}, {text[start : end + 1]!r})"
        parts.append(_checked(hole, node))
        pos = end + 1
    if pos < len(text) or not parts:
        parts.append(repr(text[pos:]))
    code = parts[0] if len(parts) == 1 else f"''.join(({', '.join(parts)}))"
    return compiler.result(code)


def _closing_brace(text: str, start: int) -> int:
    """Offset of the `}` closing the placeholder opened at `${` (quote- and brace-aware)."""
    depth, quote, pos = 0, "", start + 2
    while pos < len(text):
        char = text[pos]
        if quote:
            pos += 2 if char == "\\" else 1
            quote = "" if char == quote else quote
            continue
        if char in "\"'":
            quote = char
        elif char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                if not text[start + 2 : pos].strip():
                    raise DataWeaveError(
                        "empty `${}` placeholder", *position_of(text, start)
                    )
                return pos
            depth -= 1
        pos += 1
    raise DataWeaveError(
        "unterminated `${` placeholder (missing `}`)", *position_of(text, start)
    )


def _checked(code: str, node: ast.Node) -> str:
    """Reject code Python cannot parse (only possible through extreme nesting)."""
    try:
        pyast.parse(code, mode="eval")
    except (SyntaxError, RecursionError, MemoryError) as exc:
        raise DataWeaveError(
            "expression too deeply nested to compile", node.line, node.column
        ) from exc
    return code


_NON_BOOLEAN_OPS: Final = frozenset(
    {"<=>", "++", "+", "-", "*", "/", "map", "filter", "orderBy"}
)


def _check_boolean(node: ast.Node) -> None:
    """Fail on predicates that can never be booleans."""
    never = isinstance(node, ast.Object | ast.Array | ast.Temporal | ast.Lambda)
    never |= isinstance(node, ast.Literal) and not isinstance(node.value, bool)
    never |= isinstance(node, ast.Binary) and node.op in _NON_BOOLEAN_OPS
    never |= isinstance(node, ast.Coerce) and node.type_name not in ("Boolean", "Any")
    if never:
        raise DataWeaveError(
            "a predicate must evaluate to a boolean (use a comparison, `and`/`or`/`not`, "
            "`contains`, `any`/`all`, or a boolean field)",
            node.line,
            node.column,
        )


class _Compiler:
    """Walks one AST; keeps the lexical scopes and the names read."""

    def __init__(self, bindings: frozenset[str], implicit_root: str | None) -> None:
        for name in sorted(bindings):
            bad = not _BINDING_NAME.fullmatch(name) or keyword.iskeyword(name)
            if bad or name == RUNTIME:
                raise ValueError(f"invalid binding name {name!r}")
        if implicit_root is not None and implicit_root not in bindings:
            raise ValueError(f"implicit_root {implicit_root!r} is not a binding")
        self.bindings = bindings
        self.implicit_root = implicit_root
        self.scopes: list[frozenset[str]] = []
        self.dollar_depth = 0
        self.depth = 0
        self.used: set[str] = set()
        self.implicit: set[str] = set()

    def result(self, code: str) -> CompiledExpression:
        """Package code with the names it reads."""
        return CompiledExpression(code, frozenset(self.used), frozenset(self.implicit))

    def compile(self, node: ast.Node) -> str:
        """Python code for node."""
        self.depth += 1
        if self.depth > MAX_COMPILE_DEPTH:
            raise DataWeaveError(
                "expression too deeply nested to compile", node.line, node.column
            )
        try:
            return self._dispatch(node)
        finally:
            self.depth -= 1

    def boolean(self, node: ast.Node) -> str:
        """Code for node in a boolean position (null counts as false)."""
        code = self.compile(node)
        return code if _yields_bool(node) else f"{RUNTIME}.truth({code})"

    def _dispatch(self, node: ast.Node) -> str:
        match node:
            case ast.Literal():
                return _literal(node)
            case ast.Temporal():
                return self._temporal(node)
            case ast.Name():
                return self._name(node)
            case ast.Dollar():
                return self._dollar(node)
            case ast.Select() | ast.Index():
                return self._selector(node)
            case ast.Call():
                return self._call(node)
            case ast.Unary():
                return self._unary(node)
            case ast.Binary():
                return self._binary(node)
            case ast.Coerce():
                return (
                    f"{RUNTIME}.coerce({self.compile(node.value)}, {node.type_name!r})"
                )
            case ast.If():
                return self._if(node)
            case ast.Lambda():
                return f"({self._lambda(node, node.params)})"
            case ast.Object():
                return self._object(node)
            case ast.Array():
                return f"[{', '.join(self.compile(item) for item in node.items)}]"
            case ast.Do():
                return self._do(node, 0)
        raise DataWeaveError(
            f"unsupported construct {type(node).__name__}", node.line, node.column
        )

    # -- names ---------------------------------------------------------------------------------

    def _name(self, node: ast.Name) -> str:
        for scope in reversed(self.scopes):
            if node.name in scope:
                return _local(node.name)
        if node.name in self.bindings:
            self.used.add(node.name)
            return node.name
        if node.name in BUILTINS:
            raise DataWeaveError(
                f"`{node.name}` is a function; call it as `{node.name}(...)`",
                node.line,
                node.column,
            )
        if self.implicit_root is not None:
            self.used.add(self.implicit_root)
            self.implicit.add(node.name)
            return f"{RUNTIME}.sel({self.implicit_root}, {node.name!r})"
        available = ", ".join(sorted(self.bindings)) or "none"
        raise DataWeaveError(
            f"unknown name `{node.name}`; available bindings: {available}",
            node.line,
            node.column,
        )

    def _is_local(self, name: str) -> bool:
        return any(name in scope for scope in self.scopes)

    def _dollar(self, node: ast.Dollar) -> str:
        if self.dollar_depth == 0:
            raise DataWeaveError(
                "`$`/`$$` are only allowed in the callback of map, filter, orderBy, any, all",
                node.line,
                node.column,
            )
        return _DOLLAR_NAMES[node.depth - 1]

    def _temporal(self, node: ast.Temporal) -> str:
        if not _TEMPORAL_TEXT.fullmatch(node.text):
            raise DataWeaveError(
                f"invalid date/time literal |{node.text}|; expected ISO-8601 such as "
                "|2024-01-31T10:00:00Z| or |PT5M|",
                node.line,
                node.column,
            )
        return f"{RUNTIME}.temporal({node.text!r})"

    # -- selectors and calls -------------------------------------------------------------------

    def _selector(self, node: ast.Select | ast.Index) -> str:
        keys: list[str] = []
        base: ast.Node = node
        while isinstance(base, ast.Select | ast.Index):
            if isinstance(base, ast.Select):
                keys.append(base.key)
            elif isinstance(base.index, ast.Literal) and isinstance(
                base.index.value, str
            ):
                keys.append(base.index.value)
            else:
                break
            base = base.target
        if not keys:
            assert isinstance(node, ast.Index)
            return f"{RUNTIME}.idx({self.compile(node.target)}, {self.compile(node.index)})"
        keys.reverse()
        helper = "sel" if len(keys) == 1 else "path"
        args = ", ".join(repr(key) for key in keys)
        return f"{RUNTIME}.{helper}({self.compile(base)}, {args})"

    def _call(self, node: ast.Call) -> str:
        if self._is_local(node.name):
            args = "".join(f", {self.compile(arg)}" for arg in node.args)
            return f"{RUNTIME}.call({_local(node.name)}{args})"
        spec = BUILTINS.get(node.name)
        if spec is None:
            supported = ", ".join(sorted(BUILTINS))
            raise DataWeaveError(
                f"unknown function `{node.name}`; supported: {supported}",
                node.line,
                node.column,
            )
        if len(node.args) != spec.arity:
            raise DataWeaveError(
                f"`{node.name}` takes {spec.arity} argument(s), got {len(node.args)}",
                node.line,
                node.column,
            )
        return self._apply(node.name, spec, node.args, node)

    def _apply(
        self, name: str, spec: FunctionSpec, args: tuple[ast.Node, ...], at: ast.Node
    ) -> str:
        if not spec.callback:
            compiled = ", ".join(self.compile(arg) for arg in args)
            return f"{RUNTIME}.{spec.helper}({compiled})"
        subject, callback = args
        helper = spec.helper
        if name == "orderBy" and _is_comparator(callback):
            helper = "order_by_cmp"
        return f"{RUNTIME}.{helper}({self.compile(subject)}, {self._callback(callback, name, at)})"

    def _callback(self, node: ast.Node, name: str, at: ast.Node) -> str:
        if isinstance(node, ast.Lambda):
            if len(node.params) > 2:
                raise DataWeaveError(
                    f"the `{name}` callback takes at most 2 parameters",
                    node.line,
                    node.column,
                )
            padding = tuple(f"_u{i}" for i in range(len(node.params), 2))
            return self._lambda(node, node.params, padding)
        if not _uses_dollar(node):
            raise DataWeaveError(
                f"`{name}` expects a lambda such as `(item) -> ...` or an expression using `$`",
                node.line,
                node.column,
            )
        self.dollar_depth += 1
        try:
            return f"lambda {', '.join(_DOLLAR_NAMES)}: {self.compile(node)}"
        finally:
            self.dollar_depth -= 1

    def _lambda(
        self, node: ast.Lambda, params: tuple[str, ...], padding: tuple[str, ...] = ()
    ) -> str:
        names = [_local(p) for p in params] + list(padding)
        self.scopes.append(frozenset(params))
        try:
            return f"lambda {', '.join(names)}: {self.compile(node.body)}"
        finally:
            self.scopes.pop()

    # -- operators -----------------------------------------------------------------------------

    def _unary(self, node: ast.Unary) -> str:
        if node.op == "not":
            return f"(not {self.boolean(node.operand)})"
        operand = node.operand
        value = operand.value if isinstance(operand, ast.Literal) else None
        if isinstance(value, int | float) and not isinstance(value, bool):
            return _literal(ast.Literal(node.line, node.column, -value))
        return f"{RUNTIME}.neg({self.compile(operand)})"

    def _binary(self, node: ast.Binary) -> str:
        if node.op in ("and", "or"):
            return f"({self.boolean(node.left)} {node.op} {self.boolean(node.right)})"
        if node.op == "default":
            return self._default(node)
        spec = BUILTINS.get(node.op)
        if spec is not None:
            return self._apply(node.op, spec, (node.left, node.right), node)
        left, right = self.compile(node.left), self.compile(node.right)
        return f"{RUNTIME}.{_HELPERS[node.op]}({left}, {right})"

    def _default(self, node: ast.Binary) -> str:
        left, right = self.compile(node.left), self.compile(node.right)
        if _is_cheap(node.right):
            return f"{RUNTIME}.default({left}, {right})"
        return f"{RUNTIME}.default_lazy({left}, lambda: {right})"

    def _if(self, node: ast.If) -> str:
        cond, then = self.boolean(node.cond), self.compile(node.then)
        return f"({then} if {cond} else {self.compile(node.otherwise)})"

    # -- constructors and scopes ---------------------------------------------------------------

    def _object(self, node: ast.Object) -> str:
        entries: list[str] = []
        for field in node.fields:
            if isinstance(field.key, str):
                key = repr(field.key)
            else:
                key = f"{RUNTIME}.dyn_key({self.compile(field.key)})"
            entries.append(f"{key}: {self.compile(field.value)}")
        return "{" + ", ".join(entries) + "}"

    def _do(self, node: ast.Do, index: int) -> str:
        if index == len(node.decls):
            return self.compile(node.body)
        decl = node.decls[index]
        value = self.compile(decl.value)
        self.scopes.append(frozenset({decl.name}))
        try:
            inner = self._do(node, index + 1)
        finally:
            self.scopes.pop()
        return f"(lambda {_local(decl.name)}: {inner})({value})"


_BOOL_OPS: Final = frozenset(
    {
        "==",
        "!=",
        "~=",
        "<",
        "<=",
        ">",
        ">=",
        "and",
        "or",
        "contains",
        "any",
        "all",
        "some",
        "every",
    }
)


def _yields_bool(node: ast.Node) -> bool:
    """Whether the compiled node always returns a Python bool."""
    if isinstance(node, ast.Binary):
        return node.op in _BOOL_OPS
    if isinstance(node, ast.Unary):
        return node.op == "not"
    return isinstance(node, ast.Literal) and isinstance(node.value, bool)


def _local(name: str) -> str:
    """The Python identifier for a DataWeave variable or parameter (never a keyword or dunder)."""
    return f"_v_{name}"


def _literal(node: ast.Literal) -> str:
    value = node.value
    if isinstance(value, float) and (
        value != value or value in (float("inf"), float("-inf"))
    ):
        raise DataWeaveError("number literal out of range", node.line, node.column)
    return repr(value)


def _is_cheap(node: ast.Node) -> bool:
    """Whether evaluating node eagerly can neither raise nor cost anything."""
    if isinstance(node, ast.Literal | ast.Name):
        return True
    if isinstance(node, ast.Select):
        return _is_cheap(node.target)
    if isinstance(node, ast.Array):
        return all(_is_cheap(item) for item in node.items)
    if isinstance(node, ast.Object):
        return all(isinstance(f.key, str) and _is_cheap(f.value) for f in node.fields)
    return False


def _is_comparator(node: ast.Node) -> bool:
    """A two-parameter lambda whose body is `a <=> b`: an orderBy comparator, not a key."""
    return (
        isinstance(node, ast.Lambda)
        and len(node.params) == 2
        and isinstance(node.body, ast.Binary)
        and node.body.op == "<=>"
    )


def _uses_dollar(node: ast.Node) -> bool:
    """Whether `$`/`$$` occur in node outside nested explicit lambdas."""
    if isinstance(node, ast.Dollar):
        return True
    if isinstance(node, ast.Lambda):
        return False
    for item in fields(node):
        value = getattr(node, item.name)
        children = value if isinstance(value, tuple) else (value,)
        if any(isinstance(c, ast.Node) and _uses_dollar(c) for c in children):
            return True
    return False
