"""Every DataWeave expression and `${...}` placeholder of the JourneyForge corpus compiles.

Also a property test: evaluated against random partial contexts, compiled corpus expressions
never raise a Python error; only DataWeaveRuntimeError where DataWeave itself fails, and nothing
at all for the expressions DataWeave evaluates without error on null input.
"""

from __future__ import annotations

import ast as pyast
import contextlib
from dataclasses import dataclass, fields
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.dataweave import ast, compile_expression, compile_interpolation, parse
from tests.dataweave.dw_support import CORPUS_EXAMPLES, assert_safe_code, load_runtime

BASE_BINDINGS = frozenset({"context", "payload", "platform"})


@dataclass(frozen=True)
class Site:
    """One expression site in a journey file."""

    file: Path
    path: str
    text: str

    @property
    def bindings(self) -> frozenset[str]:
        """Bindings per DSL reference §10.2 (plus `branches` for parallel join, §16)."""
        extra = {"branches"} if "/join/" in self.path + "/" else set()
        if self.path.startswith("spec/errors") or "apiResponses" in self.path:
            extra.add("error")
        return BASE_BINDINGS | extra

    @property
    def predicate(self) -> bool:
        """Whether the site is a predicate (must yield a boolean)."""
        return self.path.endswith("/predicate")


def _walk(
    node: Any, path: list[str], file: Path, exprs: list[Site], interps: list[Site]
) -> None:
    if isinstance(node, dict):
        if node.get("lang") == "dataweave" and isinstance(node.get("expr"), str):
            exprs.append(Site(file, "/".join(path), node["expr"]))
        for key, value in node.items():
            _walk(value, [*path, str(key)], file, exprs, interps)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _walk(value, [*path, str(index)], file, exprs, interps)
    elif isinstance(node, str) and "${" in node and path[-1:] != ["expr"]:
        interps.append(Site(file, "/".join(path), node))


def corpus_sites() -> tuple[list[Site], list[Site]]:
    """All `lang: dataweave` expressions and all strings holding `${...}` in the corpus."""
    exprs: list[Site] = []
    interps: list[Site] = []
    for file in sorted(CORPUS_EXAMPLES.rglob("*.journey.yaml")):
        _walk(
            yaml.safe_load(file.read_text(encoding="utf-8")), [], file, exprs, interps
        )
    return exprs, interps


def compile_site(site: Site) -> str:
    return compile_expression(
        site.text,
        bindings=site.bindings,
        implicit_root="context",
        predicate=site.predicate,
    ).code


def test_every_corpus_expression_compiles() -> None:
    exprs, _ = corpus_sites()
    runtime = load_runtime()
    implicit: set[str] = set()
    for site in exprs:
        compiled = compile_expression(
            site.text,
            bindings=site.bindings,
            implicit_root="context",
            predicate=site.predicate,
        )
        pyast.parse(compiled.code, mode="eval")
        assert_safe_code(compiled.code, site.bindings, runtime)
        implicit |= compiled.implicit_fields
    print(f"\nDataWeave corpus: {len(exprs)}/{len(exprs)} expressions compiled")
    print(f"bare names read from context: {', '.join(sorted(implicit))}")
    assert len(exprs) == 257


def test_every_corpus_interpolation_compiles() -> None:
    _, interps = corpus_sites()
    runtime = load_runtime()
    placeholders = 0
    for site in interps:
        compiled = compile_interpolation(site.text, bindings=site.bindings)
        pyast.parse(compiled.code, mode="eval")
        assert_safe_code(compiled.code, site.bindings, runtime)
        placeholders += compiled.code.count("_dw.hole(")
    print(
        f"\n`${{...}}` corpus: {placeholders} placeholders in {len(interps)} strings compiled"
    )
    assert (len(interps), placeholders) == (41, 43)


def test_corpus_compilation_is_deterministic() -> None:
    exprs, _ = corpus_sites()
    assert [compile_site(s) for s in exprs] == [compile_site(s) for s in exprs]


# -- property: no Python errors on partial contexts ------------------------------------------

# Constructs DataWeave evaluates without error when every field read is null or missing.
_NULL_TOTAL_OPS = frozenset(
    {"==", "!=", "and", "or", "default", "map", "filter", "any", "all"}
)


def null_total(node: ast.Node) -> bool:
    """Whether DataWeave gives a value (never an error) for node when fields are null."""
    if isinstance(node, ast.Binary) and node.op not in _NULL_TOTAL_OPS:
        return (
            node.op == "contains" and null_total(node.left) and null_total(node.right)
        )
    if isinstance(node, ast.Coerce | ast.Unary) or (
        isinstance(node, ast.Call) and node.name not in ("now", "sizeOf")
    ):
        return False
    return all(null_total(child) for child in _children(node))


def _children(node: ast.Node) -> list[ast.Node]:
    out: list[ast.Node] = []
    for item in fields(node):
        value = getattr(node, item.name)
        for child in value if isinstance(value, tuple) else (value,):
            if isinstance(child, ast.Node):
                out.append(child)
    return out


def _keys(node: ast.Node) -> set[str]:
    found = {node.key} if isinstance(node, ast.Select) else set()
    if isinstance(node, ast.Name):
        found.add(node.name)
    for child in _children(node):
        found |= _keys(child)
    return found


@dataclass(frozen=True)
class Compiled:
    site: Site
    program: CodeType
    total: bool


def _compiled_corpus() -> tuple[list[Compiled], list[str]]:
    exprs, _ = corpus_sites()
    keys: set[str] = set()
    out = []
    for site in exprs:
        tree = parse(site.text)
        keys |= _keys(tree)
        code = compile(compile_site(site), site.path, "eval")
        out.append(Compiled(site, code, null_total(tree)))
    return out, sorted(keys)


COMPILED, KEYS = _compiled_corpus()
RUNTIME: ModuleType = load_runtime()
_key = st.sampled_from(KEYS)
# Trees whose leaves are all null: every field read is null or missing (DataWeave gives null).
NULL_TREES = st.recursive(
    st.none(), lambda inner: st.dictionaries(_key, inner, max_size=6), max_leaves=25
)
SCALARS = (
    st.none() | st.booleans() | st.integers(-5, 5) | st.sampled_from(["", "OK", "PT5M"])
)
ANY_TREES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(_key, inner, max_size=5),
    max_leaves=25,
)


def _run(item: Compiled, values: dict[str, Any]) -> Any:
    scope = {"__builtins__": {}, "_dw": RUNTIME}
    scope.update({name: values.get(name) for name in item.site.bindings})
    # evaluating generated test code on purpose
    return eval(item.program, scope)  # noqa: S307


@settings(
    derandomize=True,
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(context=NULL_TREES, payload=NULL_TREES, branches=NULL_TREES)
def test_null_contexts_never_raise_where_dataweave_gives_null(
    context: Any, payload: Any, branches: Any
) -> None:
    values = {
        "context": context if isinstance(context, dict) else {},
        "payload": payload,
    }
    values["branches"] = branches
    for item in COMPILED:
        if item.total:
            _run(item, values)
        else:
            with contextlib.suppress(RUNTIME.DataWeaveRuntimeError):
                _run(item, values)


@settings(
    derandomize=True,
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(context=st.dictionaries(_key, ANY_TREES, max_size=8), payload=ANY_TREES)
def test_random_contexts_raise_only_typed_errors(
    context: dict[str, Any], payload: Any
) -> None:
    for item in COMPILED:
        with contextlib.suppress(RUNTIME.DataWeaveRuntimeError):
            _run(item, {"context": context, "payload": payload, "branches": context})


def test_null_total_share_is_reported() -> None:
    total = sum(item.total for item in COMPILED)
    print(f"\n{total}/{len(COMPILED)} corpus expressions are total on null input")
    assert total > len(COMPILED) // 2
