"""The generated models validate payloads as the schemas say."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from pydantic import ValidationError

from tests.support.paths import GENERATED, ROOT


def test_callback_model_rejects_unknown_status_and_keeps_extra_fields() -> None:
    from payment_callback.models import WaitForCallbackInput

    ok = WaitForCallbackInput.model_validate(
        {"paymentId": "p-1", "status": "SUCCESS", "providerRef": "abc"}
    )
    assert ok.payment_id == "p-1"
    assert ok.model_dump(by_alias=True, mode="json")["providerRef"] == "abc"
    with pytest.raises(ValidationError, match="status"):
        WaitForCallbackInput.model_validate({"paymentId": "p-1", "status": "PENDING"})
    with pytest.raises(ValidationError, match="paymentId"):
        WaitForCallbackInput.model_validate({"status": "FAILED"})


def test_journey_outcome_is_one_model_with_generic_fields_and_typed_output() -> None:
    from payment_callback.models import JourneyOutcome, PaymentCallbackOutput

    payload: dict[str, Any] = {
        "journeyId": "j-1",
        "journeyName": "payment-callback",
        "phase": "SUCCEEDED",
        "status": "SUCCESS",
        "output": {
            "paymentId": "p-1",
            "status": "SUCCESS",
            "amount": 12.5,
            "currency": "EUR",
        },
        "_links": {"self": {"href": "/api/v1/journeys/j-1"}},
    }
    outcome = JourneyOutcome.model_validate(payload)
    assert isinstance(outcome.output, PaymentCallbackOutput)
    assert outcome.output.amount == 12.5
    assert (
        outcome.links is not None
        and outcome.links["self"].href == "/api/v1/journeys/j-1"
    )
    assert outcome.model_dump(by_alias=True, mode="json", exclude_none=True) == payload
    with pytest.raises(ValidationError):
        JourneyOutcome.model_validate({**payload, "output": {"status": "MAYBE"}})


def test_start_request_and_status_models() -> None:
    from payment_callback import models

    start = models.PaymentCallbackInput(payment_id="p-1", amount=10, currency="AOA")
    assert start.model_dump(by_alias=True) == {
        "paymentId": "p-1",
        "amount": 10.0,
        "currency": "AOA",
    }
    assert models.StartRequest is models.PaymentCallbackInput
    assert [p.value for p in models.JourneyStatusPhase] == [
        "Running",
        "Succeeded",
        "Failed",
    ]
    assert [p.value for p in models.JourneyOutcomePhase] == ["SUCCEEDED", "FAILED"]


def test_generated_package_imports_without_warnings() -> None:
    code = "import payment_callback, payment_callback.models"
    subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        cwd=GENERATED / "payment_callback",
        check=True,
    )


@pytest.mark.slow
def test_mypy_strict_on_generated_and_generator() -> None:
    mypy = [sys.executable, "-m", "mypy", "--strict", "--no-incremental"]
    for target in (
        ["-p", "generator"],
        [str(GENERATED / "payment_callback" / "payment_callback")],
    ):
        result = subprocess.run(
            [*mypy, *target], cwd=ROOT, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr
