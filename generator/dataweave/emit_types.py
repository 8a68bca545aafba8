"""Types in expressions: `is` (structural for object types, as DataWeave checks), `as`
coercions, and declared types used as values for the dw::core::Types functions
(`arrayItem(A)`, `objectFields(T)`, `nameOf(T)`)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Final

from generator.dataweave import ast
from generator.dataweave.builtins import COERCION_TYPES
from generator.dataweave.errors import DataWeaveError
from generator.dataweave.parse_base import did_you_mean
from generator.dataweave.typing import TYPE_NAMES

if TYPE_CHECKING:
    from generator.dataweave.compiler import Compiler

R: Final = "_dw"


def _fail(message: str, node: ast.Node) -> DataWeaveError:
    return DataWeaveError(message, node.line, node.column)


def _alias(c: Compiler, ref: ast.TypeRef) -> ast.TypeRef | None:
    if ref.kind != "name":
        return None
    found = c.lookup(ref.name)
    if found is not None and found.kind == "type" and found.type is not None:
        return found.type
    return None


def _known(ref: ast.TypeRef) -> None:
    if ref.name not in TYPE_NAMES:
        raise _fail(
            f"unknown type `{ref.name}`" + did_you_mean(ref.name, TYPE_NAMES), ref
        )


def type_spec(c: Compiler, ref: ast.TypeRef, seen: frozenset[str] = frozenset()) -> str:
    """A Python literal describing a type for the runtime's `is_type`."""
    if ref.kind == "literal":
        return f"('literal', {_literal(c, ref)})"
    if ref.kind in ("union", "intersection"):
        members = ", ".join(type_spec(c, member, seen) for member in ref.args)
        return f"({ref.kind!r}, ({members},))"
    if ref.kind == "object":
        fields = ", ".join(
            f"({key!r}, {required!r}, {type_spec(c, field, seen)})"
            for (key, required, _), field in zip(ref.labels, ref.args, strict=True)
        )
        return (
            f"('object', (({fields}{',' if fields else ''}), {ref.name == 'closed'!r}))"
        )
    if ref.kind == "function":
        return repr("Function")
    if ref.schema is not None:
        # `type T = String {format: "yyyy"}`: a value is a T when it carries that metadata
        # (DataWeave keeps the schema of the `as T` that made a String).
        plain = dataclasses.replace(ref, schema=None)
        return f"('schema', ({type_spec(c, plain, seen)}, {c.compile(ref.schema)}))"
    alias = _alias(c, ref)
    if alias is not None:
        if ref.name in seen:
            raise _fail(f"type `{ref.name}` is defined in terms of itself", ref)
        return type_spec(c, alias, seen | {ref.name})
    _known(ref)
    if ref.name == "Array" and ref.args:
        return f"('Array', {type_spec(c, ref.args[0], seen)})"
    return repr(ref.name)


def type_value(
    c: Compiler, ref: ast.TypeRef, seen: frozenset[str] = frozenset()
) -> str:
    """Code making the type value a declared type name stands for in an expression."""
    return f"{R}.type_value({_shape(c, ref, seen)})"


def _literal(c: Compiler, ref: ast.TypeRef) -> str:
    if ref.name == "number" and isinstance(ref.value, str):
        return c.compile(ast.Number(ref.line, ref.column, ref.value))
    return repr(ref.value)


def _shape(c: Compiler, ref: ast.TypeRef, seen: frozenset[str]) -> str:
    if ref.kind == "literal":
        return f"('literal', {_literal(c, ref)})"
    if ref.kind in ("union", "intersection"):
        members = ", ".join(_shape(c, member, seen) for member in ref.args)
        return f"({ref.kind!r}, ({members},))"
    if ref.kind == "object":
        fields = "".join(
            f"({key!r}, {required!r}, {repeated!r}, {_shape(c, field, seen)}), "
            for (key, required, repeated), field in zip(
                ref.labels, ref.args, strict=True
            )
        )
        return f"('object', ({fields}), {ref.name == 'closed'!r})"
    if ref.kind == "function":
        params = "".join(
            f"({name!r}, {optional!r}, {_shape(c, param, seen)}), "
            for (name, optional, _), param in zip(ref.labels, ref.args, strict=False)
        )
        return f"('function', ({params}), {_shape(c, ref.args[-1], seen)})"
    if ref.schema is not None:
        plain = dataclasses.replace(ref, schema=None)
        return f"('meta', {_shape(c, plain, seen)}, {c.compile(ref.schema)})"
    alias = _alias(c, ref)
    if alias is not None:
        if ref.name in seen:
            raise _fail(f"type `{ref.name}` is defined in terms of itself", ref)
        return f"('named', {ref.name!r}, {_shape(c, alias, seen | {ref.name})})"
    _known(ref)
    if ref.name == "Array":
        item = _shape(c, ref.args[0], seen) if ref.args else "('simple', 'Any')"
        return f"('array', {item})"
    return repr(("simple", ref.name))


def is_(c: Compiler, node: ast.Is) -> str:
    """`value is Type`."""
    return f"{R}.is_type({c.compile(node.value)}, {type_spec(c, node.type)})"


def coerce(c: Compiler, node: ast.Coerce) -> str:
    """`value as Type` (with `{format: ...}` schema properties)."""
    ref = node.type
    schema = node.schema
    alias = _alias(c, ref)
    while alias is not None:
        ref = alias
        schema = schema if schema is not None else ref.schema
        alias = _alias(c, ref)
    if ref.kind == "object":
        ref = dataclasses.replace(ref, kind="name", name="Object")
    if ref.kind != "name" or ref.name not in COERCION_TYPES:
        supported = ", ".join(sorted(COERCION_TYPES))
        shown = ref.name or "this type"
        raise _fail(
            f"unsupported coercion target `{shown}`; supported: {supported}"
            + did_you_mean(ref.name, COERCION_TYPES),
            node.type,
        )
    value = c.compile(node.value)
    if schema is not None:
        return f"{R}.coerce_format({value}, {ref.name!r}, {c.compile(schema)})"
    return f"{R}.coerce({value}, {ref.name!r})"
