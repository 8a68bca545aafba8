"""`write_package`: it rewrites a package only when its files differ from what is on disk."""

from __future__ import annotations

from pathlib import Path

from generator.write import diff, write_package

FILES = {"pkg/pkg/__init__.py": "x = 1\n", "pkg/README.md": "# pkg\n"}


def test_a_package_is_written_once_and_then_left_alone(tmp_path: Path) -> None:
    assert write_package(tmp_path, "pkg", FILES) is True
    assert (tmp_path / "pkg/pkg/__init__.py").read_text() == "x = 1\n"
    marker = tmp_path / "pkg/README.md"
    before = marker.stat().st_mtime_ns
    assert write_package(tmp_path, "pkg", dict(FILES)) is False
    assert marker.stat().st_mtime_ns == before
    assert diff(tmp_path, "pkg", FILES) == ""


def test_a_changed_missing_or_stray_file_rewrites_the_package(tmp_path: Path) -> None:
    write_package(tmp_path, "pkg", FILES)
    changed = {**FILES, "pkg/pkg/__init__.py": "x = 2\n"}
    assert write_package(tmp_path, "pkg", changed) is True
    assert (tmp_path / "pkg/pkg/__init__.py").read_text() == "x = 2\n"
    fewer = {"pkg/pkg/__init__.py": "x = 2\n"}
    assert write_package(tmp_path, "pkg", fewer) is True
    assert not (tmp_path / "pkg/README.md").exists()
    (tmp_path / "pkg/stray.txt").write_text("left by hand\n")
    assert write_package(tmp_path, "pkg", fewer) is True
    assert not (tmp_path / "pkg/stray.txt").exists()
    # Litter that tools leave is not output and does not count as a change.
    (tmp_path / "pkg/pkg/__pycache__").mkdir()
    (tmp_path / "pkg/pkg/__pycache__/x.cpython-311.pyc").write_bytes(b"\0")
    assert write_package(tmp_path, "pkg", fewer) is False
