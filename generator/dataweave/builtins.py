"""The registry of DataWeave functions: how each compiles and which runtime helper runs it.

`BUILTINS` are the functions visible without an import: every `dw::Core` function that makes
sense on JSON, plus JourneyForge's `durationBetween`, `any`/`all` and, as before, `some`/
`every` and the `dw::core::Periods` constructors; it also holds every `dw::core::*` module
function under its qualified name (`dw::core::Strings::camelize`), which an import makes
visible by its bare name. `MODULES` is the same per module. `NOT_FOR_JSON` names the DataWeave
functions journeygen refuses on purpose, with the reason the compiler reports.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

CORE: Final = "dw::Core"


@dataclass(frozen=True)
class FunctionSpec:
    """How one function compiles.

    `helper` is the `_dw` attribute called with the arguments in order; `arity` the most
    arguments and `min_arity` the fewest. With `callback`, the last argument is a lambda (or an
    expression using `$`) that the runtime calls with exactly `callback_params` arguments (the
    compiler pads shorter lambdas); `callbacks` trailing arguments are lambdas (`join` has two);
    `lambda_optional` also accepts a plain value there (`with`).
    `infix` functions may be written `a f b`.
    """

    helper: str
    arity: int
    infix: bool = False
    callback: bool = False
    callback_params: int = 2
    min_arity: int = -1
    lambda_optional: bool = False
    module: str = CORE
    callbacks: int = 1

    @property
    def callback_arity(self) -> int:
        """The arguments the runtime passes to the callback (the compiler's name for it)."""
        return self.callback_params

    @property
    def fewest(self) -> int:
        """The fewest arguments a call may pass."""
        return self.arity if self.min_arity < 0 else self.min_arity


def _fn(helper: str, arity: int, fewest: int = -1, module: str = CORE) -> FunctionSpec:
    return FunctionSpec(
        helper, arity, infix=arity == 2, min_arity=fewest, module=module
    )


def _cb(
    helper: str, params: int = 2, module: str = CORE, optional: bool = False
) -> FunctionSpec:
    return FunctionSpec(
        helper,
        2,
        infix=True,
        callback=True,
        callback_params=params,
        lambda_optional=optional,
        module=module,
    )


_CORE: Final = {
    "++": _fn("concat", 2),
    "--": _fn("remove", 2),
    "abs": _fn("abs_", 1),
    "avg": _fn("avg", 1),
    "ceil": _fn("ceil", 1),
    "contains": _fn("contains", 2),
    "daysBetween": _fn("days_between", 2),
    "distinctBy": _cb("distinct_by"),
    "endsWith": _fn("ends_with", 2),
    "entriesOf": _fn("entries_of", 1),
    "filter": _cb("filter_"),
    "filterObject": _cb("filter_object", 3),
    "find": _fn("find", 2),
    "flatMap": _cb("flat_map"),
    "flatten": _fn("flatten", 1),
    "floor": _fn("floor", 1),
    "groupBy": _cb("group_by"),
    "indexOf": _fn("index_of", 2),
    "isBlank": _fn("is_blank", 1),
    "isDecimal": _fn("is_decimal", 1),
    "isEmpty": _fn("is_empty", 1),
    "isEven": _fn("is_even", 1),
    "isInteger": _fn("is_integer", 1),
    "isLeapYear": _fn("is_leap_year", 1),
    "isOdd": _fn("is_odd", 1),
    "joinBy": _fn("join_by", 2),
    "keysOf": _fn("keys_of", 1),
    "lastIndexOf": _fn("last_index_of", 2),
    "log": _fn("log", 2, 1),
    "logDebug": _fn("log_debug", 2, 1),
    "logError": _fn("log_error", 2, 1),
    "logInfo": _fn("log_info", 2, 1),
    "logWarn": _fn("log_warn", 2, 1),
    "logWith": _fn("log_with", 3),
    "lower": _fn("lower", 1),
    "map": _cb("map_"),
    "mapObject": _cb("map_object", 3),
    "match": _fn("match_", 2),
    "matches": _fn("matches", 2),
    "max": _fn("max_", 1),
    "maxBy": _cb("max_by", 1),
    "min": _fn("min_", 1),
    "minBy": _cb("min_by", 1),
    "mod": _fn("mod", 2),
    "namesOf": _fn("names_of", 1),
    "now": _fn("now", 0),
    "onNull": _cb("on_null", 0),
    "orderBy": _cb("order_by"),
    "pluck": _cb("pluck", 3),
    "pow": _fn("pow_", 2),
    "random": _fn("random", 0),
    "randomInt": _fn("random_int", 1),
    "read": _fn("read", 3, 1),
    "reduce": _cb("reduce_"),
    "replace": _fn("replace", 2),
    "round": _fn("round_", 1),
    "scan": _fn("scan", 2),
    "sizeOf": _fn("size_of", 1),
    "splitBy": _fn("split_by", 2),
    "sqrt": _fn("sqrt", 1),
    "startsWith": _fn("starts_with", 2),
    "sum": _fn("sum_", 1),
    "then": _cb("then", 1),
    "to": _fn("to_", 2),
    "trim": _fn("trim", 1),
    "typeOf": _fn("type_of", 1),
    "unzip": _fn("unzip", 1),
    "upper": _fn("upper", 1),
    "uuid": _fn("uuid", 0),
    "valuesOf": _fn("values_of", 1),
    "with": _cb("with_", 2, optional=True),
    "write": _fn("write", 3, 1),
    "zip": _fn("zip_", 2),
}
ARRAYS: Final = "dw::core::Arrays"


def _acb(helper: str, params: int = 1) -> FunctionSpec:
    return _cb(helper, params, module=ARRAYS)


def _join(helper: str) -> FunctionSpec:
    return FunctionSpec(
        helper, 4, callback=True, callback_params=1, callbacks=2, module=ARRAYS
    )


_ARRAYS: Final = {
    "countBy": _acb("arrays_count_by"),
    "divideBy": _fn("arrays_divide_by", 2, module=ARRAYS),
    "drop": _fn("arrays_drop", 2, module=ARRAYS),
    "dropWhile": _acb("arrays_drop_while"),
    "every": _acb("arrays_every"),
    "firstWith": _acb("arrays_first_with", 2),
    "indexOf": _fn("arrays_index_of", 2, module=ARRAYS),
    "indexWhere": _acb("arrays_index_where"),
    "join": _join("arrays_join"),
    "leftJoin": _join("arrays_left_join"),
    "outerJoin": _join("arrays_outer_join"),
    "partition": _acb("arrays_partition"),
    "slice": _fn("arrays_slice", 3, module=ARRAYS),
    "some": _acb("arrays_some"),
    "splitAt": _fn("arrays_split_at", 2, module=ARRAYS),
    "splitWhere": _acb("arrays_split_where"),
    "sumBy": _acb("arrays_sum_by"),
    "take": _fn("arrays_take", 2, module=ARRAYS),
    "takeWhile": _acb("arrays_take_while"),
}
STRINGS: Final = "dw::core::Strings"


def _s(helper: str, arity: int, fewest: int = -1) -> FunctionSpec:
    return _fn(f"strings_{helper}", arity, fewest, module=STRINGS)


def _scb(helper: str, params: int) -> FunctionSpec:
    return _cb(f"strings_{helper}", params, module=STRINGS)


_STRINGS: Final = {
    "appendIfMissing": _s("append_if_missing", 2),
    "camelize": _s("camelize", 1),
    "capitalize": _s("capitalize", 1),
    "charCode": _s("char_code", 1),
    "charCodeAt": _s("char_code_at", 2),
    "collapse": _s("collapse", 1),
    "countCharactersBy": _scb("count_characters_by", 1),
    "countMatches": _s("count_matches", 2),
    "dasherize": _s("dasherize", 1),
    "everyCharacter": _scb("every_character", 1),
    "first": _s("first", 2),
    "fromCharCode": _s("from_char_code", 1),
    "hammingDistance": _s("hamming_distance", 2),
    "isAlpha": _s("is_alpha", 1),
    "isAlphanumeric": _s("is_alphanumeric", 1),
    "isLowerCase": _s("is_lower_case", 1),
    "isNumeric": _s("is_numeric", 1),
    "isUpperCase": _s("is_upper_case", 1),
    "isWhitespace": _s("is_whitespace", 1),
    "last": _s("last", 2),
    "leftPad": _s("left_pad", 3, 2),
    "levenshteinDistance": _s("levenshtein_distance", 2),
    "lines": _s("lines", 1),
    "mapString": _scb("map_string", 2),
    "ordinalize": _s("ordinalize", 1),
    "pluralize": _s("pluralize", 1),
    "prependIfMissing": _s("prepend_if_missing", 2),
    "remove": _s("remove", 2),
    "repeat": _s("repeat", 2),
    "replaceAll": _s("replace_all", 3),
    "reverse": _s("reverse", 1),
    "rightPad": _s("right_pad", 3, 2),
    "singularize": _s("singularize", 1),
    "someCharacter": _scb("some_character", 1),
    "substring": _s("substring", 3),
    "substringAfter": _s("substring_after", 2),
    "substringAfterLast": _s("substring_after_last", 2),
    "substringBefore": _s("substring_before", 2),
    "substringBeforeLast": _s("substring_before_last", 2),
    "substringBy": _scb("substring_by", 2),
    "substringEvery": _s("substring_every", 2),
    "underscore": _s("underscore", 1),
    "unwrap": _s("unwrap", 2),
    "withMaxSize": _s("with_max_size", 2),
    "words": _s("words", 1),
    "wrapIfMissing": _s("wrap_if_missing", 2),
    "wrapWith": _s("wrap_with", 2),
}
OBJECTS: Final = "dw::core::Objects"
_OBJECTS: Final = {
    "divideBy": _fn("objects_divide_by", 2, module=OBJECTS),
    "entrySet": _fn("objects_entry_set", 1, module=OBJECTS),
    "everyEntry": _cb("objects_every_entry", 2, module=OBJECTS),
    "keySet": _fn("objects_key_set", 1, module=OBJECTS),
    "mergeWith": _fn("objects_merge_with", 2, module=OBJECTS),
    "nameSet": _fn("objects_name_set", 1, module=OBJECTS),
    "someEntry": _cb("objects_some_entry", 2, module=OBJECTS),
    "takeWhile": _cb("objects_take_while", 2, module=OBJECTS),
    "valueSet": _fn("objects_value_set", 1, module=OBJECTS),
}
NUMBERS: Final = "dw::core::Numbers"
_NUMBERS: Final = {
    "fromBinary": _fn("numbers_from_binary", 1, module=NUMBERS),
    "fromHex": _fn("numbers_from_hex", 1, module=NUMBERS),
    "fromRadixNumber": _fn("numbers_from_radix_number", 2, module=NUMBERS),
    "toBinary": _fn("numbers_to_binary", 1, module=NUMBERS),
    "toHex": _fn("numbers_to_hex", 1, module=NUMBERS),
    "toRadixNumber": _fn("numbers_to_radix_number", 2, module=NUMBERS),
}
TYPES: Final = "dw::core::Types"
# The Types functions, on what `typeOf` answers and on declared types (`type A = ...` then
# `arrayItem(A)`).
_TYPES: Final = {
    "arrayItem": _fn("types_array_item", 1, module=TYPES),
    "functionParamTypes": _fn("types_function_param_types", 1, module=TYPES),
    "functionReturnType": _fn("types_function_return_type", 1, module=TYPES),
    "intersectionItems": _fn("types_intersection_items", 1, module=TYPES),
    "literalValueOf": _fn("types_literal_value_of", 1, module=TYPES),
    "metadataOf": _fn("types_metadata_of", 1, module=TYPES),
    "objectFields": _fn("types_object_fields", 1, module=TYPES),
    "unionItems": _fn("types_union_items", 1, module=TYPES),
    "nameOf": _fn("types_name_of", 1, module=TYPES),
    "baseTypeOf": _fn("types_base_type_of", 1, module=TYPES),
    "isAnyType": _fn("types_is_any_type", 1, module=TYPES),
    "isArrayType": _fn("types_is_array_type", 1, module=TYPES),
    "isBinaryType": _fn("types_is_binary_type", 1, module=TYPES),
    "isBooleanType": _fn("types_is_boolean_type", 1, module=TYPES),
    "isDateTimeType": _fn("types_is_date_time_type", 1, module=TYPES),
    "isDateType": _fn("types_is_date_type", 1, module=TYPES),
    "isFunctionType": _fn("types_is_function_type", 1, module=TYPES),
    "isKeyType": _fn("types_is_key_type", 1, module=TYPES),
    "isLocalDateTimeType": _fn("types_is_local_date_time_type", 1, module=TYPES),
    "isLocalTimeType": _fn("types_is_local_time_type", 1, module=TYPES),
    "isNothingType": _fn("types_is_nothing_type", 1, module=TYPES),
    "isNullType": _fn("types_is_null_type", 1, module=TYPES),
    "isNumberType": _fn("types_is_number_type", 1, module=TYPES),
    "isObjectType": _fn("types_is_object_type", 1, module=TYPES),
    "isPeriodType": _fn("types_is_period_type", 1, module=TYPES),
    "isRangeType": _fn("types_is_range_type", 1, module=TYPES),
    "isRegexType": _fn("types_is_regex_type", 1, module=TYPES),
    "isStringType": _fn("types_is_string_type", 1, module=TYPES),
    "isTimeType": _fn("types_is_time_type", 1, module=TYPES),
    "isTimeZoneType": _fn("types_is_time_zone_type", 1, module=TYPES),
    "isTypeType": _fn("types_is_type_type", 1, module=TYPES),
    "isUriType": _fn("types_is_uri_type", 1, module=TYPES),
    "isUnionType": _fn("types_is_union_type", 1, module=TYPES),
    "isIntersectionType": _fn("types_is_intersection_type", 1, module=TYPES),
    "isLiteralType": _fn("types_is_literal_type", 1, module=TYPES),
    "isReferenceType": _fn("types_is_reference_type", 1, module=TYPES),
    "isNamespaceType": _fn("types_is_namespace_type", 1, module=TYPES),
}
PERIODS: Final = "dw::core::Periods"
_PERIODS: Final = {
    "between": _fn("between", 2, module=PERIODS),
    "days": _fn("days", 1, module=PERIODS),
    "duration": _fn("duration", 1, module=PERIODS),
    "hours": _fn("hours", 1, module=PERIODS),
    "minutes": _fn("minutes", 1, module=PERIODS),
    "months": _fn("months", 1, module=PERIODS),
    "period": _fn("period", 1, module=PERIODS),
    "seconds": _fn("seconds", 1, module=PERIODS),
    "years": _fn("years", 1, module=PERIODS),
}
DATES: Final = "dw::core::Dates"
_DATES: Final = {
    "atBeginningOfDay": _fn("at_beginning_of_day", 1, module=DATES),
    "atBeginningOfHour": _fn("at_beginning_of_hour", 1, module=DATES),
    "atBeginningOfMonth": _fn("at_beginning_of_month", 1, module=DATES),
    "atBeginningOfWeek": _fn("at_beginning_of_week", 1, module=DATES),
    "atBeginningOfYear": _fn("at_beginning_of_year", 1, module=DATES),
    "date": _fn("date_", 1, module=DATES),
    "dateTime": _fn("date_time", 1, module=DATES),
    "localDateTime": _fn("local_date_time", 1, module=DATES),
    "localTime": _fn("local_time", 1, module=DATES),
    "time": _fn("time_", 1, module=DATES),
    "today": _fn("today", 0, module=DATES),
    "tomorrow": _fn("tomorrow", 0, module=DATES),
    "yesterday": _fn("yesterday", 0, module=DATES),
}
# Accepted without an import, as journeygen always has: JourneyForge's own functions, `some`/
# `every` (dw::core::Arrays in DataWeave) and the Periods constructors (dw::core::Periods).
_JOURNEYFORGE: Final = {
    "durationBetween": _fn("duration_between", 2),
    "any": _cb("any_"),
    "all": _cb("all_"),
    "some": _ARRAYS["some"],
    "every": _ARRAYS["every"],
    **{
        name: _PERIODS[name]
        for name in ("duration", "days", "hours", "minutes", "seconds")
    },
}
MODULES: Final[Mapping[str, Mapping[str, FunctionSpec]]] = MappingProxyType(
    {
        ARRAYS: MappingProxyType(_ARRAYS),
        NUMBERS: MappingProxyType(_NUMBERS),
        OBJECTS: MappingProxyType(_OBJECTS),
        STRINGS: MappingProxyType(_STRINGS),
        PERIODS: MappingProxyType(_PERIODS),
        DATES: MappingProxyType(_DATES),
        TYPES: MappingProxyType(_TYPES),
    }
)
# What the compiler resolves names through: dw::Core (and JourneyForge's) functions by their
# bare name, module functions by their qualified name (`dw::core::Strings::camelize`).
BUILTINS: Final = MappingProxyType(
    {
        **_CORE,
        **_JOURNEYFORGE,
        **{
            f"{module}::{name}": spec
            for module, table in MODULES.items()
            for name, spec in table.items()
        },
    }
)
MODULE_FUNCTIONS: Final = frozenset(
    name for table in MODULES.values() for name in table
)
NOT_FOR_JSON: Final = MappingProxyType(
    {
        "readUrl": "`readUrl` reads a URL or classpath resource at run time; a journey "
        "expression only sees its inputs (call the resource with an HTTP task)",
        "native": "`native` calls MuleSoft's engine internals, which compiled code does not have",
        "xsiType": "`xsiType` builds XML schema-instance attributes; journeygen handles JSON only",
        "evaluateCompatibilityFlag": "`evaluateCompatibilityFlag` reads Mule runtime flags, "
        "which a journey does not have",
        "isDefaultOperatorDisabledExceptionHandling": "a Mule runtime flag, not for journeys",
        "isLegacySizeOfNumber": "a Mule runtime flag, not for journeys",
        "logInternal": "internal to MuleSoft's engine: write `log(prefix, value)`",
    }
)
COERCION_TYPES: Final = frozenset(
    {
        "String",
        "Number",
        "Boolean",
        "DateTime",
        "Date",
        "LocalDateTime",
        "LocalTime",
        "Time",
        "TimeZone",
        "Period",
        "Regex",
        "Object",
        "Array",
        "Null",
        "Any",
    }
)
