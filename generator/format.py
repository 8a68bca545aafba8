"""The format stage: black over every rendered Python file (never skipped)."""

from __future__ import annotations

import hashlib

from .diagnostics import Location, SpecError, error


def _mode() -> object:
    from black.mode import Mode, TargetVersion

    return Mode(target_versions={TargetVersion.PY311}, line_length=88)


class Formatter:
    """Formats Python sources with black; remembers results so equal inputs cost nothing twice."""

    def __init__(self) -> None:
        self._done: dict[str, str] = {}
        self._mode: object | None = None

    def format(self, path: str, text: str) -> str:
        """Return `text` in black's style; a syntax error in generated code is a generator bug."""
        key = hashlib.sha256(text.encode("utf-8")).hexdigest()
        cached = self._done.get(key)
        if cached is not None:
            return cached
        import black
        from black.parsing import InvalidInput

        if self._mode is None:
            self._mode = _mode()
        try:
            result = black.format_str(text, mode=self._mode)  # type: ignore[arg-type]
        except InvalidInput as exc:
            raise _bug(path, exc) from exc
        self._done[key] = result
        self._done[hashlib.sha256(result.encode("utf-8")).hexdigest()] = result
        return result

    def format_files(self, files: dict[str, str]) -> dict[str, str]:
        """Format every `.py` file of a rendered file map."""
        return {p: self.format(p, t) if p.endswith(".py") else t for p, t in files.items()}


def _bug(path: str, exc: Exception) -> SpecError:
    return error(
        Location(path),
        f"journeygen produced invalid Python here ({exc}); this is a journeygen bug, please report it "
        "with the spec that caused it",
    )


__all__ = ["Formatter", "SpecError"]
