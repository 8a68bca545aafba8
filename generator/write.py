"""File map -> output folder, atomically; or, in check mode, a unified diff of what would change."""

from __future__ import annotations

import difflib
import os
import shutil
import tempfile
from pathlib import Path


def _existing(folder: Path) -> dict[str, str]:
    """Every output file under `folder`, keyed by its path from `folder`'s parent. Walked with
    `os.walk` and plain strings: an unchanged corpus is thousands of files, and pathlib's
    per-path objects were most of the time of a run answered from the cache."""
    if not folder.is_dir():
        return {}
    found: dict[str, str] = {}
    root = str(folder)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not _ignored_dir(d)]
        inner = dirpath[len(root) :].replace(os.sep, "/")
        prefix = folder.name + inner + "/"
        for name in filenames:
            full = f"{dirpath}{os.sep}{name}"
            if name.endswith(".pyc") or not os.path.isfile(full):  # noqa: PTH113
                continue
            found[prefix + name] = _read(full)
    return found


def _read(path: str) -> str:
    with open(path, encoding="utf-8", errors="replace") as handle:  # noqa: PTH123
        return handle.read()


_IGNORED_DIRS = (
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    "build",
    "dist",
)


def _ignored_dir(name: str) -> bool:
    """Build and cache litter that tools leave in a package folder is not output."""
    return name in _IGNORED_DIRS or name.endswith(".egg-info")


def diff(out: Path, package: str, files: dict[str, str]) -> str:
    """A unified diff from what is on disk under `out/package` to `files` ('' when equal)."""
    current = _existing(out / package)
    chunks: list[str] = []
    for rel in sorted(set(current) | set(files)):
        old, new = current.get(rel), files.get(rel)
        if old == new:
            continue
        chunks.extend(
            difflib.unified_diff(
                (old or "").splitlines(keepends=True),
                (new or "").splitlines(keepends=True),
                fromfile=f"a/{rel}" if old is not None else "/dev/null",
                tofile=f"b/{rel}" if new is not None else "/dev/null",
            )
        )
        if chunks and not chunks[-1].endswith("\n"):
            chunks[-1] += "\n"
    return "".join(chunks)


def write_package(out: Path, package: str, files: dict[str, str]) -> bool:
    """Replace `out/package` with exactly `files`; return whether anything changed.

    The new tree is written beside the old one and swapped in with renames, so a failure at any
    point leaves the previous output in place.
    """
    target = out / package
    if (
        _existing(target) == files
    ):  # the same test as an empty `diff`, without building it
        return False
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{package}.new-", dir=out))
    try:
        for rel, text in files.items():
            dest = staging / Path(rel).relative_to(package)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(text, encoding="utf-8", newline="\n")
        old = out / f".{package}.old"
        if old.exists():
            shutil.rmtree(old)
        if target.exists():
            target.replace(old)
        staging.replace(target)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return True
