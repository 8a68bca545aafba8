"""The generated FakeHandlers (steerable per call) and `python -m <pkg>.server --fake`.

http-put-delete's fakes are used: a typed call (update_item_by_id, from the items API) and an
untyped one (delete, a raw URL).
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.live import free_port
from tests.support.paths import CorpusPackage


@pytest.fixture
def pkg(corpus_packages: dict[str, CorpusPackage]) -> Any:
    """The generated http_put_delete.testing and .handlers modules."""
    module = corpus_packages["http-put-delete"].module
    return (
        importlib.import_module(f"{module}.testing"),
        importlib.import_module(f"{module}.handlers"),
    )


def _calls(handlers: Any) -> tuple[Any, Any]:
    update = handlers.UpdateItemByIdCall.model_validate(
        {"id_": "i-1", "body": {"name": "x"}}
    )
    delete = handlers.DeleteCall.model_validate(
        {"method": "DELETE", "url": "https://api.example.com/items/i-1"}
    )
    return update, delete


def test_defaults_are_deterministic_documented_answers(pkg: Any) -> None:
    testing, handlers = pkg
    update, delete = _calls(handlers)
    first, second = testing.FakeHandlers(), testing.FakeHandlers()
    assert first.update_item_by_id(update) == second.update_item_by_id(update)
    answer = first.delete(delete)
    assert (answer.status, answer.ok) == (200, True)
    assert first.calls == [update, delete]
    assert first.calls_to("delete") == [delete] and first.calls_to("nothing") == []


def test_one_answer_a_sequence_in_turn_and_a_callable(pkg: Any) -> None:
    testing, handlers = pkg
    update, delete = _calls(handlers)
    fake = testing.FakeHandlers(
        delete=testing.reply(503, error={"type": "UNAVAILABLE"})
    )
    assert fake.delete(delete).model_dump() == {
        "status": 503,
        "ok": False,
        "headers": {},
        "body": None,
        "error": {"type": "UNAVAILABLE"},
    }
    fake.answers.update_item_by_id = [testing.reply(500), testing.reply(204)]
    statuses = [fake.update_item_by_id(update).status for _ in range(4)]
    assert statuses == [500, 204, 204, 204]  # in turn, then the last one repeats
    fake.answers.update_item_by_id = [testing.reply(409), testing.reply(200)]
    assert fake.update_item_by_id(update).status == 409  # a new sequence starts over
    seen: list[str] = []

    def echo(call: Any) -> Any:
        seen.append(call.id_)
        return testing.reply(200, {"id": call.id_, **call.body})

    fake.steer(update_item_by_id=echo)
    assert fake.update_item_by_id(update).body == {"id": "i-1", "name": "x"}
    assert seen == ["i-1"]
    assert len(fake.calls_to("update_item_by_id")) == 6


def test_answers_are_copies_and_steering_checks_names(pkg: Any) -> None:
    testing, handlers = pkg
    update, _ = _calls(handlers)
    shared = testing.reply(200, {"items": []})
    fake = testing.FakeHandlers(update_item_by_id=shared)
    fake.update_item_by_id(update).body["items"].append("changed")
    assert shared.body == {"items": []}
    with pytest.raises(TypeError, match="no method 'update_item'"):
        fake.steer(update_item=shared)
    fake.answers.update_item_by_id = []
    with pytest.raises(ValueError, match="empty"):
        fake.update_item_by_id(update)
    fake.steer(update_item_by_id=None)  # back to the default
    assert fake.update_item_by_id(update).status == 200


@pytest.mark.slow
def test_steering_type_checks_with_mypy_strict(
    corpus_packages: dict[str, CorpusPackage], tmp_path: Path
) -> None:
    """The typed API as a user writes it passes mypy --strict; a wrong call type does not."""
    folder = corpus_packages["http-put-delete"].folder
    good = tmp_path / "good.py"
    good.write_text(textwrap.dedent("""
            from http_put_delete.handlers import UpdateItemByIdCall
            from http_put_delete.testing import FakeHandlers, TaskResult, reply


            def answer(call: UpdateItemByIdCall) -> TaskResult:
                return reply(200, {"id": call.id_})


            fake = FakeHandlers(update_item_by_id=answer, delete=[reply(500), reply(204)])
            fake.answers.delete = reply(204)
            fake.steer(delete=None)
            """))
    bad = tmp_path / "bad.py"
    bad.write_text(textwrap.dedent("""
            from http_put_delete.handlers import DeleteCall
            from http_put_delete.testing import FakeHandlers, TaskResult, reply


            def answer(call: DeleteCall) -> TaskResult:
                return reply(200)


            FakeHandlers(update_item_by_id=answer)
            """))
    env = {**os.environ, "MYPYPATH": str(folder)}
    mypy = [sys.executable, "-m", "mypy", "--strict", "--no-incremental"]
    ok = subprocess.run([*mypy, str(good)], env=env, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout
    wrong = subprocess.run([*mypy, str(bad)], env=env, capture_output=True, text=True)
    assert wrong.returncode == 1 and "update_item_by_id" in wrong.stdout, wrong.stdout


def test_python_m_server_fake_serves_a_corpus_journey(
    corpus_packages: dict[str, CorpusPackage], tmp_path: Path
) -> None:
    """`python -m ecommerce_order_split_shipment.server --fake` starts a journey (2xx)."""
    package = corpus_packages["ecommerce-order-split-shipment"]
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(package.folder),
        "ECOMMERCE_ORDER_SPLIT_SHIPMENT_STORE": str(tmp_path / "demo.sqlite3"),
    }
    argv = [
        sys.executable,
        "-m",
        f"{package.module}.server",
        "--fake",
        "--port",
        str(port),
    ]
    process = subprocess.Popen(argv, env=env, cwd=tmp_path, stderr=subprocess.PIPE)
    body = {
        "orderId": "o-1",
        "customerId": "c-1",
        "items": [{"sku": "A", "quantity": 1}],
        "shippingAddress": {"city": "Luanda"},
    }
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                response = httpx.post(
                    f"http://127.0.0.1:{port}/api/v1/journeys/ecommerce-order-split-shipment/start",
                    json=body,
                    timeout=5,
                )
                break
            except httpx.TransportError:
                assert process.poll() is None, "the server exited"
                assert time.monotonic() < deadline, "the server did not come up"
                time.sleep(0.1)
        assert 200 <= response.status_code < 300, response.text
        data = response.json()
        # the default fake answers reserve nothing (empty body), so the journey ends FAILED
        # at once: it ran its outbound calls on FakeHandlers, with no network
        assert data["phase"] in ("Running", "Failed") and data["journeyId"]
        status = httpx.get(
            f"http://127.0.0.1:{port}/api/v1/journeys/{data['journeyId']}"
        )
        assert status.status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=10)
        assert process.stderr is not None
        process.stderr.close()


@pytest.mark.slow
def test_a_task_named_like_a_fake_member_gets_another_method_name(
    tmp_path: Path,
) -> None:
    """A state called `steer` (a FakeHandlers member) must not shadow it."""
    from generator.pipeline import generate
    from generator.write import write_package
    from tests.support.paths import PAYMENT_CALLBACK, SPECS

    case = tmp_path / "specs" / "examples" / "technical" / "payment-callback"
    for source in SPECS.rglob("*.yaml"):
        target = tmp_path / "specs" / source.relative_to(SPECS)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
    journey = case / "payment-callback.journey.yaml"
    text = journey.read_text(encoding="utf-8")
    text = text.replace("start: authorize", "start: steer").replace(
        "    authorize:\n", "    steer:\n"
    )
    text = text.replace(
        "operationRef: payments.authorizePayment",
        'method: POST\n        url: "https://payments.example.com/pay"',
    )
    journey.write_text(text, encoding="utf-8")
    assert PAYMENT_CALLBACK.name == case.name
    result = generate(case, root=tmp_path / "specs")
    testing = result.files[f"{result.package}/{result.package}/testing.py"]
    assert (
        "    def steer_task(self, call: handlers.SteerTaskCall) -> TaskResult:"
        in testing
    )
    assert testing.count("    def steer(self") == 1  # FakeHandlers' own
    write_package(tmp_path / "out", result.package, result.files)
    mypy = [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "-p"]
    env = {**os.environ, "MYPYPATH": str(tmp_path / "out" / result.package)}
    checked = subprocess.run(
        [*mypy, f"{result.package}.testing"], env=env, capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout
