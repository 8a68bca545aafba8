"""AppyPay: the webhook payload model and the preset binding rules.

Payload fields follow AppyPay's documented examples; every model keeps unknown fields so a new
provider field never makes a delivery fail. Status mapping (first match wins):

- ``type == "Refund"``        -> recorded, no transition
- ``status == "Success"``     -> step payload ``{paymentId, status: "SUCCESS"}``
- ``status == "Failed"``      -> ``FAILED`` with reason from ``responseStatus.errorDetails``
  (falling back to ``errorCode``, then ``message``)
- ``status == "Cancelled"``   -> ``FAILED`` with a reason saying the payment was cancelled
- ``status == "Pending"``     -> acknowledged, the journey keeps waiting
- anything else               -> recorded as ``unmapped``
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PydanticField

from .security import Guard
from .webhooks import Action, Concat, Const, EventRule, Field, FirstOf, ProviderBinding

__all__ = [
    "APPYPAY_RULES",
    "AppyPayCustomer",
    "AppyPayEvent",
    "AppyPayHistoryEntry",
    "AppyPayReference",
    "AppyPayResponseStatus",
    "appypay_binding",
]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class AppyPayReference(_Open):
    """The MultiCaixa payment reference."""

    referenceNumber: str | None = None
    entity: str | None = None
    dueDate: str | None = None
    startDate: str | None = None
    status: str | None = None


class AppyPayCustomer(_Open):
    """The paying customer."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None
    documentNumber: str | None = None
    documentType: str | None = None


class AppyPayHistoryEntry(_Open):
    """One entry of the payment's own event history."""

    type: str | None = None
    status: str | None = None
    message: str | None = None
    timestamp: str | None = None


class AppyPayResponseStatus(_Open):
    """The provider's summary of the operation result."""

    code: str | None = None
    message: str | None = None
    success: bool | None = None
    errorCode: str | None = None
    errorDetails: str | None = None


class AppyPayEvent(_Open):
    """One AppyPay webhook delivery."""

    id: str = PydanticField(min_length=1)
    merchantTransactionId: str = PydanticField(min_length=1)
    type: str
    status: str
    amount: float | None = None
    currency: str | None = None
    paymentMethod: str | None = None
    reference: AppyPayReference | None = None
    customer: AppyPayCustomer | None = None
    events: list[AppyPayHistoryEntry] | None = None
    responseStatus: AppyPayResponseStatus | None = None
    createdDate: str | None = None
    updatedDate: str | None = None
    metadata: dict[str, Any] | None = None


def _payment_payload(status: str, reason: Any = None) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "paymentId": Field("merchantTransactionId"),
        "status": Const(status),
    }
    if reason is not None:
        payload["reason"] = reason
    return payload


_FAILED_REASON = FirstOf(
    (
        Field("responseStatus.errorDetails"),
        Field("responseStatus.errorCode"),
        Field("responseStatus.message"),
        Const("Payment failed"),
    )
)
_CANCELLED_REASON = FirstOf(
    (
        Concat((Const("Payment cancelled: "), Field("metadata.cancellationReason"))),
        Const("Payment cancelled"),
    )
)

APPYPAY_RULES: tuple[EventRule, ...] = (
    EventRule({"type": "Refund"}, Action.RECORD, "refund_recorded"),
    EventRule(
        {"status": "Success"}, Action.DELIVER, "succeeded", _payment_payload("SUCCESS")
    ),
    EventRule(
        {"status": "Failed"},
        Action.DELIVER,
        "failed",
        _payment_payload("FAILED", _FAILED_REASON),
    ),
    EventRule(
        {"status": "Cancelled"},
        Action.DELIVER,
        "cancelled",
        _payment_payload("FAILED", _CANCELLED_REASON),
    ),
    EventRule({"status": "Pending"}, Action.ACKNOWLEDGE, "pending"),
)


def appypay_binding(
    *,
    target_step: str,
    journey_input: str,
    guard: Guard | None,
    route: str = "/webhooks/appypay",
    rules: tuple[EventRule, ...] = APPYPAY_RULES,
) -> ProviderBinding:
    """Return the AppyPay binding for a journey's webhook step."""
    return ProviderBinding(
        provider="appypay",
        route=route,
        payload_model=AppyPayEvent,
        event_id_field="id",
        correlation_field="merchantTransactionId",
        journey_input=journey_input,
        target_step=target_step,
        rules=rules,
        guard=guard,
    )
