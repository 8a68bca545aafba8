"""A JSON Schema `number` keeps its form in the generated models: 500 is 500, 500.0 is 500.0."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from pydantic import ValidationError

from generator.models import _json_numbers, _run_generator
from generator.numbers import define_number

SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["amount"],
    "properties": {
        "amount": {"type": "number"},
        "fee": {"type": ["number", "null"]},
        "rates": {"type": "array", "items": {"type": "number"}},
        "floor": {"type": "number", "minimum": 0},
        "step": {"type": "number", "enum": [1, 2.5]},
        "count": {"type": "integer"},
        "note": {"type": "string", "default": "x", "examples": [{"type": "number"}]},
    },
}


@pytest.fixture(scope="module")
def models() -> Iterator[ModuleType]:
    document = {
        "openapi": "3.1.0",
        "info": {"title": "models", "version": "0"},
        "paths": {},
        "components": {"schemas": {"Order": _json_numbers(SCHEMA)}},
    }
    source = define_number(_run_generator(json.dumps(document), "", {}))
    module = ModuleType("numbers_models")
    sys.modules[module.__name__] = module  # pydantic resolves annotations through it
    try:
        # The generated module is run as its package would import it.
        exec(compile(source, "numbers_models.py", "exec"), vars(module))  # noqa: S102
        yield module
    finally:
        del sys.modules[module.__name__]


def test_integers_stay_integers_and_fractions_floats(models: ModuleType) -> None:
    sent = '{"amount":500,"fee":null,"rates":[1,2.0,3.5],"floor":0,"count":2}'
    order = models.Order.model_validate_json(sent, strict=True)
    assert type(order.amount) is int and type(order.floor) is int
    assert [type(r) for r in order.rates] == [int, float, float]
    assert order.model_dump_json(exclude_unset=True) == sent
    assert models.Order(amount=500.0).model_dump_json(include={"amount"}) == (
        '{"amount":500.0}'
    )


def test_a_number_is_still_checked_as_a_number(models: ModuleType) -> None:
    for wrong in ('"500"', "true"):
        with pytest.raises(ValidationError) as info:
            models.Order.model_validate_json(f'{{"amount":{wrong}}}', strict=True)
        assert [(e["loc"], e["msg"]) for e in info.value.errors()] == [
            (("amount",), "Input should be a valid number")
        ]
    with pytest.raises(ValidationError, match="greater than or equal to 0"):
        models.Order.model_validate_json('{"amount":1,"floor":-1}', strict=True)
    assert models.Order.model_validate({"amount": 1, "step": 2.5}).step.value == 2.5


def test_only_schema_positions_are_retyped() -> None:
    typed = _json_numbers(SCHEMA)["properties"]
    assert typed["amount"]["x-python-type"] == "_JsonNumber"
    assert typed["fee"]["x-python-type"] == "_JsonNumber | None"
    assert typed["rates"]["items"]["x-python-type"] == "_JsonNumber"
    assert (
        "x-python-type" not in typed["step"] and "x-python-type" not in typed["count"]
    )
    assert typed["note"]["examples"] == [{"type": "number"}]
