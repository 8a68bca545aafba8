"""Time the 257 compiled corpus DataWeave expressions (compile once, evaluate many times).

    .venv/bin/python benchmarks/bench_dataweave.py [--loops N] [--reps N]

Each expression is compiled as the generator compiles it, then evaluated against a fixed set
of contexts (an empty one and seeded random partial ones built from the field names the corpus
reads), as the generated packages run it. Failures where DataWeave fails (a typed run-time
error) are counted, not timed apart. Prints the median of `--reps` runs, in microseconds per
pass over the corpus and nanoseconds per evaluation.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import random
import re
import statistics
import sys
import time
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.dataweave import compile_expression  # noqa: E402

CORPUS = ROOT / "tests" / "corpus" / "journeyforge" / "examples"
RUNTIME_DIR = ROOT / "templates" / "runtime" / "server" / "dataweave"
BASE = frozenset({"context", "payload", "platform"})


def _runtime() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "bench_dw_runtime",
        RUNTIME_DIR / "__init__.py",
        submodule_search_locations=[str(RUNTIME_DIR)],
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _sites() -> list[tuple[str, frozenset[str], bool, str]]:
    found: list[tuple[str, frozenset[str], bool, str]] = []

    def walk(node: Any, path: list[str]) -> None:
        if isinstance(node, dict):
            if node.get("lang") == "dataweave" and isinstance(node.get("expr"), str):
                where = "/".join(path)
                extra = {"branches"} if "/join/" in where + "/" else set()
                if where.startswith("spec/errors") or "apiResponses" in where:
                    extra.add("error")
                found.append(
                    (node["expr"], BASE | extra, where.endswith("/predicate"), where)
                )
            for key, value in node.items():
                walk(value, [*path, str(key)])
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, [*path, str(index)])

    for file in sorted(CORPUS.rglob("*.journey.yaml")):
        walk(yaml.safe_load(file.read_text(encoding="utf-8")), [])
    return found


def _tree(rng: random.Random, keys: list[str], depth: int) -> Any:
    roll = rng.random()
    if depth > 2 or roll < 0.35:
        return rng.choice([None, True, False, 0, 3, -2, "", "OK", "PENDING", "PT5M"])
    if roll < 0.5:
        return [_tree(rng, keys, depth + 1) for _ in range(rng.randint(0, 3))]
    count = rng.randint(1, 6)
    return {rng.choice(keys): _tree(rng, keys, depth + 1) for _ in range(count)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loops", type=int, default=20)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--contexts", type=int, default=12)
    args = parser.parse_args()
    runtime = _runtime()
    sites = _sites()
    compiled: list[tuple[CodeType, frozenset[str]]] = []
    keys: set[str] = set()
    start = time.perf_counter()
    for text, bindings, predicate, where in sites:
        code = compile_expression(
            text, bindings=bindings, implicit_root="context", predicate=predicate
        ).code
        compiled.append((compile(code, where, "eval"), bindings))
        keys |= set(re.findall(r"\.([A-Za-z_][A-Za-z0-9_]*)", text))
    compile_ms = (time.perf_counter() - start) * 1000
    rng = random.Random(20240601)  # noqa: S311 - fixed test data, not security
    ordered = sorted(keys)
    contexts: list[dict[str, Any]] = [{}]
    for _ in range(args.contexts - 1):
        tree = _tree(rng, ordered, 0)
        contexts.append(tree if isinstance(tree, dict) else {"payload": tree})
    scopes = []
    for context in contexts:
        for program, bindings in compiled:
            scope: dict[str, Any] = {"__builtins__": {}, "_dw": runtime}
            scope.update({name: None for name in bindings})
            scope["context"] = context
            scope["payload"] = context.get("payload")
            scope["branches"] = context
            scopes.append((program, scope))
    failures = 0
    for program, scope in scopes:
        try:
            eval(program, scope)  # noqa: S307 - timing generated code on purpose
        except runtime.DataWeaveRuntimeError:
            failures += 1
    runs = []
    for _ in range(args.reps):
        begin = time.perf_counter()
        for _ in range(args.loops):
            for program, scope in scopes:
                with contextlib.suppress(runtime.DataWeaveRuntimeError):
                    eval(program, scope)  # noqa: S307
        runs.append((time.perf_counter() - begin) / args.loops)
    per_pass = statistics.median(runs)
    print(
        json.dumps(
            {
                "expressions": len(compiled),
                "contexts": len(contexts),
                "evaluations_per_pass": len(scopes),
                "typed_failures_per_pass": failures,
                "compile_all_ms": round(compile_ms, 1),
                "pass_us_median": round(per_pass * 1e6, 1),
                "pass_us_min": round(min(runs) * 1e6, 1),
                "ns_per_evaluation": round(per_pass * 1e9 / len(scopes), 1),
            }
        )
    )


if __name__ == "__main__":
    main()
