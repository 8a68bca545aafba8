"""Keep only the `_runtime` modules a package's own code imports (directly or through others).

The runtime is two libraries: `_runtime/client/` (transport, retries, polling, errors, the
Arazzo evaluators, the client engine) and `_runtime/server/` (the journey engine, its states,
store, scheduler, ASGI app, webhooks, provider presets). A package carries the modules its own
code reaches and nothing else: a package with no journey has no server runtime at all, and a
provider preset (`appypay`) is there only when a bindings file names it.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator

RUNTIME = "_runtime"


def _module_name(path: str) -> tuple[str, bool]:
    """`a/b/c.py` -> ("a.b.c", False); `a/b/__init__.py` -> ("a.b", True)."""
    parts = path[: -len(".py")].split("/")
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def _imported(source: str, module: str, is_package: bool) -> Iterator[str]:
    """The absolute names one module imports through relative imports: each `from X import
    name` gives both `X` and `X.name` (the caller keeps those that are modules)."""
    own = module.split(".") if is_package else module.split(".")[:-1]
    for node in _imports_of(source):
        base = own[: len(own) - (node.level - 1)]
        target = ".".join([*base, *(node.module.split(".") if node.module else [])])
        yield target
        for alias in node.names:
            yield f"{target}.{alias.name}"


_LARGE = 64_000
# Every relative import's text has `from`, blanks or line continuations, then a dot: a piece
# without this has none and is not parsed.
_MAY_IMPORT = re.compile(r"\bfrom[\s\\]*\.")


def _imports_of(source: str) -> tuple[ast.ImportFrom, ...]:
    """Every relative `from ... import` statement of `source`, nested ones included.

    A small module (the runtime modules: the same text in every package) is parsed once per
    process. A large generated one is parsed one definition at a time, at the cuts the format
    stage makes (`format_chunks.split`), so its whole syntax tree is never in memory at once;
    a piece that does not parse alone means the module is parsed whole.
    """
    if len(source) < _LARGE:
        return _relative_imports(source)
    from .format_chunks import split

    pieces = split(source)
    if pieces is not None:
        found: list[ast.ImportFrom] = []
        try:
            for depth, piece in pieces:
                if not _MAY_IMPORT.search(piece):
                    continue
                text = "class _W:\n" + piece if depth == 1 else piece
                found.extend(_statements_imports(ast.parse(text)))
        except SyntaxError:
            pass
        else:
            return tuple(found)
    return tuple(_statements_imports(ast.parse(source)))


@functools.lru_cache(maxsize=512)
def _relative_imports(source: str) -> tuple[ast.ImportFrom, ...]:
    return tuple(_statements_imports(ast.parse(source)))


def _statements_imports(tree: ast.AST) -> list[ast.ImportFrom]:
    """The relative imports in `tree`. Only statement lists are walked (an import is a
    statement), not the expressions, which are most of a large module."""
    found: list[ast.ImportFrom] = []
    todo: list[ast.AST] = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.ImportFrom):
            if node.level:
                found.append(node)
            continue
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            children = getattr(node, name, None)
            if isinstance(children, list):
                todo.extend(reversed(children))
    return found


def prune_runtime(files: dict[str, str], package: str) -> dict[str, str]:
    """`files` without the runtime modules nothing outside the runtime reaches."""
    prefix = f"{package}/"
    root = f"{package}.{RUNTIME}"
    modules: dict[str, tuple[str, str, bool]] = {}
    for path, text in files.items():
        if path.startswith(prefix) and path.endswith(".py"):
            name, is_package = _module_name(path[len(prefix) :])
            modules[name] = (path, text, is_package)
    queue = [n for n in modules if n != root and not n.startswith(root + ".")]
    wanted: set[str] = set()
    while queue:
        name = queue.pop()
        if name in wanted or name not in modules:
            continue
        wanted.add(name)
        _, text, is_package = modules[name]
        queue.extend(_imported(text, name, is_package))
        parent = name.rpartition(".")[0]
        if parent:  # a module's package is imported before it
            queue.append(parent)
    dropped = {path for name, (path, _, _) in modules.items() if name not in wanted}
    return {path: text for path, text in files.items() if path not in dropped}
