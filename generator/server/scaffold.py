"""`journeygen scaffold CASE DEST`: write a starting handlers implementation, once."""

from __future__ import annotations

from pathlib import Path

from ..build import build, load_case
from ..diagnostics import Location, error
from ..discover import find_case
from ..format import Formatter
from ..load import Workspace
from ..pipeline import spec_root
from ..render import environment, templates_dir


def render_scaffold(case_folder: Path, root: Path | None = None) -> str:
    """The text of a handlers module for a case's journey; SpecError when it has no server."""
    from ..export.case import derived_case  # late, as in pipeline.generate_case

    workspace = Workspace(root or spec_root(case_folder))
    # a folder holding only the journey (Journey or Api): its contracts are derived, as
    # `generate` derives them
    case = derived_case(case_folder, workspace) or find_case(case_folder)
    bundle = build(load_case(case, workspace))
    if bundle.server is None:
        raise error(
            Location(str(case_folder)), "no *.journey.yaml here: nothing to scaffold"
        )
    server = bundle.server.ir
    template = environment(templates_dir()).get_template("server/scaffold.py.jinja")
    text = template.render(s=server, names=bundle.names, b=bundle)
    return Formatter().format_files({"handlers.py": text})["handlers.py"]


def write_once(dest: Path, text: str) -> bool:
    """Create dest with text; False (and nothing written) when it already exists."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        with dest.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        return False
    return True
