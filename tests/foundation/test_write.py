"""`write_package`: it rewrites a package only when its files differ from what is on disk."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from generator.write import RACY_NS, Stamps, diff, write_package

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


def test_stamps_spare_reading_unchanged_files_and_never_hide_an_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stamps = Stamps(tmp_path / "stamps")
    out = tmp_path / "out"
    write_package(out, "pkg", FILES, stamps)
    time.sleep(
        RACY_NS / 1e9 + 0.1
    )  # files older than the racy window, as a while later
    assert diff(out, "pkg", FILES, stamps) == ""  # reads every file, records stamps
    read: list[str] = []
    real_open = open

    def counting_open(path: str, *args: object, **kwargs: object) -> object:
        read.append(str(path))
        return real_open(path, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", counting_open)
    assert diff(out, "pkg", FILES, stamps) == ""
    assert write_package(out, "pkg", FILES, stamps) is False
    assert read == []  # every stamp held: nothing was read
    # The same size, and the mtime set back to what it was: the ctime still tells.
    init = out / "pkg/pkg/__init__.py"
    st = init.stat()
    init.write_text("x = 9\n")
    os.utime(init, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (
        init.stat().st_size == st.st_size and init.stat().st_mtime_ns == st.st_mtime_ns
    )
    assert "-x = 9" in diff(out, "pkg", FILES, stamps)
    assert str(init) in read


def test_a_file_changed_just_after_its_stamp_was_recorded_is_read_again(
    tmp_path: Path,
) -> None:
    """Within the timestamp granularity of a stamp's moment, a change could keep the recorded
    status: such a stamp is not trusted."""
    stamps = Stamps(tmp_path / "stamps")
    out = tmp_path / "out"
    write_package(out, "pkg", FILES, stamps)
    assert diff(out, "pkg", FILES, stamps) == ""  # stamps recorded now: all racy
    init = out / "pkg/pkg/__init__.py"
    st = init.stat()
    init.write_text("x = 9\n")
    os.utime(init, ns=(st.st_atime_ns, st.st_mtime_ns))
    recorded, known = stamps.load(out / "pkg")
    # Pretend nothing but the content changed (a filesystem whose ctime ticks coarsely).
    rel = "pkg/pkg/__init__.py"
    now = init.stat()
    known[rel] = (
        now.st_size,
        now.st_mtime_ns,
        now.st_ctime_ns,
        now.st_ino,
        known[rel][4],
    )
    stamps.save(out / "pkg", recorded, known)
    assert "+x = 1" in diff(out, "pkg", FILES, stamps)


def test_a_damaged_stamp_file_is_ignored(tmp_path: Path) -> None:
    stamps = Stamps(tmp_path / "stamps")
    out = tmp_path / "out"
    write_package(out, "pkg", FILES, stamps)
    diff(out, "pkg", FILES, stamps)
    for path in (tmp_path / "stamps").iterdir():
        path.write_text('{"recorded_ns": 1, "files": {"pkg/README.md": [1]}}')
    (out / "pkg/README.md").write_text("# edited\n")
    assert "+# pkg" in diff(out, "pkg", FILES, stamps)
