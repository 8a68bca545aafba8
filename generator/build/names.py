"""What the package is called: distribution, module, class prefix, environment prefix."""

from __future__ import annotations

import re
from pathlib import Path

from .. import naming
from ..ir import PackageNames
from .context import BuildContext

# File names that say what a document is, not what it is about.
_GENERIC_NAMES = frozenset(
    {"api", "apis", "arazzo", "index", "main", "oas", "openapi", "spec", "swagger",
     "workflow", "workflows"}
)  # fmt: skip


def package_names(ctx: BuildContext) -> PackageNames:
    """The names of the package: after the journey, else the Arazzo document, else the
    OpenAPI document (or the case folder when the file has a generic name)."""
    if ctx.journey is not None:
        dist = ctx.journey.metadata.name
        description = ctx.journey.metadata.description or ""
        version = ctx.journey.metadata.version or "0.1.0"
    elif ctx.arazzo is not None and ctx.case.arazzo is not None:
        # A plain OpenAPI + Arazzo case is named after its Arazzo document, or after its
        # folder when the file has a generic name (`workflows.arazzo.json`).
        dist = _case_name(ctx.case.arazzo, ctx.case.folder)
        description = ctx.arazzo.info.description or ""
        version = ctx.arazzo.info.version
    else:
        dist = _case_name(ctx.openapi_doc.path, ctx.case.folder)
        description = ctx.openapi.info.description or ""
        version = ctx.openapi.info.version
    module = naming.safe_identifier(naming.snake(dist, default="api"))
    return PackageNames(
        dist=re.sub(r"[^a-z0-9]+", "-", dist.lower()).strip("-") or module,
        module=module,
        pascal=naming.class_name(dist, default="Api"),
        env_prefix=naming.constant(dist, default="API"),
        title=(
            ctx.arazzo.info.title
            if ctx.journey is None and ctx.arazzo is not None
            else ctx.openapi.info.title
        ),
        description=description,
        version=_pep440(version),
    )


def _case_name(document: Path, folder: Path) -> str:
    """A document's name up to its first dot, or the case folder's for a generic name."""
    stem = document.name.split(".")[0]
    return folder.name if stem.lower() in _GENERIC_NAMES else stem


def _pep440(version: str) -> str:
    return version if re.fullmatch(r"\d+(\.\d+)*([ab]|rc)?\d*", version) else "0.1.0"
