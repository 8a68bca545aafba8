"""A content-addressed cache of generated file maps, so unchanged inputs cost almost nothing.

An entry is keyed by the bytes of every input document a case read (its own files and every file
its `$ref`s reached) and by a fingerprint of journeygen itself (its code, its templates, and the
versions of the libraries that shape the output). Any change to any of those misses the cache, so
`generate --check` stays exact: on a hit it still compares the cached output with the disk.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

_SHAPING = (
    "datamodel-code-generator",
    "black",
    "jinja2",
    "pyyaml",
    "jsonschema",
    "pydantic",
    "openapi-pydantic",
)
_VERSION = 2  # 2: warning paths stored absolute


def _digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()


def fingerprint(code_root: Path, templates: Path) -> str:
    """A hash of journeygen's own code, templates and output-shaping library versions."""
    parts: list[bytes] = [str(_VERSION).encode()]
    for folder in (code_root, templates):
        for path in sorted(folder.rglob("*")):
            if (
                path.is_file()
                and "__pycache__" not in path.parts
                and path.suffix != ".pyc"
            ):
                parts += [
                    path.relative_to(folder).as_posix().encode(),
                    path.read_bytes(),
                ]
    for name in _SHAPING:
        try:
            parts.append(f"{name}=={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            parts.append(f"{name} missing".encode())
    return _digest(*parts)


@dataclass(frozen=True)
class Entry:
    """What one generation produced."""

    package: str
    files: dict[str, str]
    warnings: list[tuple[str, int, int, str]]


def tree_digest(root: Path) -> str:
    """A hash of every spec file under the spec root: any edit anywhere in the tree misses.

    Coarser than tracking each `$ref`, and deliberately so: it cannot miss an input.
    """
    parts: list[bytes] = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in (".yaml", ".yml", ".json"):
            parts += [path.relative_to(root).as_posix().encode(), path.read_bytes()]
    return _digest(*parts)


class Cache:
    """Entries on disk under one folder; a broken or foreign entry is simply a miss."""

    def __init__(self, folder: Path, generator_fingerprint: str) -> None:
        self.folder = folder
        self.fingerprint = generator_fingerprint
        self._trees: dict[Path, str] = {}

    def _key(self, case: Path, root: Path) -> str:
        if root not in self._trees:
            self._trees[root] = tree_digest(root)
        return _digest(
            self.fingerprint.encode(), str(case).encode(), self._trees[root].encode()
        )

    def get(self, case: Path, root: Path) -> Entry | None:
        """The entry for `case` if journeygen and every spec file are unchanged."""
        key = self._key(case, root)
        try:
            data = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        warnings = [
            (str(p), int(ln), int(col), str(m))
            for p, ln, col, m in data.get("warnings", [])
        ]
        return Entry(str(data["package"]), dict(data["files"]), warnings)

    def put(self, case: Path, root: Path, entry: Entry) -> None:
        """Store an entry atomically; a cache that cannot be written is silently skipped."""
        key = self._key(case, root)
        data = {
            "key": key,
            "package": entry.package,
            "files": entry.files,
            "warnings": entry.warnings,
        }
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, sort_keys=True)
            Path(tmp).replace(self.folder / f"{key}.json")
        except OSError:
            return
