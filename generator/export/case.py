"""A case folder holding only a journey: its contract and workflows are derived in memory."""

from __future__ import annotations

from pathlib import Path

from generator.build import Case
from generator.export import export_journey
from generator.load import Workspace, display_path

_DOCUMENTS = ("openapi", "arazzo")


def derived_case(folder: Path, workspace: Workspace) -> Case | None:
    """The case of a folder whose only spec is one `*.journey.yaml`, or None.

    The derived documents are given to `workspace` at the paths `journeygen export` would write
    them to, so every later stage reads them as it reads hand-written ones, and a diagnostic in
    them names the journey file they come from.
    """
    journeys = sorted(folder.glob("*.journey.yaml")) + sorted(
        folder.glob("*.journey.yml")
    )
    if len(journeys) != 1:
        return None
    for kind in _DOCUMENTS:
        if any(folder.glob(f"*.{kind}.y*ml")):
            return None
    journey = journeys[0]
    exported = export_journey(journey, root=workspace.root)
    paths: dict[str, Path] = {}
    for name, text in exported.files.items():
        path = folder / name
        workspace.provide(
            path,
            text,
            f"{display_path(journey)} (derived {name}, see `journeygen export`)",
        )
        paths[name.rsplit(".", 2)[1]] = path
    bindings = sorted(folder.glob("*.bindings.y*ml"))
    return Case(
        folder=folder,
        openapi=paths["openapi"],
        journey=journey,
        arazzo=paths.get("arazzo"),
        bindings=bindings[0] if bindings else None,
    )
