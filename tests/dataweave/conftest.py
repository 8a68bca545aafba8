"""Fixtures for the DataWeave tests: the runtime helper module and a compile-and-run helper."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest

from generator.dataweave import compile_expression
from tests.dataweave.dw_support import assert_safe_code, evaluate, load_runtime
from tests.dataweave.oracle import Oracle


@pytest.fixture(scope="session")
def dw() -> ModuleType:
    """The runtime helper module."""
    return load_runtime()


@pytest.fixture
def run(dw: ModuleType) -> Callable[..., Any]:
    """Compile a DataWeave expression with the given bindings and evaluate it."""

    def _run(source: str, **bindings: Any) -> Any:
        names = frozenset(bindings) or frozenset({"context"})
        compiled = compile_expression(source, bindings=names)
        assert_safe_code(compiled.code, names, dw)
        return evaluate(compiled.code, dw, bindings)

    return _run


@pytest.fixture(scope="session")
def oracle() -> Iterator[Oracle]:
    """MuleSoft's DataWeave engine, for differential tests."""
    engine = Oracle()
    yield engine
    engine.close()
