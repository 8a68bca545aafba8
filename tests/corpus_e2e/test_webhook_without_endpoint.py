"""A webhook state whose step endpoint the OpenAPI omits (ecommerce-order-split-shipment's
waitForFulfillment): the generated server serves it at .../steps/<state>, and the client's
`run_<journey>()` posts the input given for it there with `webhook_secret` as the guard header
(before, the argument was accepted and silently never sent). The README says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.corpus_e2e.corpus_e2e_support import SECRET, live_journey
from tests.support.paths import CorpusPackage

CASE = "ecommerce-order-split-shipment"


def test_run_journey_posts_the_input_of_a_state_the_openapi_omits(
    corpus_packages: dict[str, CorpusPackage], tmp_path: Path
) -> None:
    package = corpus_packages[CASE]
    with live_journey(package.module, {}, tmp_path / "store.sqlite3") as live:
        live.steer(
            {
                "create_order": (
                    {"status": 201, "ok": True, "body": {"orderId": "o-1"}},
                ),
                "reserve_items_for_order": (
                    {
                        "status": 200,
                        "ok": True,
                        "body": {"status": "RESERVED", "proposedShipments": []},
                    },
                ),
            }
        )
        start = {
            "orderId": "o-1",
            "customerId": "c-1",
            "items": [{"sku": "A", "quantity": 1}],
            "shippingAddress": {"line1": "1 Main St", "city": "Luanda"},
        }
        fulfilled = {"orderId": "o-1", "overallStatus": "FULFILLED", "shipments": []}
        with live.client_class(live.url, webhook_secret=SECRET) as client:
            outcome = client.run_ecommerce_order_split_shipment(
                start,
                confirmation={"decision": "proceed"},
                fulfillment=fulfilled,
                timeout=20,
                poll=live.poll(initial=0.01, max_interval=0.05),
            )
        assert outcome.phase.value == "SUCCEEDED", outcome
        # without the secret, the server refuses that very post
        with (
            live.client_class(live.url) as client,
            pytest.raises(
                Exception, match=r"HTTP 401 for POST .*/steps/waitForFulfillment"
            ),
        ):
            client.run_ecommerce_order_split_shipment(
                {**start, "orderId": "o-2"},
                confirmation={"decision": "proceed"},
                fulfillment={**fulfilled, "orderId": "o-2"},
                timeout=3,
                poll=live.poll(initial=0.01, max_interval=0.05),
            )
    readme = (package.folder / "README.md").read_text(encoding="utf-8")
    assert "State `waitForFulfillment` has no step endpoint in the OpenAPI" in readme
    assert "`POST /api/v1/journeys/{journeyId}/steps/waitForFulfillment`" in readme
