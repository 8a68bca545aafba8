"""Journey states -> engine code for the runtime engine (`_runtime/engine.py`).

Supported: `task` (httpCall:v1, apiKeyValidate:v1 on a header, jwtValidate:v1, mtlsValidate:v1,
cache:v1, schedule:v1), `choice`, `transform` (target context, context path, or var),
`succeed`, `fail`, `webhook`/`wait` (with `timeoutSec`/`onTimeout`), `timer` (duration or
until, literal or mapper) and `parallel` (branches compiled recursively, join strategy,
errorPolicy, mapper over `branches`, resultVar). Anything else is collected as `Unsupported`
so the part emits a stub that says so instead of wrong code.

A `next` naming no state is compiled as a transition the engine fails with
JOURNEY_DEFINITION_INVALID when it is reached (and reported as a warning); a branch state whose
`next` names a state of the enclosing state machine leaves the parallel there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .. import naming
from ..diagnostics import Location, error
from ..encode import py_literal
from ..ir import Bundle, ExternalStep, Operation
from ..load import Document, escape_pointer_token
from .calls import CallBuilder, CallCode
from .expressions import Code, UnsupportedBindingError, dataweave, site_bindings, value
from .ir import (
    BranchCode,
    HandlerMethod,
    InputCode,
    MachineCode,
    ParallelCode,
    StepCode,
    TimerCode,
    Unsupported,
)

INTERNAL = ("task", "choice", "transform", "succeed", "fail", "subjourney")
STRATEGIES = ("allOf", "anyOf", "firstCompleted")
ERROR_POLICIES = ("collectAll", "failFast", "ignoreErrors")
SCHEDULE_POLICIES = ("fail", "upsert", "addAnother")


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
    if "platform" in used:
        lines.append("platform = ctx.platform")
    if "outcome" in used:
        lines.append("outcome = ctx.outcome")
    return lines


@dataclass
class _Scope:
    """One state machine being compiled: the journey's or a branch's."""

    states: Mapping[str, Any]
    base: str  # JSON pointer of the states map
    label: str  # prefix of function names ("" at top level)
    parent: _Scope | None = None
    subjourney: str | None = None  # the spec.subjourneys id this scope compiles
    inline: str | None = (
        None  # "subjourney 'x'" / "spec.compensation": internal states only
    )
    steps: list[tuple[str, str]] = field(default_factory=list)
    inputs: list[InputCode] = field(default_factory=list)
    timers: list[TimerCode] = field(default_factory=list)
    parallels: list[ParallelCode] = field(default_factory=list)

    def pointer(self, state: str) -> str:
        return f"{self.base}/{escape_pointer_token(state)}"


class StateCompiler:
    """Compiles every state of one journey; collects unsupported constructs and warnings."""

    def __init__(self, bundle: Bundle, doc: Document, calls: CallBuilder) -> None:
        self.bundle = bundle
        self.doc = doc
        self.calls = calls
        self.states: dict[str, Any] = doc.data["spec"]["states"]
        self.names = naming.Scope(
            ("ctx", "_object", "replace_context", "merge_context", "write_context")
        )
        self.unsupported: list[Unsupported] = []
        self.warnings: list[tuple[Location, str]] = []
        self.methods: list[HandlerMethod] = []
        self.profiles: set[str] = set()
        self.functions: list[StepCode] = []
        self.branch_machines: list[MachineCode] = []
        self.input_names: set[str] = set()
        self.linked: set[str] = set()  # step operation paths linked to branch states
        self.http_bindings = _http_bindings(doc.data["spec"])
        self.passthrough = any(b[2] for _, b in self.http_bindings)
        self.top: MachineCode | None = None
        self.subjourney_starts: dict[str, tuple[str, str]] = {}  # ref -> (var, start)

    def pointer(self, state: str) -> str:
        """The JSON pointer of a top-level state."""
        return f"/spec/states/{escape_pointer_token(state)}"

    def steps(self) -> list[StepCode]:
        """Compile the journey (branches included); return every engine function."""
        self._subjourneys()
        scope = _Scope(self.states, "/spec/states", "")
        top = self._machine(scope, "")
        spec = self.doc.data["spec"]
        extras = [
            *self._outcomes(spec),
            *self._execution(spec),
            *self._compensation(spec),
        ]
        self.top = replace(top, extras=tuple(extras))
        return self.functions

    # -- spec.outcomes, spec.execution, spec.compensation ---------------------------------

    def _outcomes(self, spec: Mapping[str, Any]) -> list[tuple[str, str]]:
        raw = spec.get("outcomes")
        if raw is None:
            return []
        if not isinstance(raw, dict):
            raise error(
                self.doc.location("/spec/outcomes"), "spec.outcomes must be a map"
            )
        items = []
        for name, entry in raw.items():
            where = f"/spec/outcomes/{escape_pointer_token(str(name))}"
            when = entry.get("when") if isinstance(entry, dict) else None
            phase = when.get("phase") if isinstance(when, dict) else None
            if phase not in ("SUCCEEDED", "FAILED"):
                raise error(
                    self.doc.location(where),
                    f"outcome {name!r} needs when.phase SUCCEEDED or FAILED",
                )
            assert isinstance(when, dict)
            function = "None"
            if "predicate" in when:
                function = self._predicate(
                    where + "/when/predicate", when["predicate"], f"outcome {name}",
                    frozenset({"output", "error"}), "ctx: Ctx, output: Any, error: Any",
                )  # fmt: skip
            items.append(f"NamedOutcome({str(name)!r}, {phase!r}, {function})")
        return [("outcomes", f"({''.join(i + ', ' for i in items)})")]

    def _predicate(
        self, pointer: str, node: Any, summary: str, extra: frozenset[str], params: str
    ) -> str:
        code = dataweave(self.doc, pointer, node, predicate=True, extra=extra)
        function = self.names.claim(
            "predicate_" + naming.snake(summary, default="predicate")
        )
        lines = (*_prelude([code]), f"return bool({code.code})")
        self.functions.append(
            StepCode(summary, function, summary, lines, params=params, returns="bool")
        )
        return function

    def _execution(self, spec: Mapping[str, Any]) -> list[tuple[str, str]]:
        raw = spec.get("execution")
        if raw is None:
            return []
        where = self.doc.location("/spec/execution")
        if not isinstance(raw, dict):
            raise error(where, "spec.execution must be an object")
        limit = raw.get("maxDurationSec")
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise error(
                self.doc.location("/spec/execution/maxDurationSec")
                if "maxDurationSec" in raw else where,
                "spec.execution.maxDurationSec must be an integer >= 1",
            )  # fmt: skip
        timeout = raw.get("onTimeout")
        code = timeout.get("errorCode") if isinstance(timeout, dict) else None
        reason = timeout.get("reason") if isinstance(timeout, dict) else None
        if (
            not isinstance(code, str)
            or not code
            or not isinstance(reason, str)
            or not reason
        ):
            raise error(
                where,
                "spec.execution.onTimeout needs a non-empty errorCode and reason",
            )
        return [("execution", f"Deadline({limit!r}, {code!r}, {reason!r})")]

    def _compensation(self, spec: Mapping[str, Any]) -> list[tuple[str, str]]:
        raw = spec.get("compensation")
        if raw is None:
            return []
        base = "/spec/compensation"
        if not isinstance(raw, dict):
            raise error(self.doc.location(base), "spec.compensation must be an object")
        mode = raw.get("mode", "async")
        if mode not in ("sync", "async"):
            raise error(
                self.doc.location(base + "/mode"),
                "spec.compensation.mode must be sync or async",
            )
        states, start = raw.get("states"), raw.get("start")
        if not isinstance(states, dict) or not states or start not in states:
            raise error(
                self.doc.location(base),
                "spec.compensation needs a non-empty states map and a start naming one "
                "of them",
            )
        rules = raw.get("alsoFor") or []
        if not isinstance(rules, list):
            raise error(self.doc.location(base + "/alsoFor"), "alsoFor must be a list")
        also = []
        for i, rule in enumerate(rules):
            when = rule.get("when") if isinstance(rule, dict) else None
            if when is not None and not isinstance(when, dict):
                raise error(
                    self.doc.location(f"{base}/alsoFor/{i}"),
                    "an alsoFor rule is {when: {predicate: ...}}",
                )
            if isinstance(when, dict) and "predicate" in when:
                also.append(
                    self._predicate(
                        f"{base}/alsoFor/{i}/when/predicate", when["predicate"],
                        f"compensation also for {i}", frozenset({"output"}),
                        "ctx: Ctx, output: Any",
                    )
                )  # fmt: skip
            else:
                also.append("None")
        machine = self.names.claim("COMPENSATION")
        scope = _Scope(
            states, base + "/states", "compensation", inline="spec.compensation"
        )
        with site_bindings(frozenset({"outcome"})):
            self.branch_machines.append(self._machine(scope, machine))
        rules_code = f"({''.join(a + ', ' for a in also)})"
        return [
            (
                "compensation",
                f"Compensation({str(start)!r}, {machine}, mode={mode!r}, "
                f"also_for={rules_code})",
            )
        ]

    def _subjourneys(self) -> None:
        """Compile every `spec.subjourneys` graph into a Machine of internal states."""
        raw = self.doc.data["spec"].get("subjourneys")
        if raw is None:
            return
        if not isinstance(raw, dict):
            raise error(
                self.doc.location("/spec/subjourneys"),
                "spec.subjourneys must map subjourney ids to {start, states}",
            )
        scopes = []
        for ref, sub in raw.items():
            base = f"/spec/subjourneys/{escape_pointer_token(str(ref))}"
            states = sub.get("states") if isinstance(sub, dict) else None
            start = sub.get("start") if isinstance(sub, dict) else None
            if not isinstance(states, dict) or not states or start not in states:
                raise error(
                    self.doc.location(base),
                    f"subjourney {ref!r} needs a non-empty states map and a start "
                    "naming one of them",
                )
            label = "sub_" + naming.snake(str(ref), default="subjourney")
            machine = self.names.claim("SUBJOURNEY_" + label[4:].upper())
            self.subjourney_starts[str(ref)] = (machine, str(start))
            scope = _Scope(
                states, base + "/states", label, subjourney=str(ref),
                inline=f"subjourney {str(ref)!r}",
            )  # fmt: skip
            scopes.append((scope, machine))
        for scope, machine in scopes:  # every ref is known: subjourneys may call others
            self.branch_machines.append(self._machine(scope, machine))

    def inputs(self) -> list[InputCode]:
        """Every external-input state, branches included (call after steps())."""
        return [i for m in (*self.branch_machines, self.top) if m for i in m.inputs]

    # -- machines -------------------------------------------------------------------------

    def _machine(self, scope: _Scope, var: str) -> MachineCode:
        for state, body in scope.states.items():
            try:
                self._state(scope, state, body)
            except NotSupportedError as exc:
                where = self.doc.location(scope.pointer(state) + exc.pointer)
                self.unsupported.append(Unsupported(state, exc.construct, where))
            except UnsupportedBindingError as exc:
                construct = f"expression binding {', '.join(sorted(exc.names))}"
                where = self.doc.location(scope.pointer(state))
                self.unsupported.append(Unsupported(state, construct, where))
        return MachineCode(
            var,
            tuple(scope.steps),
            tuple(scope.inputs),
            tuple(scope.timers),
            tuple(scope.parallels),
        )

    def _state(self, scope: _Scope, state: str, body: Any) -> None:
        kind = body.get("type") if isinstance(body, dict) else None
        if scope.inline is not None and kind not in INTERNAL:
            raise NotSupportedError(f"a {kind} state inside {scope.inline}", "/type")
        if kind in ("webhook", "wait"):
            found = self._input(scope, state, body)
            if found is not None:
                if state in self.input_names:
                    raise NotSupportedError(
                        f"a second external-input state named {state!r}"
                    )
                self.input_names.add(state)
                scope.inputs.append(found)
        elif kind == "timer":
            scope.timers.append(self._timer(scope, state, body))
        elif kind == "parallel":
            scope.parallels.append(self._parallel(scope, state, body))
        elif kind in INTERNAL:
            lines, summary = getattr(self, f"_{kind}")(scope, state, body)
            function = self._function(scope, "step", state)
            self.functions.append(StepCode(state, function, summary, tuple(lines)))
            scope.steps.append((state, function))
        else:
            raise NotSupportedError(f"state type {kind!r}", "/type")

    def _function(self, scope: _Scope, kind: str, state: str) -> str:
        words = [kind, scope.label, naming.snake(state, default="state")]
        return self.names.claim("_".join(w for w in words if w))

    def _target(self, scope: _Scope, state: str, body: Any, key: str) -> str | None:
        """Return `Next(...)`/`Leave(...)` code for body[key]; None when it is absent."""
        target = body.get(key) if isinstance(body, dict) else None
        if target is None:
            return None
        if not isinstance(target, str):
            raise NotSupportedError(f"{key} {target!r} (not a state id)", "/" + key)
        if target in scope.states:
            return f"Next({target!r})"
        where = self.doc.location(f"{scope.pointer(state)}/{key}")
        if scope.parent is not None and target in scope.parent.states:
            return f"Leave({target!r})"
        self.warnings.append(
            (where, f"state {state!r}: {key} {target!r} is not a state of this "
                    "journey; reaching it fails the run with JOURNEY_DEFINITION_INVALID")
        )  # fmt: skip
        return f"Next({target!r})"

    def _goto(self, scope: _Scope, state: str, body: Any, key: str = "next") -> str:
        code = self._target(scope, state, body, key)
        if code is None:
            raise NotSupportedError(f"missing {key}", "")
        return f"return {code}"

    def _plain_next(self, scope: _Scope, state: str, body: Any, key: str) -> str:
        """A next of a wait/timer/parallel: must stay inside its state machine."""
        code = self._target(scope, state, body, key)
        if code is None:
            raise NotSupportedError(f"missing {key}")
        if code.startswith("Leave("):
            raise NotSupportedError(f"{key} leaving a parallel branch", "/" + key)
        return str(body[key])

    # -- state kinds ----------------------------------------------------------------------

    def _task(
        self, scope: _Scope, state: str, body: dict[str, Any]
    ) -> tuple[list[str], str]:
        task = body.get("task") or {}
        kind = task.get("kind")
        pointer = scope.pointer(state) + "/task"
        summary = f"{state} (task {kind})"
        if kind == "apiKeyValidate:v1":
            return [*self._api_key(task), self._goto(scope, state, body)], summary
        if kind == "jwtValidate:v1":
            return [*self._jwt(state, task), self._goto(scope, state, body)], summary
        if kind == "mtlsValidate:v1":
            return [*self._mtls(state, task), self._goto(scope, state, body)], summary
        if kind == "cache:v1":
            return (
                [*self._cache(task, pointer), self._goto(scope, state, body)],
                summary,
            )
        if kind == "schedule:v1":
            return (
                [*self._schedule(task, pointer), self._goto(scope, state, body)],
                summary,
            )
        if kind == "kafkaPublish:v1":
            lines = [*self._kafka(state, task, pointer), self._goto(scope, state, body)]
            return lines, f"{state} (task kafkaPublish:v1 {task['topic']})"
        if kind != "httpCall:v1":
            raise NotSupportedError(f"task kind {kind!r}", "/task/kind")
        call = self.calls.build(state, task, pointer)
        self.methods.append(call.method)
        lines = [*self._http_lines(call, task), self._goto(scope, state, body)]
        return lines, f"{state} (task httpCall:v1 {call.method.target})"

    def _http_lines(self, call: CallCode, task: dict[str, Any]) -> list[str]:
        items = ", ".join(f"{name!r}: {code.code}" for name, code in call.entries)
        lines = _prelude([c for _, c in call.entries])
        lines += [
            "",
            "def run() -> TaskResult:",
            f"    call = handlers.{call.method.call_class}.model_validate({{{items}}})",
            *(["    ctx.pass_headers(call.headers)"] if self.passthrough else []),
            f"    return ctx.handlers.{call.method.name}(call)",
            "",
        ]
        var = task.get("resultVar")
        lines.append(
            f"ctx.context[{var!r}] = ctx.call(run)"
            if isinstance(var, str)
            else "ctx.call(run)"
        )
        return lines

    def _kafka(self, state: str, task: dict[str, Any], pointer: str) -> list[str]:
        """kafkaPublish:v1: the typed handler call; a refused publish fails the journey."""
        for key in ("resultVar", "errorMapping", "resiliencePolicyRef"):
            if key in task:
                raise error(
                    self.doc.location(f"{pointer}/{escape_pointer_token(key)}"),
                    f"kafkaPublish:v1 does not allow {key} (a publish has no result)",
                )
        topic = task.get("topic")
        if not isinstance(topic, str) or not topic:
            raise error(
                self.doc.location(pointer), "kafkaPublish:v1 needs a non-empty topic"
            )
        raw = task.get("value")
        if not isinstance(raw, dict) or not isinstance(raw.get("mapper"), dict):
            raise error(
                self.doc.location(pointer),
                "kafkaPublish:v1 needs value.mapper (the event payload)",
            )
        entries: list[tuple[str, Code]] = [
            ("topic", Code(py_literal(topic))),
            ("value", dataweave(self.doc, pointer + "/value/mapper", raw["mapper"])),
        ]
        if "key" in task:
            key = task["key"]
            if isinstance(key, dict) and isinstance(key.get("mapper"), dict):
                entries.append(
                    ("key", dataweave(self.doc, pointer + "/key/mapper", key["mapper"]))
                )
            elif isinstance(key, str):
                entries.append(("key", value(self.doc, pointer + "/key", key)))
            else:
                raise error(
                    self.doc.location(pointer + "/key"),
                    "kafkaPublish:v1 key must be a string or an object with a mapper",
                )
        headers = task.get("headers")
        if headers is not None:
            if not isinstance(headers, dict) or not all(
                isinstance(v, str) for v in headers.values()
            ):
                raise error(
                    self.doc.location(pointer + "/headers"),
                    "kafkaPublish:v1 headers must map names to strings",
                )
            parts = [
                (
                    str(k),
                    value(
                        self.doc, f"{pointer}/headers/{escape_pointer_token(str(k))}", v
                    ),
                )
                for k, v in headers.items()
            ]
            code = ", ".join(f"{k!r}: {c.code}" for k, c in parts)
            bound = (
                frozenset().union(*(c.bindings for _, c in parts))
                if parts
                else frozenset()
            )
            entries.append(("headers", Code(f"{{{code}}}", bound)))
        for key, field_name in (
            ("connectionSecretRef", "connection_secret_ref"),
            ("keySchemaRef", "key_schema_ref"),
            ("valueSchemaRef", "value_schema_ref"),
        ):
            found = task.get(key)
            if found is None:
                continue
            if not isinstance(found, str) or not found:
                raise error(
                    self.doc.location(f"{pointer}/{key}"),
                    f"kafkaPublish:v1 {key} must be a non-empty string",
                )
            entries.append((field_name, Code(py_literal(found))))
        method = self.calls.kafka_method(state, topic)
        self.methods.append(method)
        reason = f"publishing to topic {topic!r} failed"
        items = ", ".join(f"{name!r}: {code.code}" for name, code in entries)
        return [
            *_prelude([c for _, c in entries]),
            "",
            "def run() -> TaskResult:",
            f"    call = handlers.{method.call_class}.model_validate({{{items}}})",
            f"    return ctx.handlers.{method.name}(call)",
            "",
            "published = ctx.call(run)",
            'if not published["ok"]:',
            f"    return Fail('KAFKA_PUBLISH_FAILED', {reason!r})",
        ]

    def _api_key(self, task: dict[str, Any]) -> list[str]:
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
        return [f"ctx.validate_api_key({args})"]

    @staticmethod
    def _auth_common(task: dict[str, Any]) -> tuple[str, str]:
        raw = task.get("profile")
        profile = raw if isinstance(raw, str) else "default"
        var = task.get("authVar")
        if var is not None and (not isinstance(var, str) or not var):
            raise NotSupportedError("authVar other than a name", "/task/authVar")
        return profile, var if isinstance(var, str) else "auth"

    def _jwt(self, state: str, task: dict[str, Any]) -> list[str]:
        profile, var = self._auth_common(task)
        scopes = task.get("requiredScopes") or []
        if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
            raise NotSupportedError("requiredScopes other than strings", "/task")
        source = task.get("source")
        src = "None"
        if source is not None:
            if not isinstance(source, dict) or source.get("location", "header") not in (
                "header", "query", "cookie",
            ) or not isinstance(source.get("name"), str):  # fmt: skip
                raise NotSupportedError("jwtValidate:v1 source", "/task/source")
            scheme = source.get("scheme")
            scheme = scheme if isinstance(scheme, str) else None
            src = (
                f"JwtSource({source.get('location', 'header')!r}, "
                f"{source['name']!r}, {scheme!r})"
            )
        method = self.calls.jwt_method(state, profile, tuple(scopes))
        self.methods.append(method)
        return [
            f"ctx.validate_jwt(handlers.{method.call_class}, ctx.handlers.{method.name}, "
            f"profile={profile!r}, source={src}, auth_var={var!r}, "
            f"required_scopes={tuple(scopes)!r})"
        ]

    def _mtls(self, state: str, task: dict[str, Any]) -> list[str]:
        profile, var = self._auth_common(task)
        anchors = [
            a.get("pem") for a in task.get("trustAnchors") or [] if isinstance(a, dict)
        ]
        if not all(isinstance(a, str) for a in anchors):
            raise NotSupportedError("trustAnchors without pem", "/task/trustAnchors")
        filters: dict[str, Any] = {}
        for key in ("allowSubjects", "allowSerials"):
            found = task.get(key)
            if found is not None:
                if not isinstance(found, list) or not all(
                    isinstance(x, str) for x in found
                ):
                    raise NotSupportedError(f"{key} other than strings", "/task/" + key)
                filters[key] = tuple(found)
        sans = task.get("allowSans")
        if sans is not None:
            pairs = []
            for entry in sans if isinstance(sans, list) else [None]:
                if not isinstance(entry, dict) or len(entry) != 1:
                    raise NotSupportedError("allowSans entry", "/task/allowSans")
                ((kind, text),) = entry.items()
                if kind not in ("dns", "ip", "uri") or not isinstance(text, str):
                    raise NotSupportedError("allowSans entry", "/task/allowSans")
                pairs.append((kind, text))
            filters["allowSans"] = tuple(pairs)
        trusted = task.get("allowAnyFromTrusted", True)
        if not isinstance(trusted, bool):
            raise NotSupportedError("allowAnyFromTrusted", "/task/allowAnyFromTrusted")
        policy = (
            f"MtlsPolicy(allow_subjects={filters.get('allowSubjects')!r}, "
            f"allow_sans={filters.get('allowSans')!r}, "
            f"allow_serials={filters.get('allowSerials')!r}, "
            f"allow_any_from_trusted={trusted!r})"
        )
        method = self.calls.mtls_method(state, profile, filters)
        self.methods.append(method)
        return [
            f"ctx.validate_mtls(handlers.{method.call_class}, ctx.handlers.{method.name}, "
            f"profile={profile!r}, trust_anchors={tuple(anchors)!r}, policy={policy}, "
            f"auth_var={var!r})"
        ]

    def _mapper(self, node: Any, pointer: str) -> Code:
        """A `{mapper: {lang, expr}}` field, or a literal."""
        if isinstance(node, dict) and "mapper" in node:
            return dataweave(self.doc, pointer + "/mapper", node["mapper"])
        if isinstance(node, dict):
            raise NotSupportedError("an object where a literal or mapper is expected")
        return Code(py_literal(node))

    def _cache(self, task: dict[str, Any], pointer: str) -> list[str]:
        operation = task.get("operation")
        key = task.get("key")
        if not isinstance(key, dict) or "mapper" not in key:
            raise NotSupportedError("cache:v1 without key.mapper", "/task/key")
        key_code = self._mapper(key, pointer + "/key")
        if operation == "get":
            var = task.get("resultVar")
            if not isinstance(var, str):
                raise NotSupportedError("cache:v1 get without resultVar", "/task")
            return [
                *_prelude([key_code]),
                f"ctx.context[{var!r}] = ctx.cache_get({key_code.code})",
            ]
        if operation != "put":
            raise NotSupportedError(
                f"cache:v1 operation {operation!r}", "/task/operation"
            )
        if "value" not in task:
            raise NotSupportedError("cache:v1 put without value", "/task")
        value_code = self._mapper(task["value"], pointer + "/value")
        ttl = task.get("ttlSeconds")
        if ttl is not None and (
            isinstance(ttl, bool) or not isinstance(ttl, int) or ttl < 1
        ):
            raise NotSupportedError("ttlSeconds other than an integer >= 1", "/task")
        return [
            *_prelude([key_code, value_code]),
            f"ctx.cache_put({key_code.code}, {value_code.code}, {ttl!r})",
        ]

    def _schedule(self, task: dict[str, Any], pointer: str) -> list[str]:
        start = task.get("start")
        if not isinstance(start, str) or start not in self.states:
            raise NotSupportedError(
                "schedule:v1 start that is not a state", "/task/start"
            )
        policy = task.get("onExisting", "fail")
        if policy not in SCHEDULE_POLICIES:
            raise NotSupportedError(f"onExisting {policy!r}", "/task/onExisting")
        if "interval" not in task or "maxRuns" not in task:
            raise NotSupportedError("schedule:v1 without interval and maxRuns", "/task")
        codes = {
            "interval": self._mapper(task["interval"], pointer + "/interval"),
            "max_runs": self._mapper(task["maxRuns"], pointer + "/maxRuns"),
        }
        for key, arg in (("startAt", "start_at"), ("subjectId", "subject_id"),
                         ("context", "context")):  # fmt: skip
            if key in task:
                codes[arg] = self._mapper(task[key], f"{pointer}/{key}")
        args = ", ".join(f"{k}={c.code}" for k, c in codes.items())
        return [
            *_prelude(list(codes.values())),
            f"failure = ctx.schedule({start!r}, {args}, on_existing={policy!r})",
            "if failure is not None:",
            "    return failure",
        ]

    def _choice(
        self, scope: _Scope, state: str, body: dict[str, Any]
    ) -> tuple[list[str], str]:
        branches: list[tuple[Code, str]] = []
        for i, choice in enumerate(body.get("choices") or []):
            when = choice.get("when") if isinstance(choice, dict) else None
            if not isinstance(when, dict) or "predicate" not in when:
                raise NotSupportedError(
                    "choice condition other than when.predicate", f"/choices/{i}"
                )
            pointer = f"{scope.pointer(state)}/choices/{i}/when/predicate"
            code = dataweave(self.doc, pointer, when["predicate"], predicate=True)
            branches.append((code, self._goto(scope, state, choice)))
        lines = _prelude([c for c, _ in branches])
        for code, goto in branches:
            lines += [f"if {code.code}:", f"    {goto}"]
        lines.append(self._goto(scope, state, body, "default"))
        return lines, f"{state} (choice)"

    def _transform(
        self, scope: _Scope, state: str, body: dict[str, Any]
    ) -> tuple[list[str], str]:
        transform = body.get("transform") or {}
        if not isinstance(transform.get("mapper"), dict):
            raise NotSupportedError(
                "transform without a dataweave mapper", "/transform"
            )
        code = dataweave(
            self.doc, scope.pointer(state) + "/transform/mapper", transform["mapper"]
        )
        lines = [
            *_prelude([code]),
            f"result = {code.code}",
            *self._write(transform, body),
        ]
        lines.append(self._goto(scope, state, body))
        return lines, f"{state} (transform)"

    def _write(self, transform: dict[str, Any], body: dict[str, Any]) -> list[str]:
        """Where a transform's result goes (DSL §14).

        `kind: var` (or a resultVar without a target) stores it under context.<resultVar>; a
        context target with a `path` writes it at that dot-path, creating objects on the way;
        neither path nor resultVar replaces the whole context. A path given but empty (`""`)
        names the context root without replacing it: the result's keys are written into the
        context, which is what the corpus's `path: ""` transforms rely on.
        """
        var = transform.get("resultVar") or body.get("resultVar")
        target = transform.get("target")
        if target is None:
            target = {"kind": "var"} if isinstance(var, str) else {"kind": "context"}
        kind = target.get("kind", "context")
        if kind == "var" and isinstance(var, str):
            return [f"ctx.context[{var!r}] = result"]
        if kind == "context" and "path" not in target:
            return ["replace_context(ctx, result)"]
        path = target.get("path")
        if kind == "context" and path in ("", None):
            return ["merge_context(ctx, result)"]
        if kind == "context" and isinstance(path, str):
            keys = path.split(".")
            if all(keys):
                return [f"write_context(ctx, {tuple(keys)!r}, result)"]
        raise NotSupportedError(
            f"transform target {kind!r} {path!r}", "/transform/target"
        )

    def _subjourney(
        self, scope: _Scope, state: str, body: dict[str, Any]
    ) -> tuple[list[str], str]:
        where = scope.pointer(state) + "/subjourney"
        spec = body.get("subjourney")
        if not isinstance(spec, dict):
            raise error(
                self.doc.location(where), "subjourney state needs a subjourney block"
            )
        ref = spec.get("ref")
        if not isinstance(ref, str) or ref not in self.subjourney_starts:
            known = ", ".join(sorted(self.subjourney_starts)) or "none"
            raise error(
                self.doc.location(where + "/ref" if "ref" in spec else where),
                f"subjourney ref {ref!r} is not a key of spec.subjourneys (known: {known})",
            )
        if scope.subjourney == ref:
            raise NotSupportedError(
                f"subjourney {ref!r} calling itself", "/subjourney/ref"
            )
        machine, start = self.subjourney_starts[ref]
        kind = spec.get("resultKind", "output")
        on_failure = spec.get("onFailure") or {}
        behavior = (
            on_failure.get("behavior", "propagate")
            if isinstance(on_failure, dict)
            else None
        )
        var = spec.get("resultVar")
        for bad, key, allowed in (
            (kind not in ("output", "outcome"), "resultKind", "output or outcome"),
            (behavior not in ("propagate", "capture"), "onFailure", "behavior propagate or capture"),
            (var is not None and (not isinstance(var, str) or not var), "resultVar", "a name"),
        ):  # fmt: skip
            if bad:
                raise error(
                    self.doc.location(f"{where}/{key}"),
                    f"subjourney {key} must be {allowed}",
                )
        codes: list[Code] = []
        arg = "{}"
        raw = spec.get("input")
        if raw is not None:
            if not isinstance(raw, dict) or not isinstance(raw.get("mapper"), dict):
                raise error(
                    self.doc.location(where + "/input"),
                    "subjourney input needs a mapper",
                )
            code = dataweave(self.doc, where + "/input/mapper", raw["mapper"])
            codes.append(code)
            arg = code.code
        lines = [
            *_prelude(codes),
            f"found = run_subjourney(ctx, {machine}, {start!r}, {arg}, {ref!r})",
        ]
        if isinstance(var, str) and kind == "outcome":
            lines.append(f"ctx.context[{var!r}] = found.outcome()")
        if behavior == "propagate":
            lines += ["if found.failed:", "    return found.fail()"]
        if isinstance(var, str) and kind == "output":
            value = (
                "found.output"
                if behavior == "propagate"
                else ("None if found.failed else found.output")
            )
            lines.append(f"ctx.context[{var!r}] = {value}")
        lines.append(self._goto(scope, state, body))
        return lines, f"{state} (subjourney {ref})"

    def _succeed(
        self, scope: _Scope, state: str, body: dict[str, Any]
    ) -> tuple[list[str], str]:
        var = body.get("outputVar")
        arg = repr(var) if isinstance(var, str) else "None"
        return [f"return Succeed(ctx.output({arg}))"], f"{state} (succeed)"

    def _fail(
        self, scope: _Scope, state: str, body: dict[str, Any]
    ) -> tuple[list[str], str]:
        code, reason = body.get("errorCode"), body.get("reason")
        if not isinstance(code, str) or not isinstance(reason, str):
            raise NotSupportedError(
                "fail without string errorCode and reason", "/errorCode"
            )
        return [f"return Fail({code!r}, {reason!r})"], f"{state} (fail {code})"

    # -- timer and parallel ---------------------------------------------------------------

    def _timer(self, scope: _Scope, state: str, body: dict[str, Any]) -> TimerCode:
        spec = body.get("timer")
        spec = spec if isinstance(spec, dict) else {}
        modes = [m for m in ("duration", "until") if m in spec]
        if len(modes) != 1:
            raise NotSupportedError(
                "timer without exactly one of duration/until", "/timer"
            )
        mode = modes[0]
        code = self._mapper(spec[mode], f"{scope.pointer(state)}/timer/{mode}")
        nxt = self._plain_next(scope, state, body, "next")
        function = self._function(scope, "timer", state)
        lines = (*_prelude([code]), f"return {code.code}")
        self.functions.append(
            StepCode(state, function, f"{state} (timer {mode})", lines, returns="Any")
        )
        return TimerCode(state, nxt, mode, function)

    def _parallel(
        self, scope: _Scope, state: str, body: dict[str, Any]
    ) -> ParallelCode:
        spec = body.get("parallel")
        spec = spec if isinstance(spec, dict) else {}
        raw = spec.get("branches")
        if not isinstance(raw, list) or not raw:
            raise NotSupportedError("parallel without branches", "/parallel")
        join = spec.get("join") or {}
        strategy = join.get("strategy", "allOf")
        policy = join.get("errorPolicy", "collectAll")
        if strategy not in STRATEGIES or policy not in ERROR_POLICIES:
            raise NotSupportedError(f"join {strategy!r}/{policy!r}", "/parallel/join")
        branches = []
        seen: set[str] = set()
        for i, branch in enumerate(raw):
            where = f"{scope.pointer(state)}/parallel/branches/{i}"
            name = branch.get("name") if isinstance(branch, dict) else None
            states = branch.get("states") if isinstance(branch, dict) else None
            start = branch.get("start") if isinstance(branch, dict) else None
            if (
                not isinstance(name, str) or name in seen
                or not isinstance(states, dict) or start not in states
            ):  # fmt: skip
                raise NotSupportedError(
                    "branch without a unique name, states and start",
                    where[len(scope.pointer(state)) :],
                )
            seen.add(name)
            label = "_".join(
                w for w in (scope.label, naming.snake(name, default="branch")) if w
            )
            child = _Scope(states, where + "/states", label, parent=scope)
            machine = self.names.claim("BRANCH_" + label.upper())
            self.branch_machines.append(self._machine(child, machine))
            branches.append(BranchCode(name, str(start), machine))
        join_fn = None
        if "mapper" in join:
            code = dataweave(
                self.doc, f"{scope.pointer(state)}/parallel/join/mapper", join["mapper"],
                extra=frozenset({"branches"}),
            )  # fmt: skip
            join_fn = self._function(scope, "join", state)
            lines = (*_prelude([code]), f"return {code.code}")
            self.functions.append(
                StepCode(state, join_fn, f"{state} (parallel join)", lines,
                         params="ctx: Ctx, branches: dict[str, Any]", returns="Any")
            )  # fmt: skip
        result_var = join.get("resultVar")
        nxt = self._plain_next(scope, state, body, "next") if "next" in body else None
        return ParallelCode(
            state, tuple(branches), strategy, policy, join_fn,
            result_var if isinstance(result_var, str) else None, nxt,
        )  # fmt: skip

    # -- external input -------------------------------------------------------------------

    def _input(
        self, scope: _Scope, state: str, body: dict[str, Any]
    ) -> InputCode | None:
        spec = body.get(body["type"]) or {}
        ext = self._external(scope, state)
        nxt = body.get("next") or spec.get("default")
        if ext is None or ext.input_model is None or not isinstance(nxt, str):
            raise NotSupportedError(f"{body['type']} without input schema or next")
        self._plain_next(scope, state, {"next": nxt}, "next")
        timeout = spec.get("timeoutSec", body.get("timeoutSec"))
        on_timeout = spec.get("onTimeout", body.get("onTimeout"))
        if timeout is not None or on_timeout is not None:
            if (
                isinstance(timeout, bool) or not isinstance(timeout, int | float)
                or timeout < 0 or not isinstance(on_timeout, str)
            ):  # fmt: skip
                raise NotSupportedError(
                    f"{body['type']} timeoutSec without onTimeout", f"/{body['type']}"
                )
            self._plain_next(scope, state, {"onTimeout": on_timeout}, "onTimeout")
        guard = (
            (ext.guard_header, ext.guard_profile)
            if ext.guard_header and ext.guard_profile
            else None
        )
        response = spec.get("response") or {}
        var = response.get("outputVar")
        success = ext.operation.success if ext.operation else None
        route = ext.operation.step_state if ext.operation else None
        return InputCode(
            state, body["type"], ext.input_model, nxt, guard,
            var if isinstance(var, str) else None, success.model if success else None,
            timeout, on_timeout if timeout is not None else None,
            route if route and route != state else None,
        )  # fmt: skip

    def _external(self, scope: _Scope, state: str) -> ExternalStep | None:
        assert self.bundle.journey is not None
        if scope.parent is None:
            return next(
                (e for e in self.bundle.journey.external_steps if e.state == state),
                None,
            )
        body = scope.states[state]
        op = self._branch_operation(state)
        model = op.body.model if op is not None and op.body else None
        if op is None:
            model = self._state_model(state, body)
            where = self.doc.location(scope.pointer(state))
            self.warnings.append(
                (where, f"{body['type']} state {state!r} has no step endpoint in the OpenAPI "
                        f"document; the server serves it at .../steps/{state}")
            )  # fmt: skip
        header, profile = _guard(scope.states, body)
        return ExternalStep(state, body["type"], op, model or "", header, profile)

    def _branch_operation(self, state: str) -> Operation | None:
        """The step operation of a state inside a branch: by name, else by shared words."""
        assert self.bundle.journey is not None
        taken = {
            e.operation.path for e in self.bundle.journey.external_steps if e.operation
        } | self.linked
        free = [
            o for o in self.bundle.operations
            if o.kind == "step" and o.step_state and o.path not in taken
        ]  # fmt: skip
        found = next((o for o in free if o.step_state == state), None)
        if found is None:
            words = _words(state)
            scored = sorted(
                ((len(words & _words(o.step_state or "")), o.path, o) for o in free),
                key=lambda x: (-x[0], x[1]),
            )
            best = [x for x in scored if x[0] == scored[0][0]] if scored else []
            found = best[0][2] if len(best) == 1 and best[0][0] > 0 else None
        if found is not None:
            self.linked.add(found.path)
        return found

    def _state_model(self, state: str, body: dict[str, Any]) -> str | None:
        """The models.py class generated from a state's inline input schema, if any."""
        spec = body.get(body["type"]) or {}
        schema = (spec.get("input") or {}).get("schema")
        title = schema.get("title") if isinstance(schema, dict) else None
        wanted = [naming.class_name(title)] if isinstance(title, str) else []
        wanted.append(naming.class_name(state) + "Input")
        names = {m.name for m in self.bundle.models}
        return next((w for w in wanted if w in names), None)


def _pairs(raw: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(raw, dict):
        return ()
    return tuple((str(k), v) for k, v in raw.items() if isinstance(v, str) and v)


BindingPairs = tuple[
    tuple[tuple[str, str], ...],
    tuple[tuple[str, str], ...],
    tuple[tuple[str, str], ...],
]


def _http_bindings(spec: Mapping[str, Any]) -> list[tuple[str, BindingPairs]]:
    """(start | step id, (headersToContext, queryToContext, headersPassthrough))."""
    bindings = spec.get("bindings")
    http = bindings.get("http") if isinstance(bindings, dict) else None
    if not isinstance(http, dict):
        return []
    found: list[tuple[str, BindingPairs]] = []
    sites = [("start", http.get("start"))]
    steps = http.get("steps")
    sites += list(steps.items()) if isinstance(steps, dict) else []
    for name, site in sites:
        if not isinstance(site, dict):
            continue
        passthrough = tuple(
            (p["from"], p["to"])
            for p in site.get("headersPassthrough") or []
            if isinstance(p, dict)
            and isinstance(p.get("from"), str)
            and isinstance(p.get("to"), str)
        )
        pairs = (
            _pairs(site.get("headersToContext")),
            _pairs(site.get("queryToContext")),
        )
        if any(pairs) or passthrough:
            found.append((str(name), (*pairs, passthrough)))
    return found


_STOP_WORDS = frozenset({"wait", "for", "step", "on", "the", "to", "await"})


def _words(name: str) -> set[str]:
    return {w.lower() for w in naming.ascii_words(name)} - _STOP_WORDS


def _guard(
    states: Mapping[str, Any], body: dict[str, Any]
) -> tuple[str | None, str | None]:
    """The header an external-input state's input is checked with (apiKeyValidate right after it)."""
    spec = body.get(body.get("type", "")) or {}
    nxt = states.get(body.get("next") or spec.get("default") or "")
    task = nxt.get("task") if isinstance(nxt, dict) else None
    if not isinstance(task, dict) or task.get("kind") != "apiKeyValidate:v1":
        return None, None
    source = task.get("source") or {}
    if source.get("location", "header") != "header" or not isinstance(
        source.get("name"), str
    ):
        return None, None
    profile = task.get("profile")
    return source["name"], profile if isinstance(profile, str) else "default"
