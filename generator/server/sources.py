"""Find the documents behind a bundle again (with positions): the journey, bindings, API specs.

The IR does not carry the spec root or the parsed documents, so the server part reopens them
through a `Workspace` rooted where `build` had it (recovered from `bundle.sources`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import Location, SpecError, error
from ..ir import Bundle
from ..load import Document, Workspace


@dataclass
class Sources:
    """The workspace and the journey's documents."""

    workspace: Workspace
    journey: Document
    bindings: Document | None

    def api_document(self, ref: str, at: Location) -> Document | None:
        """Load `spec.apis.<name>.openApiRef` (relative to the spec root); None if absent."""
        if ref.startswith(("/", "\\")) or ":" in ref:
            return None
        path = (self.workspace.root / ref).resolve()
        if not path.is_relative_to(self.workspace.root) or not path.is_file():
            return None
        try:
            return self.workspace.load(path, at)
        except SpecError:
            return None


def _root(journey_path: Path, relative: str) -> Path:
    depth = len(Path(relative).parts)
    return journey_path.parents[depth - 1]


def open_sources(bundle: Bundle) -> Sources:
    """Reopen the journey (and bindings) documents of a bundle that has a journey."""
    assert bundle.journey is not None
    journey_path = Path(bundle.journey.location.path).resolve()
    relative = next(
        (s for s in bundle.sources if journey_path.as_posix().endswith("/" + s)),
        None,
    )
    if relative is None:
        raise error(
            bundle.journey.location, "cannot locate the journey inside its spec tree"
        )
    workspace = Workspace(_root(journey_path, relative))
    journey = workspace.load(journey_path)
    bindings_rel = next(
        (s for s in bundle.sources if s.endswith((".bindings.yaml", ".bindings.yml"))),
        None,
    )
    bindings = workspace.load(workspace.root / bindings_rel) if bindings_rel else None
    return Sources(workspace, journey, bindings)
