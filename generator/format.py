"""The format stage: black over every rendered Python file.

black is the most expensive stage, and most of what it is given is text it has formatted
before (the copied runtime modules, unchanged models). Text that is static and already in the
output's black style (the runtime modules, the client engine among them: see `render.static_sources`) is
*trusted*: `Formatter.trust` records it as its own black result, so it is never re-formatted.
tests/runtime/test_preformatted.py asserts black leaves every such text unchanged, which keeps
the skip exact as those files are edited. Every other result is remembered by the
exact input text: in memory for the life of a `Formatter`, and, when a cache folder is given
(`Formatter(cache_dir=...)` or the `JOURNEYGEN_CACHE_DIR` environment variable), on disk across
processes. A hit returns the very text black returned for the same input under the same pinned
black version and mode, so the output is byte-identical with or without the cache. black itself
is imported only on a miss.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from .diagnostics import Location, SpecError, error
from .format_chunks import ShapeCache, format_source

CACHE_ENV = "JOURNEYGEN_CACHE_DIR"
# black's mode, as plain values: they are part of the cache fingerprint, so changing one here
# can never return text cached under another mode.
TARGET_VERSION = "PY311"
LINE_LENGTH = 88
# A module at least this long is formatted one definition at a time (`format_chunks`): the
# same bytes, in time linear in its size, and equal definitions formatted once.
CHUNKED_FROM = 16_000
# A Formatter that formats several cases (a whole-corpus worker) chunks every module: pieces of
# one shape recur across the cases it formats, so black gets 30% less CPU over the 42 corpus
# cases (17.0 -> 11.9 s in one Formatter). For a single case they rarely recur and the pieces'
# own cost wins (all 42 cases one fresh Formatter each: 17.6 s chunked from 16,000, 18.8 s all).
CHUNKED_FROM_SHARED = 0
_CACHE_LAYOUT = "1"  # bump when the on-disk format below changes


def _mode() -> object:
    from black.mode import Mode, TargetVersion

    return Mode(
        target_versions={getattr(TargetVersion, TARGET_VERSION)},
        line_length=LINE_LENGTH,
    )


def _version(distribution: str) -> str:
    from .cache import installed_version  # no importlib.metadata: see there

    return installed_version(distribution) or "unknown"


def cache_dir_from_env() -> Path | None:
    """The cache folder named by `JOURNEYGEN_CACHE_DIR`, or None (no disk cache) when unset."""
    value = os.environ.get(CACHE_ENV, "").strip()
    return Path(value) if value else None


class DiskCache:
    """Content-addressed text store: `get(key)` returns what `put(key, value)` stored.

    The key is hashed together with a fingerprint of everything that decides the value (tool
    versions, options), so a change of any of them simply misses. Each entry carries the hash
    of its value and is written to a temporary file and renamed into place, so a torn or
    foreign file is ignored, never returned. Any I/O error degrades to a miss.
    """

    def __init__(self, folder: Path, namespace: str, fingerprint: str) -> None:
        self.folder = folder / namespace
        self.fingerprint = f"{_CACHE_LAYOUT}\0{fingerprint}\0"

    def _path(self, key: str) -> Path:
        digest = hashlib.sha256((self.fingerprint + key).encode("utf-8")).hexdigest()
        return self.folder / digest[:2] / digest[2:]

    def get(self, key: str) -> str | None:
        try:
            raw = self._path(key).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        check, sep, value = raw.partition("\n")
        if not sep or hashlib.sha256(value.encode("utf-8")).hexdigest() != check:
            return None
        return value

    def put(self, key: str, value: str) -> None:
        path = self._path(key)
        body = hashlib.sha256(value.encode("utf-8")).hexdigest() + "\n" + value
        from .cache import write_atomic

        try:
            write_atomic(path, body)
        except OSError:
            return


class Formatter:
    """Formats Python sources with black; remembers results so equal inputs cost nothing twice."""

    def __init__(self, cache_dir: Path | None = None, *, shared: bool = False) -> None:
        """`shared`: this Formatter will format several cases (see CHUNKED_FROM_SHARED)."""
        self._chunked_from = CHUNKED_FROM_SHARED if shared else CHUNKED_FROM
        self._done: dict[str, str] = {}
        self._mode: object | None = None
        self._shapes: ShapeCache | None = None
        folder = cache_dir if cache_dir is not None else cache_dir_from_env()
        self._disk = (
            DiskCache(
                folder,
                "black",
                f"black={_version('black')};{TARGET_VERSION};{LINE_LENGTH}",
            )
            if folder is not None
            else None
        )

    def format(self, path: str, text: str) -> str:
        """Return `text` in black's style; a syntax error in generated code is a generator bug."""
        key = hashlib.sha256(text.encode("utf-8")).hexdigest()
        cached = self._done.get(key)
        if cached is not None:
            return cached
        if self._disk is not None:
            stored = self._disk.get(text)
            if stored is not None:
                self._remember(key, stored)
                return stored
        result = self._black(path, text)
        self._remember(key, result)
        if self._disk is not None:
            self._disk.put(text, result)
        return result

    def trust(self, texts: Iterable[str]) -> None:
        """Record each text as already formatted: `format` returns it unchanged, without black.

        Only for static sources that a test proves black-stable under this mode.
        """
        for text in texts:
            self._done[hashlib.sha256(text.encode("utf-8")).hexdigest()] = text

    def known(self, text: str) -> bool:
        """True when `format(text)` is answered from memory (trusted or formatted before)."""
        return hashlib.sha256(text.encode("utf-8")).hexdigest() in self._done

    def warm_up(self) -> None:
        """Import black and build its mode ahead of the first file."""
        import black  # noqa: F401

        if self._mode is None:
            self._mode = _mode()

    def _remember(self, key: str, result: str) -> None:
        self._done[key] = result
        self._done[hashlib.sha256(result.encode("utf-8")).hexdigest()] = result

    def _black(self, path: str, text: str) -> str:
        from black.parsing import InvalidInput

        if len(text) >= self._chunked_from:
            if self._shapes is None:
                self._shapes = ShapeCache(self._black_text)
            try:
                pieces = format_source(text, self._shapes)
            except (InvalidInput, ValueError):
                pieces = None  # a cut black cannot parse: the module is formatted whole
            if pieces is not None:
                return pieces
        try:
            return self._black_text(text)
        except InvalidInput as exc:
            raise _bug(path, exc) from exc

    def _black_text(self, text: str) -> str:
        import black

        if self._mode is None:
            self._mode = _mode()
        return str(black.format_str(text, mode=self._mode))  # type: ignore[arg-type]

    def format_files(self, files: dict[str, str]) -> dict[str, str]:
        """Format every `.py` file of a rendered file map."""
        return {
            p: self.format(p, t) if p.endswith(".py") else t for p, t in files.items()
        }


def _bug(path: str, exc: Exception) -> SpecError:
    return error(
        Location(path),
        f"journeygen produced invalid Python here ({exc}); this is a journeygen bug, please report it "
        "with the spec that caused it",
    )


__all__ = ["CACHE_ENV", "DiskCache", "Formatter", "SpecError", "cache_dir_from_env"]
