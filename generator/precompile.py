"""Precompiled templates: a cold run imports each template's Python module instead of compiling it.

`python -m generator.precompile` writes jinja's compiled module of every template to
`templates/_compiled/` (committed, and shipped in the wheel with the other templates), with a
manifest of the exact source text (sha256) each module was compiled from and the jinja version.
`PrecompiledLoader` uses a module only when its template's current text and the running jinja
match the manifest; any other template is compiled from its source as before. So a stale
module can only cost time, never change output; tests/foundation/test_precompiled.py fails
while a module is stale (refresh with the command above and commit the result).

Beside them, `runtime-imports.json` records the relative imports of every runtime module
(`templates/runtime/`, by the sha256 of its text), so that pruning a package's runtime
(`generator.runtime_deps`) does not parse the runtime's source on every cold run; a module whose
text is not in it is parsed as before.

Committed rather than built by a setuptools hook: an editable install and a fresh clone (how
the repository and its benchmark run) get them too, and the staleness check keeps edits to the
templates safe before they are refreshed.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from collections.abc import Callable, MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

if TYPE_CHECKING:
    from types import ModuleType

COMPILED = "_compiled"
MANIFEST = "manifest.json"
REFRESH = "python -m generator.precompile"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def module_file(name: str) -> str:
    """The compiled module's file name for template `name` (jinja's ModuleLoader naming)."""
    digest = hashlib.sha1(name.encode("utf-8"), usedforsecurity=False).hexdigest()
    return f"tmpl_{digest}.py"


def compiled_files(root: Path, env: jinja2.Environment) -> dict[str, str]:
    """Every file of `root/_compiled/` as it should be: one module per template + manifest."""
    files: dict[str, str] = {}
    sources: dict[str, str] = {}
    for name in sorted(env.list_templates(filter_func=lambda n: n.endswith(".jinja"))):
        source = (root / name).read_text(encoding="utf-8")
        code = env.compile(source, name, name, raw=True, defer_init=True)
        files[module_file(name)] = (
            f"# Compiled from templates/{name} by `{REFRESH}`. Do not edit.\n"
            + code
            + "\n"
        )
        sources[name] = _digest(source)
    manifest = {"jinja": jinja2.__version__, "templates": sources}
    files[MANIFEST] = json.dumps(manifest, indent=1, sort_keys=True) + "\n"
    from .runtime_deps import IMPORTS_TABLE, imports_table

    files[IMPORTS_TABLE] = imports_table(root / "runtime")
    return files


class PrecompiledLoader(jinja2.BaseLoader):
    """Loads a template from its compiled module when that module is current (see above),
    else from the file system."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files = jinja2.FileSystemLoader(str(root))
        self.folder = root / COMPILED
        try:
            manifest = json.loads((self.folder / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            manifest = {}
        current = manifest.get("jinja") == jinja2.__version__
        self.digests: dict[str, str] = manifest.get("templates", {}) if current else {}

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        return self.files.get_source(environment, template)

    def list_templates(self) -> list[str]:
        return self.files.list_templates()

    def load(
        self,
        environment: jinja2.Environment,
        name: str,
        globals: MutableMapping[str, Any] | None = None,
    ) -> jinja2.Template:
        module = self._module(name)
        if module is None:
            return super().load(environment, name, globals)
        return environment.template_class.from_module_dict(
            environment,
            module.__dict__,
            globals if globals is not None else environment.make_globals(None),
        )

    def _module(self, name: str) -> ModuleType | None:
        expected = self.digests.get(name)
        if expected is None:
            return None
        try:
            source = (self.root / name).read_text(encoding="utf-8")
        except OSError:
            return None
        if _digest(source) != expected:
            return None
        path = self.folder / module_file(name)
        spec = importlib.util.spec_from_file_location(
            f"generator._compiled_templates.{path.stem}", path
        )
        if spec is None or spec.loader is None:
            return None
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
        except (OSError, SyntaxError):
            return None
        return module


def main() -> int:
    from .render import environment, templates_dir

    root = templates_dir()
    folder = root / COMPILED
    folder.mkdir(exist_ok=True)
    wanted = compiled_files(root, environment(root, precompiled=False))
    for stale in folder.glob("tmpl_*.py"):
        if stale.name not in wanted:
            stale.unlink()
    for name, text in wanted.items():
        path = folder / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    compiled = sum(name.startswith("tmpl_") for name in wanted)
    print(f"{compiled} templates compiled into {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
