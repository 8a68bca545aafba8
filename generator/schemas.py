"""Collect every schema of a case into named, self-contained model definitions.

Each inline object or enum becomes a definition named from where it sits (`JourneyStatus.phase`
-> `JourneyStatusPhase`), `$ref`s across files are followed inside the spec tree, `allOf` of
object schemas is merged into one object (so the journey's typed `output` survives), and
structurally equal definitions are shared (the journey's output schema and the OpenAPI
`JourneyOutcome.output` are one class). Only JSON Schema keywords journeygen understands pass
through: `x-` extensions and unknown keys never reach the model generator.

This module collects (entry points, `$ref`s, registration and sharing of models); the
shapes are converted in schema_shapes, keywords kept and checked in schema_keywords, names
chosen in schema_naming.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from . import naming
from .diagnostics import Diagnostic, Level, SpecError, error
from .load import Document, Workspace
from .schema_keywords import (
    Site,
    canonical,
    check_default,
    check_keywords,
    is_object,
    ref_annotations,
)
from .schema_naming import component_name, title_name
from .schema_shapes import ShapeConverter

REF_PREFIX = "#/components/schemas/"
_COMPONENT_RE = re.compile(r"^/(components/schemas|\$defs|definitions)/([^/]+)$")
MAX_DEPTH = 64


@dataclass
class ModelDef:
    """One model class (object or enum) to generate."""

    name: str
    schema: dict[str, Any]
    field_names: dict[str, str] = field(default_factory=dict)


class SchemaCollector(ShapeConverter):
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
        site = Site(document, pointer, value)
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
        site: Site,
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
        check_keywords(site)
        if "allOf" in value and self._all_objects(site):
            return self._register(site, ctx, depth, self._merged_object, site_key)
        if is_object(value) or "enum" in value:
            return self._register(site, ctx, depth, self._object_or_enum, site_key)
        return self._inline(site, ctx, depth)

    def _without_bad_default(self, site: Site) -> Site:
        """A default that does not match its schema: the intent (no value given means...)
        is unclear, but the model can still be right without it; dropped with a warning.
        """
        if "default" not in site.value:
            return site
        try:
            check_default(site, site.value["default"])
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
            return Site(site.document, site.pointer, value)
        return site

    def _ref(self, site: Site, ctx: str, depth: int) -> dict[str, Any]:
        target = self._deref(site)
        extra = ref_annotations(site.value)
        match = _COMPONENT_RE.match(target.pointer)
        if match is None:
            return {**self._convert(target, ctx, depth + 1), **extra}
        key = (str(target.document.path), target.pointer)
        name = self._by_site.get(key)
        if name is None and key in self._inline_sites:
            # A component that is no object (a oneOf, an array, a map) reached again while
            # it is converted: it becomes a named (root) model so the recursion has a name.
            name = self._inline_sites[key] or self.scope.claim(
                component_name(self.scope, target, match.group(2))
            )
            self._inline_sites[key] = name
            return {"$ref": REF_PREFIX + name, **extra}
        if name is None:
            wanted = component_name(self.scope, target, match.group(2))
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

    def _deref(self, site: Site) -> Site:
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
            current = Site(resolved.document, resolved.pointer, resolved.value)
        return current

    def _register(
        self,
        site: Site,
        ctx: str,
        depth: int,
        build: Any,
        site_key: tuple[str, str] | None,
    ) -> dict[str, Any]:
        titled = None if site_key else title_name(site.value)
        if titled is not None and (
            titled in self.scope or titled.casefold() in self._component_names
        ):
            titled = None  # taken: name it by where it sits rather than `Title2`
        wanted = ctx if site_key else (titled or ctx)
        claimed = wanted
        if site_key is not None and wanted in self.scope:
            # a component whose name another document's schema took meanwhile: named by its
            # document, as component_name does, rather than `Wanted2`
            claimed = (
                naming.class_prefix(site.document.path.name.split(".")[0]) + wanted
            )
        name = self.scope.claim(claimed)
        if site_key is not None:
            self._by_site[site_key] = name
        self._in_progress.add(name)
        schema: dict[str, Any] = build(site, name, depth)
        self._in_progress.discard(name)
        canon = canonical(schema)
        existing = self._by_canon.get(canon)
        if existing is not None and name not in self._recursive:
            if depth == 0 and name == wanted:
                # A name the spec gives (a component, a workflow's inputs) stays importable.
                self.public_aliases[name] = existing
            elif name != wanted:  # numbered or document-prefixed: nobody asked for it
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


__all__ = ["REF_PREFIX", "ModelDef", "SchemaCollector", "SpecError"]
