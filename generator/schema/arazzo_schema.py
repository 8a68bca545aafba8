"""Validate an Arazzo document against the official Arazzo 1.0 JSON Schema (draft 2020-12).

The schema (`data/arazzo-1.0.schema.json`, see `data/README.md` for its origin) is the
specification's own statement of document structure; journeygen's pydantic model
(`schema/arazzo.py`) is what the generator reads. Both run: the schema's problems are reported
in journeygen's words, at the position of the value they concern, all at once. A `oneOf`/`anyOf`
failure reports the problems of the branch the value was evidently meant to be (a parameter
with `reference` is a Reusable Object), or, when it is none of them, what each could be.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from ..diagnostics import Diagnostic, Level, did_you_mean
from ..load import Document, escape_pointer_token
from .arazzo import tool_operation

SCHEMA_PATH = Path(__file__).resolve().parent / "data" / "arazzo-1.0.schema.json"
_UNEXPECTED = re.compile(r"\((.*) (?:was|were) unexpected\)")
_ROOT_KEYWORDS = ("type", "required", "const", "enum", "false")
# Lists whose items carry an id the semantic rules check for uniqueness (arazzo/rules.py).
_ID_LISTS = ("steps", "workflows")
_PATTERN_HINTS = {
    "^1\\.0\\.\\d+(-.+)?$": "this is an Arazzo 1.0 generator: write arazzo: 1.0.1",
    "^[A-Za-z0-9_\\-]+$": "use ASCII letters, digits, '_' and '-' only",
    "^[a-zA-Z0-9\\.\\-_]+$": "use ASCII letters, digits, '.', '_' and '-' only",
}
_BOUNDS = {
    "minimum": "at least",
    "exclusiveMinimum": "more than",
    "maximum": "at most",
    "exclusiveMaximum": "less than",
}


@cache
def _validator() -> Draft202012Validator:
    # The schema is shipped data, not input: tests/arazzo/test_arazzo_validation.py checks it
    # against the draft 2020-12 metaschema once, instead of every run paying for it.
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


@cache
def _definitions() -> dict[str, Any]:
    schema: Any = _validator().schema
    defs: dict[str, Any] = schema["$defs"]
    return defs


# A deviation whose meaning is unambiguous: reported as a warning (its message's prefix)
WARNING = "\x00warning\x00"


def schema_problems(document: Document, what: str = "Arazzo") -> list[Diagnostic]:
    """Every way `document.data` breaks the official schema, as located diagnostics (a
    warning where the one meaning is clear and journeygen reads it so)."""
    found: dict[tuple[str, str], Diagnostic] = {}
    for err in _validator().iter_errors(document.data):
        for pointer, message in _describe(err):
            where = _dotted(pointer)
            level = Level.ERROR
            if message.startswith(WARNING):
                level, message = Level.WARNING, message[len(WARNING) :]
            text = f"{what}: {message.replace('{where}', where)}"
            found.setdefault(
                (pointer, text), Diagnostic(document.location(pointer), text, level)
            )
    return list(found.values())


def _pointer(path: Iterable[Any]) -> str:
    return "".join("/" + escape_pointer_token(str(part)) for part in path)


def _dotted(pointer: str) -> str:
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
    return ".".join(parts) or "(document)"


def _shown(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, str | int | float):
        return repr(value)[:60]
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


_TYPE_NAMES = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "number": "a number",
    "integer": "an integer",
    "boolean": "true or false",
    "null": "null",
}


def _describe(err: ValidationError) -> Iterator[tuple[str, str]]:
    """(JSON pointer, message with a `{where}` placeholder) for one schema error."""
    pointer = _pointer(err.absolute_path)
    kind: Any = err.validator
    instance: Any = err.instance
    value: Any = err.validator_value
    schema: Any = err.schema
    if kind in ("oneOf", "anyOf"):
        yield from _alternatives(err, pointer)
    elif kind == "required":
        missing = [
            name
            for name in value
            if isinstance(instance, dict) and name not in instance
        ]
        for name in missing:
            yield pointer, f"{{where}}: required field {name!r} is missing; add it"
    elif kind in ("unevaluatedProperties", "additionalProperties"):
        allowed = sorted((schema.get("properties") or {}).keys())
        patterns = [p for p in schema.get("patternProperties") or {} if p != "^x-"]
        if patterns and not allowed:
            fix = _PATTERN_HINTS.get(patterns[0], f"names must match {patterns[0]}")
            for name in _unexpected(err):
                yield (
                    f"{pointer}/{escape_pointer_token(name)}",
                    f"{{where}}: the name {name!r} is not allowed; {fix}",
                )
            return
        for name in _unexpected(err):
            if _extensions_map(name, instance):
                keys = ", ".join(str(k) for k in instance[name])
                yield (
                    f"{pointer}/{escape_pointer_token(name)}",
                    f"{WARNING}{{where}}: specification extensions are fields of the "
                    f"object itself, not of an 'extensions' field; read {keys} as its own "
                    f"extensions: write {keys} beside the other fields",
                )
                continue
            hint = did_you_mean(name, allowed) or _misplaced(name, instance)
            fix = hint or "remove it or prefix it with 'x-'"
            yield (
                f"{pointer}/{escape_pointer_token(name)}",
                f"unknown field {name!r} at {{where}}; {fix}",
            )
    elif kind == "type":
        wanted = value
        names = [wanted] if isinstance(wanted, str) else list(wanted)
        expected = " or ".join(_TYPE_NAMES.get(n, n) for n in names)
        yield pointer, f"{{where}}: expected {expected} (got {_shown(instance)})"
    elif kind == "enum":
        options = [str(o) for o in value]
        hint = did_you_mean(str(instance), options) if isinstance(instance, str) else ""
        listed = ", ".join(repr(o) for o in value)
        yield pointer, (
            f"{{where}}: must be one of {listed} (got {_shown(instance)})"
            + (f"; {hint}" if hint else "")
        )
    elif kind == "const":
        yield pointer, (f"{{where}}: must be {value!r} (got {_shown(instance)})")
    elif kind == "pattern":
        fix = _PATTERN_HINTS.get(str(value), f"it must match the pattern {value}")
        yield pointer, f"{{where}}: {_shown(instance)} is not allowed here; {fix}"
    elif kind == "minItems" and value == 1:
        yield pointer, (
            "{where}: an empty list is not allowed here; list at least one item or "
            "leave the field out"
        )
    elif kind == "uniqueItems" and pointer.rsplit("/", 1)[-1] in _ID_LISTS:
        return  # two equal steps or workflows: reported as a duplicate id, more precisely
    elif kind == "uniqueItems":
        yield pointer, "{where}: the list holds the same item twice; remove the copy"
    elif kind == "dependentRequired":
        for key, needed in value.items():
            if isinstance(instance, dict) and key in instance:
                for name in needed:
                    if name not in instance:
                        yield pointer, (
                            f"{{where}}: {key!r} needs {name!r} as well; add {name}"
                        )
    elif kind in _BOUNDS:
        yield pointer, (
            f"{{where}}: must be {_BOUNDS[kind]} {value} " f"(got {_shown(instance)})"
        )
    else:
        yield pointer, f"{{where}}: {err.message[:200]}"


def _unexpected(err: ValidationError) -> list[str]:
    found = _UNEXPECTED.search(err.message)
    if found is None:
        return []
    try:
        names = ast.literal_eval(f"({found.group(1)},)")
    except (ValueError, SyntaxError):
        return []
    return [str(n) for n in names]


def _branch_name(schema: Any) -> str:
    """A readable name for one alternative of a oneOf/anyOf."""
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            key = ref.rsplit("/", 1)[1]
            title = " ".join(w.capitalize() for w in key.split("-"))
            target = _definitions().get(key) or {}
            required = list(target.get("required") or []) + list(
                schema.get("required") or []
            )
            fields = f" (with {', '.join(required)})" if required else ""
            return f"a {title}{fields}".replace(
                "a Reusable Object (with reference)",
                ("a Reusable Object ({reference: $components...})"),
            )
        if set(schema) == {"required"}:
            return f"one with {' and '.join(schema['required'])}"
    return "one of the allowed forms"


def _known_fields(schema: Any) -> set[str]:
    if not isinstance(schema, dict):
        return set()
    fields = set((schema.get("properties") or {}).keys())
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        target = _definitions().get(ref.rsplit("/", 1)[1]) or {}
        fields |= set((target.get("properties") or {}).keys())
    return fields


def _alternatives(err: ValidationError, pointer: str) -> Iterator[tuple[str, str]]:
    alternatives: Any = err.validator_value
    branches: list[Any] = list(alternatives)
    if not err.context:  # valid under several branches of a oneOf
        if all(isinstance(b, dict) and set(b) == {"required"} for b in branches):
            present = [
                b["required"][0]
                for b in branches
                if isinstance(err.instance, dict) and b["required"][0] in err.instance
            ]
            options = ", ".join(b["required"][0] for b in branches)
            if present:
                yield pointer, (
                    f"{{where}}: has {' and '.join(present)}; it needs exactly one of "
                    f"{options}"
                )
                return
        yield pointer, "{where}: matches more than one of the allowed forms"
        return
    by_branch: dict[int, list[ValidationError]] = {}
    for sub in err.context:
        by_branch.setdefault(int(sub.schema_path[0]), []).append(sub)

    def root(errors: list[ValidationError], keywords: tuple[str, ...]) -> int:
        return sum(1 for e in errors if not e.relative_path and e.validator in keywords)

    def overlap(index: int) -> int:
        if not isinstance(err.instance, dict):
            return 0
        return len(set(err.instance) & _known_fields(branches[index]))

    ranked = sorted(
        by_branch.items(),
        key=lambda kv: (
            root(kv[1], ("type", "false")),
            -overlap(kv[0]),
            root(kv[1], _ROOT_KEYWORDS),
            len(kv[1]),
            kv[0],
        ),
    )
    best_index, best = ranked[0]
    if root(best, _ROOT_KEYWORDS) == 0 or (
        root(best, ("type", "false")) == 0 and overlap(best_index) > 0
    ):
        for sub in best:
            yield from _describe(sub)
        return
    if all(isinstance(b, dict) and set(b) == {"required"} for b in branches):
        if isinstance(err.instance, dict) and tool_operation(err.instance) is not None:
            return  # Redocly's x-operation: a located warning where the step is linked
        options = ", ".join(b["required"][0] for b in branches)
        yield pointer, f"{{where}}: needs exactly one of {options}; add one" + _tool_step(
            err.instance
        )
        return
    names = [_branch_name(b) for b in branches]
    got = _shown(err.instance)
    if isinstance(err.instance, dict) and err.instance:
        got = "a mapping with " + ", ".join(repr(k) for k in list(err.instance)[:6])
    fix = ""
    if isinstance(err.instance, str) and any("Parameter Object" in n for n in names):
        fix = (
            f"; a parameter is a mapping: write {{name: {err.instance}, in: query, "
            "value: <value>} (in: path, query, header or cookie)"
        )
    yield pointer, f"{{where}}: expected {' or '.join(names)} (got {got}){fix}"


def _extensions_map(name: str, instance: Any) -> bool:
    """An `extensions: {x-...: ...}` field: specification extensions written one level too
    deep, whose meaning is unambiguous (they are the object's own)."""
    if name != "extensions" or not isinstance(instance, dict):
        return False
    value = instance.get(name)
    return (
        isinstance(value, dict)
        and bool(value)
        and all(isinstance(k, str) and k.startswith("x-") for k in value)
    )


def _misplaced(name: str, instance: Any) -> str:
    """Where a field published documents put in the wrong object belongs (or '')."""
    if not isinstance(instance, dict):
        return ""
    value = instance.get(name)
    kind = instance.get("type")
    if name == "version" and isinstance(kind, str) and "condition" in instance:
        return (
            "the version of a criterion's expression language is part of its type: "
            f"write type: {{type: {kind}, version: {value}}}"
        )
    return ""


def _tool_step(instance: Any) -> str:
    """A step that names its endpoint with a tool's extension instead of an operation."""
    operation = instance.get("x-operation") if isinstance(instance, dict) else None
    if not isinstance(operation, dict):
        return ""
    url, method = operation.get("url"), operation.get("method")
    return (
        f" (x-operation, a Redocly extension calling {method} {url}, is not Arazzo: "
        "describe that endpoint in an OpenAPI sourceDescription and name it with "
        "operationId or operationPath)"
    )
