"""`do` blocks and header declarations: `var`, `fun` (recursive, mutually recursive), `type`,
`import`, each scoped over the declarations after it and the body."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Final

from generator.dataweave import ast
from generator.dataweave.errors import DataWeaveError
from generator.dataweave.walk import local, reads_names

if TYPE_CHECKING:
    from generator.dataweave.compiler import Compiler
    from generator.dataweave.scope import Local

R: Final = "_dw"


def do(c: Compiler, node: ast.Do) -> str:
    """`do { declarations --- body }` as nested immediately-called lambdas; the block's
    types are visible in all of it (a function may check a type declared after it)."""
    seen: set[str] = set()
    for decl in node.decls:
        if isinstance(decl, ast.VarDecl | ast.FunDecl):
            if decl.name in seen:
                raise DataWeaveError(
                    f"`{decl.name}` is declared twice in this block: rename one of them",
                    decl.line,
                    decl.column,
                )
            seen.add(decl.name)
    types = {
        decl.name: c.type_local(decl.type)
        for decl in node.decls
        if isinstance(decl, ast.TypeDecl)
    }
    if not types:
        return _declarations(c, node.decls, node.body)
    c.push(types)
    try:
        return _declarations(c, node.decls, node.body)
    finally:
        c.pop()


def _declarations(c: Compiler, decls: tuple[ast.Decl, ...], body: ast.Node) -> str:
    if not decls:
        return c.compile(body)
    if _reads_ahead(decls):
        return _letrec(c, decls, body)
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
    if len(group) > 1:
        return _functions(c, group, decls[len(group) :], body)
    return _function(c, decl, rest, body)


def _function_group(decls: tuple[ast.Decl, ...]) -> tuple[ast.FunDecl, ...]:
    """The run of `fun` declarations starting at decls[0] when one of them calls a later one
    (DataWeave sees every function of the block); else only the first."""
    run = _fun_run(decls, 0)
    for at, decl in enumerate(run):
        later = {f.name for f in run[at + 1 :]} - {decl.name}
        if later and reads_names(decl.body, later):
            return tuple(run)
    return tuple(run[:1])


def _fun_run(decls: tuple[ast.Decl, ...], start: int) -> list[ast.FunDecl]:
    run: list[ast.FunDecl] = []
    for decl in decls[start:]:
        if not isinstance(decl, ast.FunDecl):
            break
        run.append(decl)
    return run


def _reads_ahead(decls: tuple[ast.Decl, ...]) -> bool:
    """Whether a declaration reads one declared after it, other than a function of the run of
    `fun`s it belongs to (those nest as a mutually recursive group)."""
    at = 0
    while at < len(decls):
        members: list[ast.Decl] = [*_fun_run(decls, at)] or [decls[at]]
        after = _value_names(decls[at + len(members) :])
        for decl in members:
            if isinstance(decl, ast.FunDecl | ast.VarDecl):
                node = decl.body if isinstance(decl, ast.FunDecl) else decl.value
                if reads_names(node, after - {decl.name}):
                    return True
        at += len(members)
    return False


def _value_names(decls: tuple[ast.Decl, ...]) -> set[str]:
    return {d.name for d in decls if isinstance(d, ast.VarDecl | ast.FunDecl)}


def _binds(node: ast.Node) -> bool:
    """Nodes under which a name may be bound anew or read only when called."""
    return isinstance(node, ast.Lambda | ast.Do | ast.Match | ast.Update)


def _letrec(c: Compiler, decls: tuple[ast.Decl, ...], body: ast.Node) -> str:
    """A block whose declarations read later ones (`fun f() = g() var x = 1 fun g() = x`):
    every name is visible in every declaration and they are initialized in order, as
    DataWeave does (`_dw.letrec`); a `var` using a name before its declaration is refused.
    """
    getter = f"_v_0r{len(c.scopes)}"
    slots = [d for d in decls if isinstance(d, ast.VarDecl | ast.FunDecl)]
    names: dict[str, Local] = {}
    for decl in decls:
        if isinstance(decl, ast.TypeDecl):
            names[decl.name] = c.type_local(decl.type)
        elif isinstance(decl, ast.ImportDecl):
            names.update(c.import_locals(decl))
    for at, slot in enumerate(slots):
        if isinstance(slot, ast.FunDecl):
            names[slot.name] = dataclasses.replace(
                c.fun_local(slot.name, slot.params), python=f"{getter}({at})"
            )
        else:
            names[slot.name] = dataclasses.replace(
                c.local_of(slot.name), python=f"{getter}({at})"
            )
    c.push(names)
    try:
        inits: list[str] = []
        for at, slot in enumerate(slots):
            if isinstance(slot, ast.FunDecl):
                function = c.lambda_(slot.params, slot.body)
                inits.append(f"lambda: {R}.guarded({function})")
                continue
            later = {s.name for s in slots[at:]}
            for name in sorted(later):
                if reads_names(slot.value, {name}, _binds):
                    raise DataWeaveError(
                        f"`var {slot.name}` uses `{name}`, declared after it: declarations "
                        f"are initialized in order, so declare `{name}` before "
                        f"`var {slot.name}` (DataWeave: `{name}` is not yet initialized)",
                        slot.line,
                        slot.column,
                    )
            inits.append(f"lambda: {c.compile(slot.value)}")
        code = c.compile(body)
    finally:
        c.pop()
    order = tuple(slot.name for slot in slots)
    return (
        f"{R}.letrec(lambda {getter}: ({', '.join(inits)},), {order!r}, "
        f"lambda {getter}: {code})"
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
