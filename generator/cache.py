"""A content-addressed cache of generated file maps, so unchanged inputs cost almost nothing.

An entry is keyed by the bytes of every input document a case read (its own files and every file
its `$ref`s reached) and by a fingerprint of journeygen itself (its code, its templates, and the
versions of the libraries that shape the output). Any change to any of those misses the cache, so
`generate --check` stays exact: on a hit it still compares the cached output with the disk.

An entry holds each file's SHA-256, not its text; the texts are content-addressed blobs beside
the entries (`blobs/`), stored once however many packages share them (the copied runtime is
the same in every package: the 42 corpus packages' 41 MB of entries became 0.9 MB of entries
and 4.6 MB of blobs). A hit
loads a text only when it is written or shown in a diff: an unchanged output is recognised by
the digests alone (`write.py`).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
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
_VERSION = 3  # 2: warning paths stored absolute; 3: file digests and shared blobs


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
        version = installed_version(name)
        parts.append(
            f"{name}=={version}".encode() if version else f"{name} missing".encode()
        )
    return _digest(*parts)


def installed_version(name: str) -> str | None:
    """The version of distribution `name` importable here, None when it is not installed.

    Read from the name of its `.dist-info` folder on `sys.path`, as importlib.metadata finds
    it, without importing importlib.metadata (and the email package it parses metadata with:
    half the time of a run answered from the cache). Falls back to importlib.metadata when no
    such folder names a version.
    """
    wanted = name.replace("-", "_").replace(".", "_").lower()
    for entry in sys.path:
        try:
            # plain names, one folder per path entry
            names = os.listdir(entry or ".")  # noqa: PTH208
        except OSError:
            continue
        for found in names:
            stem, dot, suffix = found.rpartition(".")
            if not dot or suffix != "dist-info":
                continue
            dist, dash, version = stem.partition("-")
            if dash and version and dist.replace(".", "_").lower() == wanted:
                return version
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def text_digest(text: str) -> str:
    """The SHA-256 of `text` as written to disk (UTF-8): how entries and outputs are compared."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Files(Mapping[str, str]):
    """A cached file map: the digests at once, each text read from its blob on first use."""

    def __init__(self, digests: dict[str, str], blobs: Path) -> None:
        self.digests = digests
        self._blobs = blobs
        self._texts: dict[str, str] = {}

    def __getitem__(self, rel: str) -> str:
        text = self._texts.get(rel)
        if text is None:
            digest = self.digests[rel]
            path = _blob_path(self._blobs, digest)
            text = path.read_text(encoding="utf-8")
            if text_digest(text) != digest:
                raise OSError(
                    f"{path}: this cache blob was changed after journeygen wrote it; delete "
                    f"{self._blobs.parent} (the cache folder) and run again"
                )
            self._texts[rel] = text
        return text

    def __iter__(self) -> Iterator[str]:
        return iter(self.digests)

    def __len__(self) -> int:
        return len(self.digests)


def _blob_path(blobs: Path, digest: str) -> Path:
    return blobs / digest[:2] / digest[2:]


@dataclass(frozen=True)
class Entry:
    """What one generation produced."""

    package: str
    files: Mapping[str, str]
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
        self.blobs = folder / "blobs"
        self._trees: dict[Path, str] = {}
        self._present: set[str] = set()  # blobs seen on disk by this Cache

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
        digests = {str(rel): str(digest) for rel, digest in data["files"].items()}
        blobs = str(self.blobs)
        for digest in set(digests.values()) - self._present:
            # plain strings: a case has about 130 files
            if not os.path.isfile(f"{blobs}/{digest[:2]}/{digest[2:]}"):  # noqa: PTH113
                return None  # a blob removed since: generated again
            self._present.add(digest)
        warnings = [
            (str(p), int(ln), int(col), str(m))
            for p, ln, col, m in data.get("warnings", [])
        ]
        return Entry(str(data["package"]), Files(digests, self.blobs), warnings)

    def put(self, case: Path, root: Path, entry: Entry) -> None:
        """Store an entry atomically; a cache that cannot be written is silently skipped."""
        key = self._key(case, root)
        digests = {rel: text_digest(text) for rel, text in entry.files.items()}
        data = {
            "key": key,
            "package": entry.package,
            "files": digests,
            "warnings": entry.warnings,
        }
        try:
            for rel, digest in digests.items():
                if digest not in self._present:
                    _write_blob(_blob_path(self.blobs, digest), entry.files[rel])
                    self._present.add(digest)
            write_atomic(self.folder / f"{key}.json", json.dumps(data, sort_keys=True))
        except OSError:
            return


def _write_blob(path: Path, text: str) -> None:
    """Write a blob unless it is there (same name, same text: content-addressed)."""
    if not path.is_file():
        write_atomic(path, text)


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to a temporary file beside `path` and rename it into place, so a reader
    sees the old file or the whole new one, never a torn one; raises OSError."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
