"""Compile the journey's DataWeave expressions and `${...}` strings, with positions for errors."""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ..dataweave import (
    DataWeaveError,
    DataWeaveWarning,
    compile_expression,
    compile_interpolation,
)
from ..diagnostics import Location, did_you_mean, error
from ..encode import py_literal
from ..load import Document
from ..schema.journey.base import Expression, MapperHolder

ALL_BINDINGS = frozenset({"context", "payload", "platform"})
DW_RUNTIME = "_dw"  # the name compiled DataWeave code calls its runtime module by
SUPPORTED_BINDINGS = frozenset({"context", "payload", "platform"})


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


@dataclass(frozen=True)
class _Place:
    """A 1-based line and column inside an expression (as DataWeave errors carry)."""

    line: int
    column: int


@dataclass(frozen=True)
class Expressions:
    """Compiles the expressions of one kind of site explicitly: the journey document they are
    in, the bindings visible there beyond `context`, `payload` and `platform` (the `outcome`
    of compensation states), and the list the DataWeave compiler's located warnings go to
    (shared by every `seeing` copy)."""

    doc: Document
    bindings: frozenset[str] = frozenset()
    warnings: list[tuple[Location, str]] = field(default_factory=list)
    # the runtime modules the compiled code calls (`_dw`), for engine.py's imports
    runtime: set[str] = field(default_factory=set)
    # `spec.mappers`: what a `mapperRef` names (DSL §10.1)
    mappers: Mapping[str, Expression] = field(default_factory=dict)
    # `spec.errors.normalisers`: what a `normaliserRef` names (DSL §24)
    normalisers: Mapping[str, Expression] = field(default_factory=dict)
    # (pointer, location, path) of every constant context path an expression reads
    # (`context_keys` checks those of the journey's own states)
    reads: list[tuple[str, Location, tuple[str, ...]]] = field(default_factory=list)

    def seeing(self, names: frozenset[str]) -> Expressions:
        """The compiler for sites that also see `names`."""
        return replace(self, bindings=self.bindings | names)

    def dataweave(
        self,
        pointer: str,
        node: Any,
        *,
        predicate: bool = False,
        extra: frozenset[str] = frozenset(),
    ) -> Code:
        """Compile `{lang: dataweave, expr: ...}` at pointer; a SpecError points into the file.

        `extra` names further bindings of this site (`branches` in a parallel join mapper).
        """
        doc = self.doc
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
        extra = extra | self.bindings
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
        self.warnings.extend(
            (_where(doc, pointer + "/expr", text, w), f"DataWeave: {w.message}")
            for w in compiled.warnings
        )
        self._note_runtime(compiled.code)
        self._note_reads(pointer, doc.location(pointer + "/expr"), compiled.code, text)
        return Code(
            compiled.code, _checked(compiled.bindings, SUPPORTED_BINDINGS | extra)
        )

    def mapper(
        self, pointer: str, node: Any, *, extra: frozenset[str] = frozenset()
    ) -> Code | None:
        """The mapper of a mapper site at `pointer`: `{mapper: {lang, expr}}` or `{mapperRef:
        id}` (a typed MapperHolder, or the same shape as a plain mapping); None for anything
        else. A mapperRef compiles `spec.mappers.<id>` as if it were written here (DSL §10.1),
        its problems located in the definition."""
        if isinstance(node, MapperHolder):
            inline, ref = node.mapper, node.mapperRef
            normaliser = node.normaliserRef
        elif isinstance(node, dict) and (
            isinstance(node.get("mapper"), dict)
            or ("mapperRef" in node and set(node) <= {"mapper", "mapperRef"})
        ):
            inline, ref, normaliser = node.get("mapper"), node.get("mapperRef"), None
        else:
            return None
        if normaliser is not None and inline is None and ref is None:
            if normaliser not in self.normalisers:
                hint = did_you_mean(normaliser, self.normalisers)
                raise error(
                    self.doc.location(pointer + "/normaliserRef"),
                    f"normaliserRef {normaliser!r} is not a key of spec.errors.normalisers"
                    + (f"; {hint}" if hint else ""),
                )
            token = normaliser.replace("~", "~0").replace("/", "~1")
            return self.dataweave(
                f"/spec/errors/normalisers/{token}/mapper",
                self.normalisers[normaliser],
                extra=extra,
            )
        if inline is None and ref is None:
            return None
        if inline is not None and ref is not None:
            raise error(
                self.doc.location(pointer),
                "use mapper or mapperRef, not both (DSL §10.1)",
            )
        if inline is not None:
            return self.dataweave(pointer + "/mapper", inline, extra=extra)
        if not isinstance(ref, str) or not ref:
            raise error(
                self.doc.location(pointer + "/mapperRef"),
                "mapperRef must name a key of spec.mappers (DSL §10.1)",
            )
        if ref not in self.mappers:
            hint = did_you_mean(ref, self.mappers)
            raise error(
                self.doc.location(pointer + "/mapperRef"),
                f"mapperRef {ref!r} is not a key of spec.mappers (known: "
                f"{', '.join(self.mappers) or 'none'})" + (f"; {hint}" if hint else ""),
            )
        return self.dataweave(
            "/spec/mappers/" + ref.replace("~", "~0").replace("/", "~1"),
            self.mappers[ref],
            extra=extra,
        )

    def value(self, pointer: str, raw: Any) -> Code:
        """A parameter value: a string with `${...}` placeholders is compiled, anything
        else literal."""
        if isinstance(raw, Expression) or (
            isinstance(raw, dict) and raw.get("lang") == "dataweave"
        ):
            return self.dataweave(pointer, raw)
        if not isinstance(raw, str) or "${" not in raw:
            return Code(py_literal(raw))
        try:
            compiled = compile_interpolation(
                raw, bindings=ALL_BINDINGS | self.bindings, implicit_root="context"
            )
        except DataWeaveError as exc:
            base = self.doc.location(pointer)
            where = Location(
                base.path, base.line + exc.line - 1, base.column + exc.column - 1
            )
            raise error(
                where, f"cannot compile ${{...}} placeholder: {exc.message}"
            ) from None
        self._note_runtime(compiled.code)
        self._note_reads(pointer, self.doc.location(pointer), compiled.code)
        return Code(
            compiled.code,
            _checked(compiled.bindings, SUPPORTED_BINDINGS | self.bindings),
        )

    def _note_reads(
        self, pointer: str, where: Location, code: str, text: str | None = None
    ) -> None:
        """Record the context paths `code` reads, each at its place in the expression
        `text` when it is found there (else at the site)."""
        from .context_keys import context_paths, position

        for path in context_paths(code):
            at = position(text, path) if text is not None else None
            if at is not None:
                place = _Place(*at)
                where = _where(self.doc, pointer + "/expr", text or "", place)  # type: ignore[arg-type]
            self.reads.append((pointer, where, path))

    def _note_runtime(self, code: str) -> None:
        """Record that compiled code calls the DataWeave runtime (the name `_dw` in it)."""
        tree = ast.parse(code, mode="eval")
        if any(isinstance(n, ast.Name) and n.id == DW_RUNTIME for n in ast.walk(tree)):
            self.runtime.add(DW_RUNTIME)
