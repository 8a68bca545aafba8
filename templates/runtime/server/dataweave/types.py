"""The dw::core::Types module."""

from __future__ import annotations

from typing import Any

from .typeshapes import kind_of, shape_of


def _type_named(value: Any, operation: str) -> str:
    return kind_of(value, operation)


def _type_is(value: Any, name: str, operation: str) -> bool:
    return _type_named(value, operation) == name


def types_name_of(value: Any) -> str:
    """`nameOf(type)`."""
    shape = shape_of(value, "nameOf")
    return str(shape[1]) if shape[0] in ("simple", "named") else str(value)


def types_is_any_type(value: Any) -> bool:
    """`isAnyType(type)`."""
    return _type_is(value, "Any", "isAnyType")


def types_is_array_type(value: Any) -> bool:
    """`isArrayType(type)`."""
    return _type_is(value, "Array", "isArrayType")


def types_is_binary_type(value: Any) -> bool:
    """`isBinaryType(type)`."""
    return _type_is(value, "Binary", "isBinaryType")


def types_is_boolean_type(value: Any) -> bool:
    """`isBooleanType(type)`."""
    return _type_is(value, "Boolean", "isBooleanType")


def types_is_date_time_type(value: Any) -> bool:
    """`isDateTimeType(type)`."""
    return _type_is(value, "DateTime", "isDateTimeType")


def types_is_date_type(value: Any) -> bool:
    """`isDateType(type)`."""
    return _type_is(value, "Date", "isDateType")


def types_is_function_type(value: Any) -> bool:
    """`isFunctionType(type)`."""
    return _type_is(value, "Function", "isFunctionType")


def types_is_key_type(value: Any) -> bool:
    """`isKeyType(type)`."""
    return _type_is(value, "Key", "isKeyType")


def types_is_local_date_time_type(value: Any) -> bool:
    """`isLocalDateTimeType(type)`."""
    return _type_is(value, "LocalDateTime", "isLocalDateTimeType")


def types_is_local_time_type(value: Any) -> bool:
    """`isLocalTimeType(type)`."""
    return _type_is(value, "LocalTime", "isLocalTimeType")


def types_is_nothing_type(value: Any) -> bool:
    """`isNothingType(type)`."""
    return _type_is(value, "Nothing", "isNothingType")


def types_is_null_type(value: Any) -> bool:
    """`isNullType(type)`."""
    return _type_is(value, "Null", "isNullType")


def types_is_number_type(value: Any) -> bool:
    """`isNumberType(type)`."""
    return _type_is(value, "Number", "isNumberType")


def types_is_object_type(value: Any) -> bool:
    """`isObjectType(type)`."""
    return _type_is(value, "Object", "isObjectType")


def types_is_period_type(value: Any) -> bool:
    """`isPeriodType(type)`."""
    return _type_is(value, "Period", "isPeriodType")


def types_is_range_type(value: Any) -> bool:
    """`isRangeType(type)`."""
    return _type_is(value, "Range", "isRangeType")


def types_is_regex_type(value: Any) -> bool:
    """`isRegexType(type)`."""
    return _type_is(value, "Regex", "isRegexType")


def types_is_string_type(value: Any) -> bool:
    """`isStringType(type)`."""
    return _type_is(value, "String", "isStringType")


def types_is_time_type(value: Any) -> bool:
    """`isTimeType(type)`."""
    return _type_is(value, "Time", "isTimeType")


def types_is_time_zone_type(value: Any) -> bool:
    """`isTimeZoneType(type)`."""
    return _type_is(value, "TimeZone", "isTimeZoneType")


def types_is_type_type(value: Any) -> bool:
    """`isTypeType(type)`."""
    return _type_is(value, "Type", "isTypeType")


def types_is_uri_type(value: Any) -> bool:
    """`isUriType(type)`."""
    return _type_is(value, "Uri", "isUriType")


def types_is_union_type(value: Any) -> bool:
    """`isUnionType(type)`."""
    return _type_is(value, "Union", "isUnionType")


def types_is_intersection_type(value: Any) -> bool:
    """`isIntersectionType(type)`."""
    return _type_is(value, "Intersection", "isIntersectionType")


def types_is_literal_type(value: Any) -> bool:
    """`isLiteralType(type)`."""
    return _type_is(value, "Literal", "isLiteralType")


def types_is_reference_type(value: Any) -> bool:
    """`isReferenceType(type)`: never for what `typeOf` answers."""
    _type_named(value, "isReferenceType")
    return False


def types_is_namespace_type(value: Any) -> bool:
    """`isNamespaceType(type)`: never for what `typeOf` answers."""
    _type_named(value, "isNamespaceType")
    return False
