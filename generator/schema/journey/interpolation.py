"""`${...}` placeholders name variables that exist (DSL §4: unknown variables are a validation
error, not an empty string; §2.3.1: references to undeclared `platform.config` keys warn).

A placeholder reads `${context.<dotPath>}` (or `payload`, `platform`); any other first name
cannot exist at run time. Placeholders are checked where the DSL interpolates strings: HTTP
`url`, `headers`, `params` and a string `body`, and Kafka `key` and `headers`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ...diagnostics import Level, did_you_mean
from .base import Expression
from .check import walk_models, walk_states
from .states import TaskState
from .tasks import HttpCall, KafkaPublish

if TYPE_CHECKING:
    from .check import Checker

ROOTS = ("context", "payload", "platform")
PLATFORM = {
    "environment": (),
    "journey": ("name", "kind", "version"),
    "run": ("id", "startedAt", "traceparent"),
    "config": None,  # the keys of spec.platform.config
}
_PATH = re.compile(
    r"\s*([A-Za-z_][A-Za-z0-9_]*)((?:\s*\.\s*[A-Za-z_][A-Za-z0-9_]*)*)\s*(.?)"
)
_CONFIG = re.compile(r"\bplatform\s*\.\s*config\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)")


def check(c: Checker) -> None:
    declared = set(c.journey.spec.platform.config) if c.journey.spec.platform else set()
    for pointer, text in _sites(c):
        for placeholder in _placeholders(text):
            _placeholder(c, pointer, placeholder, declared)
    for pointer, model in walk_models(c.journey, c.doc.data, ""):
        if isinstance(model, Expression):
            for key in sorted(set(_CONFIG.findall(model.expr)) - declared):
                _undeclared(c, pointer + "/expr", key, declared)


def _placeholder(c: Checker, pointer: str, inner: str, declared: set[str]) -> None:
    found = _PATH.match(inner)
    if found is None or found.group(3) == "(":
        return  # an expression, not a path: the DataWeave compiler reads it
    root = found.group(1)
    path = [p.strip() for p in found.group(2).split(".")[1:]]
    shown = "${" + inner + "}"
    if root not in ROOTS:
        if not path:
            hint = f"write ${{context.{root}}}"
        else:
            hint = did_you_mean(root, ROOTS) or "placeholders read ${context.<path>}"
        c.report(
            pointer,
            f"{shown}: {root!r} is not a variable (placeholders read context, payload or "
            f"platform; DSL §4: unknown variables are a validation error); {hint}",
        )
        return
    if root != "platform" or not path:
        return
    if path[0] not in PLATFORM:
        hint = did_you_mean(path[0], PLATFORM) or f"platform has {', '.join(PLATFORM)}"
        c.report(
            pointer, f"{shown}: platform.{path[0]} does not exist (DSL §10); {hint}"
        )
        return
    fields = PLATFORM[path[0]]
    if fields is None:
        if len(path) > 1 and path[1] not in declared:
            _undeclared(c, pointer, path[1], declared)
    elif len(path) > 1 and path[1] not in fields:
        hint = did_you_mean(path[1], fields) or f"platform.{path[0]} has {', '.join(fields) or 'no fields'}"  # fmt: skip
        c.report(pointer, f"{shown}: platform.{path[0]}.{path[1]} does not exist (DSL §10); {hint}")  # fmt: skip


def _undeclared(c: Checker, pointer: str, key: str, declared: set[str]) -> None:
    hint = did_you_mean(key, declared)
    c.report(
        pointer,
        f"platform.config.{key} is not declared under spec.platform.config (DSL §2.3.1); "
        + (hint or f"declare it: spec.platform.config.{key}: {{type: string}}"),
        Level.WARNING,
    )


def _sites(c: Checker) -> Iterator[tuple[str, str]]:
    for pointer, state in walk_states(c.journey.spec):
        if not isinstance(state, TaskState):
            continue
        task, at = state.task, pointer + "/task"
        if isinstance(task, HttpCall):
            yield from _strings(at + "/url", task.url)
            yield from _strings(at + "/headers", task.headers)
            if task.params is not None:
                for part in ("path", "query", "headers"):
                    yield from _strings(
                        f"{at}/params/{part}", getattr(task.params, part)
                    )
            if isinstance(task.body, str):
                yield at + "/body", task.body
        elif isinstance(task, KafkaPublish):
            yield from _strings(at + "/key", task.key)
            yield from _strings(at + "/headers", task.headers)


def _strings(pointer: str, value: Any) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield pointer, value
    elif isinstance(value, dict):
        for key, item in value.items():
            token = str(key).replace("~", "~0").replace("/", "~1")
            if isinstance(item, str):
                yield f"{pointer}/{token}", item


def _placeholders(text: str) -> Iterator[str]:
    """The inside of every `${...}` of a string (brace- and quote-aware)."""
    pos = 0
    while (start := text.find("${", pos)) >= 0:
        depth, quote, i = 0, "", start + 2
        while i < len(text):
            char = text[i]
            if quote:
                i += 2 if char == "\\" else 1
                quote = "" if char == quote else quote
                continue
            if char in "\"'":
                quote = char
            elif char == "{":
                depth += 1
            elif char == "}":
                if depth == 0:
                    break
                depth -= 1
            i += 1
        yield text[start + 2 : i]
        pos = i + 1
