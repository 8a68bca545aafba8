"""Typed model of a JourneyForge journey definition: the fields journeygen reads; others tolerated."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

StateType = Literal[
    "task",
    "choice",
    "transform",
    "parallel",
    "wait",
    "webhook",
    "timer",
    "subjourney",
    "succeed",
    "fail",
]


class _Open(BaseModel):
    """Base: unknown fields are tolerated (the DSL grows faster than journeygen reads it)."""

    model_config = ConfigDict(extra="allow", frozen=True)


class Metadata(_Open):
    name: str = Field(pattern=r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$", max_length=100)
    version: str | None = None
    description: str | None = None
    tags: list[str] = Field(default_factory=list)


class SchemaHolder(_Open):
    schema_: dict[str, Any] | bool | None = Field(default=None, alias="schema")


class ApiRef(_Open):
    openApiRef: str


class Expression(_Open):
    lang: str = "dataweave"
    expr: str


class State(_Open):
    """One state; the fields of its type stay available as extras for the engine builder."""

    type: StateType
    next: str | None = None
    outputVar: str | None = None
    errorCode: str | None = None
    reason: str | None = None


class JourneySpec(_Open):
    apis: dict[str, ApiRef] = Field(default_factory=dict)
    input: SchemaHolder | None = None
    output: SchemaHolder | None = None
    start: str
    states: dict[str, State] = Field(min_length=1)


class Journey(_Open):
    apiVersion: str
    kind: Literal["Journey", "Api"]
    metadata: Metadata
    spec: JourneySpec
