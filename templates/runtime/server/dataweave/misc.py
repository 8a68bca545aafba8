"""dw::Core `typeOf`, `then`, `onNull`, logging, `write` and `read`."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from . import formats
from .values import (
    _MISSING,
    Callback,
    DataWeaveRuntimeError,
    TypeValue,
    _fail,
    _is_number,
    _live,
    _logger,
    _number,
    _text,
    number_text,
    obj,
    pairs_of,
    to_string,
    type_name,
)


def type_of(value: Any) -> TypeValue:
    """`typeOf(value)`: the type's name as a Type value."""
    made: TypeValue = _live(TypeValue, type_name(value))
    return made


def then(value: Any, callback: Callback) -> Any:
    """`value then callback(value)`; null stays null."""
    return None if value is None else callback(value)


def on_null(value: Any, callback: Callback) -> Any:
    """`value onNull callback()`: callback's answer when value is null."""
    return callback() if value is None else value


def _log(level: int, prefix: Any, value: Any) -> Any:
    text = write(value, "application/json", {"indent": False})
    _logger.log(level, "%s%s", f"{to_string(prefix)} - " if prefix else "", text)
    return value


def log(prefix: Any, value: Any = _MISSING) -> Any:
    """`log([prefix,] value)`: logs value and answers it unchanged."""
    if value is _MISSING:
        return _log(logging.INFO, "", prefix)
    return _log(logging.INFO, prefix, value)


def log_with(level: Any, prefix: Any, value: Any) -> Any:
    """`logWith(level, prefix, value)`."""
    levels = {"Debug": 10, "Info": 20, "Warn": 30, "Error": 40}
    return _log(levels.get(to_string(level), logging.INFO), prefix, value)


def log_debug(prefix: Any, value: Any = _MISSING) -> Any:
    """`logDebug([prefix,] value)`."""
    if value is _MISSING:
        return _log(logging.DEBUG, "", prefix)
    return _log(logging.DEBUG, prefix, value)


def log_info(prefix: Any, value: Any = _MISSING) -> Any:
    """`logInfo([prefix,] value)`."""
    return log(prefix, value)


def log_warn(prefix: Any, value: Any = _MISSING) -> Any:
    """`logWarn([prefix,] value)`."""
    if value is _MISSING:
        return _log(logging.WARNING, "", prefix)
    return _log(logging.WARNING, prefix, value)


def log_error(prefix: Any, value: Any = _MISSING) -> Any:
    """`logError([prefix,] value)`."""
    if value is _MISSING:
        return _log(logging.ERROR, "", prefix)
    return _log(logging.ERROR, prefix, value)


_JSON_TYPES = ("application/json", "json")


_TEXT_TYPES = ("text/plain", "text")


def _unavailable(operation: str, mime: str) -> DataWeaveRuntimeError:
    reason = formats.REFUSED.get(mime, "it is not a format journeygen reads or writes")
    return DataWeaveRuntimeError(
        f"{operation}: the {mime!r} format is not available for journey values ({reason}); "
        "available: application/json, text/plain, application/csv, "
        "application/x-www-form-urlencoded, text/x-java-properties, application/xml"
    )


def _options(value: Any) -> Mapping[str, Any]:
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return value
    raise _fail("writer options", value)


def write(
    value: Any, content_type: Any = "application/json", options: Any = None
) -> str:
    """`write(value, contentType, options)`: JSON (indented unless `indent: false`), text,
    CSV, urlencoded or Java properties."""
    mime = _text(content_type, "write")
    if mime in _TEXT_TYPES:
        return to_string(value)
    if mime in formats.CSV_TYPES:
        return formats.write_csv(value, _options(options))
    if mime in formats.URLENCODED_TYPES:
        return formats.write_urlencoded(value)
    if mime in formats.PROPERTIES_TYPES:
        return formats.write_properties(value)
    if mime in formats.XML_TYPES:
        return formats.write_xml(value, _options(options))
    if mime not in _JSON_TYPES:
        raise _unavailable("write", mime)
    indent = _options(options).get("indent", True)
    return _json_text(value, "  " if indent is not False else None, "")


def _json_text(value: Any, indent: str | None, margin: str) -> str:
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if _is_number(value):
        return number_text(value)
    if isinstance(value, str):
        return json.dumps(str(value), ensure_ascii=False)
    if isinstance(value, Mapping):
        parts = [
            f"{json.dumps(k, ensure_ascii=False)}: {_json_text(v, indent, margin + (indent or ''))}"
            for k, v in pairs_of(value)
        ]
        return _json_block("{", "}", parts, indent, margin)
    if isinstance(value, list | tuple):
        inner = margin + (indent or "")
        return _json_block(
            "[", "]", [_json_text(v, indent, inner) for v in value], indent, margin
        )
    raise DataWeaveRuntimeError(f"cannot write a {type_name(value)} as JSON")


def _json_block(
    open_: str, close: str, parts: list[str], indent: str | None, margin: str
) -> str:
    if indent is None:
        return open_ + ", ".join(parts) + close
    inner = margin + indent
    body = (",\n").join(inner + p for p in parts) if parts else inner
    return f"{open_}\n{body}\n{margin}{close}"


def read(text: Any, content_type: Any = "application/json", options: Any = None) -> Any:
    """`read(text, contentType)`: JSON (numbers kept exactly), text, CSV, urlencoded or Java
    properties."""
    mime = _text(content_type, "read")
    given = _options(options)
    source = _text(text, "read")
    if mime in _TEXT_TYPES:
        return source
    if mime in formats.CSV_TYPES:
        return formats.read_csv(source, given)
    if mime in formats.URLENCODED_TYPES:
        return formats.read_urlencoded(source)
    if mime in formats.PROPERTIES_TYPES:
        return formats.read_properties(source)
    if mime in formats.XML_TYPES:
        return formats.read_xml(source)
    if mime not in _JSON_TYPES:
        raise _unavailable("read", mime)
    try:
        return json.loads(
            source, parse_float=lambda t: _number(Decimal(t)), object_pairs_hook=obj
        )
    except ValueError as exc:
        raise DataWeaveRuntimeError(f"read: invalid JSON: {exc}") from exc
