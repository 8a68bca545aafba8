"""What the reference lets an engine refuse, refused at generation with a located error.

DSL §2.2 / §17: a spec MUST NOT contain inbound bindings the engine does not support, and this
server is served over HTTP only; DSL §4 / §10: a `lang` with no registered engine MUST fail
validation, and this server runs DataWeave only. Each binding and engine the reference names is
tried as a user writes it: `journeygen generate` exits 2, prints the error at the file position
with what to write instead, and writes nothing.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from generator.cli import main
from tests.constructs.reference import languages, reference, spec_blocks

JOURNEY = """apiVersion: v1
kind: Journey
metadata: {{name: j}}
spec:
{spec}  start: t
  states:
    t:
      type: transform
      transform:
        mapper: {{lang: {lang}, expr: '{{"a": 1}}'}}
      next: done
    done:
      type: succeed
"""
BINDINGS = sorted(
    b.rsplit(".", 1)[1]
    for b in spec_blocks(reference())
    if b.startswith("spec.bindings.") and b != "spec.bindings.http"
)
LANGUAGES = sorted(set(languages(reference())) - {"dataweave"})


def _generate(tmp_path: Path, text: str) -> tuple[int, str, Path]:
    folder = tmp_path / "j"
    folder.mkdir()
    (folder / "j.journey.yaml").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(
        ["generate", str(folder), "--out", str(out), "-q", "--no-cache"],
        stdout=stdout,
        stderr=stderr,
    )
    return code, stdout.getvalue() + stderr.getvalue(), out


def test_the_reference_names_bindings_and_engines() -> None:
    assert {"websocket", "grpc", "queue", "cli", "function"} <= set(BINDINGS)
    assert {"jsonata", "jolt", "jq"} <= set(LANGUAGES)


@pytest.mark.parametrize("binding", BINDINGS)
def test_a_binding_the_server_does_not_serve_is_a_located_error(
    tmp_path: Path, binding: str
) -> None:
    text = JOURNEY.format(spec=f"  bindings:\n    {binding}: {{}}\n", lang="dataweave")
    code, printed, out = _generate(tmp_path, text)
    assert code == 2, printed
    assert (
        f"j.journey.yaml:6:{7 + len(binding)}: error: spec.bindings.{binding} is not "
        "supported: journeygen serves journeys over HTTP only (spec.bindings.http); remove it"
    ) in printed
    assert not out.exists()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_expression_language_the_server_does_not_run_is_a_located_error(
    tmp_path: Path, lang: str
) -> None:
    code, printed, out = _generate(tmp_path, JOURNEY.format(spec="", lang=lang))
    assert code == 2, printed
    assert (
        f"j.journey.yaml:10:24: error: expression language {lang!r} is not supported: "
        "journeygen runs lang: dataweave only; rewrite the expression in DataWeave"
    ) in printed
    assert not out.exists()
