"""Typed problems found while lexing, parsing or compiling DataWeave expressions."""

from __future__ import annotations

from dataclasses import dataclass


class DataWeaveError(Exception):
    """An expression outside the language, with a 1-based position inside the expression."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(f"{line}:{column}: {message}")
        self.message = message
        self.line = line
        self.column = column


@dataclass(frozen=True)
class DataWeaveWarning:
    """A JourneyForge spelling DataWeave rejects, compiled as its unambiguous meaning.

    The caller reports it as a located warning (`if (c) then a else b`, `default:`, a `do`
    block without `---`, and precedence DataWeave would read as a type error).
    """

    message: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.line}:{self.column}: {self.message}"
