"""Shared pieces of the journey schema: the open base model, expressions, mappers, targets."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

IDENTIFIER = r"^[A-Za-z_][A-Za-z0-9_]*$"


class Open(BaseModel):
    """Base of every journey model.

    Unknown fields are kept (`model_extra`) so that the checker (`check.py`) can report each one
    at its position with a did-you-mean, instead of pydantic refusing the whole document.
    """

    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _case_folded(cls, data: Any) -> Any:
        """Read a field written in another case (`resultvar`) as the field (`resultVar`): the
        intent is unambiguous; the checker reports it as a warning."""
        if not isinstance(data, dict):
            return data
        renamed = {}
        for key in data:
            wanted = case_match(cls, key) if isinstance(key, str) else None
            if wanted is not None and wanted not in data:
                renamed[key] = wanted
        if not renamed:
            return data
        return {renamed.get(k, k): v for k, v in data.items()}


def known_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The field names of a model as written in documents (aliases)."""
    return tuple(f.alias or name for name, f in model.model_fields.items())


def case_match(model: type[BaseModel], key: str) -> str | None:
    """The one field of `model` that `key` names in another case, if any."""
    known = known_fields(model)
    if key in known or key.startswith("x-"):
        return None
    found = [k for k in known if k.casefold() == key.casefold()]
    return found[0] if len(found) == 1 else None


class Expression(Open):
    """`{lang, expr}`: an expression for one of the expression engines (DSL §10)."""

    lang: str
    expr: str


class MapperHolder(Open):
    """`{mapper: {lang, expr}}`, `{mapperRef: id}` (DSL §10.1) or `{normaliserRef: id}`
    (a `spec.errors.normalisers` entry, DSL §24)."""

    mapper: Expression | None = None
    mapperRef: str | None = None
    normaliserRef: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _bare_mapper(cls, data: Any) -> Any:
        """Read `lang` + `expr` written where a mapper goes, with no `mapper:` above them
        (`until: {lang: dataweave, expr: ...}`, as DSL §12.3's prose words it), as that
        mapper: the intent is unambiguous; the checker reports it as a warning."""
        if isinstance(data, dict) and bare_mapper(data):
            rest = {k: v for k, v in data.items() if k not in ("lang", "expr")}
            return {**rest, "mapper": {"lang": data["lang"], "expr": data["expr"]}}
        return data


def bare_mapper(raw: dict[Any, Any]) -> bool:
    """Whether a mapper site holds `lang` and `expr` themselves instead of a `mapper:`."""
    return (
        "lang" in raw
        and "expr" in raw
        and not {"mapper", "mapperRef", "normaliserRef"} & set(raw)
    )


class SchemaHolder(Open):
    """`{schema: <JSON Schema>}`; the schema itself is read by the models stage."""

    schema_: dict[str, Any] | bool | list[Any] | None = Field(
        default=None, alias="schema"
    )


class ResponseProjection(SchemaHolder):
    """`response` of a wait/webhook state or of `spec.output` (DSL §11, §12.1)."""

    outputVar: str | None = None


class Target(Open):
    """Where a mapper's result goes (DSL §14): `context` (optionally at a dot-path) or `var`."""

    kind: Literal["context", "var", "attributes"] = "context"
    path: str | None = None
