"""A case folder holding only a journey: its contract and workflows are derived in memory."""

from __future__ import annotations

from pathlib import Path

from generator.diagnostics import display_path
from generator.discover import Case, documents
from generator.export import export_journey
from generator.load import Workspace


def derived_case(folder: Path, workspace: Workspace) -> Case | None:
    """The case of a folder whose only spec is one journey document (no OpenAPI or Arazzo document beside it), or None.

    The derived documents are given to `workspace` at the paths `journeygen export` would write
    them to, so every later stage reads them as it reads hand-written ones, and a diagnostic in
    them names the journey file they come from.
    """
    found = documents(folder)
    if len(found["journey"]) != 1 or found["openapi"] or found["arazzo"]:
        return None
    journey = found["journey"][0]
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
    bindings = found["bindings"]
    return Case(
        folder=folder,
        openapi=paths["openapi"],
        journey=journey,
        arazzo=paths.get("arazzo"),
        bindings=bindings[0] if bindings else None,
    )
