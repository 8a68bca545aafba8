"""`xmlDecode:v1` (DSL §5.3) on a live server, driven with the generated client.

The journey `dsl-xml-decode` decodes the XML string of its input into `context.parsed`
(`target.kind: var`), at `context.order.decoded` (a context path), or in place of the whole
context (no target), by the mapping `_runtime/server/tasks/xml.py` documents. A document that is
not well-formed, one with a document type declaration (entities are never expanded) and a
source variable the context does not hold fail the journey with the codes the reference names.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import pytest

from tests.constructs.support import generate
from tests.support.engine import server_module
from tests.support.live import LiveServer

NAME = "dsl-xml-decode"
ORDER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<o:order xmlns:o="urn:orders" id="A-7">\n'
    "  <item sku='s1'>Tea &amp; cake</item>\n"
    "  <item sku='s2'>Scone</item>\n"
    "  <total currency='EUR'>09.50</total>\n"
    "  <note/>\n"
    "  <customer><name>Ada</name></customer>\n"
    "</o:order>"
)
DECODED = {
    "order": {
        "@id": "A-7",
        "item": [
            {"@sku": "s1", "#text": "Tea & cake"},
            {"@sku": "s2", "#text": "Scone"},
        ],
        "total": {"@currency": "EUR", "#text": "09.50"},
        "note": None,
        "customer": {"name": "Ada"},
    }
}
BOMB = (
    '<?xml version="1.0"?>\n<!DOCTYPE lol [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\n<lolz>&lol2;</lolz>'
)


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> str:
    return generate(NAME, tmp_path_factory.mktemp("xml"))


@pytest.fixture
def run(
    package: str, db_path: str, live: Callable[..., LiveServer]
) -> Callable[[dict[str, Any]], Any]:
    server = server_module(package)
    app = live(server.create_app(None, settings=server.Settings(store_path=db_path)))
    client = importlib.import_module(f"{package}.client")
    models = importlib.import_module(f"{package}.models")

    def start(body: dict[str, Any]) -> Any:
        with client.DslXmlDecodeClient(app.url) as api:
            started = api.start(models.DslXmlDecodeInput.model_validate(body))
            return api.get_result(started.journey_id)

    return start


def test_xml_decode_writes_a_variable_a_context_path_and_the_whole_context(
    run: Callable[[dict[str, Any]], Any],
) -> None:
    parts = run({"xml": ORDER, "mode": "parts"})
    assert parts.phase == "SUCCEEDED", parts.error
    assert parts.output["parsed"] == DECODED  # target kind: var, resultVar: parsed
    assert parts.output["order"] == {"decoded": DECODED}  # target path order.decoded
    assert parts.output["xml"] == ORDER  # the rest of the context is kept
    whole = run({"xml": "<reply><status>OK</status></reply>", "mode": "whole"})
    assert whole.phase == "SUCCEEDED", whole.error
    assert whole.output == {
        "reply": {"status": "OK"}
    }  # no target: replaces the context


@pytest.mark.parametrize(
    ("body", "code", "reason"),
    [
        (
            {"xml": "<order><item></order>", "mode": "parts"},
            "urn:xml-decode:parse-error",
            "context.xml is not decodable XML: mismatched tag at line 1, column 16",
        ),
        (
            {"xml": BOMB, "mode": "parts"},
            "urn:xml-decode:parse-error",
            "context.xml is not decodable XML: a document type declaration (<!DOCTYPE)"
            " is refused: entities are not expanded",
        ),
        (
            {"xml": "<a>&ext;</a>", "mode": "whole"},
            "urn:xml-decode:parse-error",
            "context.xml is not decodable XML: undefined entity at line 1, column 4",
        ),
        (
            {"xml": "<a/>", "mode": "missing"},
            "urn:xml-decode:source-invalid",
            "context.other is absent (no XML to decode)",
        ),
    ],
)
def test_xml_decode_fails_the_journey_on_xml_it_cannot_decode(
    run: Callable[[dict[str, Any]], Any], body: dict[str, Any], code: str, reason: str
) -> None:
    outcome = run(body)
    assert outcome.phase == "FAILED"
    assert outcome.error is not None
    assert (outcome.error.code, outcome.error.reason) == (code, reason)
