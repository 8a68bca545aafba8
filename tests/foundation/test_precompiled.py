"""Precompiled templates (`generator.precompile`): current, used, and never trusted when stale."""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.precompile import COMPILED, REFRESH, compiled_files
from generator.render import environment, templates_dir


def test_compiled_templates_are_current() -> None:
    root = templates_dir()
    wanted = compiled_files(root, environment(root, precompiled=False))
    folder = root / COMPILED
    present = {
        p.name: p.read_text(encoding="utf-8") for p in folder.iterdir() if p.is_file()
    }
    stale = sorted(
        n for n in wanted.keys() | present.keys() if wanted.get(n) != present.get(n)
    )
    assert (
        not stale
    ), f"templates/{COMPILED} is stale ({stale}); run `{REFRESH}` and commit"


def test_a_cold_environment_imports_instead_of_compiling() -> None:
    root = templates_dir()
    env = environment(root)
    names = env.list_templates(filter_func=lambda n: n.endswith(".jinja"))
    assert names
    for name in names:
        template = env.get_template(name)
        assert template.filename is not None
        assert Path(template.filename).parent.name == COMPILED, name


def test_an_edited_template_is_compiled_from_its_source(tmp_path: Path) -> None:
    root = tmp_path / "templates"
    shutil.copytree(templates_dir(), root)
    name = "package/pyproject.toml.jinja"
    (root / name).write_text("edited {{ 1 + 1 }}\n", encoding="utf-8")
    template = environment(root).get_template(name)
    assert template.render() == "edited 2\n"
    assert Path(str(template.filename)).parent.name != COMPILED
