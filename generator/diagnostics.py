"""Problems found in the input, as data: each has a location and says what to do."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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


def error(location: Location, message: str) -> SpecError:
    """Build a SpecError for one problem."""
    return SpecError([Diagnostic(location, message)])
