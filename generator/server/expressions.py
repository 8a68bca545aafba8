"""Compile the journey's DataWeave expressions and `${...}` strings, with positions for errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from ..dataweave import (
    DataWeaveError,
    DataWeaveWarning,
    compile_expression,
    compile_interpolation,
)
from ..diagnostics import Location, error
from ..encode import py_literal
from ..load import Document
from ..schema.journey.base import Expression

ALL_BINDINGS = frozenset({"context", "payload", "platform"})
SUPPORTED_BINDINGS = frozenset({"context", "payload", "platform"})


_SITE_BINDINGS: ContextVar[frozenset[str]] = ContextVar(
    "site_bindings", default=frozenset()
)
# Located warnings of the DataWeave compiler (JourneyForge spellings DataWeave rejects).
_DW_WARNINGS: ContextVar[list[tuple[Location, str]] | None] = ContextVar(
    "dataweave_warnings", default=None
)


@contextmanager
def dataweave_warnings() -> Iterator[list[tuple[Location, str]]]:
    """Collect the warnings of every expression compiled inside the block."""
    found: list[tuple[Location, str]] = []
    token = _DW_WARNINGS.set(found)
    try:
        yield found
    finally:
        _DW_WARNINGS.reset(token)


@contextmanager
def site_bindings(names: frozenset[str]) -> Iterator[None]:
    """Make further bindings visible to every expression compiled inside the block (the
    `outcome` binding of compensation states)."""
    token = _SITE_BINDINGS.set(_SITE_BINDINGS.get() | names)
    try:
        yield
    finally:
        _SITE_BINDINGS.reset(token)


class UnsupportedBindingError(Exception):
    """An expression reads a binding the engine does not provide yet (for example `platform`)."""

    def __init__(self, names: frozenset[str]) -> None:
        super().__init__(", ".join(sorted(names)))
        self.names = names


@dataclass(frozen=True)
class Code:
    """Python expression code and the bindings (`context`, `payload`) it reads."""

    code: str
    bindings: frozenset[str] = frozenset()


def _where(
    doc: Document, pointer: str, text: str, exc: DataWeaveError | DataWeaveWarning
) -> Location:
    """Map a position inside an expression to the journey file (block scalars start a line later)."""
    base = doc.location(pointer)
    if text.endswith(
        "\n"
    ):  # a `|` block scalar: content starts on the next line, indented
        key = doc.location(pointer.rsplit("/", 1)[0])
        return Location(base.path, base.line + exc.line, key.column + 1 + exc.column)
    column = base.column + exc.column - 1 if exc.line == 1 else exc.column
    return Location(base.path, base.line + exc.line - 1, column)


def _checked(
    used: frozenset[str], allowed: frozenset[str] = SUPPORTED_BINDINGS
) -> frozenset[str]:
    extra = used - allowed
    if extra:
        raise UnsupportedBindingError(extra)
    return used


def dataweave(
    doc: Document,
    pointer: str,
    node: Any,
    *,
    predicate: bool = False,
    extra: frozenset[str] = frozenset(),
) -> Code:
    """Compile `{lang: dataweave, expr: ...}` at pointer; a SpecError points into the file.

    `extra` names further bindings of this site (`branches` in a parallel join mapper).
    """
    lang: Any
    text: Any
    if isinstance(node, Expression):
        lang, text = node.lang, node.expr
    elif isinstance(node, dict):
        lang, text = node.get("lang"), node.get("expr")
    else:
        lang = text = None
    if lang != "dataweave":
        raise error(
            doc.location(pointer), "expected an expression with lang: dataweave"
        )
    if not isinstance(text, str):
        raise error(doc.location(pointer), "expression needs a string 'expr'")
    extra = extra | _SITE_BINDINGS.get()
    try:
        compiled = compile_expression(
            text,
            bindings=ALL_BINDINGS | extra,
            implicit_root="context",
            predicate=predicate,
        )
    except DataWeaveError as exc:
        where = _where(doc, pointer + "/expr", text, exc)
        raise error(
            where, f"cannot compile DataWeave expression: {exc.message}"
        ) from None
    sink = _DW_WARNINGS.get()
    if sink is not None:
        sink.extend(
            (_where(doc, pointer + "/expr", text, w), f"DataWeave: {w.message}")
            for w in compiled.warnings
        )
    return Code(compiled.code, _checked(compiled.bindings, SUPPORTED_BINDINGS | extra))


def value(doc: Document, pointer: str, raw: Any) -> Code:
    """A parameter value: a string with `${...}` placeholders is compiled, anything else literal."""
    if isinstance(raw, Expression) or (
        isinstance(raw, dict) and raw.get("lang") == "dataweave"
    ):
        return dataweave(doc, pointer, raw)
    if not isinstance(raw, str) or "${" not in raw:
        return Code(py_literal(raw))
    site = _SITE_BINDINGS.get()
    try:
        compiled = compile_interpolation(
            raw, bindings=ALL_BINDINGS | site, implicit_root="context"
        )
    except DataWeaveError as exc:
        base = doc.location(pointer)
        where = Location(
            base.path, base.line + exc.line - 1, base.column + exc.column - 1
        )
        raise error(
            where, f"cannot compile ${{...}} placeholder: {exc.message}"
        ) from None
    return Code(compiled.code, _checked(compiled.bindings, SUPPORTED_BINDINGS | site))
