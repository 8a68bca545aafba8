"""Derive a journey's per-journey OpenAPI contract and Arazzo workflows from its definition.

`export_journey(path)` reads one `*.journey.yaml` and returns the two documents an author would
otherwise write by hand, as deterministic YAML text keyed by file name
(`<name>.openapi.yaml`, `<name>.arazzo.yaml`), by the JourneyForge export rules
(`journeyforge-openapi-export.md`, `journeyforge-arazzo-export.md`, DSL §2.2, §2.7, §12.4).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.diagnostics import Diagnostic, SpecError
from generator.export.arazzo import derive_arazzo
from generator.export.openapi import derive_openapi
from generator.load import Document, Workspace
from generator.schema.journey.placement import repair

__all__ = ["Exported", "derive_arazzo", "derive_openapi", "dump", "export_journey"]

_KINDS = ("Journey", "Api")


@dataclass(frozen=True)
class Exported:
    """The derived documents: file name -> YAML text, and the parsed values."""

    name: str
    files: dict[str, str]
    openapi: dict[str, Any]
    arazzo: dict[str, Any] | None


class _Dumper(yaml.SafeDumper):
    """Block style, keys in insertion order, long lines kept whole (stable, readable diffs)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True  # every value written out in full: no `&id001` anchors

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
        return super().increase_indent(
            flow, False
        )  # list items indented under their key


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump(document: Mapping[str, Any]) -> str:
    """YAML text of one document: the same bytes for the same value, on any machine."""
    text: str = yaml.dump(
        document,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100_000,
    )
    return text


def _check(document: Document) -> tuple[str, Mapping[str, Any]]:
    data = document.data
    problems: list[Diagnostic] = []
    if not isinstance(data, Mapping):
        raise SpecError(
            [Diagnostic(document.location(), "a journey definition is a mapping")]
        )
    kind = data.get("kind")
    if kind not in _KINDS:
        problems.append(
            Diagnostic(
                document.location("/kind"),
                f"kind is {kind!r}; write `kind: Journey` (or `kind: Api`) to export a contract",
            )
        )
    name = (data.get("metadata") or {}).get("name")
    if not isinstance(name, str) or not name:
        problems.append(
            Diagnostic(
                document.location("/metadata"),
                "metadata.name is missing; the contract's paths and operation ids are made from it",
            )
        )
    spec = data.get("spec")
    if not isinstance(spec, Mapping) or not isinstance(spec.get("states"), Mapping):
        problems.append(
            Diagnostic(
                document.location("/spec"), "spec.states is missing or not a mapping"
            )
        )
    if problems:
        raise SpecError(problems)
    return str(name), data


def export_journey(path: Path, *, root: Path | None = None) -> Exported:
    """The derived contract (and, for `kind: Journey`, workflows) of one journey file."""
    workspace = Workspace((root or path.parent).resolve())
    name, journey = _check(repair(workspace.load(path)))
    openapi_file = f"{name}.openapi.yaml"
    openapi = derive_openapi(journey)
    files = {openapi_file: dump(openapi)}
    arazzo = None
    if journey.get("kind") == "Journey":
        arazzo = derive_arazzo(journey, openapi_file)
        files[f"{name}.arazzo.yaml"] = dump(arazzo)
    return Exported(name, files, openapi, arazzo)
