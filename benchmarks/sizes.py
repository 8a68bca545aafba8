"""Lines per module and per class under a folder (default: generator/), largest first.

    .venv/bin/python benchmarks/sizes.py [FOLDER] [--over-module 500] [--over-class 300]

Prints a summary line (modules, largest module, largest class) and every module and class over
the limits; exit 1 when one is over (the architecture's size budget, issue #11).
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def measure(folder: Path) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(lines, module) and (lines, module:Class) for every .py file under folder."""
    modules: list[tuple[int, str]] = []
    classes: list[tuple[int, str]] = []
    for path in sorted(folder.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(folder.parent).as_posix()
        modules.append((len(text.splitlines()), name))
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ClassDef) and node.end_lineno is not None:
                lines = node.end_lineno - node.lineno + 1
                classes.append((lines, f"{name}:{node.name}"))
    return sorted(modules, reverse=True), sorted(classes, reverse=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", nargs="?", default=str(REPO / "generator"))
    parser.add_argument("--over-module", type=int, default=500)
    parser.add_argument("--over-class", type=int, default=300)
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()
    modules, classes = measure(Path(args.folder).resolve())
    total = sum(n for n, _ in modules)
    print(f"{len(modules)} modules, {total} lines; {len(classes)} classes")
    print("largest modules:")
    for n, name in modules[: args.top]:
        print(f"  {n:5d}  {name}")
    print("largest classes:")
    for n, name in classes[: args.top]:
        print(f"  {n:5d}  {name}")
    over = [m for m in modules if m[0] > args.over_module]
    over += [c for c in classes if c[0] > args.over_class]
    for n, name in over:
        print(f"over budget: {name} ({n} lines)")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
