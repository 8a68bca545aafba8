"""`run_<journey>()` posts the inputs of wait states inside parallel branches too, whenever the
journey's status links them (b2b-purchase-order: level 1, then department and finance in
parallel, then level 3). Before, the method had no argument for a branch state and the run
blocked until its deadline at the first one."""

from __future__ import annotations

import inspect
from pathlib import Path

from tests.corpus_e2e.corpus_e2e_support import live_journey
from tests.support.paths import CorpusPackage

CASE = "b2b-purchase-order"
START = {
    "purchaseOrderId": "po-1",
    "buyerId": "b-1",
    "supplierId": "s-1",
    "lineItems": [{"sku": "A", "quantity": 1, "unitPrice": 10}],
}


def test_run_journey_posts_inputs_of_states_inside_parallel_branches(
    corpus_packages: dict[str, CorpusPackage], tmp_path: Path
) -> None:
    package = corpus_packages[CASE]
    with live_journey(package.module, {}, tmp_path / "store.sqlite3") as live:
        run = live.client_class.run_b2b_purchase_order
        keywords = inspect.signature(run).parameters
        assert {"department_approval", "finance_approval"} <= set(keywords)
        with live.client_class(live.url) as client:
            # finance rejects: the journey reaches the level-2 evaluation only once both
            # branch inputs are in (allOf join), and fails there
            outcome = client.run_b2b_purchase_order(
                START,
                level1_approval={"decision": "approve"},
                department_approval={"decision": "approve"},
                finance_approval={"decision": "reject", "comment": "over budget"},
                level3_approval={"decision": "approve"},
                timeout=20,
                poll=live.poll(initial=0.01, max_interval=0.05),
            )
            assert outcome.phase.value == "FAILED", outcome
            assert outcome.error is not None
            assert outcome.error.code == "PO_REJECTED_LEVEL2", outcome
            # rejected at level 1: the branch inputs given are never posted, the run ends
            outcome = client.run_b2b_purchase_order(
                {**START, "purchaseOrderId": "po-2"},
                level1_approval={"decision": "reject"},
                department_approval={"decision": "approve"},
                finance_approval={"decision": "approve"},
                timeout=20,
                poll=live.poll(initial=0.01, max_interval=0.05),
            )
            assert outcome.error is not None
            assert outcome.error.code == "PO_REJECTED_LEVEL1", outcome
