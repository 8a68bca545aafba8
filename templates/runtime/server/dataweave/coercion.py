"""`as` coercions, with format schemas, and the conversion of values back to plain JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime, time, timedelta
from typing import Any

from .lang import regex
from .numformat import format_number, parse_number
from .patterns import build, format_parts, parse_fields
from .temporal import (
    _EPOCH,
    Date,
    DateTime,
    LocalTime,
    Temporal,
    Time,
    make_date,
    make_datetime,
    make_kind,
    make_local_datetime,
    make_local_time,
    make_time,
    parse_temporal,
    with_text,
)
from .values import (
    CoercionError,
    DataWeaveRuntimeError,
    InterpolationError,
    Live,
    Num,
    _dec,
    _fail,
    _integer,
    _is_live,
    _is_number,
    _number,
    _to_number,
    schemed,
    to_string,
    type_name,
)
from .zoned import make_zone_id
from .zones import is_zone_id

_TEMPORAL_TYPES = frozenset(
    {"DateTime", "Date", "LocalDateTime", "LocalTime", "Time", "TimeZone", "Period"}
)


def coerce(value: Any, target: str) -> Any:
    """`value as Target`; a failure is a CoercionError (`default` recovers from it)."""
    try:
        return _coerce(value, target)
    except CoercionError:
        raise
    except DataWeaveRuntimeError as exc:
        raise CoercionError(str(exc)) from None


def _coerce(value: Any, target: str) -> Any:
    if target == "Any":
        return value
    if target == "String":
        return to_string(value)
    if target == "Number":
        return _as_number(value)
    if target in _TEMPORAL_TYPES:
        return _as_temporal(value, target)
    return _coerce_structural(value, target)


def _as_number(value: Any) -> int | float:
    if isinstance(value, DateTime) and value.live:
        seconds = int((value.value - _EPOCH).total_seconds())
        return seconds
    if isinstance(value, bool):
        raise _fail("as Number", value)
    return _to_number(value, "as Number")


def _as_temporal(value: Any, target: str) -> Live:
    if target == "DateTime" and _is_number(value):
        return make_datetime(_EPOCH + timedelta(seconds=_integer(value, "as DateTime")))
    if not isinstance(value, str):
        raise _fail(f"as {target}", value)
    parsed = (
        value if isinstance(value, Live) and value.live else parse_temporal(str(value))
    )
    if parsed is None and target == "TimeZone" and is_zone_id(str(value)):
        parsed = make_zone_id(str(value))
    converted = _convert_temporal(parsed, target) if parsed is not None else None
    if converted is None:
        raise DataWeaveRuntimeError(f"cannot coerce {str(value)!r} to {target}")
    return converted


def _convert_temporal(value: Live, target: str) -> Live | None:
    if value.kind == target:
        return value
    if not isinstance(value, Temporal):
        return None
    moment, nano = value.value, value.nano
    if isinstance(moment, datetime):
        if target == "Date":
            return make_date(moment.date())
        if target == "LocalDateTime":
            return make_local_datetime(moment, nano)
        if target == "DateTime":
            return make_datetime(moment, nano)
        if target == "LocalTime":
            return make_local_time(moment.time(), nano)
        if target == "Time":
            return make_time(moment.timetz(), nano)
    if type(value) is Date and target in ("DateTime", "LocalDateTime"):
        midnight = datetime.combine(moment, time())
        if target == "DateTime":
            return make_datetime(midnight)
        return make_local_datetime(midnight)
    if type(value) is Time and target == "LocalTime":
        return make_local_time(moment, nano)
    if type(value) is LocalTime and target == "Time":
        return make_time(moment, nano)
    return None


def _coerce_structural(value: Any, target: str) -> Any:
    if target == "Boolean" and isinstance(value, bool):
        return value
    if target == "Boolean" and isinstance(value, str) and value in ("true", "false"):
        return value == "true"
    if target == "Regex" and isinstance(value, str):
        return regex(str(value))
    checks: dict[str, bool] = {
        "Object": isinstance(value, Mapping),
        "Array": isinstance(value, list | tuple),
        "Null": value is None,
        "Regex": isinstance(value, re.Pattern),
    }
    if checks.get(target, False):
        return value
    raise _fail(f"as {target}", value)


def call(function: Any, *args: Any) -> Any:
    """Call a local lambda; anything else is an error."""
    if callable(function) and not isinstance(function, type):
        return function(*args)
    raise _fail("a function call", function)


def hole(value: Any, placeholder: str) -> str:
    """The text of one `${...}` placeholder; null is an error, non-strings become JSON."""
    if value is None:
        raise InterpolationError(f"{placeholder} evaluated to null")
    if isinstance(value, str):
        return str(value)
    return json.dumps(
        plain(value), ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )


def plain(value: Any) -> Any:
    """value as plain JSON data (what a JSON reader makes of DataWeave's output)."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    if type(value) is Num:
        return float(value)
    return value


_UNITS = {"seconds": 1, "milliseconds": 1000}


def _used_options(value: Any, target: str) -> tuple[str, ...]:
    """The schema options `value as target` reads (DataWeave checks only those)."""
    plain_text = isinstance(value, str) and not _is_live(value)
    if target == "String":
        number = _is_number(value) and not isinstance(value, bool)
        return ("format", "locale") if number or isinstance(value, Temporal) else ()
    if target == "Number":
        return (
            ("unit",)
            if isinstance(value, DateTime)
            else ("format", "locale")[: 2 if plain_text else 0]
        )
    if target in _TEMPORAL_TYPES:
        if _is_number(value) and target == "DateTime":
            return ("unit",)
        return ("format", "locale", "mode")
    return ()


def coerce_format(value: Any, target: str, schema: Any) -> Any:
    """`value as Target {format: ..., locale: ..., unit: ...}`."""
    if not isinstance(schema, Mapping):
        raise _fail(f"as {target} with a schema", schema)
    # Other properties (`roundingMode`, `class`, ...) are metadata DataWeave keeps and
    # ignores; a String keeps them for `is`.
    pattern, locale, unit = (
        schema.get("format"),
        schema.get("locale"),
        schema.get("unit"),
    )
    mode = schema.get("mode")
    for name in _used_options(value, target):
        if name in schema and not isinstance(schema[name], str):
            raise DataWeaveRuntimeError(
                f"Schema option `{name}` expects type `String` but got "
                f"`{type_name(schema[name])}`"
            )
    if (
        unit is not None
        and unit not in _UNITS
        and "unit" in _used_options(value, target)
    ):
        raise DataWeaveRuntimeError(f"unit {unit!r}: write `seconds` or `milliseconds`")
    if target == "String":
        return schemed(_format_as_string(value, pattern, locale), schema)
    if target == "Number":
        return _format_as_number(value, pattern, locale, unit)
    if target in _TEMPORAL_TYPES:
        return _format_as_temporal(
            value, target, pattern, locale, unit, mode or "SMART"
        )
    return coerce(value, target)


def _date_locale(locale: Any) -> None:
    if locale is not None and not str(locale).lower().startswith("en"):
        raise DataWeaveRuntimeError(
            f"locale {locale!r} is not supported for dates (English names only)"
        )


def _format_as_string(value: Any, pattern: Any, locale: Any) -> Any:
    if pattern is None:
        return coerce(value, "String")
    if _is_number(value) and not isinstance(value, bool):
        return format_number(_dec(value), pattern, locale)
    if isinstance(value, Temporal) and value.live:
        _date_locale(locale)
        zone = getattr(value.value, "tzinfo", None)
        return format_parts(pattern, value.value, value.nano, zone)
    return coerce(value, "String")


def _format_as_number(value: Any, pattern: Any, locale: Any, unit: Any) -> Any:
    if unit is not None and isinstance(value, DateTime) and value.live:
        seconds = (value.value - _EPOCH).total_seconds()
        return int(seconds) * _UNITS[unit] + value.nano * _UNITS[unit] // 1_000_000_000
    if pattern is not None and isinstance(value, str) and not _is_live(value):
        return _number(parse_number(str(value), pattern, locale))
    return coerce(value, "Number")


def _format_as_temporal(
    value: Any, target: str, pattern: Any, locale: Any, unit: Any, mode: str
) -> Any:
    if unit is not None and _is_number(value) and target == "DateTime":
        millis = _integer(value, f"as {target}") * (1000 // _UNITS[unit])
        return make_datetime(_EPOCH + timedelta(milliseconds=millis))
    if pattern is None:
        return coerce(value, target)
    _date_locale(locale)
    if isinstance(value, str) and not _is_live(value):
        fields = parse_fields(pattern, str(value))
        moment, nano, zone = build(fields, target, str(value), mode)
        if zone is not None and isinstance(moment, datetime | time):
            moment = moment.replace(tzinfo=zone)
        made = make_kind(target, moment, nano)
    else:
        made = coerce(value, target)
    zone = getattr(made.value, "tzinfo", None)
    return with_text(made, format_parts(pattern, made.value, made.nano, zone))
