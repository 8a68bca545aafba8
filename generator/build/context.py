"""The state one build shares between its steps: the case, its typed documents, the names taken
so far and the problems found. Every step of `generator.build` is a function over it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from .. import naming
from ..diagnostics import Diagnostic, SpecError
from ..discover import Case
from ..load import Document, Workspace
from ..schema.arazzo import ArazzoDocument
from ..schema.journey import Journey
from ..schema.openapi import OpenAPI
from ..schemas import SchemaCollector

T = TypeVar("T")


@dataclass
class BuildContext:
    """One build: its documents (raw and typed), model names, problems and warnings."""

    case: Case
    ws: Workspace
    scope: naming.Scope
    schemas: SchemaCollector
    journey_doc: Document | None = None
    arazzo_doc: Document | None = None
    openapi_doc: Document = field(default=None)  # type: ignore[assignment]
    openapi: OpenAPI = field(default=None)  # type: ignore[assignment]
    journey: Journey | None = None
    arazzo: ArazzoDocument | None = None
    problems: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    # the model class of each external-input state's own input schema
    state_inputs: dict[str, str | None] = field(default_factory=dict)
    method_names: set[str] = field(default_factory=set)  # client methods taken so far

    @classmethod
    def start(cls, case: Case, workspace: Workspace) -> BuildContext:
        """A context for building `case` from documents below `workspace`."""
        scope = naming.Scope(naming.RESERVED_CLASS_NAMES)
        return cls(case, workspace, scope, SchemaCollector(workspace, scope))


def attempt(problems: list[Diagnostic], action: Callable[[], T]) -> T | None:
    """`action()`, or None with its problems added to `problems`."""
    try:
        return action()
    except SpecError as exc:
        problems.extend(exc.diagnostics)
        return None
