"""Keep only the `_runtime` modules a package's own code imports (directly or through others).

A package with no journey has no server, so the server's runtime (engine, store, ASGI app,
webhooks...) would be dead weight a user has to read past; it is left out.
"""

from __future__ import annotations

import ast

RUNTIME = "_runtime"


def _imported(source: str, in_runtime: bool) -> set[str]:
    """Names of the runtime modules one module imports (relative imports only)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ImportFrom) or node.level != 1:
            continue
        module = node.module or ""
        if in_runtime:
            parts = [module] if module else [a.name for a in node.names]
        elif module == RUNTIME:
            parts = [a.name for a in node.names]
        elif module.startswith(RUNTIME + "."):
            parts = [module.split(".", 2)[1]]
        else:
            continue
        found.update(p.split(".", 1)[0] for p in parts if p)
    return found


def prune_runtime(files: dict[str, str], package: str) -> dict[str, str]:
    """`files` without the runtime modules nothing outside the runtime reaches."""
    prefix = f"{package}/{package}/{RUNTIME}/"
    runtime = {
        path[len(prefix) : -len(".py")]: text
        for path, text in files.items()
        if path.startswith(prefix) and path.endswith(".py")
    }
    wanted: set[str] = {"__init__"}
    queue = [
        name
        for path, text in files.items()
        if path.endswith(".py") and not path.startswith(prefix)
        for name in _imported(text, in_runtime=False)
    ]
    while queue:
        name = queue.pop()
        if name in wanted or name not in runtime:
            continue
        wanted.add(name)
        queue.extend(_imported(runtime[name], in_runtime=True))
    return {
        path: text
        for path, text in files.items()
        if not (
            path.startswith(prefix) and path[len(prefix) : -len(".py")] not in wanted
        )
    }
