"""Dump every diagnostic journeygen reports for each corpus journey, one line each.

    python -m tests.journey_schema.corpus_diagnostics > after.txt
    diff tests/journey_schema/corpus_diagnostics.before.txt after.txt

Each case prints `== <case> ok|FAIL` and then its diagnostics (`path:line:col: level: message`,
paths relative to the corpus), so a stricter journey schema can be compared with the one before
it: which corpus journeys still generate, and which diagnostics appeared, changed or went away.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from generator.diagnostics import Diagnostic
from generator.pipeline import default_cache, generate_many, spec_root
from tests.support.paths import CORPUS, corpus_cases


def _line(diagnostic: Diagnostic) -> str:
    text = str(diagnostic)
    return text.replace(str(CORPUS.resolve()) + os.sep, "").replace(
        str(CORPUS) + os.sep, ""
    )


def main(cache_folder: str = "/tmp/journeygen-corpus-diagnostics") -> int:
    cases = corpus_cases()
    cache = default_cache(Path(cache_folder))
    jobs = [(case, spec_root(case)) for case in cases]
    for outcome in generate_many(
        jobs, cache=cache, stage_cache=cache.folder / "stages", jobs=1
    ):
        name = outcome.case.resolve().relative_to(CORPUS.resolve())
        found = outcome.problems if outcome.result is None else outcome.result.warnings
        print(f"== {name} {'FAIL' if outcome.result is None else 'ok'}")
        for line in sorted(_line(d) for d in found):
            print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
