"""Journey metadata (DSL §2.8): instance tags and attributes, shown on JourneyStatus.

Evaluated once, when the start request is handled: the definition's ``metadata.tags``, then
``spec.metadata.bindings.tags`` (``fromPayload`` dot paths whose value is a non-empty string,
``fromHeaders`` present non-empty headers, ``fromBaggage`` keys of the W3C ``baggage``
header), each tag once in that order; and ``spec.metadata.bindings.attributes``, each
attribute from its path (the value as a string: a string as is, anything else as JSON),
header or baggage key when present. Write-once: the first source that sets a key keeps it
(payload, then headers, then baggage). Stored with the run (``runtime.metadata``) and never
changed afterwards.

Limits (DSL §21): the engine uses the documented built-in ``MetadataLimits`` defaults of the
reference (``LIMITS``: 16 instance tags of at most 40 characters, 16 attributes, keys of at
most 32 and values of at most 256 characters; 10 definition tags). Nothing is truncated:
the generator refuses a definition that breaks them statically (too many or too long
``metadata.tags``, too many attribute bindings, a long attribute name) and a start request
whose derived tags or attribute values would break them is refused with a 400 problem
(``metadata-limit``) naming the tag or attribute, before any state runs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from .problem import ProblemError

__all__ = ["LIMITS", "METADATA", "JourneyMetadata", "MetadataLimits", "baggage"]

METADATA = "metadata"  # runtime key of the instance tags and attributes

Pairs = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class MetadataLimits:
    """The ``MetadataLimits`` document of DSL §21 (the reference's built-in defaults)."""

    definition_tags: int = 10
    instance_tags: int = 16
    tag_length: int = 40
    attribute_keys: int = 16
    key_length: int = 32
    value_length: int = 256

    def check(self, tags: list[str], attributes: dict[str, str]) -> None:
        """Raise the 400 ``metadata-limit`` problem when the instance metadata breaks a limit."""
        broken = [
            f"tag {tag[:20]!r}... is {len(tag)} characters (instanceTags.maxLength"
            f" {self.tag_length})"
            for tag in tags
            if len(tag) > self.tag_length
        ]
        if len(tags) > self.instance_tags:
            broken.append(
                f"{len(tags)} tags (instanceTags.maxCount {self.instance_tags})"
            )
        broken += [
            f"attribute {name!r} is {len(value)} characters"
            f" (attributes.maxValueLength {self.value_length})"
            for name, value in attributes.items()
            if len(value) > self.value_length
        ]
        if broken:
            raise ProblemError(
                400,
                "Journey metadata exceeds MetadataLimits",
                "; ".join(broken),
                slug="metadata-limit",
                extensions={"violations": broken},
            )


LIMITS = MetadataLimits()


@dataclass(frozen=True)
class JourneyMetadata:
    """``metadata.tags`` and ``spec.metadata.bindings`` of a journey."""

    tags: tuple[str, ...] = ()
    tag_paths: tuple[str, ...] = ()
    tag_headers: tuple[str, ...] = ()
    tag_baggage: tuple[str, ...] = ()
    attribute_paths: Pairs = ()  # (attribute, dot path)
    attribute_headers: Pairs = ()  # (attribute, header)
    attribute_baggage: Pairs = ()  # (attribute, baggage key)

    def evaluate(self, body: Any, headers: Mapping[str, str]) -> dict[str, Any]:
        """The instance ``{"tags": [...], "attributes": {...}}`` of one start request."""
        lowered = {k.lower(): v for k, v in headers.items()}
        bag = baggage(lowered.get("baggage", ""))
        tags: list[str] = []
        found = [*self.tags, *(_text(_at(body, p)) for p in self.tag_paths)]
        found += [lowered.get(h.lower()) for h in self.tag_headers]
        found += [bag.get(k) for k in self.tag_baggage]
        for tag in found:
            if isinstance(tag, str) and tag and tag not in tags:
                tags.append(tag)
        attributes: dict[str, str] = {}
        sources = [(n, _text(_at(body, p), True)) for n, p in self.attribute_paths]
        sources += [(n, lowered.get(h.lower())) for n, h in self.attribute_headers]
        sources += [(n, bag.get(k)) for n, k in self.attribute_baggage]
        for name, value in sources:
            if value is not None and name not in attributes:
                attributes[name] = value
        LIMITS.check(tags, attributes)
        return {"tags": tags, "attributes": attributes}


def _at(body: Any, path: str) -> Any:
    value = body
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _text(value: Any, convert: bool = False) -> str | None:
    if isinstance(value, str):
        return value
    if value is None or not convert:
        return None
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def baggage(header: str) -> dict[str, str]:
    """The members of a W3C ``baggage`` header (``k=v;props,k2=v2``), values decoded."""
    members: dict[str, str] = {}
    for member in header.split(","):
        pair = member.split(";", 1)[0]
        key, sep, value = pair.partition("=")
        if sep and key.strip() and key.strip() not in members:
            members[key.strip()] = unquote(value.strip())
    return members
