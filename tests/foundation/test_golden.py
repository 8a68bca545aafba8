"""Golden files: regenerating specs/ in memory must give exactly the committed generated/."""

from __future__ import annotations

from generator.format import Formatter
from generator.pipeline import discover, generate
from generator.write import diff
from tests.support.paths import GENERATED, SPECS

REFRESH = ".venv/bin/journeygen generate"


def test_generated_tree_matches_specs() -> None:
    formatter = Formatter()
    cases = discover(SPECS)
    assert cases, "specs/ holds no cases"
    problems = []
    for case in cases:
        result = generate(case, root=SPECS, formatter=formatter)
        text = diff(GENERATED, result.package, result.files)
        if text:
            problems.append(text)
    assert not problems, (
        "generated/ is out of date with specs/ and the generator.\n"
        f"If the change is intended, refresh the golden files with `{REFRESH}` and commit.\n\n"
        + "".join(problems)[:20000]
    )
