"""OpenAPI 3.0 / 3.1 / 3.2 documents, validated with openapi-pydantic.

Published documents often deviate from the specification in ways whose intent is unambiguous
(an empty `properties: []` from a PHP serializer, a Swagger 2 `required: true` on a property, a
response without its REQUIRED `description`, a tag name written as a list). Those are repaired
in the document, each with a located warning naming the fix, before the document is validated;
everything else stays an error.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types
from typing import TYPE_CHECKING, Any, TypeAlias

from pydantic import ValidationError

from ..diagnostics import Diagnostic, Level, SpecError, error
from ..load import Document, escape_pointer_token
from .validate import validate_document

if TYPE_CHECKING:
    from openapi_pydantic.v3.v3_0 import OpenAPI as OpenAPI30
    from openapi_pydantic.v3.v3_1 import OpenAPI as OpenAPI31

    OpenAPI: TypeAlias = OpenAPI30 | OpenAPI31

# Fields that only document an API: a wrong value there changes no generated behaviour, so it
# is dropped with a warning instead of refusing the document.
_DOCUMENTATION = frozenset(
    {"tags", "externalDocs", "contact", "license", "termsOfService", "example",
     "examples", "summary", "description", "xml", "deprecated"}
)  # fmt: skip
_SCHEMA_LISTS = ("allOf", "oneOf", "anyOf", "prefixItems")
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "schemas")
_SCHEMA_ONE = ("items", "additionalProperties", "not", "schema", "contains")
_ROUNDS = 5


def validate_openapi(
    document: Document, warnings: list[Diagnostic] | None = None
) -> OpenAPI:
    """Validate an OpenAPI document, choosing the model from its `openapi` field.

    OpenAPI 3.2 is read with the 3.1 model (3.2 only adds fields, which the model keeps).
    Repairs of unambiguous deviations are appended to `warnings`.
    """
    data: Any = document.data
    version = data.get("openapi") if isinstance(data, dict) else None
    if not isinstance(version, str):
        raise error(
            document.location(
                "/openapi" if isinstance(data, dict) and "openapi" in data else ""
            ),
            "not an OpenAPI document: expected a string field 'openapi: 3.1.0' (or 3.0.x, "
            "3.2.x) at the top",
        )
    model: type[OpenAPI30] | type[OpenAPI31]
    if version.startswith(("3.1", "3.2")):
        model = openapi_model("v3_1")
    elif version.startswith("3.0"):
        model = openapi_model("v3_0")
    else:
        raise error(
            document.location("/openapi"),
            f"unsupported OpenAPI version {version!r}; use 3.0.x, 3.1.x or 3.2.x",
        )
    # Repairs are idempotent: a document validated twice is repaired (and warned) once.
    found = warnings if warnings is not None else []
    found.extend(_repair_schemas(document))
    found.extend(_repair_invalid(document, model))
    checked = _as_model_version(document, version)
    try:
        return validate_document(checked, model, "OpenAPI")
    except SpecError as exc:
        raise SpecError(_without_reference_noise(exc.diagnostics)) from None


_PACKAGE = "openapi_pydantic"
_INIT_LOCK = threading.RLock()


def openapi_model(minor: str) -> Any:
    """openapi-pydantic's `OpenAPI` model of one version (`"v3_0"` or `"v3_1"`), importing
    that version's models only.

    Importing any module of openapi-pydantic runs the package's `__init__`, which imports its
    version-inferring parser and so builds both versions' pydantic models: 0.2 s of a cold
    run, half of it for a version the case does not use. While the package is not imported
    yet, `openapi_pydantic` and `openapi_pydantic.v3` are created as the real package modules
    (same spec, path and files) whose `__init__` runs on first use of a name it defines
    (`_DeferredInit`); the version's own modules then load as usual. A later
    `import openapi_pydantic` gets the same module objects and, on first use, their real
    `__init__`, which reuses the version already loaded.
    """
    name = f"{_PACKAGE}.v3.{minor}"
    loaded = sys.modules.get(name)
    if loaded is None:
        with _INIT_LOCK:
            for package in (_PACKAGE, f"{_PACKAGE}.v3"):
                if package not in sys.modules:
                    _defer_init(package)
            loaded = importlib.import_module(name)
    return loaded.OpenAPI


class _DeferredInit(types.ModuleType):
    """A package module whose `__init__` has not run yet: it runs on the first lookup of a
    name the module does not hold, and the module is an ordinary module from then on."""

    def __getattr__(self, attr: str) -> Any:
        with _INIT_LOCK:
            if isinstance(self, _DeferredInit):
                module: types.ModuleType = self
                module.__class__ = (
                    types.ModuleType
                )  # before the run: names it sets are found
                spec = module.__spec__
                assert spec is not None and spec.loader is not None
                spec.loader.exec_module(module)
        return getattr(self, attr)


def _defer_init(package: str) -> None:
    parent, _, _ = package.rpartition(".")
    spec = importlib.util.find_spec(package)
    if spec is None or spec.loader is None or not spec.submodule_search_locations:
        importlib.import_module(
            package
        )  # not a package found on disk: imported as usual
        return
    module = importlib.util.module_from_spec(spec)
    module.__class__ = _DeferredInit
    sys.modules[package] = module
    if parent:
        setattr(sys.modules[parent], package.rpartition(".")[2], module)


def _as_model_version(document: Document, version: str) -> Document:
    """What the openapi-pydantic model is given: 3.2 read as 3.1, boolean subschemas
    (JSON Schema 2020-12, e.g. `unevaluatedProperties: false`) as their object forms,
    which that model lacks; journeygen's own schema stage reads the real document."""
    if version.startswith("3.0"):
        return document
    data = _for_model(document.data, False)
    if version.startswith("3.2"):
        data["openapi"] = "3.1.1"
    return Document(document.path, document.display, data, document.positions)


_BOOLEAN_SCHEMA_KEYS = frozenset(
    {"additionalProperties", "unevaluatedProperties", "unevaluatedItems", "items",
     "not", "contains", "propertyNames", "if", "then", "else", "additionalItems"}
)  # fmt: skip
_SCHEMA_MAP_KEYS = frozenset(
    {"properties", "patternProperties", "$defs", "dependentSchemas"}
)


def _for_model(value: Any, is_schema_map: bool, key: Any = None) -> Any:
    if isinstance(value, dict):
        return {
            k: (
                _boolean(v)
                if isinstance(v, bool) and (is_schema_map or k in _BOOLEAN_SCHEMA_KEYS)
                else _for_model(v, k in _SCHEMA_MAP_KEYS and not is_schema_map, k)
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        in_schemas = key in _SCHEMA_LISTS
        return [
            _boolean(v) if in_schemas and isinstance(v, bool) else _for_model(v, False)
            for v in value
        ]
    return value


def _boolean(flag: bool) -> dict[str, Any]:
    return {} if flag else {"not": {}}


def _without_reference_noise(problems: list[Diagnostic]) -> list[Diagnostic]:
    """An object that is not a `$ref` fails both union members; the Reference member's
    "'$ref' is missing" only hides the real problem, so it goes when there are others.
    """
    noise = [p for p in problems if "required field '$ref' is missing" in p.message]
    return [p for p in problems if p not in noise] or noise


# -- repairs of schemas (before validation) ---------------------------------------------------


def _repair_schemas(document: Document) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    components = document.data.get("components")
    stack: list[tuple[Any, str, bool]] = [(document.data, "", False)]
    while stack:
        node, pointer, is_schema = stack.pop()
        if isinstance(node, list):
            stack.extend((v, f"{pointer}/{i}", is_schema) for i, v in enumerate(node))
            continue
        if not isinstance(node, dict):
            continue
        if is_schema:
            found.extend(_repair_schema(document, node, pointer))
        for key, value in node.items():
            child = f"{pointer}/{escape_pointer_token(str(key))}"
            if key in _SCHEMA_ONE or (is_schema and key in _SCHEMA_LISTS):
                stack.append((value, child, True))
            elif key in _SCHEMA_MAPS and isinstance(value, dict):
                if is_schema or node is components:
                    for name, sub in value.items():
                        token = escape_pointer_token(str(name))
                        stack.append((sub, f"{child}/{token}", True))
            elif not is_schema or key not in ("enum", "const", "default", "example"):
                stack.append((value, child, False))
    return found


def _repair_schema(
    document: Document, schema: dict[str, Any], pointer: str
) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    if schema.get("properties") == []:
        schema["properties"] = {}
        found.append(
            _warn(
                document,
                pointer + "/properties",
                "'properties' is an empty list; read as the empty mapping it stands "
                "for: write 'properties: {}'",
            )
        )
    if isinstance(schema.get("required"), bool):
        flag = schema.pop("required")
        found.append(
            _warn(
                document,
                pointer + "/required",
                f"'required: {str(flag).lower()}' on a schema is Swagger 2; in OpenAPI 3 "
                "a parameter says 'required' itself and an object lists its required "
                "properties: dropped here, so write it there",
            )
        )
    props = schema.get("properties")
    if not isinstance(props, dict):
        return found
    required = schema.get("required")
    for name, sub in props.items():
        flag = sub.get("required") if isinstance(sub, dict) else None
        if not isinstance(flag, bool):
            continue
        del sub["required"]
        if flag:
            listed = required if isinstance(required, list) else []
            if name not in listed:
                listed.append(name)
            schema["required"] = required = listed
        where = f"{pointer}/properties/{escape_pointer_token(str(name))}/required"
        found.append(
            _warn(
                document,
                where,
                f"'required: {str(flag).lower()}' on property {name!r} is Swagger 2; in "
                "OpenAPI 3 'required' is the list of the object's required property "
                + (
                    "names: read as listed there, so write it so"
                    if flag
                    else "names: dropped (it changes nothing)"
                ),
            )
        )
    return found


# -- repairs of what the model refuses --------------------------------------------------------


def _repair_invalid(document: Document, model: type[Any]) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    version = str(document.data.get("openapi", ""))
    for _ in range(_ROUNDS):
        try:
            model.model_validate(_as_model_version(document, version).data)
            return found
        except ValidationError as exc:
            repaired = [
                w
                for err in exc.errors()
                if (w := _repair_one(document, err)) is not None
            ]
        if not repaired:
            return found
        found.extend(repaired)
    return found


def _repair_one(document: Document, err: Any) -> Diagnostic | None:
    parts = _walk(document.data, err["loc"])
    if not parts:
        return None
    keys = [k for _, k in parts]
    if err["type"] == "missing":
        return _fill_missing(document, parts, err["loc"][-1])
    for index, (holder, key) in enumerate(parts):
        if isinstance(key, str) and key in _DOCUMENTATION and isinstance(holder, dict):
            pointer = _pointer(keys[: index + 1])
            if key not in holder:
                return None
            del holder[key]
            return _warn(
                document,
                pointer,
                f"{key!r} is not valid OpenAPI here ({err['msg']}); it only documents "
                "the API, so it is left out: fix it",
            )
    return None


def _fill_missing(
    document: Document, parts: list[tuple[Any, Any]], field: Any
) -> Diagnostic | None:
    holder, key = parts[-1]
    target = holder.get(key) if isinstance(holder, dict) else None
    if not isinstance(target, dict):
        return None
    keys = [k for _, k in parts]
    where = _pointer(keys)
    if field == "description" and len(keys) >= 2 and keys[-2] == "responses":
        target["description"] = ""
        return _warn(
            document,
            where,
            f"response {key!r} has no 'description', which OpenAPI requires; add one "
            "(read as empty)",
        )
    if keys == ["info"] and field in ("version", "title"):
        target[field] = "0.1.0" if field == "version" else document.path.stem
        return _warn(
            document,
            where,
            f"info has no {field!r}, which OpenAPI requires; add one (read as "
            f"{target[field]!r})",
        )
    return None


def _walk(data: Any, loc: tuple[Any, ...]) -> list[tuple[Any, Any]]:
    """(holder, key) pairs down the document along a pydantic loc, skipping union names."""
    parts: list[tuple[Any, Any]] = []
    node = data
    for part in loc:
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and part < len(node)
        ):
            parts.append((node, part))
            node = node[part]
    return parts


def _pointer(keys: list[Any]) -> str:
    return "".join("/" + escape_pointer_token(str(k)) for k in keys)


def _warn(document: Document, pointer: str, message: str) -> Diagnostic:
    return Diagnostic(document.location(pointer), f"OpenAPI: {message}", Level.WARNING)
