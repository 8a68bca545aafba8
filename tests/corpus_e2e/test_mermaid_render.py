"""Every journey diagram renders in Mermaid itself (mermaid-cli in Debian's chromium).

Line-level tests cannot tell whether Mermaid accepts a diagram ("Group nodes can only have label"
was found only by rendering). `.ci/install-mermaid` installs the renderer into `.tools/`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from generator.mermaid import journey_diagram
from tests.support.paths import PAYMENT_CALLBACK, ROOT, corpus_cases

MMDC = ROOT / ".tools" / "node_modules" / ".bin" / "mmdc"
pytestmark = pytest.mark.slow


def _journeys() -> list[Path]:
    cases = [*corpus_cases(), PAYMENT_CALLBACK]
    return [next(case.glob("*.journey.yaml")) for case in cases]


def test_every_journey_diagram_renders_in_mermaid(tmp_path: Path) -> None:
    chromium = shutil.which("chromium")
    assert (
        MMDC.is_file() and chromium
    ), "the Mermaid renderer is not installed: run `bash .ci/install-mermaid`"
    config = tmp_path / "puppeteer.json"
    config.write_text(
        json.dumps(
            {
                "executablePath": chromium,
                "args": [
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                ],
            }
        )
    )
    journeys = _journeys()
    assert len(journeys) == len(corpus_cases()) + 1 >= 43
    markdown = tmp_path / "diagrams.md"
    markdown.write_text(
        "".join(
            f"# {path.parent.name}\n\n```mermaid\n"
            f"{journey_diagram(yaml.safe_load(path.read_text(encoding='utf-8')))}```\n\n"
            for path in journeys
        ),
        encoding="utf-8",
    )
    done = subprocess.run(
        [
            str(MMDC),
            "-q",
            "-p",
            str(config),
            "-i",
            str(markdown),
            "-o",
            str(tmp_path / "out.md"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    rendered = sorted(tmp_path.glob("out-*.svg"))
    assert len(rendered) == len(journeys), (len(rendered), done.stdout[-2000:])
    for svg in rendered:
        text = svg.read_text(encoding="utf-8")
        assert "<svg" in text and "Syntax error" not in text, svg.name
