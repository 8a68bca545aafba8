"""Random JSON into random registered functions: journeygen and MuleSoft's engine agree.

Each example draws a function template from `TEMPLATES` and a payload of random JSON (`a`,
`b`, a small number `n`), runs the template through journeygen and through the engine, and
compares the answers as `test_dw_functions` does (a failure on both sides is agreement).
Fixed seed and bounded examples keep it CI-fast; JOURNEYGEN_PROPERTY_EXAMPLES runs longer.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from types import ModuleType
from typing import Any

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from tests.dataweave.dw_cases import Case
from tests.dataweave.oracle import Oracle
from tests.dataweave.test_dw_functions import ours, theirs

_S, _A, _O = "dw::core::Strings", "dw::core::Arrays", "dw::core::Objects"
# (module, expression): the functions whose arguments may be any JSON.
TEMPLATES: list[tuple[str, str]] = [
    ("", "payload.a ++ payload.b"),
    ("", "sizeOf(payload.a)"),
    ("", "isEmpty(payload.a)"),
    ("", "upper(payload.a)"),
    ("", "lower(payload.a)"),
    ("", "trim(payload.a)"),
    ("", "payload.a contains payload.b"),
    ("", "payload.a startsWith payload.b"),
    ("", "payload.a endsWith payload.b"),
    ("", "payload.a splitBy payload.b"),
    ("", "payload.a joinBy payload.b"),
    ("", "payload.a == payload.b"),
    ("", "payload.a default payload.b"),
    ("", "keysOf(payload.a)"),
    ("", "valuesOf(payload.a)"),
    ("", "entriesOf(payload.a)"),
    ("", "flatten(payload.a)"),
    ("", "payload.a distinctBy $"),
    ("", "payload.a map [$, $$]"),
    ("", "payload.a filter ($ == payload.b)"),
    ("", "payload.a pluck $$"),
    ("", "payload.a mapObject {($$): $}"),
    ("", "payload.a reduce ((item, acc = 0) -> acc + 1)"),
    ("", "indexOf(payload.a, payload.b)"),
    ("", "lastIndexOf(payload.a, payload.b)"),
    ("", "payload.a find payload.b"),
    ("", "zip(payload.a, payload.b)"),
    ("", "abs(payload.n)"),
    ("", "ceil(payload.n)"),
    ("", "floor(payload.n)"),
    ("", "round(payload.n)"),
    ("", "payload.n + payload.m"),
    ("", "payload.n - payload.m"),
    ("", "payload.n * payload.m"),
    ("", "payload.n mod 3"),
    ("", "isEven(payload.n)"),
    ("", "isInteger(payload.n)"),
    ("", "typeOf(payload.a)"),
    ("", "payload.a as String"),
    ("", "write(payload.a, 'application/json')"),
    ("", "isBlank(payload.a)"),
    (_S, "camelize(payload.a)"),
    (_S, "capitalize(payload.a)"),
    (_S, "dasherize(payload.a)"),
    (_S, "underscore(payload.a)"),
    (_S, "reverse(payload.a)"),
    (_S, "words(payload.a)"),
    (_S, "isNumeric(payload.a)"),
    (_S, "substringAfter(payload.a, payload.b)"),
    (_S, "substringBefore(payload.a, payload.b)"),
    (_S, "leftPad(payload.a, 6, '*')"),
    (_S, "collapse(payload.a)"),
    (_A, "payload.a take 2"),
    (_A, "payload.a drop 1"),
    (_A, "payload.a countBy ($ == payload.b)"),
    (_A, "payload.a partition ($ == payload.b)"),
    (_A, "payload.a divideBy 2"),
    (_O, "payload.a mergeWith payload.b"),
    (_O, "keySet(payload.a)"),
]
_TEXT = st.text(alphabet="ab_- A1", max_size=6)
_SCALAR = st.none() | st.booleans() | st.integers(-20, 20) | _TEXT
_JSON = st.recursive(
    _SCALAR,
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from(["a", "b", "c"]), inner, max_size=3),
    max_leaves=8,
)
_NUMBER = st.integers(-50, 50) | st.decimals(
    min_value=-50, max_value=50, places=2, allow_nan=False, allow_infinity=False
).map(float)
EXAMPLES = int(os.environ.get("JOURNEYGEN_PROPERTY_EXAMPLES", "150"))


@seed(20261202)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    template=st.sampled_from(TEMPLATES),
    a=_JSON,
    b=_JSON,
    n=_NUMBER,
    m=_NUMBER,
)
def test_random_json_into_random_functions_agrees_with_dataweave(
    template: tuple[str, str],
    a: Any,
    b: Any,
    n: Any,
    m: Any,
    run: Callable[..., Any],
    dw: ModuleType,
    oracle: Oracle,
) -> None:
    module, expr = template
    case = Case(expr.split("(")[0], expr, module, {"a": a, "b": b, "n": n, "m": m})
    assert ours(run, dw, case) == theirs(oracle, case), case
