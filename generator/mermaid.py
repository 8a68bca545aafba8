"""A Mermaid `stateDiagram-v2` of a journey, for the generated README.

Spec text never reaches the diagram raw: states get generated ids (`s0`, `s1`, ... in document
order) and every label keeps only ASCII letters, digits and a few inert punctuation marks; any
other character becomes a Mermaid entity code (`#34;` for `"`), whitespace runs (line breaks
included) collapse to one space. So no spec string can end a label, start a statement, or close
the Markdown code fence around the diagram. The output is a pure function of the journey.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["journey_diagram", "label", "state_diagram"]

_INERT = frozenset(" _.,()'!?=+*/-")
PREDICATE_LIMIT = 60
TEXT_LIMIT = 80
INDENT = "    "


def label(text: object, limit: int | None = None) -> str:
    """Spec text as an inert Mermaid label: one line, entity-encoded, optionally shortened."""
    flat = " ".join(str(text).split())
    if limit is not None and len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "\u2026"
    return "".join(
        ch if (ch.isascii() and ch.isalnum()) or ch in _INERT else f"#{ord(ch)};"
        for ch in flat
    )


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


@dataclass
class _Scope:
    """The states of a journey, a parallel branch or a region: name -> generated id."""

    ids: dict[str, str]
    parent: _Scope | None = None

    def find(self, name: str) -> tuple[str, bool] | None:
        """(id, inside this scope) of a state name, looked up outward."""
        scope: _Scope | None = self
        while scope is not None:
            if name in scope.ids:
                return scope.ids[name], scope is self
            scope = scope.parent
        return None


@dataclass
class _Builder:
    lines: list[str] = field(default_factory=list)
    counter: int = 0

    def new_id(self) -> str:
        ident = f"s{self.counter}"
        self.counter += 1
        return ident

    def emit(self, depth: int, text: str) -> None:
        self.lines.append(INDENT * depth + text)

    # -- a state machine (the journey, or one parallel branch) -----------------------------

    def machine(
        self, states: Mapping[str, Any], start: Any, depth: int, parent: _Scope | None
    ) -> None:
        scope = _Scope({name: self.new_id() for name in states}, parent)
        for name, body in states.items():
            self.state(scope, name, _dict(body), depth)
        start_name = _text(start)
        if start_name is not None:
            self.edge(scope, "[*]", start_name, None, depth)
        for name, body in states.items():
            self.transitions(scope, scope.ids[name], _dict(body), depth)

    def state(self, scope: _Scope, name: str, body: dict[str, Any], depth: int) -> None:
        ident = scope.ids[name]
        kind = body.get("type")
        if kind == "parallel":
            branches = [
                b
                for b in _dict(body.get("parallel")).get("branches") or ()
                if isinstance(b, dict)
            ]
            # Mermaid allows a composite state a label only (no `id : description` line:
            # "Group nodes can only have label"), so the join goes into the label.
            described = " - ".join([name, *_describe(body)])
            self.emit(depth, f'state "{label(described, TEXT_LIMIT)}" as {ident} {{')
            for index, branch in enumerate(branches):
                if index:
                    self.emit(depth + 1, "--")
                self.machine(
                    _dict(branch.get("states")), branch.get("start"), depth + 1, scope
                )
            self.emit(depth, "}")
            return
        self.emit(depth, f'state "{label(name)}" as {ident}')
        for line in _describe(body):
            self.emit(depth, f"{ident} : {label(line, TEXT_LIMIT)}")

    def transitions(
        self, scope: _Scope, ident: str, body: dict[str, Any], depth: int
    ) -> None:
        for target, text in _edges(body):
            if target is None:
                self.emit(
                    depth, f"{ident} --> [*]" + (f" : {label(text)}" if text else "")
                )
            else:
                self.edge(scope, ident, target, text, depth)

    def edge(
        self, scope: _Scope, source: str, target: str, text: str | None, depth: int
    ) -> None:
        found = scope.find(target)
        if found is None:
            self.emit(
                depth,
                f"{source} --> [*] : {label('missing state ' + target, TEXT_LIMIT)}",
            )
        elif found[1]:
            suffix = f" : {label(text, PREDICATE_LIMIT)}" if text else ""
            self.emit(depth, f"{source} --> {found[0]}{suffix}")
        else:  # a branch state leaving its parallel: Mermaid cannot cross composites
            self.emit(
                depth, f"{source} --> [*] : {label('leaves to ' + target, TEXT_LIMIT)}"
            )


Lines = Iterator[str]
Edges = Iterator[tuple[str | None, str | None]]


def _task_text(body: dict[str, Any]) -> Lines:
    task = _dict(body.get("task"))
    what = " ".join(
        str(p)
        for p in (task.get("kind"), task.get("operationRef") or task.get("method"))
        if isinstance(p, str)
    )
    yield f"task {what}".rstrip()


def _timer_text(body: dict[str, Any]) -> Lines:
    timer = _dict(body.get("timer"))
    for key in ("duration", "until"):
        if key in timer:
            value = timer[key]
            yield (
                f"timer {key} {value}"
                if isinstance(value, str)
                else f"timer {key} (computed)"
            )
            return
    yield "timer"


def _fail_text(body: dict[str, Any]) -> Lines:
    yield f"fail {body.get('errorCode') or ''}".rstrip()


def _succeed_text(body: dict[str, Any]) -> Lines:
    output = _text(body.get("outputVar"))
    yield f"succeed with {output}" if output else "succeed"


def _subjourney_text(body: dict[str, Any]) -> Lines:
    yield f"subjourney {_dict(body.get('subjourney')).get('ref') or ''}".rstrip()


def _parallel_text(body: dict[str, Any]) -> Lines:
    join = _dict(_dict(body.get("parallel")).get("join"))
    yield f"parallel join {join.get('strategy') or 'allOf'}"


def _wait_text(body: dict[str, Any]) -> Lines:
    yield "wait for input"


def _webhook_text(body: dict[str, Any]) -> Lines:
    yield "webhook callback"


def _kind_text(body: dict[str, Any]) -> Lines:
    yield str(body.get("type"))


def _choice_edges(body: dict[str, Any]) -> Edges:
    for index, raw in enumerate(body.get("choices") or ()):
        choice = _dict(raw)
        target = _text(choice.get("next"))
        if target is not None:
            predicate = _dict(_dict(choice.get("when")).get("predicate")).get("expr")
            yield target, _text(predicate) or f"choice {index + 1}"
    default = _text(body.get("default"))
    if default is not None:
        yield default, "otherwise"


def _terminal_edges(body: dict[str, Any]) -> Edges:
    yield None, None


def _input_edges(body: dict[str, Any]) -> Edges:
    kind = str(body.get("type"))
    block = _dict(body.get(kind))
    target = _text(body.get("next")) or _text(block.get("default"))
    if target is not None:
        yield target, "input received" if kind == "wait" else "callback received"
    timeout = _text(block.get("onTimeout"))
    if timeout is not None:
        seconds = block.get("timeoutSec")
        yield timeout, (
            f"timeout after {seconds} s" if seconds is not None else "timeout"
        )


def _timer_edges(body: dict[str, Any]) -> Edges:
    nxt = _text(body.get("next"))
    if nxt is not None:
        yield nxt, "timer fires"


def _parallel_edges(body: dict[str, Any]) -> Edges:
    nxt = _text(body.get("next"))
    yield (nxt, "joined") if nxt is not None else (None, "first branch outcome")


def _next_edges(body: dict[str, Any]) -> Edges:
    nxt = _text(body.get("next"))
    if nxt is not None:
        yield nxt, None
    scheduled = _text(_dict(body.get("task")).get("start"))
    if body.get("type") == "task" and scheduled is not None:
        yield scheduled, "scheduled runs"


# How each state type is drawn: (description lines, ways out). One table, keyed like the
# generator's other registries (generator.schema.journey.STATE_MODELS, server.states).
KINDS: dict[
    str, tuple[Callable[[dict[str, Any]], Lines], Callable[[dict[str, Any]], Edges]]
] = {
    "task": (_task_text, _next_edges),
    "choice": (_kind_text, _choice_edges),
    "transform": (_kind_text, _next_edges),
    "succeed": (_succeed_text, _terminal_edges),
    "fail": (_fail_text, _terminal_edges),
    "wait": (_wait_text, _input_edges),
    "webhook": (_webhook_text, _input_edges),
    "timer": (_timer_text, _timer_edges),
    "parallel": (_parallel_text, _parallel_edges),
    "subjourney": (_subjourney_text, _next_edges),
}


def _describe(body: dict[str, Any]) -> Lines:
    """The description lines of a state: its type and what it does."""
    kind = body.get("type")
    if not isinstance(kind, str):
        return iter(())
    return KINDS.get(kind, (_kind_text, _next_edges))[0](body)


def _edges(body: dict[str, Any]) -> Edges:
    """(target state or None for the end, label) of every way out of a state."""
    kind = body.get("type")
    found = KINDS.get(kind) if isinstance(kind, str) else None
    return (found[1] if found else _next_edges)(body)


def state_diagram(spec: Mapping[str, Any]) -> str:
    """The `stateDiagram-v2` text (without a code fence) of a journey's `spec`."""
    builder = _Builder()
    builder.emit(0, "stateDiagram-v2")
    states = spec.get("states")
    builder.machine(
        states if isinstance(states, dict) else {}, spec.get("start"), 1, None
    )
    return "\n".join(builder.lines) + "\n"


def journey_diagram(journey: Any) -> str:
    """The diagram of a journey definition (the typed model or its plain data)."""
    data = (
        journey.model_dump(by_alias=True, exclude_unset=True)
        if hasattr(journey, "model_dump")
        else journey
    )
    return state_diagram(_dict(_dict(data).get("spec")))
