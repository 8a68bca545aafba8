"""Rules of the journey DSL that span fields, and every unknown field, as located diagnostics.

Runs on a journey that validated (`parse_journey`): shape errors are pydantic's, listed at once
by `validate_document`; these are the cross-references (a start naming a state, a subjourney
ref naming a subjourney, a mapperRef naming a mapper) and the fields the DSL does not define.

Unknown fields: a field written in another case (`resultvar`) is read as the field and warned
about; an `x-` field is an extension and silent; any other unknown field is a warning that it is
ignored, with a did-you-mean when a field of that object is close.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import BaseModel

from ...diagnostics import Diagnostic, Level
from ...load import Document, escape_pointer_token
from .base import MapperHolder, case_match, known_fields
from .spec import Journey, JourneySpec
from .states import SubjourneyState, TransformState
from .tasks import UnknownTask


def _child(pointer: str, key: str | int) -> str:
    return f"{pointer}/{escape_pointer_token(str(key))}"


def _dotted(pointer: str) -> str:
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
    return ".".join(parts) or "(document)"


class Checker:
    """Collects the diagnostics of one validated journey document."""

    def __init__(self, doc: Document, journey: Journey) -> None:
        self.doc = doc
        self.journey = journey
        self.diagnostics: list[Diagnostic] = []

    def report(self, pointer: str, message: str, level: Level = Level.ERROR) -> None:
        self.diagnostics.append(Diagnostic(self.doc.location(pointer), message, level))

    def run(self) -> list[Diagnostic]:
        """Every problem of the journey: errors and warnings, in document order."""
        self.fields(self.journey, self.doc.data, "")
        spec = self.journey.spec
        self.machines(spec)
        self.references(spec)
        return self.diagnostics

    # -- unknown fields ---------------------------------------------------------------------

    def fields(self, model: BaseModel, raw: Any, pointer: str) -> None:
        if isinstance(model, UnknownTask) or not isinstance(raw, dict):
            return  # a plugin's own fields are its contract, not the DSL's
        cls = type(model)
        known = known_fields(cls)
        for key in raw:
            if not isinstance(key, str) or key in known or key.startswith("x-"):
                continue
            self.unknown(cls, key, raw[key], _child(pointer, key), pointer)
        for name, info in cls.model_fields.items():
            alias = info.alias or name
            written = next(
                (k for k in raw if k == alias or case_match(cls, str(k)) == alias), None
            )
            if written is not None:
                self.nested(
                    getattr(model, name), raw[written], _child(pointer, written)
                )

    def nested(self, value: Any, raw: Any, pointer: str) -> None:
        if isinstance(value, BaseModel):
            self.fields(value, raw, pointer)
        elif isinstance(value, list) and isinstance(raw, list):
            for i, (item, written) in enumerate(zip(value, raw, strict=False)):
                self.nested(item, written, _child(pointer, i))
        elif isinstance(value, dict) and isinstance(raw, dict):
            for key, item in value.items():
                if key in raw:
                    self.nested(item, raw[key], _child(pointer, key))

    def unknown(
        self, cls: type[BaseModel], key: str, value: Any, pointer: str, parent: str
    ) -> None:
        where = _dotted(parent)
        wanted = case_match(cls, key)
        if wanted is not None:
            self.report(
                pointer,
                f"field {key!r} at {where} is read as {wanted!r} (field names are "
                f"case-sensitive); write {wanted!r}",
                Level.WARNING,
            )
            return
        close = difflib.get_close_matches(key, known_fields(cls), n=1, cutoff=0.75)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        if not close and isinstance(value, dict) and "type" in value:
            hint = "; it looks like a state: states belong in a states map"
        self.report(
            pointer,
            f"unknown field {key!r} at {where} is ignored{hint} (extensions are "
            "written 'x-...')",
            Level.WARNING,
        )

    # -- state machines ---------------------------------------------------------------------

    def machines(self, spec: JourneySpec) -> None:
        if spec.start not in spec.states:
            self.report(
                "/spec/start",
                f"spec.start {spec.start!r} is not a state of this journey; name one of "
                f"spec.states ({', '.join(spec.states)})",
            )
        if spec.compensation is not None and spec.compensation.start not in (
            spec.compensation.states
        ):
            self.report(
                "/spec/compensation",
                "spec.compensation needs a non-empty states map and a start naming one "
                "of them",
            )
        for ref, sub in (spec.subjourneys or {}).items():
            if sub.start not in sub.states:
                self.report(
                    _child("/spec/subjourneys", ref),
                    f"subjourney {ref!r} needs a non-empty states map and a start "
                    "naming one of them",
                )

    def references(self, spec: JourneySpec) -> None:
        known = sorted(spec.subjourneys or {})
        for pointer, state in walk_states(spec):
            if isinstance(state, SubjourneyState) and state.subjourney.ref not in known:
                self.report(
                    pointer + "/subjourney/ref",
                    f"subjourney ref {state.subjourney.ref!r} is not a key of "
                    f"spec.subjourneys (known: {', '.join(known) or 'none'})",
                )
            if isinstance(state, TransformState) and state.resultVar is not None:
                self.report(
                    pointer + "/resultVar",
                    "resultVar belongs inside the transform block (DSL §14); read as "
                    "transform.resultVar",
                    Level.WARNING,
                )
        for pointer, holder in _mapper_holders(self.journey, self.doc.data, ""):
            if holder.mapper is not None and holder.mapperRef is not None:
                self.report(pointer, "use mapper or mapperRef, not both (DSL §10.1)")
            elif holder.mapperRef is not None and holder.mapperRef not in spec.mappers:
                names = ", ".join(spec.mappers) or "none"
                self.report(
                    pointer + "/mapperRef",
                    f"mapperRef {holder.mapperRef!r} is not a key of spec.mappers "
                    f"(known: {names})",
                )


def walk_states(spec: JourneySpec) -> Iterator[tuple[str, Any]]:
    """(pointer, state) of every state: top level, branches, subjourneys, compensation."""
    yield from _states(spec.states, "/spec/states")
    for ref, sub in (spec.subjourneys or {}).items():
        yield from _states(sub.states, _child("/spec/subjourneys", ref) + "/states")
    if spec.compensation is not None:
        yield from _states(spec.compensation.states, "/spec/compensation/states")


def _states(states: Mapping[str, Any], pointer: str) -> Iterator[tuple[str, Any]]:
    for name, state in states.items():
        here = _child(pointer, name)
        yield here, state
        branches = getattr(getattr(state, "parallel", None), "branches", None) or []
        for i, branch in enumerate(branches):
            if branch.states:
                yield from _states(
                    branch.states, f"{here}/parallel/branches/{i}/states"
                )


def _mapper_holders(
    value: Any, raw: Any, pointer: str
) -> Iterator[tuple[str, MapperHolder]]:
    if isinstance(value, MapperHolder):
        yield pointer, value
    if isinstance(value, BaseModel) and isinstance(raw, dict):
        for name, info in type(value).model_fields.items():
            alias = info.alias or name
            if alias in raw:
                yield from _mapper_holders(
                    getattr(value, name), raw[alias], _child(pointer, alias)
                )
    elif isinstance(value, list) and isinstance(raw, list):
        for i, (item, written) in enumerate(zip(value, raw, strict=False)):
            yield from _mapper_holders(item, written, _child(pointer, i))
    elif isinstance(value, dict) and isinstance(raw, dict):
        for key, item in value.items():
            if key in raw:
                yield from _mapper_holders(item, raw[key], _child(pointer, key))
