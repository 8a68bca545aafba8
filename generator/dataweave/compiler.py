"""Compile DataWeave ASTs to plain Python expression strings calling the `_dw` runtime module.

The emitted code reads only the caller's binding names (for example `context`, `payload`),
names of its own lambdas (`_v_<name>` for DataWeave variables, functions and parameters,
`_s_item`, `_s_index`, `_s_third` for `$`/`$$`/`$$$`, `_u<n>` for unused callback parameters)
and `_dw`, the runtime helper imported by the generated module. Every string from the source
reaches the code through `repr()`. No interpreter runs at run time: `match`, `update` and
`default` compile to runtime calls whose callbacks are the compiled branches.

Types are erased except where the program asks about them: `is`, `as`, `match ... case is`
and `type` aliases used there are checked at run time; parameter and return types of `fun` and
lambdas are parsed and ignored.
"""

from __future__ import annotations

import ast as pyast
from dataclasses import dataclass
from typing import Final

from generator.dataweave import ast, walk
from generator.dataweave.builtins import (
    COERCION_TYPES,
    FunctionSpec,
)
from generator.dataweave.emit import HANDLERS as _HANDLERS
from generator.dataweave.errors import DataWeaveError, DataWeaveWarning
from generator.dataweave.lexer import position_of, tokenize
from generator.dataweave.parse_base import did_you_mean
from generator.dataweave.parser import Parser
from generator.dataweave.scope import (
    _DOLLAR_NAMES,
    _LANGUAGE_OPS,
    MAX_COMPILE_DEPTH,
    RUNTIME,
    Local,
    Scopes,
    _fail,
)
from generator.dataweave.typing import (
    TYPE_NAMES,
    check_boolean,
    misread,
    yields_bool,
    yields_plain,
)
from generator.dataweave.walk import is_comparator, local, reads_names, uses_dollar

_PARAM_NAMES: Final = ("item", "index", "third")


@dataclass(frozen=True)
class CompiledExpression:
    """Python expression code, the caller bindings it reads, unbound names it resolved, and
    the JourneyForge spellings it accepted (located warnings for the caller to report).
    """

    code: str
    bindings: frozenset[str]
    implicit_fields: frozenset[str]
    warnings: tuple[DataWeaveWarning, ...] = ()


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
    compiler = Compiler(bindings, implicit_root)
    node = parse_expression(source, compiler.warnings)
    if predicate:
        check_boolean(node)
    code = compiler.boolean(node) if predicate else compiler.compile(node)
    if not predicate and not yields_plain(node):
        # Values made while evaluating (objects with a repeated key, dates, periods) become
        # plain JSON values when they leave the expression.
        code = f"{RUNTIME}.settle({code})"
    return compiler.result(_checked(code, node))


def parse_expression(source: str, warnings: list[DataWeaveWarning]) -> ast.Node:
    """Parse source as DataWeave does; an expression DataWeave can only read as a type error
    is read with JourneyForge's grouping instead, with a warning saying where to add
    parentheses."""
    found: list[DataWeaveWarning] = []
    node = Parser(tokenize(source), source, found).whole()
    wrong = misread(node)
    if wrong is not None:
        legacy = Parser(tokenize(source), source, [])
        legacy.legacy = True
        try:
            alternative: ast.Node | None = legacy.whole()
        except DataWeaveError:
            alternative = None
        if alternative is None or misread(alternative) is not None:
            raise _fail(_MISREAD_ERROR.format(op=_op_name(wrong)), wrong)
        message = _MISREAD_WARNING.format(op=_op_name(wrong))
        found = [*legacy.warnings, DataWeaveWarning(message, wrong.line, wrong.column)]
        node = alternative
    warnings.extend(found)
    return node


_MISREAD_ERROR: Final = (
    "DataWeave groups this as a type error: `{op}` binds looser than `and`/`or`/"
    "comparisons (`not` covers a whole `or`); add parentheses, e.g. `(a contains b) and c`"
)


_MISREAD_WARNING: Final = (
    "DataWeave would group `{op}` here so that it fails (infix functions bind looser than "
    "`and`/`or`/comparisons); compiled with the usual grouping: add parentheses, e.g. "
    "`(a contains b) and (c contains d)`"
)


_FORMATS: Final = frozenset(
    {
        "application/json", "json", "text/plain", "text", "application/csv", "text/csv",
        "csv", "application/x-www-form-urlencoded", "urlencoded", "text/x-java-properties",
        "properties", "application/xml", "text/xml", "xml",
    }
)  # fmt: skip


def _check_format(name: str, node: ast.Node) -> None:
    """A content type written as a literal is checked at generation."""
    text = node.value if isinstance(node, ast.Literal) else None
    if isinstance(text, str) and text not in _FORMATS:
        reason = {
            "application/dw": " (DataWeave's own format is for debugging)",
            "application/octet-stream": " (binary values do not exist in JSON)",
            "multipart/form-data": " (multipart bodies are binary parts)",
        }.get(text, "")
        raise _fail(
            f"`{name}` does not handle {text!r} for journey values{reason}; available: "
            "application/json, text/plain, application/csv, "
            "application/x-www-form-urlencoded, text/x-java-properties, application/xml"
            + did_you_mean(text, _FORMATS),
            node,
        )


def _op_name(node: ast.Node) -> str:
    return node.op if isinstance(node, ast.Binary | ast.Unary) else "this"


def compile_interpolation(
    text: str, *, bindings: frozenset[str], implicit_root: str | None = None
) -> CompiledExpression:
    """Compile a string with `${expr}` placeholders to code building the interpolated str."""
    compiler = Compiler(bindings, implicit_root)
    parts: list[str] = []
    pos = 0
    while (start := text.find("${", pos)) >= 0:
        if start > pos:
            parts.append(repr(text[pos:start]))
        end = _closing_brace(text, start)
        parser = Parser(tokenize(text, start + 2, end), text, compiler.warnings)
        node = parser.whole()
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


__all__ = [
    "COERCION_TYPES",
    "RUNTIME",
    "TYPE_NAMES",
    "CompiledExpression",
    "compile_expression",
    "compile_interpolation",
]


class Compiler(Scopes):
    """Walks one AST; the node handlers live in emit.py."""

    def result(self, code: str) -> CompiledExpression:
        """Package code with the names it reads."""
        return CompiledExpression(
            code, frozenset(self.used), frozenset(self.implicit), tuple(self.warnings)
        )

    def compile(self, node: ast.Node) -> str:
        """Python code for node."""
        self.depth += 1
        if self.depth > MAX_COMPILE_DEPTH:
            raise _fail("expression too deeply nested to compile", node)
        try:
            return self._dispatch(node)
        finally:
            self.depth -= 1

    def boolean(self, node: ast.Node) -> str:
        """Code for node in a boolean position (null counts as false)."""
        code = self.compile(node)
        return code if yields_bool(node) else f"{RUNTIME}.truth({code})"

    def _dispatch(self, node: ast.Node) -> str:
        handler = _HANDLERS.get(type(node))
        if handler is None:
            raise _fail(f"unsupported construct {type(node).__name__}", node)
        return handler(self, node)

    def dollar(self, node: ast.Dollar) -> str:
        """`$`, `$$`, `$$$` inside an implicit callback."""
        if self.dollar_depth == 0:
            raise _fail(
                "`$`/`$$`/`$$$` are only allowed in a callback argument (`xs map $.id`), "
                "a `[?( )]` filter, a `match` case or an `update` case",
                node,
            )
        arity = self.dollar_arities[-1]
        if node.depth > arity:
            given = ", ".join(f"`{'$' * n}`" for n in range(1, arity + 1))
            raise _fail(
                f"`{'$' * node.depth}` is not defined here: this callback takes "
                f"{arity} parameter(s) ({given})",
                node,
            )
        return _DOLLAR_NAMES[node.depth - 1]

    def call(self, node: ast.Call) -> str:
        """`name(args)`: local function, local variable holding a function, or built-in."""
        return self.invoke(node.name, node.args, node)

    def invoke(self, name: str, args: tuple[ast.Node, ...], at: ast.Node) -> str:
        """A call of name with args, checked against what name is."""
        local = self.lookup(name)
        if local is not None and local.kind == "fun":
            return self._call_local_fun(name, local, args, at)
        if local is not None and local.kind in ("var", "param"):
            compiled = "".join(f", {self.compile(arg)}" for arg in args)
            return f"{RUNTIME}.call({local.python}{compiled})"
        if name in self.bindings:
            raise _fail(f"`{name}` is a binding, not a function", at)
        spec = self.resolve_function(name, at)
        if spec is None:
            if name in _LANGUAGE_OPS and len(args) == 2:
                return self.language_op(name, args[0], args[1])
            raise self.unknown_function(name, at)
        if not spec.fewest <= len(args) <= spec.arity:
            wanted = (
                str(spec.arity)
                if spec.fewest == spec.arity
                else f"{spec.fewest} to {spec.arity}"
            )
            raise _fail(f"`{name}` takes {wanted} argument(s), got {len(args)}", at)
        return self.apply(name, spec, args, at)

    def _call_local_fun(
        self, name: str, local: Local, args: tuple[ast.Node, ...], at: ast.Node
    ) -> str:
        required = sum(1 for p in local.params if p.default is None)
        if not required <= len(args) <= len(local.params):
            expected = (
                str(len(local.params))
                if required == len(local.params)
                else f"{required} to {len(local.params)}"
            )
            raise _fail(f"`{name}` takes {expected} argument(s), got {len(args)}", at)
        # DataWeave leaves out the first defaulted parameters, not the last: with
        # `fun f(x = 1, y = 2)`, `f(5)` binds y.
        skip = len(local.params) - len(args)
        bound = [p for p in local.params if p.default is None or (skip := skip - 1) < 0]
        compiled = [self.compile(arg) for arg in args]
        if bound == list(local.params[: len(args)]):
            return f"{local.python}({', '.join(compiled)})"
        named = ", ".join(
            f"{walk.local(p.name)}={code}"
            for p, code in zip(bound, compiled, strict=True)
        )
        return f"{local.python}({named})"

    def apply(
        self, name: str, spec: FunctionSpec, args: tuple[ast.Node, ...], at: ast.Node
    ) -> str:
        """A built-in call; a callback argument becomes a Python lambda."""
        if name in ("read", "write") and len(args) > 1:
            _check_format(name, args[1])
        if not spec.callback:
            plain = ", ".join(self.compile(arg) for arg in args)
            return f"{RUNTIME}.{spec.helper}({plain})"
        split = len(args) - spec.callbacks
        helper = spec.helper
        if name == "orderBy" and is_comparator(args[split]):
            helper = "order_by_cmp"
        compiled = [self.compile(subject) for subject in args[:split]]
        if isinstance(at, ast.Call) and name not in ("any", "all"):
            for callback in args[split:]:
                self._prefix_callback(name, spec, callback)
        for callback in args[split:]:
            is_lambda = isinstance(callback, ast.Lambda)
            if (spec.callback_arity == 0 and not is_lambda) or (
                spec.lambda_optional and not is_lambda and not uses_dollar(callback)
            ):
                value = self.compile(callback)
                compiled.append(value if spec.lambda_optional else f"lambda: {value}")
            else:
                infix = not isinstance(at, ast.Call)
                compiled.append(
                    self.callback(callback, name, spec.callback_arity, infix)
                )
        return f"{RUNTIME}.{helper}({', '.join(compiled)})"

    def _prefix_callback(
        self, name: str, spec: FunctionSpec, callback: ast.Node
    ) -> None:
        """DataWeave checks a callback passed in parentheses (`map(xs, f)`) against the
        function's signature: it must take every parameter, and `$` is not defined there.
        """
        arity = spec.callback_arity
        bare = name.rpartition("::")[2]
        params = ", ".join(_PARAM_NAMES[:arity])
        if isinstance(callback, ast.Lambda):
            given = len(callback.params)
        elif (
            isinstance(callback, ast.Name)
            and (local := self.lookup(callback.name)) is not None
            and local.kind == "fun"
        ):
            given = len(local.params)
        else:
            if uses_dollar(callback) and not isinstance(callback, ast.Lambda):
                raise _fail(
                    f"`$` is not defined in `{bare}(...)`'s arguments (DataWeave: unable to "
                    f"resolve `$`): write a lambda `({params}) -> ...`, or call it infix "
                    f"(`a {bare} $ ...`)",
                    callback,
                )
            return
        if given < arity:
            raise _fail(
                f"`{bare}(...)` with parentheses needs a callback of all {arity} "
                f"parameter(s), as DataWeave checks it (`({params}) -> ...`); infix "
                f"(`a {bare} ({', '.join(_PARAM_NAMES[:given])}) -> ...`) takes fewer",
                callback,
            )

    def callback(
        self, node: ast.Node, name: str, arity: int, infix: bool = False
    ) -> str:
        """A lambda argument, or an expression using `$`, as a Python lambda of arity params."""
        if isinstance(node, ast.Lambda):
            if len(node.params) > arity:
                raise _fail(
                    f"the `{name}` callback takes at most {arity} parameters", node
                )
            padding = tuple(f"_u{i}" for i in range(len(node.params), arity))
            return self.lambda_(node.params, node.body, padding)
        if isinstance(node, ast.Name) and self.lookup(node.name) is not None:
            return f"{RUNTIME}.adapt({self.compile(node)}, {arity})"
        if not uses_dollar(node) and infix:
            # DataWeave reads any expression there as a lambda of it: `xs groupBy "all"`.
            unused = ", ".join(f"_u{i}" for i in range(arity))
            return f"lambda {unused}: {self.compile(node)}"
        if not uses_dollar(node):
            raise _fail(
                f"`{name}` expects a lambda such as `(item) -> ...` or an expression "
                "using `$`",
                node,
            )
        return self.dollar_lambda(node, arity)

    def dollar_lambda(self, node: ast.Node, arity: int) -> str:
        """`lambda _s_item, _s_index: <node>` for an implicit-parameter callback."""
        names = list(_DOLLAR_NAMES[:arity]) + [f"_u{i}" for i in range(3, arity)]
        self.dollar_depth += 1
        self.dollar_arities.append(arity)
        self.push({})
        try:
            return f"lambda {', '.join(names)}: {self.compile(node)}"
        finally:
            self.pop()
            self.dollar_arities.pop()
            self.dollar_depth -= 1

    def lambda_(
        self,
        params: tuple[ast.Param, ...],
        body: ast.Node,
        padding: tuple[str, ...] = (),
        scope: dict[str, Local] | None = None,
    ) -> str:
        """A Python lambda; parameter defaults that read other parameters are bound late."""
        names = {p.name: Local(local(p.name), "param") for p in params}
        inner = dict(scope or {})
        inner.update(names)
        signature: list[str] = []
        late: list[ast.Param] = []
        for param in params:
            if param.default is None:
                signature.append(local(param.name))
            elif reads_names(param.default, set(names)):
                signature.append(f"{local(param.name)}={RUNTIME}.MISSING")
                late.append(param)
            else:
                signature.append(f"{local(param.name)}={self.compile(param.default)}")
        self.push(inner)
        try:
            code = self.compile(body)
            for param in reversed(late):
                assert param.default is not None
                name = local(param.name)
                default = self.compile(param.default)
                code = (
                    f"(lambda {name}: {code})"
                    f"({default} if {name} is {RUNTIME}.MISSING else {name})"
                )
        finally:
            self.pop()
        return f"lambda {', '.join(signature + list(padding))}: {code}"

    def language_op(self, op: str, left: ast.Node, right: ast.Node) -> str:
        """`++`, `to`, `>>`, `<<` when the registry does not define them."""
        return f"{RUNTIME}.{_LANGUAGE_OPS[op]}({self.compile(left)}, {self.compile(right)})"
