"""Run the payment-callback journey end to end with the generated client.

    python demo/run_payment_callback.py http://127.0.0.1:8080

against `python -m payment_callback.server --fake` started with
PAYMENT_CALLBACK_API_KEY_PAYMENTS_CALLBACK=s3cret (the project README's demo).
"""

from __future__ import annotations

import sys

from payment_callback import PaymentCallbackClient
from payment_callback.models import (
    PaymentCallbackInput,
    PaymentCallbackOutputStatus,
    WaitForCallbackInput,
)

DEMO_SECRET = "s3cret"  # noqa: S105 - the secret the README starts the demo server with


def main(base_url: str) -> int:
    with PaymentCallbackClient(base_url, webhook_secret=DEMO_SECRET) as client:
        outcome = client.run_payment_callback(
            PaymentCallbackInput(payment_id="demo-1", amount=10, currency="AOA"),
            callback=WaitForCallbackInput(
                payment_id="demo-1", status=PaymentCallbackOutputStatus.SUCCESS
            ),
            timeout=30,
        )
    print(outcome.phase.value, outcome.output)
    return 0 if outcome.phase.value == "SUCCEEDED" else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080"))
