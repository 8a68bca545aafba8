"""Conversion of one schema by its shape: an object (its properties, required list and
additional properties), an enum (with member names), an `allOf` of objects merged into one
object, and the inline rest (arrays, maps, `oneOf`/`anyOf`/`allOf` branches).

SchemaCollector (generator/schemas.py) supplies `_convert` (a nested schema, named and
registered) and `_deref` (a `$ref` followed); this class builds the converted schema bodies.
"""

from __future__ import annotations

from typing import Any

from . import naming
from .diagnostics import error
from .schema_keywords import Site, canonical, child, is_object, keep


class ShapeConverter:
    """The per-shape half of SchemaCollector."""

    def _convert(
        self,
        site: Site,
        ctx: str,
        depth: int,
        *,
        site_key: tuple[str, str] | None = None,
    ) -> dict[str, Any]:
        raise NotImplementedError  # SchemaCollector

    def _deref(self, site: Site) -> Site:
        raise NotImplementedError  # SchemaCollector

    def _object_or_enum(self, site: Site, name: str, depth: int) -> dict[str, Any]:
        value = site.value
        if "enum" in value:
            return self._enum(site)
        result = keep(value)
        props = value.get("properties") or {}
        if not isinstance(props, dict):
            raise error(
                site.document.location(site.pointer + "/properties"),
                "'properties' must be a mapping",
            )
        result["type"] = "object"
        result["properties"] = {
            key: self._convert(
                child(site, "properties", key),
                name + naming.pascal(key, default="Field"),
                depth + 1,
            )
            for key in props
        }
        self._object_tail(site, name, depth, result)
        return result

    def _object_tail(
        self, site: Site, name: str, depth: int, result: dict[str, Any]
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
                child(site, "additionalProperties"), name + "Value", depth + 1
            )
        else:
            # JSON Schema allows unknown properties unless told otherwise; the models keep them.
            result["additionalProperties"] = extra is not False

    def _enum(self, site: Site) -> dict[str, Any]:
        value = site.value
        members = value["enum"]
        if not isinstance(members, list) or not members:
            raise error(
                site.document.location(site.pointer + "/enum"),
                "'enum' must be a non-empty list",
            )
        result = keep(value)
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

    def _all_objects(self, site: Site) -> bool:
        branches = site.value.get("allOf")
        if not isinstance(branches, list) or not branches:
            return False
        for i in range(len(branches)):
            target = self._deref(child(site, "allOf", i))
            value = target.value
            if not isinstance(value, dict) or not (
                is_object(value) or ("allOf" in value and self._all_objects(target))
            ):
                return False
        return True

    def _branches(self, site: Site) -> list[Site]:
        result: list[Site] = []
        for i in range(len(site.value["allOf"])):
            target = self._deref(child(site, "allOf", i))
            if "allOf" in target.value:
                result.extend(self._branches(target))
            if is_object(target.value):
                result.append(target)
        return result

    def _merged_object(self, site: Site, name: str, depth: int) -> dict[str, Any]:
        branches = (
            [*self._branches(site), site]
            if is_object(site.value)
            else self._branches(site)
        )
        props: dict[str, list[Site]] = {}
        required: list[str] = []
        extra: Any = True
        description = site.value.get("description")
        for branch in branches:
            for key in branch.value.get("properties") or {}:
                props.setdefault(key, []).append(child(branch, "properties", key))
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
            Site(site.document, site.pointer, {"additionalProperties": extra}),
            name,
            depth,
            result,
        )
        return result

    def _merge_property(
        self, sites: list[Site], ctx: str, depth: int
    ) -> dict[str, Any]:
        typed = [s for s in sites if s.value not in (True, {})] or sites[:1]
        converted = [self._convert(s, ctx, depth + 1) for s in typed]
        unique = list({canonical(c): c for c in converted}.values())
        if len(unique) == 1:
            return unique[0]
        return {"allOf": unique}

    def _inline(self, site: Site, ctx: str, depth: int) -> dict[str, Any]:
        value = site.value
        result = keep(value)
        if value.get("type") == "array" or "items" in value:
            items = value.get("items")
            if isinstance(items, dict | bool):
                result["items"] = self._convert(
                    child(site, "items"), ctx + "Item", depth + 1
                )
        if value.get("type") == "object" and isinstance(
            value.get("additionalProperties"), dict
        ):
            result["additionalProperties"] = self._convert(
                child(site, "additionalProperties"), ctx + "Value", depth + 1
            )
        for combinator in ("oneOf", "anyOf", "allOf"):
            branches = value.get(combinator)
            if isinstance(branches, list):
                result[combinator] = [
                    self._convert(
                        child(site, combinator, i), f"{ctx}Option{i + 1}", depth + 1
                    )
                    for i in range(len(branches))
                ]
        return result
