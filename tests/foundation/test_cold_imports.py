"""A cold run imports only what its case needs: no server machinery for a plain Arazzo case."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PROBE = """
import json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[3])
import synth
from generator.pipeline import generate
generate(synth.write_case(Path(sys.argv[1]), 3), stage_cache=Path(sys.argv[2]))
print(json.dumps(sorted(m for m in sys.modules if m.startswith("generator"))))
"""
NOT_NEEDED = (
    "generator.server.assemble",  # the journey compiler
    "generator.dataweave",
    "generator.schema.journey",
    "generator.export",
)


def test_plain_arazzo_case_imports_no_server_machinery(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            PROBE,
            str(tmp_path),
            str(tmp_path / "c"),
            str(REPO / "benchmarks"),
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
        env={"JOURNEYGEN_JOBS": "1", "PATH": "/usr/bin:/bin"},
    )
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert "generator.client.assemble" in loaded
    assert not [m for m in loaded if m.startswith(NOT_NEEDED)]


CORPUS_PROBE = """
import json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[3])
import synth
from generator.pipeline import generate_many
root = Path(sys.argv[1])
cases = [synth.write_case(root / name, 3) for name in ("one", "two")]
outcomes = list(generate_many([(c, c) for c in cases], stage_cache=Path(sys.argv[2]), jobs=2))
assert all(o.result is not None for o in outcomes), [o.problems for o in outcomes]
print(json.dumps(sorted(m for m in sys.modules if m.startswith(("generator", "black")))))
"""


def test_corpus_of_plain_cases_preloads_the_client_only(tmp_path: Path) -> None:
    """The whole-corpus path imports what every case needs once, before its workers fork,
    and still not the journey compiler when no case has a journey document."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            CORPUS_PROBE,
            str(tmp_path),
            str(tmp_path / "c"),
            str(REPO / "benchmarks"),
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
        env={"PATH": "/usr/bin:/bin"},
    )
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert "generator.client.assemble" in loaded  # imported here, before the fork
    assert "black" in loaded
    assert not [m for m in loaded if m.startswith(NOT_NEEDED)]


VERSION_PROBE = """
import json, sys
from pathlib import Path
from generator.load import parse_yaml
from generator.schema.openapi import validate_openapi

def document(version):
    text = f"openapi: {version}\\ninfo: {{title: t, version: '1'}}\\npaths: {{}}\\n"
    return parse_yaml(text, "api.yaml", Path("api.yaml"))

loaded = {}
model = type(validate_openapi(document("3.1.0")))
loaded["after_31"] = sorted(m for m in sys.modules if m.startswith("openapi_pydantic"))
import openapi_pydantic  # the package as anyone else imports it, after journeygen
whole = openapi_pydantic.parse_obj(document("3.0.3").data)
loaded["same_31_class"] = openapi_pydantic.v3.v3_1.OpenAPI is model is openapi_pydantic.OpenAPI
loaded["parsed_30"] = type(whole).__module__
loaded["ours_30"] = type(validate_openapi(document("3.0.3"))) is openapi_pydantic.v3.v3_0.OpenAPI
print(json.dumps(loaded))
"""


def test_an_openapi_document_imports_its_version_of_the_models_only() -> None:
    """openapi-pydantic's package builds both versions' models on import; a 3.1 document
    loads the 3.1 models alone, and the package imported afterwards is the whole package,
    with the very classes journeygen validated with."""
    done = subprocess.run(
        [sys.executable, "-c", VERSION_PROBE],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["after_31"], "nothing of openapi-pydantic was imported"
    assert not [
        m for m in found["after_31"] if m.startswith("openapi_pydantic.v3.v3_0")
    ]
    assert "openapi_pydantic.v3.parser" not in found["after_31"]
    assert found["same_31_class"] is True
    assert found["parsed_30"].startswith("openapi_pydantic.v3.v3_0")
    assert found["ours_30"] is True
