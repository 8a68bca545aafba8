"""IR -> {relative path: text}. Templates are thin: they read only the IR and encode through filters.

jinja2 and the parts are imported when something is rendered, not when `templates_dir` is asked
(the cache fingerprint needs only that).
"""

from __future__ import annotations

import functools
import importlib.util
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2

    from . import parts
    from .ir import Bundle

RUNTIME_DIR = "runtime"


def templates_dir() -> Path:
    """Where the templates are: the installed package data, or the repository's `templates/`."""
    source_tree = Path(__file__).resolve().parent.parent / "templates"
    if source_tree.is_dir():
        return source_tree
    spec = importlib.util.find_spec("generator._templates")
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:  # pragma: no cover - a broken installation
        raise FileNotFoundError(
            "journeygen's templates are missing from this installation"
        )
    return Path(locations[0])


def environment(root: Path, *, precompiled: bool = True) -> jinja2.Environment:
    """A Jinja environment that fails on any missing IR field and never autoescapes for HTML.
    Templates come from their precompiled modules where those are current
    (`generator.precompile`), so a cold run does not compile them."""
    import jinja2

    from . import encode, mermaid
    from .precompile import PrecompiledLoader

    env = jinja2.Environment(
        loader=(
            PrecompiledLoader(root)
            if precompiled
            else jinja2.FileSystemLoader(str(root))
        ),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # noqa: S701 - output is Python, encoded by the filters below
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["py"] = encode.py_literal
    env.filters["docstring"] = encode.docstring
    env.filters["comment"] = encode.comment
    env.filters["markdown"] = encode.markdown
    env.filters["json"] = encode.json_text
    env.filters["mermaid"] = mermaid.journey_diagram
    return env


@functools.cache
def shared_environment(root: Path) -> jinja2.Environment:
    """One environment per templates folder for the life of the process, so each template is
    compiled once, not once per package (jinja still reloads a template whose file changed).
    """
    return environment(root)


def _runtime_files(root: Path, package: str) -> dict[str, str]:
    """Every Python module of templates/runtime (the `client/` and `server/` libraries and
    their packages), keyed by its path in the package `package`."""
    return {
        f"{package}/_runtime/{relative}": text
        for relative, text in _runtime_texts(root / RUNTIME_DIR)
    }


# The runtime modules' texts, read once per process: every package carries all ~200 of them,
# and a run read each twice per case (17,000 reads for the 42-case corpus). An entry is kept
# while every file has the size and modification time it was read with (one stat each),
# so an edited, added or removed module is read again.
_TEXTS: dict[
    Path, tuple[tuple[tuple[str, int, int], ...], tuple[tuple[str, str], ...]]
] = {}


def _runtime_texts(runtime: Path) -> tuple[tuple[str, str], ...]:
    """(path relative to `runtime`, text) of every `.py` under it, sorted by path."""
    found: list[tuple[str, Path, int, int]] = []
    pending = [runtime]
    while pending:
        folder = pending.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir():
                    pending.append(Path(entry.path))
                elif entry.name.endswith(".py") and entry.is_file():
                    path = Path(entry.path)
                    info = entry.stat()
                    relative = path.relative_to(runtime).as_posix()
                    found.append((relative, path, info.st_mtime_ns, info.st_size))
    found.sort(key=lambda f: f[1].parts)  # the order of sorted(runtime.rglob("*.py"))
    signature = tuple((relative, mtime, size) for relative, _, mtime, size in found)
    cached = _TEXTS.get(runtime)
    if cached is not None and cached[0] == signature:
        return cached[1]
    texts = tuple((rel, path.read_text(encoding="utf-8")) for rel, path, _, _ in found)
    _TEXTS[runtime] = (signature, texts)
    return texts


def static_sources(root: Path | None = None) -> tuple[str, ...]:
    """The Python texts every package carries unchanged: the runtime modules. They are kept in
    the output's black style (a test asserts it), so the format stage trusts them instead of
    re-formatting them for every package."""
    folder = root or templates_dir()
    return tuple(_runtime_files(folder, "_").values())


def models_path(bundle: Bundle) -> str:
    """Where `models.py` sits in the file map of `bundle`'s package."""
    pkg = bundle.names.module
    return f"{pkg}/{pkg}/models.py"


def render(
    bundle: Bundle, *, cache_dir: Path | None = None, models_text: str | None = None
) -> parts.PartOutput:
    """Render every file of the package for `bundle` (paths relative to the output folder),
    with the warnings the build and the parts found. `models_text` stands in for the models
    stage when the caller runs that stage elsewhere (see `pipeline`)."""
    from . import parts
    from .models import render_models

    root = templates_dir()
    env = shared_environment(root)
    pkg = bundle.names.module
    base = f"{pkg}/{pkg}"
    context: dict[str, Any] = {"b": bundle, "names": bundle.names}
    files: dict[str, str] = {
        f"{pkg}/pyproject.toml": env.get_template(
            "package/pyproject.toml.jinja"
        ).render(context),
        f"{pkg}/README.md": env.get_template("package/README.md.jinja").render(context),
        f"{base}/__init__.py": env.get_template("package/__init__.py.jinja").render(
            context
        ),
        f"{base}/py.typed": "",
        models_path(bundle): (
            render_models(bundle, cache_dir=cache_dir)
            if models_text is None
            else models_text
        ),
    }
    for path, text in _runtime_files(root, pkg).items():
        files[f"{pkg}/{path}"] = text
    warnings = list(bundle.warnings)
    for part in parts.available():
        output = part(env, bundle, base, context)
        files.update(output.files)
        warnings.extend(output.warnings)
    from .client.part import README_SECTION as CLIENT_SECTION
    from .server.part import README_SECTION as SERVER_SECTION

    readme = f"{pkg}/README.md"
    for marker, section in (("client", CLIENT_SECTION), ("server", SERVER_SECTION)):
        text = files.pop(section, "")
        files[readme] = files[readme].replace(f"<!-- {marker} section -->\n", text)
    # Only the runtime modules the package's own code reaches: no server runtime without a
    # journey, no provider preset no bindings file names.
    from .runtime_deps import prune_runtime

    files = prune_runtime(files, pkg)
    return parts.PartOutput(dict(sorted(files.items())), tuple(warnings))
