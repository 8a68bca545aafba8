"""File map -> output folder, atomically; or, in check mode, a unified diff of what would change.

Whether an output folder already holds a file map is decided by digests: each file's SHA-256
against the map's (a cached map knows its digests without reading its texts, see cache.py).
With `Stamps` (the cache folder's record of what journeygen last saw of each output file:
size, mtime, ctime and inode with the digest of its bytes) a file whose status is exactly as
recorded is not read again, as git's index spares `git status` from reading unchanged files.
A stamp is trusted only for a file whose mtime and ctime are more than `RACY_NS` older than
the moment it was recorded: a file changed within the timestamp granularity of that moment
could keep its recorded status, so it is read (and recorded anew). Any change to a file's
bytes changes its ctime, which no program can set back.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from .cache import Files, text_digest, write_atomic

RACY_NS = 2_000_000_000  # 2 s: the coarsest file timestamps in use (FAT) are 2 s apart
_Stamp = tuple[int, int, int, int, str]  # size, mtime_ns, ctime_ns, inode, digest


def _existing(folder: Path) -> dict[str, str]:
    """Every output file under `folder` with its text, keyed by its path from `folder`'s
    parent."""
    return {
        rel: _read(full)
        for rel, full in _listing(folder).items()
        if os.path.isfile(full)  # noqa: PTH113
    }


def _listing(folder: Path) -> dict[str, str]:
    """Every output file under `folder` (its full path), keyed by its path from `folder`'s
    parent. Walked with `os.walk` and plain strings: an unchanged corpus is thousands of files,
    and pathlib's per-path objects were most of the time of a run answered from the cache.
    """
    if not folder.is_dir():
        return {}
    found: dict[str, str] = {}
    root = str(folder)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not _ignored_dir(d)]
        prefix = folder.name + dirpath[len(root) :].replace(os.sep, "/") + "/"
        for name in filenames:
            if not name.endswith(".pyc"):
                found[prefix + name] = f"{dirpath}{os.sep}{name}"
    return found


class Stamps:
    """What journeygen last saw of output files, kept in a cache folder (see the module)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, target: Path) -> Path:
        name = hashlib.sha256(str(target.resolve()).encode("utf-8")).hexdigest()
        return self.folder / f"{name[:32]}.json"

    def load(self, target: Path) -> tuple[int, dict[str, _Stamp]]:
        """(when recorded, the stamp of each file) for the output folder `target`."""
        try:
            data = json.loads(self._path(target).read_text(encoding="utf-8"))
            stamps = {
                str(rel): (int(s[0]), int(s[1]), int(s[2]), int(s[3]), str(s[4]))
                for rel, s in data["files"].items()
            }
            return int(data["recorded_ns"]), stamps
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return 0, {}

    def save(self, target: Path, recorded_ns: int, stamps: dict[str, _Stamp]) -> None:
        """Record `stamps`, taken no earlier than `recorded_ns`; silently skipped on I/O errors."""
        data = {"recorded_ns": recorded_ns, "files": stamps}
        try:
            write_atomic(self._path(target), json.dumps(data))
        except OSError:
            return


def _on_disk(target: Path, stamps: Stamps | None) -> dict[str, str]:
    """The digest of every output file under `target`; files whose stamp holds are not read."""
    listing = _listing(target)
    recorded, known = stamps.load(target) if stamps is not None else (0, {})
    now = time.time_ns()  # before any file is read: see the module on racy stamps
    digests: dict[str, str] = {}
    fresh: dict[str, _Stamp] = {}
    read = False
    for rel, full in listing.items():
        try:
            st = os.stat(full)  # noqa: PTH116 (thousands of files: plain strings)
        except OSError:
            continue
        status = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
        old = known.get(rel)
        if (
            old is not None
            and old[:4] == status
            and max(st.st_mtime_ns, st.st_ctime_ns) < recorded - RACY_NS
        ):
            digest = old[4]
        else:
            read = True
            try:
                with open(full, "rb") as handle:  # noqa: PTH123
                    digest = hashlib.sha256(handle.read()).hexdigest()
            except OSError:
                continue
        digests[rel] = digest
        fresh[rel] = (*status, digest)
    if stamps is not None and (read or fresh.keys() != known.keys()):
        stamps.save(target, now, fresh)
    return digests


def _digests(files: Mapping[str, str]) -> dict[str, str]:
    if isinstance(files, Files):  # a cache hit: known without reading a text
        return files.digests
    return {rel: text_digest(text) for rel, text in files.items()}


def unchanged(
    out: Path, package: str, files: Mapping[str, str], stamps: Stamps | None = None
) -> bool:
    """True when `out/package` holds exactly `files` (no file more, none less, none other)."""
    return _on_disk(out / package, stamps) == _digests(files)


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


def diff(
    out: Path, package: str, files: Mapping[str, str], stamps: Stamps | None = None
) -> str:
    """A unified diff from what is on disk under `out/package` to `files` ('' when equal)."""
    if unchanged(out, package, files, stamps):
        return ""
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


def write_package(
    out: Path, package: str, files: Mapping[str, str], stamps: Stamps | None = None
) -> bool:
    """Replace `out/package` with exactly `files`; return whether anything changed.

    The new tree is written beside the old one and swapped in with renames, so a failure at any
    point leaves the previous output in place.
    """
    target = out / package
    if unchanged(out, package, files, stamps):  # the test of an empty `diff`
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
