"""The runtime modules are read once per process, and read again as soon as one changes."""

from __future__ import annotations

import os
from pathlib import Path

from generator.render import _runtime_texts


def _tree(root: Path) -> None:
    (root / "server" / "tasks").mkdir(parents=True)
    (root / "__init__.py").write_text("", encoding="utf-8")
    (root / "server" / "a.py").write_text("A = 1\n", encoding="utf-8")
    (root / "server" / "tasks" / "b.py").write_text("B = 2\n", encoding="utf-8")
    (root / "server" / "notes.md").write_text("not a module\n", encoding="utf-8")


def test_texts_follow_every_edit_of_the_runtime_tree(tmp_path: Path) -> None:
    runtime = tmp_path / "runtime"
    _tree(runtime)
    first = _runtime_texts(runtime)
    assert first == (
        ("__init__.py", ""),
        ("server/a.py", "A = 1\n"),
        ("server/tasks/b.py", "B = 2\n"),
    )
    assert _runtime_texts(runtime) is first  # answered from memory
    edited = runtime / "server" / "a.py"
    before = edited.stat()
    edited.write_text("A = 3\n", encoding="utf-8")  # same size: the mtime tells
    os.utime(edited, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000))
    assert dict(_runtime_texts(runtime))["server/a.py"] == "A = 3\n"
    (runtime / "server" / "c.py").write_text("C = 4\n", encoding="utf-8")
    assert dict(_runtime_texts(runtime))["server/c.py"] == "C = 4\n"
    (runtime / "server" / "tasks" / "b.py").unlink()
    assert "server/tasks/b.py" not in dict(_runtime_texts(runtime))
