"""The runtime imports table (`templates/_compiled/runtime-imports.json`): a cold run prunes a
package's runtime without parsing the runtime's source, and a module edited since the table
was written is parsed, so the modules a package keeps never depend on the table."""

from __future__ import annotations

import ast

from generator import runtime_deps
from generator.render import _runtime_files, templates_dir

PKG = "demo"


def _package(extra: dict[str, str]) -> dict[str, str]:
    files = {f"{PKG}/{p}": t for p, t in _runtime_files(templates_dir(), PKG).items()}
    files.update(extra)
    return files


def test_every_shipped_runtime_module_is_in_the_table_with_its_imports() -> None:
    table = runtime_deps._table()
    texts = _runtime_files(templates_dir(), PKG)
    assert len(texts) > 50
    for path, text in texts.items():
        digest = runtime_deps._digest(text)
        assert digest in table, f"{path} is missing: run python -m generator.precompile"
        parsed = runtime_deps._statements_imports(ast.parse(text))
        assert table[digest] == tuple(parsed), path


def test_pruning_keeps_what_own_code_reaches_and_drops_the_rest() -> None:
    own = {f"{PKG}/{PKG}/client.py": "from ._runtime.client import transport\n"}
    kept = runtime_deps.prune_runtime(_package(own), PKG)
    runtime = f"{PKG}/{PKG}/_runtime/"
    assert f"{runtime}client/transport.py" in kept
    assert f"{runtime}client/__init__.py" in kept
    assert not [p for p in kept if p.startswith(f"{runtime}server/")]
    assert len(kept) < len(_package(own))


def test_a_runtime_module_edited_since_the_table_is_parsed() -> None:
    transport = f"{PKG}/{PKG}/_runtime/client/transport.py"
    own = {f"{PKG}/{PKG}/client.py": "from ._runtime.client import transport\n"}
    files = _package(own)
    before = runtime_deps.prune_runtime(files, PKG)
    assert f"{PKG}/{PKG}/_runtime/server/engine.py" not in before
    # The edited text is not in the table: its new import must still be followed.
    files[transport] += "\n\nfrom ..server import engine  # noqa: E402\n"
    after = runtime_deps.prune_runtime(files, PKG)
    assert f"{PKG}/{PKG}/_runtime/server/engine.py" in after
    assert f"{PKG}/{PKG}/_runtime/server/__init__.py" in after
