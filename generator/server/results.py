"""The typed result of an outbound call: `TaskResult[...]` from the downstream operation's
documented responses.

Every response the operation documents with a JSON body contributes its type: an object schema
with properties becomes a model of handlers.py (named after the call and the status it answers:
`GetItemResponse` for the first 2xx, `GetItemNotFoundResponse`, `GetItemErrorResponse` for
`default`), any other schema its annotation. Responses sharing one schema share one type. An
operation that documents no JSON body, or a body typed `Any`, keeps the bare `TaskResult`.

The type of each documented status is also what the server checks a downstream answer of that
status against when it makes the call itself (`HttpSpec.results`, runtime `outbound_checks`).
"""

from __future__ import annotations

import http
import json
from collections.abc import Callable
from typing import Any

from .. import naming
from ..numbers import NUMBER_TYPE
from .ir_calls import BodyModel
from .schematypes import Resolver, annotation, json_schema

_RANGES = {
    "1": "Informational",
    "2": "Success",
    "3": "Redirect",
    "4": "ClientError",
    "5": "ServerError",
}


def _status_words(status: str) -> str:
    if status == "default":
        return "Error"
    if status.isdigit():
        try:
            return naming.class_name(http.HTTPStatus(int(status)).phrase)
        except ValueError:
            return f"Status{status}"
    return _RANGES.get(status[:1], "Other")


# (TaskResult body type or None, (statuses, model) to declare, (status, body type) per status)
ResultTypes = tuple[
    str | None, tuple[tuple[str, BodyModel], ...], tuple[tuple[str, str], ...]
]


def result_types(
    base: str,
    responses: dict[str, Any],
    resolve: Resolver,
    claim: Callable[[str], str],
    model_of: Callable[[Any, str], BodyModel | None],
) -> ResultTypes:
    """The body type of `TaskResult[...]` (None: bare), the models to declare, each with
    the statuses it answers (`"404, default"`), and the type of each documented status.
    `claim` reserves a class name; `model_of(schema, name)` builds a model for an object
    schema (or None)."""
    types: list[str] = []
    seen: dict[str, str] = {}
    statuses: dict[str, list[str]] = {}
    keys: list[tuple[str, BodyModel]] = []
    per_status: list[tuple[str, str]] = []
    first_success = True
    for status, raw in responses.items():
        code = str(status)
        response = resolve(raw) if isinstance(raw, dict) and "$ref" in raw else raw
        schema = json_schema(response)
        if schema is None:
            continue
        key = json.dumps(schema, sort_keys=True, default=str)
        if key in seen:
            statuses[key].append(code)
            per_status.append((code, seen[key]))
            continue
        statuses[key] = [code]
        words = "" if code.startswith("2") and first_success else _status_words(code)
        first_success = first_success and not code.startswith("2")
        target = (
            resolve(schema) if isinstance(schema, dict) and "$ref" in schema else schema
        )
        props = target.get("properties") if isinstance(target, dict) else None
        model = (
            model_of(schema, claim(f"{base}{words}Response"))
            if isinstance(props, dict) and props
            else None
        )
        text = (
            model.class_name
            if model is not None
            else annotation(schema, resolve, number=NUMBER_TYPE)
        )
        if model is not None:
            keys.append((key, model))
        seen[key] = text
        if text == "Any":
            return None, (), ()
        per_status.append((code, text))
        if text not in types:
            types.append(text)
    models = [(", ".join(statuses[key]), model) for key, model in keys]
    return (" | ".join(types) if types else None), tuple(models), tuple(per_status)
