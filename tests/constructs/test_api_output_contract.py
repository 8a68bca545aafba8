"""DSL §11 for kind: Api: a success body that breaks `spec.output.schema` is answered as the
states built it, and the server logs which state's output broke which field (as it does for a
journey's outcome); the generated typed client refuses it with a DecodeError naming the field.
"""

from __future__ import annotations

import importlib
import logging
import shutil
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.constructs.support import JOURNEYS
from tests.support.engine import generate_case
from tests.support.live import LiveServer

NAME = "dsl-api-broken-output"


def _broken_case(tmp_path: Path) -> Path:
    """dsl-api-default under another name, its output schema requiring a field no state
    writes (`receipt`)."""
    root = tmp_path / "specs"
    shutil.copytree(JOURNEYS, root)
    technical = root / "examples" / "technical"
    folder = technical / NAME
    (technical / "dsl-api-default").rename(folder)
    source = folder / "dsl-api-default.journey.yaml"
    text = source.read_text(encoding="utf-8")
    old = "      required: [greeting, length]\n      properties:\n"
    assert text.count(old) == 1
    text = text.replace("name: dsl-api-default", f"name: {NAME}").replace(
        old,
        "      required: [greeting, length, receipt]\n      properties:\n"
        "        receipt:\n          type: string\n",
    )
    (folder / f"{NAME}.journey.yaml").write_text(text, encoding="utf-8")
    source.unlink()
    return root


def test_an_api_output_breaking_its_schema_is_logged_and_refused_by_the_client(
    tmp_path: Path, live: Callable[..., LiveServer], caplog: pytest.LogCaptureFixture
) -> None:
    module = generate_case(NAME, tmp_path / "out", root=_broken_case(tmp_path))
    server = importlib.import_module(f"{module}.server")
    client = importlib.import_module(module)
    models = importlib.import_module(f"{module}.models")
    app = live(server.create_app(settings=server.Settings()), lifespan="on")
    with caplog.at_level(logging.WARNING, logger="journeygen.server"):
        with httpx.Client(base_url=app.url) as raw:
            reply = raw.post(f"/api/v1/apis/{NAME}", json={"name": "Ada"})
        with (
            client.DslApiBrokenOutputClient(app.url) as api,
            pytest.raises(client.DecodeError) as refused,
        ):
            api.execute(models.DslApiBrokenOutputInput(name="Ada"))
    assert reply.status_code == 200
    assert reply.json() == {"greeting": "Hello, Ada", "length": 3}
    (logged,) = {
        r.getMessage() for r in caplog.records if "spec.output.schema" in r.getMessage()
    }
    assert f"API /apis/{NAME}: the output of state 'done'" in logged, logged
    assert f"{NAME}.journey.yaml:" in logged
    assert "/receipt: Field required" in logged
    assert "receipt" in str(refused.value)
