"""Journey states -> step-function code for the runtime engine (`_runtime/engine.py`).

Supported: `task` (httpCall:v1, apiKeyValidate:v1 on a header), `choice`, `transform` (target
context, context path, or var), `succeed`, `fail`, `webhook`, `wait` (without timeouts). Anything
else is collected as `Unsupported` so the part emits a stub that says so instead of wrong code.
"""

from __future__ import annotations

from typing import Any

from .. import naming
from ..ir import Bundle, ExternalStep
from ..load import Document, escape_pointer_token
from .calls import CallBuilder, CallCode
from .expressions import Code, UnsupportedBindingError, dataweave
from .ir import HandlerMethod, InputCode, StepCode, Unsupported

INTERNAL = ("task", "choice", "transform", "succeed", "fail")


class NotSupportedError(Exception):
    """Raised inside a state compiler for a construct it cannot compile yet."""

    def __init__(self, construct: str, pointer: str = "") -> None:
        super().__init__(construct)
        self.construct = construct
        self.pointer = pointer


def _prelude(codes: list[Code]) -> list[str]:
    used = frozenset().union(*(c.bindings for c in codes)) if codes else frozenset()
    lines = []
    if "context" in used or "payload" in used:
        lines.append("context = ctx.context")
    if "payload" in used:
        lines.append('payload = context.get("payload")')
    return lines


class StateCompiler:
    """Compiles every state of one journey; collects unsupported constructs and warnings."""

    def __init__(self, bundle: Bundle, doc: Document, calls: CallBuilder) -> None:
        self.bundle = bundle
        self.doc = doc
        self.calls = calls
        self.states: dict[str, Any] = doc.data["spec"]["states"]
        self.functions = naming.assign(
            (s, "step_" + naming.snake(s, default="state")) for s in self.states
        )
        self.unsupported: list[Unsupported] = []
        self.methods: list[HandlerMethod] = []
        self.profiles: set[str] = set()

    def pointer(self, state: str) -> str:
        """The JSON pointer of a state."""
        return f"/spec/states/{escape_pointer_token(state)}"

    def steps(self) -> list[StepCode]:
        """Compile every internal state (external-input states become ExternalInputs)."""
        result = []
        for state, body in self.states.items():
            kind = body.get("type") if isinstance(body, dict) else None
            if kind in ("webhook", "wait"):
                self._check_input(state, body)
                continue
            try:
                result.append(self._step(state, body))
            except NotSupportedError as exc:
                where = self.doc.location(self.pointer(state) + exc.pointer)
                self.unsupported.append(Unsupported(state, exc.construct, where))
            except UnsupportedBindingError as exc:
                construct = f"expression binding {', '.join(sorted(exc.names))}"
                where = self.doc.location(self.pointer(state))
                self.unsupported.append(Unsupported(state, construct, where))
        return result

    def _step(self, state: str, body: dict[str, Any]) -> StepCode:
        kind = body.get("type")
        if kind not in INTERNAL:
            raise NotSupportedError(f"state type {kind!r}", "/type")
        lines, summary = getattr(self, f"_{kind}")(state, body)
        return StepCode(state, self.functions[state], summary, tuple(lines))

    def _next(self, body: dict[str, Any], key: str = "next") -> str:
        target = body.get(key)
        if not isinstance(target, str) or target not in self.states:
            raise NotSupportedError(
                f"{key} {target!r} (not a state of this journey)", "/" + key
            )
        return target

    # -- state kinds ----------------------------------------------------------------------

    def _task(self, state: str, body: dict[str, Any]) -> tuple[list[str], str]:
        task = body.get("task") or {}
        kind = task.get("kind")
        if kind == "apiKeyValidate:v1":
            return self._api_key(task, body), f"{state} (task apiKeyValidate:v1)"
        if kind != "httpCall:v1":
            raise NotSupportedError(f"task kind {kind!r}", "/task/kind")
        call = self.calls.build(state, task, self.pointer(state) + "/task")
        self.methods.append(call.method)
        return (
            self._http_lines(call, task, body),
            f"{state} (task httpCall:v1 {call.method.target})",
        )

    def _http_lines(
        self, call: CallCode, task: dict[str, Any], body: dict[str, Any]
    ) -> list[str]:
        items = ", ".join(f"{name!r}: {code.code}" for name, code in call.entries)
        lines = _prelude([c for _, c in call.entries])
        lines += [
            "",
            "def run() -> TaskResult:",
            f"    call = handlers.{call.method.call_class}.model_validate({{{items}}})",
            f"    return ctx.handlers.{call.method.name}(call)",
            "",
        ]
        var = task.get("resultVar")
        lines.append(
            f"ctx.context[{var!r}] = ctx.call(run)"
            if isinstance(var, str)
            else "ctx.call(run)"
        )
        lines.append(f"return Next({self._next(body)!r})")
        return lines

    def _api_key(self, task: dict[str, Any], body: dict[str, Any]) -> list[str]:
        source = task.get("source") or {}
        if source.get("location", "header") != "header" or not isinstance(
            source.get("name"), str
        ):
            raise NotSupportedError(
                "apiKeyValidate:v1 source other than a header", "/task/source"
            )
        raw = task.get("profile")
        profile = raw if isinstance(raw, str) else "default"
        self.profiles.add(profile)
        args = f"{profile!r}, {source['name']!r}"
        if isinstance(task.get("authVar"), str):
            args += f", {task['authVar']!r}"
        return [f"ctx.validate_api_key({args})", f"return Next({self._next(body)!r})"]

    def _choice(self, state: str, body: dict[str, Any]) -> tuple[list[str], str]:
        branches: list[tuple[Code, str]] = []
        for i, choice in enumerate(body.get("choices") or []):
            when = choice.get("when") if isinstance(choice, dict) else None
            if not isinstance(when, dict) or "predicate" not in when:
                raise NotSupportedError(
                    "choice condition other than when.predicate", f"/choices/{i}"
                )
            pointer = f"{self.pointer(state)}/choices/{i}/when/predicate"
            code = dataweave(self.doc, pointer, when["predicate"], predicate=True)
            branches.append((code, self._next(choice)))
        lines = _prelude([c for c, _ in branches])
        for code, target in branches:
            lines += [f"if {code.code}:", f"    return Next({target!r})"]
        lines.append(f"return Next({self._next(body, 'default')!r})")
        return lines, f"{state} (choice)"

    def _transform(self, state: str, body: dict[str, Any]) -> tuple[list[str], str]:
        transform = body.get("transform") or {}
        if not isinstance(transform.get("mapper"), dict):
            raise NotSupportedError(
                "transform without a dataweave mapper", "/transform"
            )
        code = dataweave(
            self.doc, self.pointer(state) + "/transform/mapper", transform["mapper"]
        )
        lines = [
            *_prelude([code]),
            f"result = {code.code}",
            *self._target(transform, body),
        ]
        lines.append(f"return Next({self._next(body)!r})")
        return lines, f"{state} (transform)"

    def _target(self, transform: dict[str, Any], body: dict[str, Any]) -> list[str]:
        target = transform.get("target") or {"kind": "context"}
        kind, path = target.get("kind"), target.get("path") or ""
        var = transform.get("resultVar") or body.get("resultVar")
        if kind == "var" and isinstance(var, str):
            return [f"ctx.context[{var!r}] = result"]
        if kind == "context" and path == "":
            return ["replace_context(ctx, result)"]
        if kind == "context" and isinstance(path, str) and "." not in path:
            return [f"ctx.context[{path!r}] = result"]
        raise NotSupportedError(
            f"transform target {kind!r} {path!r}", "/transform/target"
        )

    def _succeed(self, state: str, body: dict[str, Any]) -> tuple[list[str], str]:
        var = body.get("outputVar")
        arg = repr(var) if isinstance(var, str) else "None"
        return [f"return Succeed(ctx.output({arg}))"], f"{state} (succeed)"

    def _fail(self, state: str, body: dict[str, Any]) -> tuple[list[str], str]:
        code, reason = body.get("errorCode"), body.get("reason")
        if not isinstance(code, str) or not isinstance(reason, str):
            raise NotSupportedError(
                "fail without string errorCode and reason", "/errorCode"
            )
        return [f"return Fail({code!r}, {reason!r})"], f"{state} (fail {code})"

    # -- external input -------------------------------------------------------------------

    def _check_input(self, state: str, body: dict[str, Any]) -> None:
        spec = body.get(body["type"]) or {}
        for key in ("timeoutSec", "onTimeout"):
            if key in spec or key in body:
                where = self.doc.location(f"{self.pointer(state)}/{body['type']}/{key}")
                self.unsupported.append(
                    Unsupported(state, f"{body['type']} {key}", where)
                )
                return

    def inputs(self) -> list[InputCode]:
        """The ExternalInput of every webhook/wait state linked in the IR."""
        assert self.bundle.journey is not None
        result = []
        for ext in self.bundle.journey.external_steps:
            found = self._input(ext)
            if found is not None:
                result.append(found)
        return result

    def _input(self, ext: ExternalStep) -> InputCode | None:
        body = self.states[ext.state]
        spec = body.get(ext.kind) or {}
        nxt = body.get("next") or spec.get("default")
        if (
            ext.input_model is None
            or not isinstance(nxt, str)
            or nxt not in self.states
        ):
            where = self.doc.location(self.pointer(ext.state))
            self.unsupported.append(
                Unsupported(
                    ext.state, f"{ext.kind} without input schema or next", where
                )
            )
            return None
        guard = (
            (ext.guard_header, ext.guard_profile)
            if ext.guard_header and ext.guard_profile
            else None
        )
        response = spec.get("response") or {}
        var = response.get("outputVar")
        success = ext.operation.success if ext.operation else None
        return InputCode(
            ext.state, ext.kind, ext.input_model, nxt, guard,
            var if isinstance(var, str) else None, success.model if success else None,
        )  # fmt: skip
