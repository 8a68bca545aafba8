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
import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

RUNTIME = "_runtime"
# Where `python -m generator.precompile` records the relative imports of every runtime module
# (templates/_compiled/), so that a cold run does not parse ~700 KB of runtime source to prune it.
IMPORTS_TABLE = "runtime-imports.json"

# One relative import: its level (the number of dots), its module ("" for `from . import x`)
# and the names it imports.
Relative = tuple[int, str, tuple[str, ...]]


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
    for level, name, names in _imports_of(source):
        base = own[: len(own) - (level - 1)]
        target = ".".join([*base, *(name.split(".") if name else [])])
        yield target
        for alias in names:
            yield f"{target}.{alias}"


_LARGE = 64_000
# Every relative import's text has `from`, blanks or line continuations, then a dot: a piece
# without this has none and is not parsed.
_MAY_IMPORT = re.compile(r"\bfrom[\s\\]*\.")


def _imports_of(source: str) -> tuple[Relative, ...]:
    """Every relative `from ... import` statement of `source`, nested ones included.

    A runtime module (the same text in every package) is looked up by its exact text in the
    table `generator.precompile` wrote; any other small module is parsed once per process. A
    large generated one is parsed one definition at a time, at the cuts the format stage makes
    (`format_chunks.split`), so its whole syntax tree is never in memory at once; a piece that
    does not parse alone means the module is parsed whole.
    """
    known = _table().get(_digest(source))
    if known is not None:
        return known
    if len(source) < _LARGE:
        return _relative_imports(source)
    from .format_chunks import split

    pieces = split(source)
    if pieces is not None:
        found: list[Relative] = []
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
def _relative_imports(source: str) -> tuple[Relative, ...]:
    return tuple(_statements_imports(ast.parse(source)))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def imports_table(runtime: Path) -> str:
    """The text of the imports table for the runtime modules under `runtime`: for each module
    (by its path there), the sha256 of its exact text and its relative imports. One line per
    module, sorted, so that an edit to one module changes one line."""
    lines = []
    for path in sorted(runtime.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        entry = {
            "sha256": _digest(text),
            "imports": _statements_imports(ast.parse(text)),
        }
        name = path.relative_to(runtime).as_posix()
        lines.append(f"{json.dumps(name)}: {json.dumps(entry, sort_keys=True)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


@functools.cache
def _table() -> dict[str, tuple[Relative, ...]]:
    """The runtime modules' relative imports by the sha256 of their text. A module edited since
    the table was written simply is not found (and is parsed), so the table can cost time but
    never change which modules a package keeps; tests/foundation/test_precompiled.py fails
    while it is stale."""
    from .precompile import COMPILED
    from .render import templates_dir

    try:
        raw = (templates_dir() / COMPILED / IMPORTS_TABLE).read_text(encoding="utf-8")
        entries = json.loads(raw)
        return {
            str(entry["sha256"]): tuple(
                (int(level), str(name), tuple(str(n) for n in names))
                for level, name, names in entry["imports"]
            )
            for entry in entries.values()
        }
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _statements_imports(tree: ast.AST) -> list[Relative]:
    """The relative imports in `tree`. Only statement lists are walked (an import is a
    statement), not the expressions, which are most of a large module."""
    found: list[Relative] = []
    todo: list[ast.AST] = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.ImportFrom):
            if node.level:
                names = tuple(alias.name for alias in node.names)
                found.append((node.level, node.module or "", names))
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
