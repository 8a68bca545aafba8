"""Helpers for hostile-input cases: run the CLI like a user, then inspect and import its output."""

from __future__ import annotations

import ast
import io
import json
import os
import subprocess
import sys
import textwrap
import tokenize
from dataclasses import dataclass
from pathlib import Path

from generator.cli import main

CASES = Path(__file__).resolve().parent / "cases"
# Every injection payload in the case files mentions this word; if one ever runs, it touches a
# file of this name in the working directory of the importing process.
CANARY = "CANARY"
NAME = tokenize.NAME


@dataclass(frozen=True)
class Run:
    """What one `journeygen generate` run did."""

    code: int
    stdout: str
    stderr: str

    @property
    def diagnostics(self) -> list[str]:
        """The `path:line:col: level: message` lines (the summary line left out)."""
        return [
            line
            for line in self.stderr.splitlines()
            if not line.startswith("journeygen:")
        ]


def run_cli(case: Path, out: Path, monkeypatch: object) -> Run:
    """Run `journeygen generate . --out OUT` from inside the case folder (paths print relative)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    monkeypatch.chdir(case)  # type: ignore[attr-defined]
    code = main(
        ["generate", ".", "--out", str(out), "-q"], stdout=stdout, stderr=stderr
    )
    text = (
        stderr.getvalue()
        .replace(str(case.resolve()) + "/", "")
        .replace(str(case.resolve()), ".")
    )
    return Run(code, stdout.getvalue(), text)


def python_files(out: Path) -> list[Path]:
    """Every generated Python file below `out`, sorted."""
    return sorted(out.rglob("*.py"))


# What a payload does once it escapes a string; generated code itself never says any of it.
_PAYLOAD_NAMES = frozenset({"__import__", "touch", "exec", "eval", "system"})


def canary_outside_strings(path: Path) -> list[str]:
    """Places where payload text is code rather than data.

    A payload may survive only inside a string constant, a docstring or a comment. Identifiers
    derived from it (`IMPORT_PATHLIB_PATH_CANARY_TOUCH`) are fine: they are built from an ASCII
    allowlist. So: no call or name of what a payload uses, no canary inside an f-string field,
    and every token that mentions the canary is a string, a comment or a plain name.
    """
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(path))
    found: list[str] = []
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.FormattedValue):
            segment = ast.get_source_segment(source, node) or ""
            if CANARY in segment:
                found.append(f"{path.name}:{line}: f-string field {segment!r}")
        elif isinstance(node, ast.Name) and node.id in _PAYLOAD_NAMES:
            found.append(f"{path.name}:{line}: name {node.id!r}")
        elif isinstance(node, ast.Attribute) and node.attr in _PAYLOAD_NAMES:
            found.append(f"{path.name}:{line}: attribute {node.attr!r}")
    with path.open("rb") as handle:
        for token in tokenize.tokenize(handle.readline):
            kind = (
                token.type
            )  # a NAME is an allowlisted identifier; anything else is code
            if CANARY in token.string and kind not in (
                tokenize.STRING,
                tokenize.COMMENT,
                NAME,
            ):
                found.append(f"{path.name}:{token.start[0]}: {tokenize.tok_name[kind]}")
    return found


_IMPORT_ALL = textwrap.dedent("""
    import importlib, inspect, json, sys, warnings
    from enum import Enum
    from pydantic import BaseModel
    warnings.simplefilter("error")
    report = {"modules": [], "models": 0, "enums": 0, "failed": {}}
    for name in json.loads(sys.argv[1]):
        try:
            module = importlib.import_module(name)
        except Exception as exc:
            report["failed"][name] = f"{type(exc).__name__}: {exc}"
            continue
        report["modules"].append(name)
        if not name.endswith(".models"):
            continue
        for _, obj in sorted(vars(module).items()):
            if inspect.isclass(obj) and obj.__module__ == module.__name__:
                if issubclass(obj, BaseModel):
                    obj.model_json_schema()
                    required = [f for f, info in obj.model_fields.items() if info.is_required()]
                    if not required:
                        obj().model_dump_json(by_alias=True)
                    report["models"] += 1
                elif issubclass(obj, Enum):
                    [member.value for member in obj]
                    report["enums"] += 1
    print(json.dumps(report))
    """)


def import_everything(out: Path, workdir: Path) -> dict[str, object]:
    """Import every generated module in a fresh interpreter (cwd `workdir`, warnings as errors);
    build every model's schema and instantiate the models that need no arguments."""
    modules: list[str] = []
    paths: list[str] = []
    for project in sorted(out.glob("*/pyproject.toml")):
        root = project.parent
        paths.append(str(root))
        for file in sorted(root.rglob("*.py")):
            parts = file.relative_to(root).with_suffix("").parts
            modules.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(paths),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT_ALL, json.dumps(modules)],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (
        done.returncode == 0
    ), f"generated code failed to import:\n{done.stderr[-4000:]}"
    report: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    assert (
        report["failed"] == {}
    ), f"generated modules failed to import: {report['failed']}"
    return report
