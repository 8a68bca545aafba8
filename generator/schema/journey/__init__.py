"""Typed model of a JourneyForge journey definition (DSL reference), one model per kind.

`parse_journey` validates a loaded document: every shape problem (a MUST of the DSL) is a
located error, all listed at once; then `check.Checker` adds the cross-reference errors and a
warning for each unknown field. Compilers read these models, never the raw document.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...diagnostics import Diagnostic, Level, SpecError
from ...load import Document
from ..validate import validate_document
from .base import Expression, MapperHolder, Open, SchemaHolder, Target
from .check import Checker, walk_states
from .lenient import lenient
from .outdent import outdent
from .placement import repair
from .spec import Journey, JourneySpec
from .states import STATE_MODELS, AnyState, State
from .tasks import TASK_MODELS, Task

__all__ = [
    "STATE_MODELS",
    "TASK_MODELS",
    "AnyState",
    "Expression",
    "Journey",
    "JourneySpec",
    "MapperHolder",
    "Open",
    "ParsedJourney",
    "SchemaHolder",
    "State",
    "Target",
    "Task",
    "parse_journey",
    "repair",
    "walk_states",
]


@dataclass(frozen=True)
class ParsedJourney:
    """A validated journey and the warnings its document earned."""

    journey: Journey
    warnings: tuple[Diagnostic, ...]
    # The document as it is read: misplaced fields where they belong (placement.repair).
    document: Document


def parse_journey(document: Document) -> ParsedJourney:
    """Validate a journey document; raise SpecError with every error found.

    Shape errors (pydantic's) do not hide the checker's: the checker also runs on the parts
    of a document that validate (`lenient.py`), so every problem is listed at once. A state
    indented under another state is read as the state it is (`outdent.py`), with a warning.
    """
    document, outdented = outdent(document)
    try:
        journey = validate_document(document, Journey, "journey")
    except SpecError as exc:
        found = lenient(document)
        if found is None:
            raise
        checkable, partial, replaced = found
        more = [
            d for d in Checker(checkable, partial, outdented).run()
            if not _inside(document, d, replaced)
        ]  # fmt: skip
        raise SpecError([*exc.diagnostics, *more]) from None
    found_all = Checker(document, journey, outdented).run()
    if any(d.level is Level.ERROR for d in found_all):
        raise SpecError(found_all)
    return ParsedJourney(journey, tuple(found_all), repair(document))


def _inside(document: Document, diagnostic: Diagnostic, replaced: list[str]) -> bool:
    """Whether a diagnostic lies in a part of the document the lenient copy replaced."""
    at = diagnostic.location
    for pointer in replaced:
        start = document.location(pointer)
        end = _end(document, pointer)
        if (start.line, start.column) <= (at.line, at.column) < end:
            return True
    return False


def _end(document: Document, pointer: str) -> tuple[int, int]:
    """The first position after `pointer`'s subtree (the next sibling's or after)."""
    later = [
        pos for key, pos in document.positions.items()
        if not key.startswith(pointer + "/") and key != pointer
        and pos > document.positions.get(pointer, (0, 0))
    ]  # fmt: skip
    return min(later, default=(1 << 30, 0))
