"""Typed errors raised while lexing, parsing or compiling DataWeave expressions."""

from __future__ import annotations


class DataWeaveError(Exception):
    """An expression outside the supported subset, with a 1-based position inside the expression."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(f"{line}:{column}: {message}")
        self.message = message
        self.line = line
        self.column = column
