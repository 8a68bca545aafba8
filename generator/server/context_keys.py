"""Fail fast on context reads that cannot succeed (DSL §4: unknown variables are a validation
error; §11: `spec.context.schema` describes every field the context may hold).

Every compiled expression of the journey's own state machine (its branches included) records
the context paths it reads (`context.a.b`, a bare `a.b` read from the context too, and
`${context.a}` placeholders). A read is a located error, with the nearest name, when:

- its first name is one no state of the journey ever writes and the input schema does not
  declare (an input schema saying `additionalProperties: true`, or giving a schema for other
  keys, lets the caller send any key: nothing is checked then) (writes: a resultVar, a context target's first name, an auth task's authVar, the
  `payload` of a wait/webhook state). The check is skipped whenever the journey writes keys
  that cannot be known when it is generated (a transform or xmlDecode replacing or merging
  into the whole context, a subjourney or parallel join without resultVar, request headers or
  query mapped into the context, a task kind it does not know);
- `spec.context.schema` closes an object (`additionalProperties: false`) on the read's path
  and the next name is not one of its properties (checked whatever the journey writes).

Subjourneys, compensation and `spec.outcomes` see their own context (and `outcome`,
`error`) and are not checked.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ..diagnostics import Diagnostic, Location, did_you_mean
from ..schema.journey import states as st
from ..schema.journey import tasks as tk
from ..schema.journey.spec import JourneySpec

__all__ = ["context_paths", "problems"]

Read = tuple[Location, tuple[str, ...]]


def context_paths(code: str) -> list[tuple[str, ...]]:
    """The constant context paths compiled code reads: `_dw.sel(context, 'a')` is ("a",),
    `_dw.path(_dw.sel(context, 'a'), 'b', 'c')` is ("a", "b", "c") (the longest constant
    path of each read)."""
    found: list[tuple[str, ...]] = []
    inner: set[int] = set()
    for node in ast.walk(ast.parse(code, mode="eval")):
        path = _path(node)
        if path is None or id(node) in inner:
            continue
        found.append(path)
        below = node
        while isinstance(below, ast.Call) and _path(below) is not None:
            below = below.args[0]
            inner.add(id(below))
    return found


def position(text: str, path: tuple[str, ...]) -> tuple[int, int] | None:
    """(line, column), 1-based, of the first place `text` reads `path` (`a.b`, `a . b`)."""
    dotted = r"\s*\.\s*".join(re.escape(p) for p in path)
    pattern = r"(?<![\w.])(?:context\s*\.\s*)?" + dotted + r"\b"
    found = re.search(pattern, text)
    if found is None and len(path) > 1:
        return position(text, path[:1])
    if found is None:
        return None
    before = text[: found.start()]
    line = before.count("\n") + 1
    return line, found.start() - (before.rfind("\n") + 1) + 1


def _path(node: ast.AST) -> tuple[str, ...] | None:
    """The constant path of `context`, `_dw.sel(x, 'k')` or `_dw.path(x, 'k1', 'k2')`."""
    if isinstance(node, ast.Name) and node.id == "context":
        return ()
    if not (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("sel", "path")
        and len(node.args) >= 2
        and (node.func.attr == "path" or len(node.args) == 2)
        and all(
            isinstance(a, ast.Constant) and isinstance(a.value, str)
            for a in node.args[1:]
        )
    ):
        return None
    base = _path(node.args[0])
    keys = tuple(str(a.value) for a in node.args[1:] if isinstance(a, ast.Constant))
    return None if base is None else (*base, *keys)


def problems(spec: JourneySpec, reads: Iterable[Read]) -> list[Diagnostic]:
    """The located errors of the reads (see the module docstring)."""
    written = _written(spec)
    schema = spec.input.schema_ if spec.input else None
    declared = _properties(schema)
    if (
        isinstance(schema, dict)
        and schema.get("additionalProperties", False) is not False
    ):
        # the start body may carry any other key: `additionalProperties: true` says so
        declared = None if "additionalProperties" in schema else declared
    shape = spec.context.schema_ if spec.context is not None else None
    known = None if written is None or declared is None else written | declared
    if known is not None and isinstance(shape, dict):
        known |= set(_properties(shape) or ())
    out: list[Diagnostic] = []
    seen: set[tuple[Location, tuple[str, ...]]] = set()
    for where, path in reads:
        if not path or (where, path) in seen:
            continue
        seen.add((where, path))
        shown = "context." + ".".join(path)
        if known is not None and path[0] not in known:
            hint = did_you_mean(path[0], [*sorted(known), "context"])
            out.append(
                Diagnostic(
                    where,
                    f"{shown} is never written: no state writes context.{path[0]} and "
                    "spec.input.schema does not declare it (a bare name reads the context "
                    "too; DSL §4: unknown variables are a validation error); "
                    + (hint or "declare it in spec.input.schema or write it first"),
                )
            )
            continue
        closed = _closed_at(shape, path)
        if closed is not None:
            depth, names = closed
            parent = "context" + "".join(f".{p}" for p in path[:depth])
            hint = did_you_mean(path[depth], names)
            out.append(
                Diagnostic(
                    where,
                    f"{shown} cannot exist: spec.context.schema gives {parent} only "
                    f"{', '.join(names) or 'no properties'} (additionalProperties: false, "
                    "DSL §11); "
                    + (hint or f"add {path[depth]} to spec.context.schema"),
                )
            )
    return out


def _properties(schema: Any) -> set[str] | None:
    """The property names an object schema declares (None: not a plain object schema)."""
    if not isinstance(schema, dict):
        return None
    props = schema.get("properties")
    return set(props) if isinstance(props, dict) else set()


def _closed_at(shape: Any, path: tuple[str, ...]) -> tuple[int, list[str]] | None:
    """(index, allowed names) of the first name of `path` a closed object excludes."""
    node = shape
    for depth, name in enumerate(path):
        if not isinstance(node, dict) or any(k in node for k in _COMBINERS):
            return None
        props = node.get("properties")
        props = props if isinstance(props, dict) else {}
        if name in props:
            node = props[name]
            continue
        if node.get("additionalProperties") is False and node.get("type") == "object":
            return depth, sorted(props)
        return None
    return None


_COMBINERS = ("$ref", "allOf", "anyOf", "oneOf", "patternProperties", "if")


def _written(spec: JourneySpec) -> set[str] | None:
    """The first names the journey's own states write; None when that cannot be known."""
    bindings = spec.bindings.http if spec.bindings else None
    start = getattr(bindings, "start", None) if bindings is not None else None
    if start is not None and (start.headersToContext or start.queryToContext):
        return None
    names: set[str] = set()
    for state in _states(spec.states):
        found = _writes(state)
        if found is None:
            return None
        names |= found
    return names


def _states(states: Mapping[str, Any]) -> Iterator[Any]:
    for state in states.values():
        yield state
        if isinstance(state, st.ParallelState):
            for branch in state.parallel.branches or []:
                yield from _states(branch.states or {})


def _first(path: str | None) -> set[str] | None:
    """A context target path's first name; None for the whole context."""
    return {path.split(".")[0]} if path else None


def _writes(state: Any) -> set[str] | None:
    if isinstance(
        state, (st.ChoiceState, st.SucceedState, st.FailState, st.TimerState)
    ):
        return set()
    if isinstance(state, (st.WaitState, st.WebhookState)):
        return {"payload"}
    if isinstance(state, st.TransformState):
        target, var = (
            state.transform.target,
            state.transform.resultVar or state.resultVar,
        )
        kind = target.kind if target is not None else ("var" if var else "context")
        if kind == "attributes":
            return set()
        if kind == "var":
            return {var} if var else None
        return _first(target.path if target is not None else None)
    if isinstance(state, st.SubjourneyState):
        var = state.subjourney.resultVar
        return {var} if var else None
    if isinstance(state, st.ParallelState):
        var = state.parallel.join.resultVar
        return {var} if var else None
    if isinstance(state, st.TaskState):
        return _task_writes(state.task)
    return None


def _task_writes(task: Any) -> set[str] | None:
    if isinstance(task, (tk.KafkaPublish, tk.Schedule)):
        return set()
    if isinstance(task, (tk.ApiKeyValidate, tk.JwtValidate, tk.MtlsValidate)):
        var = task.authVar
        return {var} if isinstance(var, str) and var else {"auth"}
    if isinstance(task, tk.Cache):
        return {task.resultVar} if task.resultVar else set()
    if isinstance(task, tk.XmlDecode):
        target = task.target
        if (target is None and task.resultVar) or (target and target.kind == "var"):
            return {task.resultVar} if task.resultVar else None
        return _first(target.path if target is not None else None)
    if isinstance(task, tk.HttpCall):
        names = {task.resultVar} if task.resultVar else set()
        mapping = task.errorMapping
        if mapping is not None:
            if mapping.resultVar:
                names.add(mapping.resultVar)
            elif mapping.target is not None and mapping.target.kind == "context":
                more = _first(mapping.target.path)
                if more is None:
                    return None
                names |= more
        return names
    return None
