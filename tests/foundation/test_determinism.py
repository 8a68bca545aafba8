"""Same input, same bytes: across processes, hash seeds and working directories."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from tests.support.paths import PAYMENT_CALLBACK, ROOT


def _tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _generate(out: Path, cwd: Path, seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    cmd = [
        sys.executable,
        "-m",
        "generator.cli",
        "generate",
        str(PAYMENT_CALLBACK),
        "--out",
        str(out),
        "-q",
    ]
    subprocess.run(cmd, cwd=cwd, env={**env, "PYTHONPATH": str(ROOT)}, check=True)
    return _tree_hash(out)


def test_output_is_byte_identical_across_seeds_and_directories(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    first = _generate(tmp_path / "a", ROOT, "0")
    assert _generate(tmp_path / "b", ROOT, "1") == first
    assert _generate(tmp_path / "c", elsewhere, "12345") == first
    text = "".join(p.read_text() for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert str(ROOT) not in text and str(tmp_path) not in text
