"""The format stage trusts the static sources instead of running black on them: this keeps the
trust exact. Each runtime module must already be exactly what black produces under the output's
mode, and the packages must really carry those texts."""

from __future__ import annotations

import difflib

import black
import pytest

from generator.format import Formatter, _mode
from generator.pipeline import generate
from generator.render import static_sources, templates_dir
from tests.support.paths import SPECS

RUNTIME = templates_dir() / "runtime"


def _black(text: str) -> str:
    return str(black.format_str(text, mode=_mode()))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text", static_sources(), ids=lambda t: t.split("\n", 1)[0][:60]
)
def test_static_source_is_black_stable(text: str) -> None:
    formatted = _black(text)
    assert formatted == text, (
        "a static source is trusted as black-formatted but black changes it; run "
        "`.venv/bin/black` on templates/runtime/:\n"
        + "".join(
            difflib.unified_diff(text.splitlines(True), formatted.splitlines(True), n=1)
        )[:4000]
    )


def test_static_sources_cover_every_runtime_module() -> None:
    texts = static_sources()
    modules = sorted(RUNTIME.rglob("*.py"))
    for path in modules:
        assert path.read_text(encoding="utf-8") in texts, path.name
    assert {"client", "server"} <= {p.parent.name for p in modules}
    assert len(set(texts)) == len(modules)


def test_trusted_text_is_returned_without_black() -> None:
    unformatted = "x = [ 1,2 ]\n"
    formatter = Formatter()
    assert formatter.format("a.py", unformatted) == "x = [1, 2]\n"
    trusting = Formatter()
    trusting.trust([unformatted])
    assert trusting.format("a.py", unformatted) == unformatted


def test_generated_package_carries_the_static_sources_verbatim() -> None:
    case = next(p for p in sorted(SPECS.rglob("*.journey.yaml"))).parent
    result = generate(case, root=SPECS, formatter=Formatter())
    texts = set(static_sources())
    runtime = {p: t for p, t in result.files.items() if "/_runtime/" in p}
    assert runtime and all(t in texts for t in runtime.values())
    flow = [
        t for p, t in result.files.items() if p.endswith("/_runtime/client/flow.py")
    ]
    assert flow and flow[0] in texts
