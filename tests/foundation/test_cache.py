"""The generation cache: a hit skips the work, any input change misses, --check stays exact."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import generator.pipeline as pipeline
from generator.cache import Cache
from generator.pipeline import generate
from generator.write import diff, write_package
from tests.support.paths import CORPUS, ROOT, SPECS

CASE = "examples/technical/payment-callback"


def _no_render(*_: object, **__: object) -> dict[str, str]:
    raise AssertionError("the cache should have answered")


def test_hit_skips_generation_and_any_spec_edit_misses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    specs = tmp_path / "specs"
    shutil.copytree(SPECS, specs)
    cache = Cache(tmp_path / "cache", "fingerprint-1")
    first = generate(specs / CASE, root=specs, cache=cache)
    monkeypatch.setattr(pipeline, "render", _no_render)
    again = generate(
        specs / CASE, root=specs, cache=Cache(tmp_path / "cache", "fingerprint-1")
    )
    assert again.files == first.files
    # A change to a shared document reached only through a $ref must miss, too.
    shared = specs / "openapi" / "journeys.openapi.yaml"
    shared.write_text(shared.read_text() + "\n# edited\n")
    with pytest.raises(AssertionError, match="cache should have answered"):
        generate(
            specs / CASE, root=specs, cache=Cache(tmp_path / "cache", "fingerprint-1")
        )


def test_new_generator_fingerprint_misses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate(SPECS / CASE, root=SPECS, cache=Cache(tmp_path, "old"))
    monkeypatch.setattr(pipeline, "render", _no_render)
    with pytest.raises(AssertionError):
        generate(SPECS / CASE, root=SPECS, cache=Cache(tmp_path, "new"))


def test_check_on_a_cache_hit_still_sees_hand_edits(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache", "f")
    result = generate(SPECS / CASE, root=SPECS, cache=cache)
    out = tmp_path / "out"
    write_package(out, result.package, result.files)
    models = out / result.package / result.package / "models.py"
    models.write_text(models.read_text().replace("class ", "class  ", 1))
    hit = generate(SPECS / CASE, root=SPECS, cache=cache)
    assert "models.py" in diff(out, hit.package, hit.files)


def test_a_hit_locates_warnings_from_the_directory_it_runs_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pipeline that runs from another directory sees the paths a fresh run would print."""
    case = (
        CORPUS / "examples/technical/wait-approval"
    )  # warns: default inside its wait block
    cache = Cache(tmp_path / "cache", "f")
    monkeypatch.chdir(ROOT)
    first = generate(case, root=CORPUS, cache=cache)
    assert first.warnings
    assert not Path(first.warnings[0].location.path).is_absolute()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    fresh = generate(case, root=CORPUS)
    monkeypatch.setattr(pipeline, "render", _no_render)
    hit = generate(case, root=CORPUS, cache=cache)
    assert [str(w) for w in hit.warnings] == [str(w) for w in fresh.warnings]
    assert Path(hit.warnings[0].location.path).is_file()


def test_entries_keep_digests_and_share_one_blob_per_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two packages with the same runtime store its texts once; an entry is digests only,
    and a hit whose blob went missing is generated again instead of failing."""
    import json

    cache = Cache(tmp_path / "cache", "f")
    one = generate(SPECS / CASE, root=SPECS, cache=cache)
    other_case = CORPUS / "examples/technical/wait-approval"
    other = generate(other_case, root=CORPUS, cache=cache)
    shared = set(one.files.values()) & set(other.files.values())
    assert len(shared) > 50  # the copied runtime
    blobs = [p for p in (tmp_path / "cache" / "blobs").rglob("*") if p.is_file()]
    assert len(blobs) == len(set(one.files.values()) | set(other.files.values()))
    entry = json.loads(next((tmp_path / "cache").glob("*.json")).read_text())
    assert all(len(d) == 64 for d in entry["files"].values())
    monkeypatch.setattr(pipeline, "render", _no_render)
    hit = generate(SPECS / CASE, root=SPECS, cache=Cache(tmp_path / "cache", "f"))
    assert dict(hit.files) == one.files
    monkeypatch.undo()
    for blob in blobs:
        blob.unlink()
    again = generate(SPECS / CASE, root=SPECS, cache=Cache(tmp_path / "cache", "f"))
    assert dict(again.files) == one.files


def test_installed_versions_are_what_importlib_metadata_reads() -> None:
    from importlib import metadata

    from generator.cache import _SHAPING, installed_version

    for name in (*_SHAPING, "journeygen", "httpx"):
        assert installed_version(name) == metadata.version(name)
    assert installed_version("no-such-distribution-here") is None
