"""The generated folder is a pip-installable package; configuration is read from pyproject.toml."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from generator.cli import main
from tests.support.paths import GENERATED, SPECS


@pytest.mark.slow
def test_generated_package_installs_with_pip_and_imports(tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(target),
            str(GENERATED / "payment_callback"),
        ],
        check=True,
        capture_output=True,
    )
    assert (target / "payment_callback" / "py.typed").exists()
    runtime = target / "payment_callback" / "_runtime"
    assert (runtime / "client" / "flow.py").exists()
    assert (runtime / "server" / "engine.py").exists()
    # The [server] extra is not installed: the client and the public types still import.
    code = (
        "import sys; sys.modules['fastapi'] = sys.modules['starlette'] = None\n"
        "import payment_callback as p\n"
        "print(p.models.JourneyOutcome.__name__, p.RetryPolicy.__name__,"
        " p.SQLiteStore(':memory:').__class__.__name__, p.Settings().durability)"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    assert out.stdout.split() == [
        "JourneyOutcome",
        "RetryPolicy",
        "SQLiteStore",
        "full",
    ]
    # Every module of the package is in the install (a subpackage missing from the wheel, such as
    # _runtime/server/dataweave, breaks `python -m payment_callback.server` only after pip install .)
    source = GENERATED / "payment_callback" / "payment_callback"
    installed = target / "payment_callback"
    missing = sorted(
        p.relative_to(source).as_posix()
        for p in source.rglob("*.py")
        if not (installed / p.relative_to(source)).is_file()
    )
    assert missing == []
    # ...and with the [server] extra's dependencies present, every module imports from the install.
    walk = (
        "import importlib, pkgutil, payment_callback as p\n"
        f"assert p.__file__.startswith({str(target)!r}), p.__file__\n"
        "names = [m.name for m in pkgutil.walk_packages(p.__path__, 'payment_callback.')]\n"
        "[importlib.import_module(n) for n in names]\n"
        "print(len(names))"
    )
    out = subprocess.run(
        [sys.executable, "-c", walk],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    assert int(out.stdout) > 60


def test_tool_journeygen_table_sets_specs_and_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(SPECS, tmp_path / "my-specs")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.journeygen]\nspecs = "my-specs"\nout = "build/pkgs"\n'
    )
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    out, err = io.StringIO(), io.StringIO()
    assert main(["generate"], stdout=out, stderr=err) == 0, err.getvalue()
    assert (
        tmp_path / "build/pkgs/payment_callback/payment_callback/models.py"
    ).is_file()
    assert not (tmp_path / "openapi").exists()  # shared documents are not cases
    assert main(["generate", "--check", "-q"], stdout=out, stderr=err) == 0


def test_the_wheel_lists_every_generator_package() -> None:
    """A subpackage missing from pyproject's list is missing from `pip install .` (not -e)."""
    import tomllib

    from tests.support.paths import ROOT

    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
            "packages"
        ]
    )
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "generator").rglob("__init__.py")
    }
    assert found <= listed, sorted(found - listed)


@pytest.mark.slow
def test_journeygen_wheel_ships_every_template_and_no_bytecode(tmp_path: Path) -> None:
    """The wheel carries templates/ (precompiled modules included) and nothing a local run left."""
    root = GENERATED.parent
    skip = {".venv", ".git", "generated", "tests", ".tools", "build", "dist"}
    shutil.copytree(
        root,
        tmp_path / "src",
        ignore=lambda folder, names: (
            [n for n in names if n in skip or n.endswith(".egg-info")]
            if Path(folder) == root
            else []
        ),
    )
    src = tmp_path / "src"
    (src / "templates" / "__pycache__").mkdir(exist_ok=True)
    (src / "templates" / "__pycache__" / "stray.cpython-311.pyc").write_bytes(b"")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", "dist", "."],
        cwd=src,
        check=True,
        capture_output=True,
    )
    (wheel,) = (src / "dist").glob("journeygen-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = {
        "generator/_templates/" + path.relative_to(root / "templates").as_posix()
        for path in (root / "templates").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert templates - names == set()
    assert any("/_templates/_compiled/" in name for name in names)
    assert [
        name for name in names if "__pycache__" in name or name.endswith(".pyc")
    ] == []
