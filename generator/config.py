"""`[tool.journeygen]` in pyproject.toml: where cases are read from and output is written."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Location, error


@dataclass(frozen=True)
class Config:
    """Resolved settings; paths are absolute."""

    specs: Path
    out: Path
    cache: Path


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above `start`."""
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_config(cwd: Path) -> Config:
    """Read `[tool.journeygen]` (defaults: specs/ and generated/ beside pyproject.toml)."""
    pyproject = find_pyproject(cwd)
    base = pyproject.parent if pyproject else cwd
    table: dict[str, object] = {}
    if pyproject is not None:
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise error(Location(str(pyproject)), f"invalid TOML: {exc}") from exc
        tool = data.get("tool", {})
        table = tool.get("journeygen", {}) if isinstance(tool, dict) else {}
    specs, out = table.get("specs", "specs"), table.get("out", "generated")
    if not isinstance(specs, str) or not isinstance(out, str):
        raise error(
            Location(str(pyproject)), "[tool.journeygen] specs and out must be strings"
        )
    return Config(
        specs=(base / specs).resolve(),
        out=(base / out).resolve(),
        cache=(base / ".journeygen-cache").resolve(),
    )
