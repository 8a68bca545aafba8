"""Collect every schema of a case into named, self-contained model definitions.

Each inline object or enum becomes a definition named from where it sits (`JourneyStatus.phase`
-> `JourneyStatusPhase`), `$ref`s across files are followed inside the spec tree, `allOf` of
object schemas is merged into one object (so the journey's typed `output` survives), and
structurally equal definitions are shared (the journey's output schema and the OpenAPI
`JourneyOutcome.output` are one class). Only JSON Schema keywords journeygen understands pass
through: `x-` extensions and unknown keys never reach the model generator.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from . import naming
from .diagnostics import Diagnostic, Level, SpecError, error
from .load import Document, Workspace, escape_pointer_token

REF_PREFIX = "#/components/schemas/"

_KEEP = (
    "type", "const", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
    "minLength", "maxLength", "pattern", "minItems", "maxItems", "uniqueItems", "minProperties",
    "maxProperties", "nullable", "description", "readOnly", "writeOnly", "deprecated", "default",
)  # fmt: skip
# Formats that become richer Python types; the rest stay plain strings (an `email` would need
# email-validator, a `uri` would reject the relative URLs journeys return).
_FORMATS: dict[str, frozenset[str]] = {
    **dict.fromkeys(
        ("date-time", "date", "time", "uuid", "binary"), frozenset({"string"})
    ),
    **dict.fromkeys(("int32", "int64"), frozenset({"integer"})),
    **dict.fromkeys(("float", "double"), frozenset({"number"})),
}
_IDENTIFIER_TITLE = re.compile(r"^[A-Z][A-Za-z0-9]{2,63}$")
_COMPONENT_RE = re.compile(r"^/(components/schemas|\$defs|definitions)/([^/]+)$")
MAX_DEPTH = 64


@dataclass
class ModelDef:
    """One model class (object or enum) to generate."""

    name: str
    schema: dict[str, Any]
    field_names: dict[str, str] = field(default_factory=dict)


@dataclass
class _Site:
    """A schema as found: the document holding it, its pointer, its raw value."""

    document: Document
    pointer: str
    value: Any


def _canonical(schema: dict[str, Any]) -> str:
    body = {k: v for k, v in schema.items() if k not in ("description", "title")}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)


def _child(site: _Site, *tokens: str | int) -> _Site:
    pointer, value = site.pointer, site.value
    for token in tokens:
        pointer += "/" + escape_pointer_token(str(token))
        value = value[token]
    return _Site(site.document, pointer, value)


class SchemaCollector:
    """Turns raw schemas into ModelDefs; one collector per generated package."""

    def __init__(self, workspace: Workspace, scope: naming.Scope) -> None:
        self.workspace = workspace
        self.scope = scope
        self.defs: dict[str, ModelDef] = {}
        self.public_aliases: dict[str, str] = {}
        self._by_site: dict[tuple[str, str], str] = {}
        self._by_canon: dict[str, str] = {}
        self._in_progress: set[str] = set()
        self._recursive: set[str] = set()
        # Class names of the contract's components: a schema named only by its `title` never
        # takes one of them (the component keeps its name; the titled schema is named by where
        # it sits instead of getting a number).
        self._component_names: set[str] = set()
        # Non-object components being converted -> the name given once one recurses.
        self._inline_sites: dict[tuple[str, str], str | None] = {}
        self.warnings: list[Diagnostic] = []

    # -- entry points -------------------------------------------------------------------------

    def reserve_components(self, document: Document) -> None:
        """Keep the component names of `document` for the components themselves."""
        data = document.data if isinstance(document.data, dict) else {}
        schemas = (data.get("components") or {}).get("schemas") or {}
        if isinstance(schemas, dict):
            self._component_names.update(
                naming.class_name(str(k)).casefold() for k in schemas
            )

    def model(
        self, document: Document, pointer: str, value: Any, wanted: str
    ) -> dict[str, Any]:
        """Register the schema at `pointer` as a model named like `wanted`; return a type schema.

        The result is a `$ref` to the class for objects and enums, or an inline schema for
        primitives, arrays and maps (which need no class of their own).
        """
        site = _Site(document, pointer, value)
        key = (str(document.path), pointer) if _COMPONENT_RE.match(pointer) else None
        if key is not None and key in self._by_site:
            return {"$ref": REF_PREFIX + self._by_site[key]}
        return self._convert(site, wanted, 0, site_key=key)

    def model_name(self, schema: dict[str, Any]) -> str | None:
        """The class a converted schema refers to, if it is a plain `$ref`."""
        ref = schema.get("$ref")
        return ref[len(REF_PREFIX) :] if isinstance(ref, str) else None

    # -- conversion ---------------------------------------------------------------------------

    def _convert(
        self,
        site: _Site,
        ctx: str,
        depth: int,
        *,
        site_key: tuple[str, str] | None = None,
    ) -> dict[str, Any]:
        if depth > MAX_DEPTH:
            raise error(
                site.document.location(site.pointer),
                "schema nests too deeply (over 64 levels)",
            )
        value = site.value
        if value is True or value == {}:
            return {}
        if value is False:
            return {"not": {}}
        if not isinstance(value, dict):
            raise error(
                site.document.location(site.pointer),
                f"a schema must be an object or a boolean, got {type(value).__name__}",
            )
        if "$ref" in value:
            return self._ref(site, ctx, depth)
        site = self._without_bad_default(site)
        _check_keywords(site)
        if "allOf" in value and self._all_objects(site):
            return self._register(site, ctx, depth, self._merged_object, site_key)
        if _is_object(value) or "enum" in value:
            return self._register(site, ctx, depth, self._object_or_enum, site_key)
        return self._inline(site, ctx, depth)

    def _without_bad_default(self, site: _Site) -> _Site:
        """A default that does not match its schema: the intent (no value given means...)
        is unclear, but the model can still be right without it; dropped with a warning.
        """
        if "default" not in site.value:
            return site
        try:
            _check_default(site, site.value["default"])
        except SpecError as exc:
            self.warnings.extend(
                Diagnostic(
                    d.location,
                    d.message.replace(
                        "; fix the default",
                        "; the default is left out: fix or remove it",
                    ),
                    Level.WARNING,
                )
                for d in exc.diagnostics
            )
            value = {k: v for k, v in site.value.items() if k != "default"}
            return _Site(site.document, site.pointer, value)
        return site

    def _ref(self, site: _Site, ctx: str, depth: int) -> dict[str, Any]:
        target = self._deref(site)
        extra = _annotations(site.value)
        match = _COMPONENT_RE.match(target.pointer)
        if match is None:
            return {**self._convert(target, ctx, depth + 1), **extra}
        key = (str(target.document.path), target.pointer)
        name = self._by_site.get(key)
        if name is None and key in self._inline_sites:
            # A component that is no object (a oneOf, an array, a map) reached again while
            # it is converted: it becomes a named (root) model so the recursion has a name.
            name = self._inline_sites[key] or self.scope.claim(
                self._component_name(target, match.group(2))
            )
            self._inline_sites[key] = name
            return {"$ref": REF_PREFIX + name, **extra}
        if name is None:
            wanted = self._component_name(target, match.group(2))
            self._inline_sites[key] = None
            try:
                converted = self._convert(target, wanted, depth + 1, site_key=key)
            finally:
                named = self._inline_sites.pop(key)
            name = self.model_name(converted)
            if name is None and named is not None:
                self.defs[named] = ModelDef(named, converted)
                self._by_site[key] = named
                return {"$ref": REF_PREFIX + named, **extra}
            if name is None:
                return {**converted, **extra}
        if name in self._in_progress:
            self._recursive.add(name)
        return {"$ref": REF_PREFIX + name, **extra}

    def _component_name(self, target: _Site, token: str) -> str:
        wanted = naming.class_name(_unescape(token))
        if wanted in self.scope:
            wanted = (
                naming.class_prefix(target.document.path.name.split(".")[0]) + wanted
            )
        return wanted

    def _deref(self, site: _Site) -> _Site:
        seen: list[str] = []
        current = site
        while isinstance(current.value, dict) and "$ref" in current.value:
            key = f"{current.document.display}#{current.pointer}"
            if key in seen:
                chain = " -> ".join([*seen, key])
                raise error(
                    site.document.location(site.pointer + "/$ref"),
                    f"$ref cycle: {chain}; a schema cannot be only a reference to itself",
                )
            seen.append(key)
            resolved = self.workspace.resolve(
                current.document, current.value["$ref"], current.pointer + "/$ref"
            )
            current = _Site(resolved.document, resolved.pointer, resolved.value)
        return current

    def _register(
        self,
        site: _Site,
        ctx: str,
        depth: int,
        build: Any,
        site_key: tuple[str, str] | None,
    ) -> dict[str, Any]:
        titled = None if site_key else _title_name(site.value)
        if titled is not None and (
            titled in self.scope or titled.casefold() in self._component_names
        ):
            titled = None  # taken: name it by where it sits rather than `Title2`
        wanted = ctx if site_key else (titled or ctx)
        name = self.scope.claim(wanted)
        if site_key is not None:
            self._by_site[site_key] = name
        self._in_progress.add(name)
        schema: dict[str, Any] = build(site, name, depth)
        self._in_progress.discard(name)
        canon = _canonical(schema)
        existing = self._by_canon.get(canon)
        if existing is not None and name not in self._recursive:
            if depth == 0 and name == wanted:
                # A name the spec gives (a component, a workflow's inputs) stays importable.
                self.public_aliases[name] = existing
            elif name != wanted:
                # A numbered name (`Wanted2`) for a schema that is already a model is no name
                # anybody asked for: give it back rather than emit `Wanted2 = Wanted`.
                self.scope.release(name)
            if site_key is not None:
                self._by_site[site_key] = existing
            return {"$ref": REF_PREFIX + existing}
        self._by_canon.setdefault(canon, name)
        model = ModelDef(name, schema)
        if "properties" in schema:
            wire = list(schema["properties"])
            model.field_names = naming.assign((w, naming.field_name(w)) for w in wire)
        self.defs[name] = model
        return {"$ref": REF_PREFIX + name}

    def _object_or_enum(self, site: _Site, name: str, depth: int) -> dict[str, Any]:
        value = site.value
        if "enum" in value:
            return self._enum(site)
        result = _keep(value)
        props = value.get("properties") or {}
        if not isinstance(props, dict):
            raise error(
                site.document.location(site.pointer + "/properties"),
                "'properties' must be a mapping",
            )
        result["type"] = "object"
        result["properties"] = {
            key: self._convert(
                _child(site, "properties", key),
                name + naming.pascal(key, default="Field"),
                depth + 1,
            )
            for key in props
        }
        self._object_tail(site, name, depth, result)
        return result

    def _object_tail(
        self, site: _Site, name: str, depth: int, result: dict[str, Any]
    ) -> None:
        value = site.value
        required = value.get("required") or []
        if not isinstance(required, list) or not all(
            isinstance(r, str) for r in required
        ):
            raise error(
                site.document.location(site.pointer + "/required"),
                "'required' must be a list of strings",
            )
        if required:
            result["required"] = list(dict.fromkeys(required))
        extra = value.get("additionalProperties", True)
        if "additionalProperties" not in value and not any(
            k in value for k in ("allOf", "oneOf", "anyOf")
        ):
            # Without composition, unevaluatedProperties sees the same properties.
            extra = value.get("unevaluatedProperties", True)
        if isinstance(extra, dict) and extra:
            result["additionalProperties"] = self._convert(
                _child(site, "additionalProperties"), name + "Value", depth + 1
            )
        else:
            # JSON Schema allows unknown properties unless told otherwise; the models keep them.
            result["additionalProperties"] = extra is not False

    def _enum(self, site: _Site) -> dict[str, Any]:
        value = site.value
        members = value["enum"]
        if not isinstance(members, list) or not members:
            raise error(
                site.document.location(site.pointer + "/enum"),
                "'enum' must be a non-empty list",
            )
        result = _keep(value)
        result["enum"] = list(members)
        if "type" not in result:
            kinds = {type(m).__name__ for m in members if m is not None}
            if kinds == {"str"}:
                result["type"] = "string"
        names = naming.assign(
            (repr(m), naming.enum_member(m, index=i)) for i, m in enumerate(members)
        )
        result["x-enum-varnames"] = [names[repr(m)] for m in members]
        return result

    def _all_objects(self, site: _Site) -> bool:
        branches = site.value.get("allOf")
        if not isinstance(branches, list) or not branches:
            return False
        for i in range(len(branches)):
            target = self._deref(_child(site, "allOf", i))
            value = target.value
            if not isinstance(value, dict) or not (
                _is_object(value) or ("allOf" in value and self._all_objects(target))
            ):
                return False
        return True

    def _branches(self, site: _Site) -> list[_Site]:
        result: list[_Site] = []
        for i in range(len(site.value["allOf"])):
            target = self._deref(_child(site, "allOf", i))
            if "allOf" in target.value:
                result.extend(self._branches(target))
            if _is_object(target.value):
                result.append(target)
        return result

    def _merged_object(self, site: _Site, name: str, depth: int) -> dict[str, Any]:
        branches = (
            [*self._branches(site), site]
            if _is_object(site.value)
            else self._branches(site)
        )
        props: dict[str, list[_Site]] = {}
        required: list[str] = []
        extra: Any = True
        description = site.value.get("description")
        for branch in branches:
            for key in branch.value.get("properties") or {}:
                props.setdefault(key, []).append(_child(branch, "properties", key))
            required.extend(
                r for r in branch.value.get("required") or [] if isinstance(r, str)
            )
            if "additionalProperties" in branch.value:
                extra = branch.value["additionalProperties"]
            description = description or branch.value.get("description")
        result: dict[str, Any] = {"type": "object"}
        if description:
            result["description"] = description
        result["properties"] = {
            key: self._merge_property(
                sites, name + naming.pascal(key, default="Field"), depth
            )
            for key, sites in props.items()
        }
        if required:
            result["required"] = list(dict.fromkeys(required))
        self._object_tail(
            _Site(site.document, site.pointer, {"additionalProperties": extra}),
            name,
            depth,
            result,
        )
        return result

    def _merge_property(
        self, sites: list[_Site], ctx: str, depth: int
    ) -> dict[str, Any]:
        typed = [s for s in sites if s.value not in (True, {})] or sites[:1]
        converted = [self._convert(s, ctx, depth + 1) for s in typed]
        unique = list({_canonical(c): c for c in converted}.values())
        if len(unique) == 1:
            return unique[0]
        return {"allOf": unique}

    def _inline(self, site: _Site, ctx: str, depth: int) -> dict[str, Any]:
        value = site.value
        result = _keep(value)
        if value.get("type") == "array" or "items" in value:
            items = value.get("items")
            if isinstance(items, dict | bool):
                result["items"] = self._convert(
                    _child(site, "items"), ctx + "Item", depth + 1
                )
        if value.get("type") == "object" and isinstance(
            value.get("additionalProperties"), dict
        ):
            result["additionalProperties"] = self._convert(
                _child(site, "additionalProperties"), ctx + "Value", depth + 1
            )
        for combinator in ("oneOf", "anyOf", "allOf"):
            branches = value.get(combinator)
            if isinstance(branches, list):
                result[combinator] = [
                    self._convert(
                        _child(site, combinator, i), f"{ctx}Option{i + 1}", depth + 1
                    )
                    for i in range(len(branches))
                ]
        return result


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
    "null": (type(None),),
}


def _check_keywords(site: _Site) -> None:
    """Refuse keyword values the models could not honour (they would fail on import or mypy)."""
    value = site.value
    pattern = value.get("pattern")
    if pattern is not None:
        _check_pattern(site, pattern)


def _check_pattern(site: _Site, pattern: Any) -> None:
    from pydantic_core import SchemaError, SchemaValidator, core_schema

    where = site.document.location(site.pointer + "/pattern")
    if not isinstance(pattern, str):
        raise error(where, "'pattern' must be a string (a regular expression)")
    try:
        SchemaValidator(core_schema.str_schema(pattern=pattern))
    except SchemaError as exc:
        raise error(
            where,
            f"'pattern' {pattern!r} is not a valid regular expression ({exc}); fix it",
        ) from None


def _check_default(site: _Site, default: Any) -> None:
    value = site.value
    where = site.document.location(site.pointer + "/default")
    enum = value.get("enum")
    if isinstance(enum, list) and default not in enum:
        raise error(
            where,
            f"default {default!r} is not one of the enum values {enum!r}; fix the default",
        )
    kinds = value.get("type")
    names = (
        [kinds] if isinstance(kinds, str) else kinds if isinstance(kinds, list) else []
    )
    if value.get("nullable") is True:
        names = [*names, "null"]
    allowed = tuple(t for n in names for t in _JSON_TYPES.get(str(n), ()))
    if not allowed:
        return
    bad_bool = isinstance(default, bool) and bool not in allowed
    if not isinstance(default, allowed) or bad_bool:
        raise error(
            where,
            f"default {default!r} does not match the schema type {kinds!r}; fix the default",
        )


def _is_object(value: Any) -> bool:
    """An object schema with declared properties: it gets a class of its own."""
    return isinstance(value, dict) and isinstance(value.get("properties"), dict)


def _keep(value: dict[str, Any]) -> dict[str, Any]:
    result = {k: value[k] for k in _KEEP if k in value}
    for bound in ("Minimum", "Maximum"):
        # OpenAPI 3.0 (JSON Schema draft 4): `exclusiveMinimum: true` qualifies `minimum`;
        # the models are read as 2020-12, where it is the bound itself.
        flag = result.get(f"exclusive{bound}")
        if isinstance(flag, bool):
            del result[f"exclusive{bound}"]
            if flag and f"{bound.lower()}" in result:
                result[f"exclusive{bound}"] = result.pop(bound.lower())
    fmt = value.get("format")
    kinds = value.get("type")
    kinds = (
        {kinds}
        if isinstance(kinds, str)
        else set(kinds or ()) if isinstance(kinds, list) else set()
    )
    if (
        isinstance(fmt, str)
        and fmt in _FORMATS
        and (not kinds or kinds & _FORMATS[fmt])
    ):
        # a format of another type (`number` + `int32`) means nothing to the models
        result["format"] = fmt
    return result


def _annotations(value: dict[str, Any]) -> dict[str, Any]:
    return {k: value[k] for k in ("description",) if isinstance(value.get(k), str)}


def _title_name(value: Any) -> str | None:
    title = value.get("title") if isinstance(value, dict) else None
    if isinstance(title, str) and _IDENTIFIER_TITLE.match(title):
        return naming.class_name(title)
    return None


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


__all__ = ["REF_PREFIX", "ModelDef", "SchemaCollector", "SpecError"]
