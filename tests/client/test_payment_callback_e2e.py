"""The generated payment-callback client against a real HTTP server on 127.0.0.1, both clients."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from payment_callback import (
    AsyncPaymentCallbackClient,
    DeadlineExceeded,
    PaymentCallbackClient,
    PollSchedule,
    RetryPolicy,
    ServerError,
    Unauthorized,
)
from payment_callback.models import (
    JourneyOutcomePhase,
    JourneyStatus,
    PaymentCallbackInput,
    PaymentCallbackOutput,
    WaitForCallbackInput,
)

from tests.client.support import SECRET, PaymentCallbackDouble
from tests.support.recording import Server

FAST = PollSchedule(initial=0.02, multiplier=1.5, max_interval=0.1, deadline=10.0)
START = PaymentCallbackInput(payment_id="p-1", amount=12.5, currency="EUR")


def _callback(status: str) -> WaitForCallbackInput:
    return WaitForCallbackInput.model_validate({"paymentId": "p-1", "status": status})


def _post_later(
    url: str, double: PaymentCallbackDouble, delay: float
) -> threading.Thread:
    """The payment provider: posts a SUCCESS callback once the journey exists."""

    def run() -> None:
        time.sleep(delay)
        with PaymentCallbackClient(url, webhook_secret=SECRET) as provider:
            jid = next(iter(double.journeys))
            provider.wait_for_callback(jid, _callback("SUCCESS"))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_sync_success_callback_gives_succeeded_outcome_with_typed_output(
    pc: tuple[Server, PaymentCallbackDouble],
) -> None:
    server, _ = pc
    with PaymentCallbackClient(server.url, webhook_secret=SECRET) as client:
        outcome = client.run_payment_callback(
            START, callback=_callback("SUCCESS"), poll=FAST
        )
    assert outcome.phase is JourneyOutcomePhase.SUCCEEDED
    assert isinstance(outcome.output, PaymentCallbackOutput)
    assert outcome.output.payment_id == "p-1" and outcome.output.amount == 12.5
    posted = [r for r in server.seen if r.path.endswith("/steps/waitForCallback")]
    assert [r.headers.get("x-webhook-secret") for r in posted] == [SECRET]
    others = [r for r in server.seen if not r.path.endswith("/steps/waitForCallback")]
    assert all("x-webhook-secret" not in r.headers for r in others)
    assert server.seen[0].headers.get("idempotency-key")


def test_sync_failed_callback_gives_failed_outcome_with_error_code(
    pc: tuple[Server, PaymentCallbackDouble],
) -> None:
    server, _ = pc
    with PaymentCallbackClient(server.url, webhook_secret=SECRET) as client:
        outcome = client.run_payment_callback(
            START, callback=_callback("FAILED"), poll=FAST
        )
    assert outcome.phase is JourneyOutcomePhase.FAILED
    assert outcome.error is not None and outcome.error.code == "PAYMENT_FAILED"


def test_sync_waits_for_the_provider_to_post(
    pc: tuple[Server, PaymentCallbackDouble],
) -> None:
    server, double = pc
    thread = _post_later(server.url, double, 0.3)
    with PaymentCallbackClient(server.url) as client:
        outcome = client.run_payment_callback(START, poll=FAST, timeout=10)
    thread.join()
    assert outcome.phase is JourneyOutcomePhase.SUCCEEDED


def test_sync_nobody_posting_is_a_deadline_error_with_last_status(
    pc: tuple[Server, PaymentCallbackDouble],
) -> None:
    server, _ = pc
    began = time.monotonic()
    with (
        PaymentCallbackClient(server.url) as client,
        pytest.raises(DeadlineExceeded) as info,
    ):
        client.run_payment_callback(START, poll=FAST, timeout=0.6)
    # bounded by the timeout, not by the polling's own 10 s deadline (slack for a loaded box)
    assert time.monotonic() - began < 3.0
    last = info.value.last_value
    assert isinstance(last, JourneyStatus) and last.current_state == "waitForCallback"
    assert "waitForCallback" in str(info.value)


@pytest.mark.asyncio
async def test_async_success_and_failed(
    pc: tuple[Server, PaymentCallbackDouble],
) -> None:
    server, _ = pc
    async with AsyncPaymentCallbackClient(server.url, webhook_secret=SECRET) as client:
        ok = await client.run_payment_callback(
            START, callback=_callback("SUCCESS"), poll=FAST
        )
        bad = await client.run_payment_callback(
            START, callback=_callback("FAILED"), poll=FAST
        )
    assert ok.phase is JourneyOutcomePhase.SUCCEEDED and ok.output is not None
    assert ok.output.currency == "EUR"
    assert bad.phase is JourneyOutcomePhase.FAILED and bad.error is not None
    assert bad.error.code == "PAYMENT_FAILED"


@pytest.mark.asyncio
async def test_async_waits_for_a_separate_task_to_post(
    pc: tuple[Server, PaymentCallbackDouble],
) -> None:
    server, double = pc

    async def provider() -> None:
        while not double.journeys:
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.2)
        async with AsyncPaymentCallbackClient(
            server.url, webhook_secret=SECRET
        ) as other:
            await other.wait_for_callback(
                next(iter(double.journeys)), _callback("SUCCESS")
            )

    async with AsyncPaymentCallbackClient(server.url) as client:
        outcome, _ = await asyncio.gather(
            client.run_payment_callback(START, poll=FAST, timeout=10), provider()
        )
    assert outcome.phase is JourneyOutcomePhase.SUCCEEDED


@pytest.mark.asyncio
async def test_async_nobody_posting_and_cancellation(
    pc: tuple[Server, PaymentCallbackDouble],
) -> None:
    server, _ = pc
    async with AsyncPaymentCallbackClient(server.url) as client:
        began = time.monotonic()
        with pytest.raises(DeadlineExceeded):
            await client.run_payment_callback(START, poll=FAST, timeout=0.5)
        assert time.monotonic() - began < 2.0
        slow = PollSchedule(initial=30.0, deadline=60.0)
        task = asyncio.create_task(
            client.run_payment_callback(START, poll=slow, timeout=60)
        )
        await asyncio.sleep(0.3)
        began = time.monotonic()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert time.monotonic() - began < 0.5


def test_operations_typed_and_raw(pc: tuple[Server, PaymentCallbackDouble]) -> None:
    server, _ = pc
    with PaymentCallbackClient(server.url, headers={"X-Trace": "t-1"}) as client:
        status = client.start(START)
        assert (
            isinstance(status, JourneyStatus)
            and status.current_state == "waitForCallback"
        )
        raw = client.with_raw_response.get_status(status.journey_id)
        assert raw.status == 200 and raw.data["journeyId"] == status.journey_id
        assert raw.value.journey_id == status.journey_id
        with pytest.raises(Unauthorized) as info:
            client.wait_for_callback(status.journey_id, _callback("SUCCESS"))
        assert info.value.status == 401
    assert all(r.headers.get("x-trace") == "t-1" for r in server.seen)


def test_workflows_run_step_by_step_with_outputs(
    pc: tuple[Server, PaymentCallbackDouble],
) -> None:
    server, double = pc
    thread = _post_later(server.url, double, 0.2)
    inputs = {"startRequest": {"paymentId": "p-1", "amount": 3, "currency": "AOA"}}
    with PaymentCallbackClient(server.url) as client:
        happy = client.run_payment_callback_happy_path(inputs, poll=FAST)
    thread.join()
    jid = happy.steps["startJourney"]["journeyId"]
    assert jid == "j-1"
    assert happy.steps["getStatusWhilePending"] == {"phase": "Succeeded"}
    assert [r.method + " " + r.path for r in server.seen if "j-1" in r.path][
        -1
    ].endswith("/j-1/result")


@pytest.mark.asyncio
async def test_async_failed_workflow(pc: tuple[Server, PaymentCallbackDouble]) -> None:
    server, double = pc

    async def provider() -> None:
        while not double.journeys:
            await asyncio.sleep(0.02)
        async with AsyncPaymentCallbackClient(
            server.url, webhook_secret=SECRET
        ) as other:
            await other.wait_for_callback(
                next(iter(double.journeys)), _callback("FAILED")
            )

    inputs = {"startRequest": {"paymentId": "p-9", "amount": 1, "currency": "EUR"}}
    async with AsyncPaymentCallbackClient(server.url) as client:
        failed, _ = await asyncio.gather(
            client.run_payment_callback_failed(inputs, poll=FAST), provider()
        )
    assert failed.steps["getStatusWhilePending"] == {"phase": "Failed"}
    assert set(failed.steps) == {"startJourney", "getStatusWhilePending", "getResult"}


def test_start_retries_503_with_the_same_key_and_keyless_post_is_not_retried(
    pc: tuple[Server, PaymentCallbackDouble],
) -> None:
    server, double = pc
    policy = RetryPolicy(max_attempts=3, initial_backoff=0.01)
    start_path = "/api/v1/journeys/payment-callback/start"
    double.fail_next[start_path] = [503]
    with PaymentCallbackClient(
        server.url, retry=policy, webhook_secret=SECRET
    ) as client:
        status = client.start(START)
        starts = [r for r in server.seen if r.path == start_path]
        assert len(starts) == 2
        assert (
            starts[0].headers["idempotency-key"] == starts[1].headers["idempotency-key"]
        )
        step_path = f"/api/v1/journeys/{status.journey_id}/steps/waitForCallback"
        double.fail_next[step_path] = [503]
        with pytest.raises(ServerError):
            client.wait_for_callback(status.journey_id, _callback("SUCCESS"))
        assert len([r for r in server.seen if r.path == step_path]) == 1


HAPPY_INPUTS = {"startRequest": {"paymentId": "p-1", "amount": 3, "currency": "AOA"}}


def test_workflow_timeout_bounds_the_whole_run_when_nobody_posts(
    pc: tuple[Server, PaymentCallbackDouble],
) -> None:
    """The default poll schedule (minutes) would block; `timeout=` ends the run."""
    server, _ = pc
    began = time.monotonic()
    with (
        PaymentCallbackClient(server.url) as client,
        pytest.raises(DeadlineExceeded) as info,
    ):
        client.run_payment_callback_happy_path(HAPPY_INPUTS, timeout=1.0)
    assert time.monotonic() - began < 2.5
    # the error names the step that was polling and the last status it saw
    assert str(info.value).startswith(
        "step 'getStatusWhilePending' not settled before the deadline; last status: Running "
        "at waitForCallback ("
    ), str(info.value)


def test_the_client_deadline_is_the_overall_budget_of_a_workflow_run(
    pc: tuple[Server, PaymentCallbackDouble],
) -> None:
    server, _ = pc
    began = time.monotonic()
    with (
        PaymentCallbackClient(server.url, deadline=1.0) as client,
        pytest.raises(DeadlineExceeded),
    ):
        client.run_payment_callback_happy_path(HAPPY_INPUTS)
    assert time.monotonic() - began < 2.5
    began = time.monotonic()
    with (
        PaymentCallbackClient(server.url, deadline=1.0) as client,
        pytest.raises(DeadlineExceeded),
    ):
        client.run_payment_callback(START)  # the journey run too
    assert time.monotonic() - began < 2.5


@pytest.mark.asyncio
async def test_async_workflow_timeout(pc: tuple[Server, PaymentCallbackDouble]) -> None:
    server, _ = pc
    began = time.monotonic()
    async with AsyncPaymentCallbackClient(server.url) as client:
        with pytest.raises(DeadlineExceeded):
            await client.run_payment_callback_happy_path(HAPPY_INPUTS, timeout=1.0)
    assert time.monotonic() - began < 2.5
