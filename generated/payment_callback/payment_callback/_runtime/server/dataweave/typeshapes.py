"""Declared types as values (`type A = Array<String>` then `arrayItem(A)`): a `DeclaredType`
prints as DataWeave prints the type and keeps its shape for the dw::core::Types functions.

A shape is a tuple the compiler writes: ("simple", name), ("named", name, shape),
("meta", shape, schema), ("array", item), ("union", items), ("intersection", items),
("literal", value), ("object", ((key, required, repeated, shape), ...), closed) or
("function", ((name, optional, shape), ...), return shape).
"""

from __future__ import annotations

from typing import Any

from .values import DataWeaveRuntimeError, TypeValue, _fail, _live, type_name

Shape = tuple[Any, ...]


class DeclaredType(TypeValue):
    """A type value with its shape."""

    shape: Shape


def _text(shape: Shape) -> str:
    kind = shape[0]
    if kind in ("simple", "named"):
        return str(shape[1])
    if kind == "meta":
        return _text(shape[1])
    if kind in ("union", "intersection"):
        joint = " | " if kind == "union" else " & "
        return joint.join(_text(member) for member in shape[1])
    if kind == "literal":
        return type_name(shape[1])
    return {"array": "Array", "object": "Object", "function": "Function"}[kind]


def type_value(shape: Shape) -> DeclaredType:
    """The value of a type name in an expression."""
    made: DeclaredType = _live(DeclaredType, _text(shape))
    made.shape = shape
    return made


def shape_of(value: Any, operation: str) -> Shape:
    """The shape of a type value (what `typeOf` answers is a simple type)."""
    if isinstance(value, DeclaredType) and value.live:
        return value.shape
    if isinstance(value, TypeValue) and value.live:
        return ("simple", str(value))
    raise _fail(operation, value)


def base_shape(shape: Shape) -> Shape:
    """The shape without its name and metadata."""
    while shape[0] in ("named", "meta"):
        shape = shape[2] if shape[0] == "named" else shape[1]
    return shape


def kind_of(value: Any, operation: str) -> str:
    """The base kind `is...Type` asks about (`String`, `Array`, `Union`, `Literal`, ...)."""
    shape = base_shape(shape_of(value, operation))
    kinds = {
        "array": "Array",
        "object": "Object",
        "function": "Function",
        "union": "Union",
        "intersection": "Intersection",
        "literal": "Literal",
    }
    return kinds.get(shape[0], str(shape[1]))


def _expect(value: Any, kind: str, operation: str) -> Shape:
    shape = base_shape(shape_of(value, operation))
    if shape[0] == "simple" and shape[1] == "Array" and kind == "array":
        return ("array", ("simple", "Any"))
    if shape[0] == "simple" and shape[1] == "Object" and kind == "object":
        return ("object", (), False)
    if shape[0] != kind:
        raise DataWeaveRuntimeError(
            f"Expecting type to be `{kind.capitalize()}` but got `{_text(shape)}`."
        )
    return shape


def types_base_type_of(value: Any) -> DeclaredType:
    """`baseTypeOf(type)`: the type without its name and metadata."""
    return type_value(base_shape(shape_of(value, "baseTypeOf")))


def types_array_item(value: Any) -> DeclaredType:
    """`arrayItem(Array<T>)` is T."""
    return type_value(_expect(value, "array", "arrayItem")[1])


def types_union_items(value: Any) -> list[DeclaredType]:
    """`unionItems(A | B)`."""
    return [type_value(m) for m in _expect(value, "union", "unionItems")[1]]


def types_intersection_items(value: Any) -> list[DeclaredType]:
    """`intersectionItems(A & B)`."""
    items = _expect(value, "intersection", "intersectionItems")[1]
    return [type_value(m) for m in items]


def types_literal_value_of(value: Any) -> Any:
    """`literalValueOf("a")`."""
    return _expect(value, "literal", "literalValueOf")[1]


def types_metadata_of(value: Any) -> dict[str, Any]:
    """`metadataOf(T)`: the schema properties of `type T = String {format: ...}`."""
    shape = shape_of(value, "metadataOf")
    while shape[0] == "named":
        shape = shape[2]
    return dict(shape[2]) if shape[0] == "meta" else {}


def types_object_fields(value: Any) -> list[dict[str, Any]]:
    """`objectFields({a: String, b?: Number})`: one entry per field, as DataWeave lists them."""
    fields = _expect(value, "object", "objectFields")[1]
    return [
        {
            "key": {"name": {"localName": key, "namespace": None}, "attributes": []},
            "required": required,
            "repeated": repeated,
            "value": type_value(shape),
        }
        for key, required, repeated, shape in fields
    ]


def types_function_param_types(value: Any) -> list[dict[str, Any]]:
    """`functionParamTypes((a: String) -> Number)`."""
    params = _expect(value, "function", "functionParamTypes")[1]
    return [
        {"paramType": type_value(shape), "name": name, "optional": optional}
        for name, optional, shape in params
    ]


def types_function_return_type(value: Any) -> DeclaredType:
    """`functionReturnType((String) -> Number)` is Number."""
    return type_value(_expect(value, "function", "functionReturnType")[2])
