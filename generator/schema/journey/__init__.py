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
    "walk_states",
]


@dataclass(frozen=True)
class ParsedJourney:
    """A validated journey and the warnings its document earned."""

    journey: Journey
    warnings: tuple[Diagnostic, ...]


def parse_journey(document: Document) -> ParsedJourney:
    """Validate a journey document; raise SpecError with every error found."""
    journey = validate_document(document, Journey, "journey")
    found = Checker(document, journey).run()
    errors = [d for d in found if d.level is Level.ERROR]
    if errors:
        raise SpecError(errors)
    return ParsedJourney(journey, tuple(found))
