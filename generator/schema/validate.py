"""Validate plain data against a pydantic model, reporting problems at their source position."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..diagnostics import Diagnostic, Level, SpecError
from ..load import Document, escape_pointer_token
from .arazzo import ArazzoDocument
from .arazzo_schema import schema_problems

ModelT = TypeVar("ModelT", bound=BaseModel)

# pydantic reports union members and wrappers as extra loc parts; these are not keys of the input.
_NOISE = (
    "function-after",
    "function-before",
    "function-wrap",
    "tagged-union",
    "lax-or-strict",
)


def _pointer(loc: tuple[int | str, ...], data: Any) -> tuple[str, str]:
    """Map a pydantic error location to a JSON pointer into `data` and a readable dotted path."""
    pointer, shown, node = "", [], data
    for part in loc:
        if (isinstance(node, dict) and isinstance(part, str) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and part < len(node)
        ):
            node = node[part]  # type: ignore[index]
        else:
            continue  # a union member name or validator wrapper, not a key of the document
        pointer += "/" + escape_pointer_token(str(part))
        shown.append(str(part))
    return pointer, ".".join(shown) or "(document)"


# What a list item of these types must look like, for "not a mapping" errors.
_SHAPES = {
    "SuccessAction": "a success action: a mapping with 'name' and 'type' (end or goto), "
    "or {reference: $components.successActions.<name>}",
    "FailureAction": "a failure action: a mapping with 'name' and 'type' (end, goto or "
    "retry), or {reference: $components.failureActions.<name>}",
    "Parameter": "a parameter: a mapping with 'name', 'in' and 'value', "
    "or {reference: $components.parameters.<name>}",
}


def _message(err: Any, where: str, what: str) -> str:
    kind = err["type"]
    shape = _SHAPES.get(str((err.get("ctx") or {}).get("class_name")))
    if kind == "model_type" and shape is not None:
        got = err.get("input")
        return f"{what}: {where}: expected {shape} (got {type(got).__name__})"
    if kind == "missing":
        return f"{what}: {where}: required field {err['loc'][-1]!r} is missing; add it"
    if kind == "extra_forbidden":
        return f"{what}: unknown field {err['loc'][-1]!r} at {where}; remove it or prefix it with 'x-'"
    got = err.get("input")
    shown = (
        type(got).__name__
        if not isinstance(got, str | int | float | bool)
        else repr(got)
    )
    return f"{what}: {where}: {err['msg']} (got {shown[:60]})"


def validate_document(document: Document, model: type[ModelT], what: str) -> ModelT:
    """Validate `document.data` as `model`; raise SpecError with one diagnostic per problem."""
    try:
        return model.model_validate(document.data)
    except ValidationError as exc:
        problems: dict[tuple[str, str], Diagnostic] = {}
        for err in exc.errors():
            loc = tuple(
                p
                for p in err["loc"]
                if not (isinstance(p, str) and p.startswith(_NOISE))
            )
            pointer, where = _pointer(loc, document.data)
            message = _message(err, where, what)
            problems.setdefault(
                (pointer, message), Diagnostic(document.location(pointer), message)
            )
        raise SpecError(list(problems.values())[:50]) from None


def _in_place(errors: list[Diagnostic], others: list[Diagnostic]) -> list[Diagnostic]:
    """`errors` in their order, each of `others` inserted before the first error after it."""

    def key(d: Diagnostic) -> tuple[int, int]:
        return (d.location.line, d.location.column)

    merged = list(errors)
    for extra in sorted(others, key=key):
        at = next(
            (
                i
                for i, e in enumerate(merged)
                if e.level is not Level.WARNING and key(e) > key(extra)
            ),
            len(merged),
        )
        merged.insert(at, extra)
    return merged


def validate_arazzo(
    document: Document,
    warnings: list[Diagnostic] | None = None,
    what: str = "Arazzo",
    external: Mapping[str, Sequence[str]] | None = None,
) -> ArazzoDocument:
    """Validate an Arazzo document: the official JSON Schema, journeygen's model and the rules
    the schema cannot express (unique ids, names that exist). Every problem is reported at once;
    where the schema and the model disagree about one value, the schema's message is kept.
    Warnings (deviations generated as written, and workflows left out because they use a name
    that does not exist) are appended to `warnings`; `external` maps each arazzo
    sourceDescription to the workflowIds of its document."""
    from ..arazzo.rules import check_document  # late: the arazzo package imports render

    problems = schema_problems(document, what)
    readings = [d for d in problems if d.level is Level.WARNING]
    problems = [d for d in problems if d.level is not Level.WARNING]
    model: ArazzoDocument | None = None
    try:
        model = validate_document(document, ArazzoDocument, what)
    except SpecError as exc:
        seen = {d.location for d in problems}
        problems += [d for d in exc.diagnostics if d.location not in seen]
    checked = check_document(document, what, external)
    found_warnings = readings + [
        d for d in checked.problems if d.level is Level.WARNING
    ]
    problems += [d for d in checked.problems if d.level is not Level.WARNING]
    left_out = [
        (wid, d) for wid, found_in in checked.left_out.items() for d in found_in
    ]
    if problems or model is None:
        # every problem at once: the document's warnings are listed with its errors, each
        # in its place (nothing is generated, so nothing is left out)
        reasons = [
            Diagnostic(d.location, d.message, Level.WARNING) for _, d in left_out
        ]
        raise SpecError(_in_place(problems[:50], found_warnings + reasons))
    if warnings is not None:
        warnings.extend(found_warnings)
        warnings.extend(
            Diagnostic(
                d.location,
                f"{d.message}; workflow {wid!r} is left out of the package "
                "(everything else is generated)",
                Level.WARNING,
            )
            for wid, d in left_out
        )
    model._left_out = frozenset(checked.left_out)
    return model
