"""Derived vs published contracts of the corpus journeys (shared by the test and the refresher)."""

from __future__ import annotations

from pathlib import Path

import yaml

from generator.export import export_journey
from generator.export.compare import differences, file_resolver, operations

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "journeyforge"
KNOWN = Path(__file__).resolve().parent / "known_differences.yaml"


def corpus_journeys() -> list[Path]:
    return sorted((CORPUS / "examples").glob("*/*/*.journey.yaml"))


def contract_differences(journey: Path) -> list[str]:
    """Lines where the published contract (first) and the derived one (second) differ."""
    exported = export_journey(journey, root=CORPUS)
    published = journey.with_name(
        journey.name.replace(".journey.", ".openapi.")
    ).resolve()
    first = operations(
        yaml.safe_load(published.read_text(encoding="utf-8")),
        published,
        file_resolver(),
    )
    derived = published.with_name("derived.openapi.yaml")
    second = operations(
        exported.openapi, derived, file_resolver({derived: exported.openapi})
    )
    return differences(first, second)


if __name__ == "__main__":  # refresh the table's lines (keeps the reasons by hand)
    known = yaml.safe_load(KNOWN.read_text(encoding="utf-8")) if KNOWN.exists() else {}
    for path in corpus_journeys():
        lines = contract_differences(path)
        name = path.parent.name
        if lines:
            entry = known.get(name) or {"reason": "TODO"}
            known[name] = {"reason": entry["reason"], "differences": lines}
        else:
            known.pop(name, None)
    KNOWN.write_text(
        yaml.safe_dump(known, sort_keys=True, allow_unicode=True, width=1000),
        encoding="utf-8",
    )
