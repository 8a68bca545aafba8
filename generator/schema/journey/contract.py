"""Output contracts (DSL §11): a `succeed` whose output can never hold a property the
journey's own `spec.output.schema` requires is a located warning.

Such a run ends SUCCEEDED with an outcome its own contract rejects: the server logs it when it
serves the outcome, and the typed client's `get_result` raises DecodeError naming the field.
The check is static and errs towards silence: it reasons about the keys a context variable may
hold, from the states that write it, and says nothing as soon as one writer is not understood.

- an `httpCall:v1` `resultVar` holds a task result: `status, ok, headers, body, error`;
- a `wait`/`webhook` payload (`context.payload`) holds what the step's `input.schema` declares;
- a transform writes a variable (`target.kind: var` + `resultVar`, or `target.path`) or, when
  it replaces the whole context, the keys of its object (`context ++ {k: ...}` or `{k: ...}`);
  an object literal holds its keys, `a ++ b` and `a default b` the keys of both, and
  `context.<v>` the keys of `v`;
- the start input holds `v` when `spec.input.schema` declares it (its declared keys then).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ...diagnostics import Level
from ...load import escape_pointer_token
from .spec import JourneySpec
from .states import (
    ParallelState,
    SucceedState,
    TaskState,
    TransformState,
    WaitState,
    WebhookState,
)
from .tasks import HttpCall

if TYPE_CHECKING:
    from .check import Checker

TASK_RESULT = frozenset({"status", "ok", "headers", "body", "error"})
Keys = frozenset[str] | None  # the keys a value may hold; None: not understood


@dataclass(frozen=True)
class Writer:
    """One place that writes context.<var>: what it is, and the keys it may write."""

    what: str
    keys: Keys
    expr: Any = None  # the DataWeave node of a transform writer, read lazily
    own: str | None = None  # the variable this writer writes (for `context.<own>`)
    payload: Keys = None  # the keys of the step payloads reaching a transform writer


@dataclass(frozen=True)
class Broken:
    """A `succeed` whose output its own `spec.output.schema` rejects: `fields` are the
    output properties (the first is what the typed client's DecodeError names)."""

    state: str
    var: str
    fields: tuple[str, ...]
    pointer: str  # JSON pointer of the succeed state's outputVar
    why: str  # what writes the variable, and why it cannot hold the fields
    via: str | None = None  # the state a run must pass through for this to happen


def check(c: Checker) -> None:
    for found in broken_outputs(c.journey.spec):
        missing = ", ".join(found.fields)
        if found.via is None:
            c.report(found.pointer, f"succeed state {found.state!r} outputs context.{found.var}, which never holds {missing} that spec.output.schema requires ({found.why}), so a run ending here answers an outcome its own contract rejects: the server logs it and the typed client's get_result raises DecodeError naming /output/{found.fields[0]} (DSL §11); output a variable that holds {missing}, or leave {missing} out of spec.output.schema.required", Level.WARNING)  # fmt: skip
        else:
            c.report(found.pointer, f"succeed state {found.state!r} outputs context.{found.var}, whose {missing} spec.output.schema declares format date-time, but {found.why}, so a run through {found.via} ending here answers an outcome its own contract rejects: the server logs it and the typed client's get_result raises DecodeError naming /output/{found.fields[0]} (DSL §11); write an RFC 3339 date-time there (e.g. `(context.t as DateTime) + |PT300S|`), or declare the property without format date-time", Level.WARNING)  # fmt: skip


def broken_outputs(spec: JourneySpec) -> list[Broken]:
    """Every succeed state ending the journey whose output can never satisfy the journey's
    own output schema: a required property its variable never holds, or a `format:
    date-time` property written as text that is never a date-time."""
    schema = spec.output.schema_ if spec.output is not None else None
    if not isinstance(schema, dict) or schema.get("type", "object") != "object":
        return []
    required = [r for r in schema.get("required") or [] if isinstance(r, str)]
    props = schema.get("properties")
    timestamps = [
        str(k)
        for k, v in (props if isinstance(props, dict) else {}).items()
        if isinstance(v, dict) and v.get("format") == "date-time"
    ]
    if not required and not timestamps:
        return []
    machines = list(_machines(spec.states, "/spec/states", ends=True))
    flow = _Flow(spec, machines)
    if "*" in flow.found:
        return []  # a transform replaces the context with something not understood
    found: list[Broken] = []
    for states, base, ends in machines:
        if not ends:
            continue
        for name, state in states.items():
            if not isinstance(state, SucceedState) or not state.outputVar:
                continue
            var = state.outputVar
            pointer = f"{base}/{escape_pointer_token(name)}/outputVar"
            writers = flow.writers(var)
            if not writers:
                continue
            kept = [(w, flow.keys(w, frozenset({var}))) for w in writers]
            if required and all(keys is not None for _, keys in kept):
                never = [
                    r for r in required if all(r not in (k or ()) for _, k in kept)
                ]
                if never:
                    held = "; ".join(
                        f"{w.what}: {', '.join(sorted(k or ())) or 'no keys'}"
                        for w, k in kept
                    )
                    why = f"context.{var} is written by {held}"
                    found.append(Broken(name, var, tuple(never), pointer, why))
            for prop in timestamps:
                text = flow.text_written(var, prop)
                if text is not None:
                    via, piece = text
                    why = (
                        f"{via} writes it as text joined by `++` with "
                        f"{json.dumps(piece)}, which no date-time holds"
                    )
                    found.append(Broken(name, var, (prop,), pointer, why, via))
    return found


def _machines(
    states: dict[str, Any], base: str, ends: bool
) -> Iterator[tuple[dict[str, Any], str, bool]]:
    """Every state machine whose ends are the journey's (`ends`): the top level and the
    branches of a parallel that has no `next`."""
    yield states, base, ends
    for name, state in states.items():
        if not isinstance(state, ParallelState):
            continue
        for i, branch in enumerate(state.parallel.branches or []):
            pointer = (
                f"{base}/{escape_pointer_token(name)}/parallel/branches/{i}/states"
            )
            yield from _machines(
                branch.states or {}, pointer, ends and state.next is None
            )


class _Flow:
    """The writers of each context variable, over every machine of the journey."""

    def __init__(
        self, spec: JourneySpec, machines: list[tuple[dict[str, Any], str, bool]]
    ) -> None:
        self.spec = spec
        self.found: dict[str, list[Writer]] = {}
        payload: set[str] = set()
        # transform -> the keys of the step payloads that can reach it (`context.payload`)
        self.payload_at: dict[tuple[int, str], frozenset[str] | None] = {}
        for states, _, _ in machines:
            self._payloads(states)
            for name, state in states.items():
                self.here = (id(states), name)
                self._state(name, state, payload)
        if payload or any(
            isinstance(s, WaitState | WebhookState)
            for states, _, _ in machines
            for s in states.values()
        ):
            self.found.setdefault("payload", []).append(
                Writer("the step payloads", frozenset(payload))
            )
        given = spec.input.schema_ if spec.input is not None else None
        props = given.get("properties") if isinstance(given, dict) else None
        for var, declared in (props if isinstance(props, dict) else {}).items():
            self.found.setdefault(str(var), []).append(
                Writer("spec.input.schema", _declared(declared))
            )

    def _payloads(self, states: dict[str, Any]) -> None:
        """Which step payloads reach which state: from each wait/webhook along its
        transitions until the next one (the payload is replaced there)."""
        for name, state in states.items():
            if not isinstance(state, WaitState | WebhookState):
                continue
            block = state.wait if isinstance(state, WaitState) else state.webhook
            keys = _declared(block.input.schema_ if block.input is not None else None)
            todo, seen = _successors(state), {name}
            while todo:
                at = todo.pop()
                if at in seen or at not in states:
                    continue
                seen.add(at)
                key = (id(states), at)
                before = self.payload_at.get(key, frozenset())
                self.payload_at[key] = (
                    None if before is None or keys is None else before | keys
                )
                if not isinstance(states[at], WaitState | WebhookState):
                    todo.extend(_successors(states[at]))

    def writers(self, var: str) -> list[Writer]:
        return self.found.get(var, [])

    def _add(self, var: str | None, writer: Writer) -> None:
        if var:
            payload = self.payload_at.get(self.here)
            self.found.setdefault(var, []).append(replace(writer, payload=payload))

    def _state(self, name: str, state: Any, payload: set[str]) -> None:
        if isinstance(state, WaitState | WebhookState):
            block = state.wait if isinstance(state, WaitState) else state.webhook
            schema = block.input.schema_ if block.input is not None else None
            keys = _declared(schema)
            payload.update(keys or ())
            return
        if isinstance(state, TaskState):
            task = state.task
            var = getattr(task, "resultVar", None)
            if isinstance(task, HttpCall) and task.mode != "notify":
                self._add(var, Writer(f"task {name} (an httpCall result)", TASK_RESULT))
                mapping = task.errorMapping
                if (
                    mapping is not None
                ):  # its mapper's result, written like a transform's
                    path = mapping.target.path if mapping.target is not None else None
                    into = mapping.resultVar or (path or "").partition(".")[0]
                    if into:
                        self._add(into, Writer(f"errorMapping of {name}", None))
                    else:
                        self._unknown_root(f"errorMapping of {name}")
            elif isinstance(var, str):
                self._add(var, Writer(f"task {name}", None))
            return
        if isinstance(state, TransformState):
            self._transform(name, state)
            return
        for key in ("resultVar",):
            var = getattr(state, key, None)
            if isinstance(var, str):
                self._add(var, Writer(f"state {name}", None))
        if isinstance(state, ParallelState):
            self._add(state.parallel.join.resultVar, Writer(f"join of {name}", None))

    def _transform(self, name: str, state: TransformState) -> None:
        block = state.transform
        node = self._expr(block)
        target = block.target
        var = block.resultVar or state.resultVar
        what = f"transform {name}"
        if target is not None and target.kind == "attributes":
            return
        if (target is not None and target.kind == "var") or (target is None and var):
            self._add(var, Writer(what, None, node, var))
            return
        path = target.path if target is not None else None
        if path:
            head, _, rest = path.partition(".")
            self._add(head, Writer(what, None, None if rest else node, head))
            return
        # the whole context is replaced: `context ++ {k: v}` keeps the rest, `{k: v}` not
        fields = _root_fields(node)
        if fields is None:
            self._unknown_root(what)
            return
        for key, value in fields.items():
            self._add(key, Writer(what, None, value, key))

    def _unknown_root(self, what: str) -> None:
        """A transform replacing the context with something not understood: it may write
        any variable (the check then says nothing)."""
        self.found.setdefault("*", []).append(Writer(what, None))

    def _expr(self, block: Any) -> Any:
        mapper = block.mapper
        if mapper is None and block.mapperRef is not None:
            found = (self.spec.mappers or {}).get(block.mapperRef)
            mapper = getattr(found, "mapper", found)
        expr = getattr(mapper, "expr", None)
        if getattr(mapper, "lang", None) != "dataweave" or not isinstance(expr, str):
            return None
        try:
            from ...dataweave.parser import parse

            return parse(expr)
        except Exception:
            return None

    def text_written(self, var: str, prop: str) -> tuple[str, str] | None:
        """A writer that always writes context.<var>.<prop> as `++`-joined text holding a
        literal no RFC 3339 date-time holds: (the writer, that literal), else None."""
        from ...dataweave import ast

        for writer in self.writers(var):
            node = writer.expr
            if not isinstance(node, ast.Object):
                continue
            for field in node.fields:
                if not isinstance(field, ast.Field) or field.key != prop:
                    continue
                value = field.value
                if _text_piece(value) is not None:
                    return writer.what, str(_text_piece(value))
                if (
                    isinstance(value, ast.Select)
                    and value.mode == "single"
                    and isinstance(value.target, ast.Name)
                    and value.target.name == "context"
                    and value.key is not None
                ):
                    for inner in self.writers(value.key):
                        piece = _text_piece(inner.expr)
                        if piece is not None:
                            return inner.what, piece
        return None

    def keys(self, writer: Writer, seen: frozenset[str]) -> Keys:
        """The keys the value a writer writes may hold."""
        if writer.keys is not None or writer.expr is None:
            return writer.keys
        return self._node(writer.expr, seen, writer.payload)

    def _var(self, var: str, seen: frozenset[str]) -> Keys:
        """The keys context.<var> may hold (a variable being computed counts as empty)."""
        if var in seen:
            return frozenset()
        found: set[str] = set()
        for writer in self.writers(var):
            keys = self.keys(writer, seen | {var})
            if keys is None:
                return None
            found |= keys
        return frozenset(found)

    def _node(self, node: Any, seen: frozenset[str], payload: Keys) -> Keys:
        from ...dataweave import ast

        if isinstance(node, ast.Object):
            keys: set[str] = set()
            for field in node.fields:
                if not isinstance(field, ast.Field) or not isinstance(field.key, str):
                    return None
                keys.add(field.key)
            return frozenset(keys)
        if isinstance(node, ast.Binary) and node.op in ("++", "default"):
            left = self._node(node.left, seen, payload)
            right = self._node(node.right, seen, payload)
            return None if left is None or right is None else left | right
        if isinstance(node, ast.Literal) and node.value is None:
            return frozenset()
        if (
            isinstance(node, ast.Select)
            and node.mode == "single"
            and isinstance(node.target, ast.Name)
            and node.target.name == "context"
            and node.key is not None
        ):
            if node.key == "payload" and payload is not None:
                return payload  # the payload of the steps that reach this transform
            return self._var(node.key, seen)
        return None


def _successors(state: Any) -> list[str]:
    """The states a state can go to next."""
    found = [getattr(state, "next", None), getattr(state, "default", None)]
    found += [getattr(b, "next", None) for b in getattr(state, "choices", None) or []]
    for key in ("wait", "webhook"):
        block = getattr(state, key, None)
        found.append(getattr(block, "default", None))
    return [f for f in found if isinstance(f, str)]


def _root_fields(node: Any) -> dict[str, Any] | None:
    """The fields `{k: v}` a whole-context transform writes, or None when not understood."""
    from ...dataweave import ast

    if isinstance(node, ast.Binary) and node.op == "++":
        if isinstance(node.left, ast.Name) and node.left.name == "context":
            return _root_fields(node.right)
        return None
    if isinstance(node, ast.Object):
        found: dict[str, Any] = {}
        for field in node.fields:
            if not isinstance(field, ast.Field) or not isinstance(field.key, str):
                return None
            found[field.key] = field.value
        return found
    return None


def _declared(schema: Any) -> Keys:
    """The properties a JSON Schema object declares (None when it is not an object schema
    or composes others)."""
    if not isinstance(schema, dict):
        return None
    if any(
        k in schema for k in ("$ref", "allOf", "anyOf", "oneOf", "patternProperties")
    ):
        return None
    props = schema.get("properties")
    if props is None:
        return None if schema.get("type") != "object" else frozenset()
    return frozenset(str(k) for k in props) if isinstance(props, dict) else None


_DATE_TIME_CHARS = frozenset("0123456789-:.+TtZz ")


def _text_piece(node: Any) -> str | None:
    """The first string literal of a `++` chain (a string concatenation, unconditionally)
    holding a character no RFC 3339 date-time holds, else None."""
    from ...dataweave import ast

    if not (isinstance(node, ast.Binary) and node.op == "++"):
        return None
    stack: list[Any] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, ast.Binary) and current.op == "++":
            stack += [current.right, current.left]
        elif (
            isinstance(current, ast.Literal)
            and isinstance(current.value, str)
            and any(ch not in _DATE_TIME_CHARS for ch in current.value)
        ):
            return current.value
    return None
