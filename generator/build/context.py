"""The state one build shares between its steps: the case, its typed documents, the names taken
so far and the problems found. Every step of `generator.build` is a function over it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from .. import naming
from ..diagnostics import Diagnostic, SpecError
from ..discover import Case
from ..inputs import Inputs
from ..load import Document, Workspace
from ..schema.arazzo import ArazzoDocument
from ..schemas import SchemaCollector

if TYPE_CHECKING:  # a case without a journey never imports the journey schema
    from ..schema.journey import Journey
    from ..schema.openapi import OpenAPI

T = TypeVar("T")


@dataclass
class BuildContext:
    """One build: its documents (raw and typed), model names, problems and warnings."""

    inputs: Inputs
    scope: naming.Scope
    schemas: SchemaCollector
    openapi: OpenAPI = field(default=None)  # type: ignore[assignment]
    journey: Journey | None = None
    arazzo: ArazzoDocument | None = None
    problems: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    # the model class of each external-input state's own input schema
    state_inputs: dict[str, str | None] = field(default_factory=dict)
    method_names: set[str] = field(default_factory=set)  # client methods taken so far
    # kafkaPublish:v1 keySchemaRef/valueSchemaRef -> the type its values are checked against
    schema_refs: dict[str, str] = field(default_factory=dict)
    # every Arazzo document of the description, the entry one first (arazzo_parts.PartDoc)
    arazzo_parts: list[Any] = field(default_factory=list)
    # per part: its OpenAPI sourceDescription names -> the source name of their operations
    canonical_sources: list[dict[str, str]] = field(default_factory=list)

    @classmethod
    def start(cls, inputs: Inputs) -> BuildContext:
        """A context for building the case whose documents are `inputs`."""
        scope = naming.Scope(naming.RESERVED_CLASS_NAMES)
        return cls(inputs, scope, SchemaCollector(inputs.workspace, scope))

    @property
    def case(self) -> Case:
        """The case being built."""
        return self.inputs.case

    @property
    def ws(self) -> Workspace:
        """The (sealed) workspace the case's documents were loaded into."""
        return self.inputs.workspace

    @property
    def journey_doc(self) -> Document | None:
        """The journey document, if the case has one."""
        return self.inputs.journey

    @property
    def arazzo_doc(self) -> Document | None:
        """The Arazzo document, if the case has one."""
        return self.inputs.arazzo

    def example(self, doc: Document, schema: Any, site: str) -> Any:
        """A documented (else deterministic) JSON value valid against `schema` in `doc`, for
        the README's runnable examples; None when the schema cannot be followed."""
        from ..server.schematypes import example

        def resolve(held: dict[str, Any]) -> dict[str, Any] | None:
            try:
                found = self.ws.resolve(doc, str(held["$ref"]), site).value
            except SpecError:
                return None
            return found if isinstance(found, dict) else None

        return example(schema, resolve, documented=True)

    @property
    def openapi_doc(self) -> Document:
        """The case's own OpenAPI document."""
        return self.inputs.openapi


def attempt(problems: list[Diagnostic], action: Callable[[], T]) -> T | None:
    """`action()`, or None with its problems added to `problems`."""
    try:
        return action()
    except SpecError as exc:
        problems.extend(exc.diagnostics)
        return None
