"""Problems found in the input, as data: each has a location and says what to do."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Level(StrEnum):
    """How bad a problem is: errors stop generation, warnings are reported."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Location:
    """A place in an input file; line and column are 1-based (0 when unknown)."""

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.column}"
        return self.path


@dataclass(frozen=True)
class Diagnostic:
    """One problem in the input."""

    location: Location
    message: str
    level: Level = Level.ERROR

    def __str__(self) -> str:
        return f"{self.location}: {self.level.value}: {self.message}"


class SpecError(Exception):
    """Raised when input cannot be turned into code; carries every problem found."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics, key=lambda d: (d.location, d.message))
        super().__init__("\n".join(str(d) for d in self.diagnostics))


def display_path(path: Path) -> str:
    """A path for messages: relative to the working directory when below it."""
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


def error(location: Location, message: str) -> SpecError:
    """Build a SpecError for one problem."""
    return SpecError([Diagnostic(location, message)])


def _folded(name: str) -> str:
    """A name without case, `_`, `-`, `.` or spaces: `pet_id`, `petId` and `PET-ID` agree."""
    return "".join(c for c in name.casefold() if c.isalnum())


def nearest(name: str, candidates: Iterable[str], *, limit: int = 3) -> list[str]:
    """The candidates closest to `name`, best first: same name but for case or separators,
    then one containing the other (`pet_tags` / `tags`), then similar spelling."""
    pool = sorted(set(candidates) - {name})
    key = _folded(name)
    if not key:
        return []
    same = [c for c in pool if _folded(c) == key]
    inside = [
        c
        for c in pool
        if c not in same
        and len(_folded(c)) >= 3
        and (_folded(c) in key or key in _folded(c))
    ]
    folded = {_folded(c): c for c in reversed(pool)}
    close = [
        folded[f]
        for f in difflib.get_close_matches(key, list(folded), n=limit, cutoff=0.6)
        if folded[f] not in same and folded[f] not in inside
    ]
    return [*same, *inside, *close][:limit]


def did_you_mean(name: str, candidates: Iterable[str], *, limit: int = 3) -> str:
    """`did you mean 'petId'?` for an unknown name, or '' when nothing is close."""
    found = nearest(name, candidates, limit=limit)
    if not found:
        return ""
    return "did you mean " + " or ".join(repr(f) for f in found) + "?"
