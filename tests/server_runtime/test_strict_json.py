"""The strict JSON reader every request body goes through, and the canonical form events and
Idempotency-Key bodies are compared by."""

from __future__ import annotations

import pytest
from jg_runtime.server.strictjson import JsonRefusal, canonical_json, parse_strict

REFUSED: list[tuple[bytes, str, str]] = [
    (b"[" * 100_000, "too-deep", "/0/0/0"),
    (b'{"a":[1,2,{"b":' + b"[" * 70 + b"]" * 70 + b"}]}", "too-deep", "/a/2/b/0/0"),
    (b'{"s":"[[[[","t":' + b"[" * 70 + b"]" * 70 + b"}", "too-deep", "/t/0"),
    (b'{"s":"\\ud800"}', "lone-surrogate", "/s"),
    (b'{"s":["ok","\\udfff x"]}', "lone-surrogate", "/s/1"),
    (b'{"k\\udc00":1}', "lone-surrogate", ""),
    (b'{"a":1e400}', "number-out-of-range", "/a"),
    (b'{"a":-1E+309}', "number-out-of-range", "/a"),
    (b'{"a":[0,1e-400]}', "number-out-of-range", "/a/1"),
    (b'{"a":' + b"1" * 320 + b"}", "number-out-of-range", "/a"),
    (b'{"a":' + b"9" * 5000 + b"}", "number-out-of-range", "/a"),
    (b'{"a":NaN}', "non-finite-number", "/a"),
    (b'{"a":{"b":-Infinity}}', "non-finite-number", "/a/b"),
    (b'{"status":"Pending","status":"Success"}', "duplicate-key", "/status"),
    (b'{"x":[{"a/b":1,"a/b":2}]}', "duplicate-key", "/x/0/a~1b"),
    (b"\xef\xbb\xbf{}", "byte-order-mark", ""),
    (b'{"a":"\xff"}', "invalid-utf8", ""),
    (b'{"a":"\xed\xa0\x80"}', "invalid-utf8", ""),
    (b'{"a":1', "malformed-json", ""),
    (b'{"a":1} {}', "malformed-json", ""),
    (b"", "malformed-json", ""),
]


@pytest.mark.parametrize(
    ("raw", "reason", "at"),
    REFUSED,
    ids=[f"{r}-{n}" for n, (_, r, _) in enumerate(REFUSED)],
)
def test_a_refused_body_names_the_reason_and_where(
    raw: bytes, reason: str, at: str
) -> None:
    with pytest.raises(JsonRefusal) as caught:
        parse_strict(raw, max_depth=64)
    assert caught.value.reason == reason
    assert caught.value.pointer.startswith(at)


ACCEPTED: list[tuple[bytes, object]] = [
    (b'{"a":"\\ud83d\\ude00"}', {"a": "\U0001f600"}),
    (b'{"a":1e308,"b":-0.0,"c":1.5e-300}', {"a": 1e308, "b": -0.0, "c": 1.5e-300}),
    (b'{"a":0e-999}', {"a": 0.0}),
    (b'{"a":"\\\\ud800"}', {"a": "\\ud800"}),
    (b"[[[]]]", [[[]]]),
    (b' {"nested":{"k":[1,2,3]}} ', {"nested": {"k": [1, 2, 3]}}),
]


@pytest.mark.parametrize(("raw", "value"), ACCEPTED)
def test_strict_json_is_still_json(raw: bytes, value: object) -> None:
    assert parse_strict(raw, max_depth=64) == value


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ({"a": 0}, {"a": -0.0}),
        ({"a": 1}, {"a": 1.0}),
        ({"a": 1500}, {"a": 15e2}),
        ({"a": 10**30}, {"a": 1e30}),
        (
            {"b": [1, {"y": 2, "x": 1}], "a": None},
            {"a": None, "b": [1.0, {"x": 1, "y": 2}]},
        ),
    ],
)
def test_the_canonical_form_compares_by_value(one: object, other: object) -> None:
    assert canonical_json(one) == canonical_json(other)


def test_the_canonical_form_tells_different_values_apart() -> None:
    assert canonical_json({"a": 0.1}) != canonical_json({"a": 0.10000000000000002})
    assert canonical_json({"a": "1"}) != canonical_json({"a": 1})
    assert canonical_json({"a": True}) != canonical_json({"a": 1})
    assert canonical_json([1, 2]) != canonical_json([2, 1])


def test_the_depth_limit_is_inclusive() -> None:
    assert parse_strict(b"[" * 8 + b"]" * 8, max_depth=8) is not None
    with pytest.raises(JsonRefusal):
        parse_strict(b"[" * 9 + b"]" * 9, max_depth=8)
    with pytest.raises(JsonRefusal):
        parse_strict(b'{"a":' * 9 + b"1" + b"}" * 9, max_depth=8)
