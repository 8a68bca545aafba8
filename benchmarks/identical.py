"""Check that a speed change to the generator keeps its output byte-identical.

Generates the whole corpus with the committed generator (`git archive REV`) and with the
working tree's versions of the given files laid over that same snapshot, so work in progress
elsewhere in the checkout cannot blur the comparison. The overlaid tree is run three times:
without a cache, with an empty cache folder, and again with that cache warm. Every run must
give exactly the bytes of the baseline.

    .venv/bin/python benchmarks/identical.py generator/format.py generator/models.py
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("JOURNEYGEN_CORPUS", REPO / "tests/corpus/journeyforge"))


def _snapshot(rev: str, dest: Path) -> None:
    dest.mkdir(parents=True)
    archive = subprocess.run(
        [
            "git",
            "-C",
            str(REPO),
            "archive",
            rev,
            "generator",
            "templates",
            "pyproject.toml",
        ],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)


# Runs the snapshot's generator: the checkout's editable install would otherwise supply
# modules (e.g. new output parts) that the snapshot does not have.
_BOOT = (
    "import sys; sys.meta_path[:] = [f for f in sys.meta_path "
    "if 'Editable' not in getattr(f, '__name__', type(f).__name__)]; "
    "from generator.cli import main; sys.exit(main(sys.argv[1:]))"
)


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _generate(
    tree: Path, out: Path, cases: list[Path], cache: Path | None
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "JOURNEYGEN_CACHE_DIR"}
    env["PYTHONPATH"] = str(tree)
    if cache is not None:
        env["JOURNEYGEN_CACHE_DIR"] = str(cache)
    argv = [sys.executable, "-c", _BOOT, "generate", *map(str, cases)]
    # --no-cache: the whole-output cache would otherwise answer the later runs from the
    # first one's entries; the stage caches (JOURNEYGEN_CACHE_DIR) are what they test.
    subprocess.run(
        [*argv, "--out", str(out), "-q", "--no-cache"],
        cwd=tree,
        env=env,
        check=True,
        capture_output=True,
    )
    return _hashes(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "files", nargs="+", help="working-tree files to lay over the snapshot"
    )
    parser.add_argument(
        "--rev", default="HEAD", help="the baseline revision (default HEAD)"
    )
    args = parser.parse_args()
    cases = sorted(p for p in (CORPUS / "examples").glob("*/*") if p.is_dir())
    with tempfile.TemporaryDirectory(prefix="jg-identical-") as tmp:
        root = Path(tmp)
        _snapshot(args.rev, root / "base")
        shutil.copytree(root / "base", root / "new")
        for rel in args.files:  # a new file is added, a deleted one removed
            target = root / "new" / rel
            if not (REPO / rel).exists():
                target.unlink(missing_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(REPO / rel, target)
        baseline = _generate(root / "base", root / "out-base", cases, None)
        runs = {
            "no cache": _generate(root / "new", root / "out-1", cases, None),
            "empty cache": _generate(
                root / "new", root / "out-2", cases, root / "cache"
            ),
            "warm cache": _generate(
                root / "new", root / "out-3", cases, root / "cache"
            ),
        }
        ok = True
        for name, hashes in runs.items():
            differing = sorted(
                k
                for k in baseline.keys() | hashes.keys()
                if baseline.get(k) != hashes.get(k)
            )
            ok &= not differing
            print(
                f"{name:12} {len(hashes)} files: {'identical' if not differing else 'DIFFERENT'}"
            )
            for rel in differing[:10]:
                print(f"  {rel}")
        print(
            f"baseline     {len(baseline)} files from {args.rev}, {len(cases)} corpus cases"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
