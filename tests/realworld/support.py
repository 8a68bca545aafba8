"""Running the CLI on a case folder as a user would, and importing what it wrote."""

from __future__ import annotations

import importlib
import io
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from generator.cli import main

CASES = Path(__file__).resolve().parent / "cases"
_DIAGNOSTIC = re.compile(
    r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<level>\w+): "
)


def _prefixes() -> list[str]:
    found = [str(CASES) + "/"]
    if CASES.is_relative_to(Path.cwd()):
        found.append(CASES.relative_to(Path.cwd()).as_posix() + "/")
    return found


@dataclass(frozen=True)
class Run:
    """One `journeygen generate` run: exit code, output and the package folder."""

    code: int
    stdout: str
    stderr: str
    out: Path

    def lines(self, level: str) -> list[str]:
        """The diagnostics of one level, paths relative to the cases folder."""
        found = []
        for line in self.stderr.splitlines():
            match = _DIAGNOSTIC.match(line)
            if match and match.group("level") == level:
                for prefix in _prefixes():
                    line = line.replace(prefix, "")
                found.append(line)
        return found

    def package(self) -> Path:
        """The single distribution folder written (holds pyproject.toml)."""
        (folder,) = [p for p in self.out.iterdir() if (p / "pyproject.toml").is_file()]
        return folder

    def module(self, name: str = "client") -> ModuleType:
        """Import `<package>.<name>` from the written package."""
        folder = self.package()
        for loaded in [m for m in sys.modules if m.split(".")[0] == folder.name]:
            del sys.modules[loaded]  # another test's package of the same name
        sys.path.insert(0, str(folder))
        try:
            return importlib.import_module(f"{folder.name.replace('-', '_')}.{name}")
        finally:
            sys.path.remove(str(folder))


def generate(case: Path | str, out: Path, *extra: str) -> Run:
    """`journeygen generate CASE --out OUT --no-cache [extra...]`."""
    folder = case if isinstance(case, Path) else CASES / case
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(
        ["generate", str(folder), "--out", str(out), "--no-cache", *extra],
        stdout=stdout,
        stderr=stderr,
    )
    return Run(code, stdout.getvalue(), stderr.getvalue(), out)
