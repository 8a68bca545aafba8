"""`do` blocks and header declarations: `var`, `fun` (recursive, mutually recursive), `type`,
`import`, each scoped over the declarations after it and the body."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from generator.dataweave import ast
from generator.dataweave.errors import DataWeaveError
from generator.dataweave.walk import local, reads_names

if TYPE_CHECKING:
    from generator.dataweave.compiler import Compiler
    from generator.dataweave.scope import Local

R: Final = "_dw"


def do(c: Compiler, node: ast.Do) -> str:
    """`do { declarations --- body }` as nested immediately-called lambdas."""
    return _declarations(c, node.decls, node.body)


def _declarations(c: Compiler, decls: tuple[ast.Decl, ...], body: ast.Node) -> str:
    if not decls:
        return c.compile(body)
    decl, rest = decls[0], decls[1:]
    if isinstance(decl, ast.TypeDecl):
        return _scoped(c, {decl.name: c.type_local(decl.type)}, rest, body)
    if isinstance(decl, ast.ImportDecl):
        return _scoped(c, c.import_locals(decl), rest, body)
    if isinstance(decl, ast.VarDecl):
        value = c.compile(decl.value)
        inner = _scoped(c, {decl.name: c.local_of(decl.name)}, rest, body)
        return f"(lambda {local(decl.name)}: {inner})({value})"
    group = _function_group(decls)
    _check_forward_calls(group, decls[len(group) :])
    if len(group) > 1:
        return _functions(c, group, decls[len(group) :], body)
    return _function(c, decl, rest, body)


def _function_group(decls: tuple[ast.Decl, ...]) -> tuple[ast.FunDecl, ...]:
    """The run of `fun` declarations starting at decls[0] when one of them calls a later one
    (DataWeave sees every function of the block); else only the first."""
    run: list[ast.FunDecl] = []
    for decl in decls:
        if not isinstance(decl, ast.FunDecl):
            break
        run.append(decl)
    for at, decl in enumerate(run):
        later = {f.name for f in run[at + 1 :]} - {decl.name}
        if later and reads_names(decl.body, later):
            return tuple(run)
    return tuple(run[:1])


def _check_forward_calls(
    group: tuple[ast.FunDecl, ...], rest: tuple[ast.Decl, ...]
) -> None:
    """A call of a `fun` declared later, past another declaration, is refused with the fix
    (DataWeave sees it; journeygen's scopes nest, so the functions must be declared together).
    """
    later = {d.name for d in rest if isinstance(d, ast.FunDecl)}
    for decl in group:
        for name in sorted(later - {f.name for f in group}):
            if reads_names(decl.body, {name}):
                raise DataWeaveError(
                    f"`{decl.name}` calls `{name}`, declared later in this block after "
                    f"another declaration: declare `fun {name}` next to `fun {decl.name}` "
                    "(functions declared together may call each other in any order)",
                    decl.line,
                    decl.column,
                )


def _functions(
    c: Compiler,
    group: tuple[ast.FunDecl, ...],
    rest: tuple[ast.Decl, ...],
    body: ast.Node,
) -> str:
    """Mutually recursive functions: each body sees all of them (`_dw.fix_group`)."""
    names = {decl.name: c.fun_local(decl.name, decl.params) for decl in group}
    params = ", ".join(local(decl.name) for decl in group)
    c.push(names)
    try:
        functions = [c.lambda_(decl.params, decl.body) for decl in group]
    finally:
        c.pop()
    made = f"{R}.fix_group(lambda {params}: ({', '.join(functions)},), {len(group)})"
    inner = _scoped(c, names, rest, body)
    return f"(lambda {params}: {inner})(*{made})"


def _function(
    c: Compiler, decl: ast.FunDecl, rest: tuple[ast.Decl, ...], body: ast.Node
) -> str:
    me = c.fun_local(decl.name, decl.params)
    c.push({decl.name: me})
    try:
        function = c.lambda_(decl.params, decl.body)
    finally:
        c.pop()
    if reads_names(decl.body, {decl.name}):
        function = f"{R}.fix(lambda {local(decl.name)}: {function})"
    inner = _scoped(c, {decl.name: me}, rest, body)
    return f"(lambda {local(decl.name)}: {inner})({function})"


def _scoped(
    c: Compiler, names: dict[str, Local], rest: tuple[ast.Decl, ...], body: ast.Node
) -> str:
    c.push(names)
    try:
        return _declarations(c, rest, body)
    finally:
        c.pop()
