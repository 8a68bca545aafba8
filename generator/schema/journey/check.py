"""Rules of the journey DSL that span fields, and every unknown field, as located diagnostics.

Runs on a journey that validated (`parse_journey`): shape errors are pydantic's, listed at once
by `validate_document`; the checker adds the fields the DSL does not define (here), the
transitions (`transitions.py`), the rules of each state and task kind (`rules.py`), what a state
needs to be run at all (`compilable.py`) and the `${...}` placeholders (`interpolation.py`).

Unknown fields: a field written in another case (`resultvar`) is read as the field and warned
about; an `x-` field is an extension and silent; any other unknown field is a warning that it is
ignored, with a did-you-mean when a field of that object is close.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from ...diagnostics import Diagnostic, Level, did_you_mean
from ...load import Document, escape_pointer_token
from .base import MapperHolder, bare_mapper, case_match, known_fields
from .blocks import AttributeBindings, attribute_source
from .outdent import Outdented
from .placement import NESTED_DEFAULT, misplaced
from .spec import Bindings, Journey, JourneySpec
from .states import (
    STATE_MODELS,
    SubjourneyState,
    TransformState,
    WaitState,
    WebhookState,
)
from .tasks import TASK_MODELS, UnknownTask

TASK_MODELS_TUPLE = tuple(TASK_MODELS.values())


def _child(pointer: str, key: str | int) -> str:
    return f"{pointer}/{escape_pointer_token(str(key))}"


def _dotted(pointer: str) -> str:
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
    return ".".join(parts) or "(document)"


class Checker:
    """Collects the diagnostics of one validated journey document."""

    def __init__(
        self, doc: Document, journey: Journey, outdented: Sequence[Outdented] = ()
    ) -> None:
        self.doc = doc
        self.journey = journey
        self.outdented = outdented
        self.diagnostics: list[Diagnostic] = []

    def report(self, pointer: str, message: str, level: Level = Level.ERROR) -> None:
        self.diagnostics.append(Diagnostic(self.doc.location(pointer), message, level))

    def run(self) -> list[Diagnostic]:
        """Every problem of the journey: errors and warnings, in document order."""
        from . import (
            compilable,
            contract,
            interpolation,
            rules,
            transitions,
        )  # they import this

        for moved in self.outdented:
            self.report(
                moved.written,
                f"state {moved.name!r} is indented under state {moved.parent!r}; it is "
                f"read as a state of {_dotted(moved.machine)} (YAML reads it as a field "
                f"of {moved.parent}); outdent it to the level of {moved.parent}",
                Level.WARNING,
            )
        self.fields(self.journey, self.doc.data, "")
        spec = self.journey.spec
        self.machines(spec)
        self.references(spec)
        transitions.check(self)
        rules.check(self)
        compilable.check(self)
        interpolation.check(self)
        contract.check(self)
        return self.diagnostics

    # -- unknown fields ---------------------------------------------------------------------

    def fields(self, model: BaseModel, raw: Any, pointer: str) -> None:
        if isinstance(model, UnknownTask) or not isinstance(raw, dict):
            return  # a plugin's own fields are its contract, not the DSL's
        cls = type(model)
        known = known_fields(cls)
        placed = self.placed(model, raw, pointer)
        for key in raw:
            if not isinstance(key, str) or key in known or key.startswith("x-"):
                continue
            if (
                key in placed
                or isinstance(model, Bindings)
                or (key == "cookies" and isinstance(model, TASK_MODELS_TUPLE))
            ):
                continue  # reported where it is read (placed) or by rules.py
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

    def placed(self, model: BaseModel, raw: dict[Any, Any], pointer: str) -> set[str]:
        """Warn about each field written at the wrong level and read where it belongs."""
        where = _dotted(pointer)
        if isinstance(model, WaitState | WebhookState):
            block = model.type
            moves = misplaced(raw, block)
            for key, wanted in moves.items():
                if key == NESTED_DEFAULT:
                    message = (
                        f"'default' inside input at {where} is read as the state's next "
                        f"(the {block} block's content is written one level out; DSL §12 "
                        f"writes next: beside {block}:); write next: "
                        f"{raw['input']['default']} beside {block}: and indent input "
                        f"under {block}:"
                    )
                elif wanted == "next":
                    message = (
                        f"'default' beside the {block} block at {where} is read as the "
                        f"state's next (DSL §12 writes next: beside {block}:); write "
                        f"next: {raw[key]}"
                    )
                else:
                    message = (
                        f"{key!r} at {where} belongs inside the {block} block (DSL §12); "
                        f"read as {block}.{key}; indent it under {block}:"
                    )
                at = (
                    f"{pointer}/{key}"
                    if key == NESTED_DEFAULT
                    else _child(pointer, key)
                )
                self.report(at, message, Level.WARNING)
            return set(moves)
        if isinstance(model, MapperHolder) and bare_mapper(raw):
            self.report(
                pointer,
                f"lang and expr at {where} are a mapper written without its mapper: key "
                "(DSL §10: a mapper site holds mapper: {lang, expr}); read as the mapper; "
                "indent them under mapper:",
                Level.WARNING,
            )
            return {"lang", "expr"}
        if isinstance(model, AttributeBindings):
            found = {
                k for k, v in raw.items()
                if isinstance(k, str) and k not in known_fields(AttributeBindings)
                and attribute_source(v) is not None
            }  # fmt: skip
            for key in sorted(found):
                source = attribute_source(raw[key])
                self.report(
                    _child(pointer, key),
                    f"attribute binding {key!r} at {where} belongs under {source} "
                    f"(DSL §2.8.4); read as {where}.{source}.{key}; indent it under "
                    f"{source}:",
                    Level.WARNING,
                )
            return found
        return set()

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
        close = did_you_mean(key, known_fields(cls))
        hint = f"; {close}" if close else ""
        if isinstance(value, dict) and value.get("type") in STATE_MODELS:
            hint = (
                "; it looks like a state indented one level too deep: states belong "
                "in a states map"
            )
        self.report(
            pointer,
            f"unknown field {key!r} at {where} is ignored{hint} (extensions are "
            "written 'x-...')",
            Level.WARNING,
        )

    # -- state machines ---------------------------------------------------------------------

    def machines(self, spec: JourneySpec) -> None:
        if spec.start not in spec.states:
            hint = did_you_mean(spec.start, spec.states)
            self.report(
                "/spec/start",
                f"spec.start {spec.start!r} is not a state of this journey; "
                + (hint or f"name one of spec.states ({', '.join(spec.states)})"),
            )
        comp = spec.compensation
        if comp is not None and comp.start not in comp.states:
            self.report(
                "/spec/compensation/start",
                f"spec.compensation.start {comp.start!r} is not a state of "
                "spec.compensation.states; "
                + (did_you_mean(comp.start, comp.states) or f"name one of ({', '.join(comp.states)})"),
            )  # fmt: skip
        for ref, sub in (spec.subjourneys or {}).items():
            if sub.start not in sub.states:
                self.report(
                    _child("/spec/subjourneys", ref) + "/start",
                    f"subjourney {ref!r} start {sub.start!r} is not a state of its "
                    "states map; "
                    + (did_you_mean(sub.start, sub.states) or f"name one of ({', '.join(sub.states)})"),
                )  # fmt: skip

    def references(self, spec: JourneySpec) -> None:
        known = sorted(spec.subjourneys or {})
        for pointer, state in walk_states(spec):
            if isinstance(state, SubjourneyState) and state.subjourney.ref not in known:
                hint = did_you_mean(state.subjourney.ref, known)
                self.report(
                    pointer + "/subjourney/ref",
                    f"subjourney ref {state.subjourney.ref!r} is not a key of "
                    f"spec.subjourneys (known: {', '.join(known) or 'none'})"
                    + (f"; {hint}" if hint else ""),
                )
            if isinstance(state, TransformState) and state.resultVar is not None:
                self.report(
                    pointer + "/resultVar",
                    "resultVar belongs inside the transform block (DSL §14); read as "
                    "transform.resultVar",
                    Level.WARNING,
                )
        normalisers = spec.errors.normalisers if spec.errors is not None else {}
        used: set[str] = set()
        for pointer, holder in _mapper_holders(self.journey, self.doc.data, ""):
            ref = holder.normaliserRef
            if ref is not None:
                used.add(ref)
                if holder.mapper is not None or holder.mapperRef is not None:
                    self.report(pointer + "/normaliserRef", "use one of mapper, mapperRef and normaliserRef (DSL §10.1, §24)")  # fmt: skip
                elif ref not in normalisers:
                    hint = did_you_mean(ref, normalisers) or "define it there"
                    self.report(pointer + "/normaliserRef", f"normaliserRef {ref!r} is not a key of spec.errors.normalisers (known: {', '.join(normalisers) or 'none'}; DSL §24); {hint}")  # fmt: skip
                continue
            if holder.mapper is not None and holder.mapperRef is not None:
                self.report(pointer, "use mapper or mapperRef, not both (DSL §10.1)")
            elif holder.mapperRef is not None and holder.mapperRef not in spec.mappers:
                names = ", ".join(spec.mappers) or "none"
                hint = did_you_mean(holder.mapperRef, spec.mappers)
                self.report(
                    pointer + "/mapperRef",
                    f"mapperRef {holder.mapperRef!r} is not a key of spec.mappers "
                    f"(known: {names})" + (f"; {hint}" if hint else ""),
                )
        for name in normalisers:
            if name not in used:
                self.report(_child("/spec/errors/normalisers", name), f"normaliser {name!r} is never used: a normaliser runs only where a normaliserRef names it (DSL §24: never implicitly); write normaliserRef: {name} in an httpCall errorMapping or a transform, or remove it", Level.WARNING)  # fmt: skip


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


def walk_models(value: Any, raw: Any, pointer: str) -> Iterator[tuple[str, BaseModel]]:
    """(pointer, model) of every model in a validated journey, with its position."""
    if isinstance(value, BaseModel):
        yield pointer, value
        if not isinstance(raw, dict):
            return
        for name, info in type(value).model_fields.items():
            alias = info.alias or name
            written = alias if alias in raw else None
            yield from walk_models(getattr(value, name), raw.get(written) if written else None, f"{pointer}/{alias}")  # fmt: skip
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from walk_models(item, raw[i] if isinstance(raw, list) and i < len(raw) else None, f"{pointer}/{i}")  # fmt: skip
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from walk_models(item, raw.get(key) if isinstance(raw, dict) else None, f"{pointer}/{escape_pointer_token(str(key))}")  # fmt: skip


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
