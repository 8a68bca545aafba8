"""The DSL's MUST / MUST NOT rules of each state and task kind that a field type cannot say.

Each rule names its section of the DSL reference; tests/journey_schema/test_rules.py holds one
small invalid journey per rule. Shapes (required fields, enums, integer bounds) are the models'
own validation; the transitions are `transitions.py`'s; the outbound policies (spec.policies,
spec.cookies, a task's policy bindings) are `policies.py`'s.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ...diagnostics import Level, did_you_mean
from . import policies as policy_rules
from .base import IDENTIFIER, Expression
from .check import _dotted, walk_models, walk_states
from .states import (
    ChoiceState,
    SubjourneyState,
    TaskState,
    TimerState,
    TransformState,
    WaitState,
    WebhookState,
)
from .tasks import (
    SOURCE_FORM,
    TASK_MODELS,
    ApiKeyValidate,
    Cache,
    HttpCall,
    JwtValidate,
    Schedule,
    UnknownTask,
    XmlDecode,
)

if TYPE_CHECKING:
    from .check import Checker

# Expression engines journeygen runs (DSL §4: a `lang` with no engine MUST fail validation).
LANGUAGES = ("dataweave",)
# Inbound bindings journeygen serves (DSL §2.2: no entries for unsupported bindings).
BINDINGS = ("http",)
EXPERIMENTAL_BINDINGS = ("websocket", "grpc", "queue", "cli", "function")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
_IDENT = re.compile(IDENTIFIER)
_DURATION = re.compile(
    r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$"
)
_TIMESTAMP = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)
# JourneyStatus / JourneyOutcome fields a projection MUST NOT override (DSL §11, §12.1).
STATUS_RESERVED = (
    "journeyId", "journeyName", "phase", "currentState", "updatedAt", "tags",
    "attributes", "_links",
)  # fmt: skip
OUTCOME_RESERVED = (
    "journeyId", "journeyName", "phase", "status", "output", "error", "tags",
    "attributes", "_links",
)  # fmt: skip


def check(c: Checker) -> None:
    journey = c.journey
    if journey.apiVersion != "v1":
        c.report(
            "/apiVersion",
            f"apiVersion must be 'v1' (got {journey.apiVersion!r}); write apiVersion: v1",
        )
    if (
        journey.metadata.description is not None
        and not journey.metadata.description.strip()
    ):
        c.report("/metadata/description", "metadata.description must be a non-empty string when present (DSL §2.2); remove it or describe the journey")  # fmt: skip
    bindings(c)
    _route_method(c)
    metadata_limits(c)
    languages(c)
    spec_blocks(c)
    policy_rules.check(c)
    step_bindings(c)
    scheduled_runs(c)
    for pointer, state in walk_states(journey.spec):
        if journey.kind == "Api":
            api_state(c, pointer, state)
        if isinstance(state, TaskState):
            task(c, pointer, state)
        elif isinstance(state, WaitState | WebhookState):
            external(c, pointer, state)
        elif isinstance(state, TimerState):
            timer(c, pointer, state)
        elif isinstance(state, ChoiceState):
            for i, branch in enumerate(state.choices):
                if branch.when is None or branch.when.predicate is None:
                    c.report(f"{pointer}/choices/{i}", "a choice branch needs when.predicate {lang: dataweave, expr: ...} (DSL §5.4)")  # fmt: skip


def bindings(c: Checker) -> None:
    """DSL §2.2 / §17: spec.bindings MUST NOT contain bindings the engine does not support."""
    raw = (
        (c.doc.data.get("spec") or {}).get("bindings")
        if isinstance(c.doc.data, dict)
        else None
    )
    if not isinstance(raw, dict):
        return
    for key in raw:
        if key in BINDINGS or str(key).startswith("x-"):
            continue
        pointer = f"/spec/bindings/{key}"
        if key in EXPERIMENTAL_BINDINGS:
            c.report(pointer, f"spec.bindings.{key} is not supported: journeygen serves journeys over HTTP only (spec.bindings.http); remove it (DSL §2.2: a spec MUST NOT contain bindings the engine does not support)")  # fmt: skip
        else:
            hint = did_you_mean(str(key), [*BINDINGS, *EXPERIMENTAL_BINDINGS])
            c.report(pointer, f"unknown binding {key!r} at spec.bindings; " + (hint or "the only binding journeygen serves is http"))  # fmt: skip


def _route_method(c: Checker) -> None:
    """DSL §2.2.2: route.method is POST; `post` in another case is read as POST."""
    raw = _at(c.doc.data, "/spec/bindings/http/route").get("method")
    # any other value failed the schema
    if c.journey.kind == "Api" and isinstance(raw, str) and raw != "POST":
        c.report("/spec/bindings/http/route/method", f"route.method {raw!r} is read as POST (HTTP methods are upper case; DSL §2.2.2); write method: POST", Level.WARNING)  # fmt: skip


def step_bindings(c: Checker) -> None:
    """DSL §17.1: bindings.http.steps are keyed by external-input state ids."""
    http = c.journey.spec.bindings.http if c.journey.spec.bindings else None
    inputs = [
        p.rsplit("/", 1)[-1] for p, s in walk_states(c.journey.spec)
        if isinstance(s, WaitState | WebhookState)
    ]  # fmt: skip
    for step in http.steps if http else {}:
        if step not in inputs:
            hint = did_you_mean(step, inputs)
            c.report(f"/spec/bindings/http/steps/{_token(step)}", f"spec.bindings.http.steps.{step} names no wait or webhook state, so it is never applied (DSL §17.1); " + (hint or f"external-input states: {', '.join(inputs) or 'none'}"), Level.WARNING)  # fmt: skip


def scheduled_runs(c: Checker) -> None:
    """DSL §5.4: the states a schedule:v1 start reaches MUST be non-interactive."""
    states = c.journey.spec.states
    for pointer, state in walk_states(c.journey.spec):
        task = state.task if isinstance(state, TaskState) else None
        if not isinstance(task, Schedule) or task.start not in states:
            continue
        seen, todo = set(), [task.start]
        while todo:
            name = todo.pop()
            if name in seen or name not in states:
                continue
            seen.add(name)
            todo.extend(_next_states(states[name]))
        waiting = sorted(
            n for n in seen if isinstance(states[n], WaitState | WebhookState)
        )
        if waiting:
            c.report(pointer + "/task/start", f"schedule:v1 start {task.start!r} reaches external-input state(s) {', '.join(waiting)}; scheduled runs MUST be non-interactive (DSL §5.4): start them at a state that reaches no wait or webhook")  # fmt: skip


def _next_states(state: Any) -> list[str]:
    """Every state a top-level state may go to next."""
    found = [getattr(state, "next", None)]
    if isinstance(state, ChoiceState):
        found += [b.next for b in state.choices] + [state.default]
    if isinstance(state, WaitState | WebhookState):
        block = state.wait if isinstance(state, WaitState) else state.webhook
        found += [
            block.default,
            block.onTimeout if isinstance(block.onTimeout, str) else None,
        ]
    return [f for f in found if isinstance(f, str)]


def languages(c: Checker) -> None:
    """DSL §4, §10: every `lang` names an engine journeygen runs."""
    for pointer, model in walk_models(c.journey, c.doc.data, ""):
        if isinstance(model, Expression) and model.lang not in LANGUAGES:
            hint = did_you_mean(model.lang, LANGUAGES)
            c.report(
                pointer + "/lang",
                f"expression language {model.lang!r} is not supported: journeygen runs "
                f"lang: dataweave only; "
                + (hint or "rewrite the expression in DataWeave"),
            )


PAUSING = ("wait", "webhook", "timer")


def _pausing(spec: Any, ref: str) -> Iterator[tuple[str, Any, str]]:
    """(pointer, state, subjourney) of every wait/webhook/timer state the subjourney `ref`
    can reach: its own states, its parallel branches, the subjourneys it calls."""
    seen: set[str] = set()
    todo = [ref]
    subjourneys = spec.subjourneys or {}
    while todo:
        name = todo.pop(0)
        if name in seen or name not in subjourneys:
            continue
        seen.add(name)
        base = f"/spec/subjourneys/{_token(name)}/states"
        for pointer, state in _machine_states(subjourneys[name].states, base):
            if getattr(state, "type", None) in PAUSING:
                yield pointer, state, name
            elif isinstance(state, SubjourneyState) and state.subjourney.ref:
                todo.append(state.subjourney.ref)


def _machine_states(states: Any, pointer: str) -> Iterator[tuple[str, Any]]:
    for name, state in (states or {}).items():
        here = f"{pointer}/{_token(name)}"
        yield here, state
        branches = getattr(getattr(state, "parallel", None), "branches", None) or []
        for i, branch in enumerate(branches):
            yield from _machine_states(branch.states, f"{here}/parallel/branches/{i}/states")  # fmt: skip


# The built-in MetadataLimits defaults of DSL §21, which the generated server enforces too.
DEFINITION_TAGS, TAG_LENGTH, ATTRIBUTE_KEYS, KEY_LENGTH = 10, 40, 16, 32


def metadata_limits(c: Checker) -> None:
    """`metadata.tags` and attribute bindings within MetadataLimits (DSL §21)."""
    tags = c.journey.metadata.tags
    if len(tags) > DEFINITION_TAGS:
        c.report("/metadata/tags", f"metadata.tags has {len(tags)} entries; MetadataLimits definitionTags.maxCount is {DEFINITION_TAGS} (DSL §21): keep the {DEFINITION_TAGS} that matter")  # fmt: skip
    for i, tag in enumerate(tags):
        if len(str(tag)) > TAG_LENGTH:
            c.report(f"/metadata/tags/{i}", f"tag {str(tag)[:20]!r}... is {len(str(tag))} characters; MetadataLimits instanceTags.maxLength is {TAG_LENGTH} (DSL §21): shorten it")  # fmt: skip
    meta = c.journey.spec.metadata
    found = meta.bindings.attributes if meta and meta.bindings else None
    if found is None:
        return
    names = [*found.fromPayload, *found.fromHeaders, *found.fromBaggage]
    if len(set(names)) > ATTRIBUTE_KEYS:
        c.report("/spec/metadata/bindings/attributes", f"{len(set(names))} attributes are bound; MetadataLimits attributes.maxKeys is {ATTRIBUTE_KEYS} (DSL §21): bind at most {ATTRIBUTE_KEYS}")  # fmt: skip
    placed = [("fromPayload", n) for n in found.fromPayload]
    placed += [("fromHeaders", n) for n in found.fromHeaders]
    placed += [("fromBaggage", n) for n in found.fromBaggage]
    for where, name in placed:
        if len(str(name)) > KEY_LENGTH:
            c.report(f"/spec/metadata/bindings/attributes/{where}/{name}", f"attribute name {str(name)!r} is {len(str(name))} characters; MetadataLimits attributes.maxKeyLength is {KEY_LENGTH} (DSL §21): shorten it")  # fmt: skip


def spec_blocks(c: Checker) -> None:
    spec = c.journey.spec
    subjourneys = spec.subjourneys or {}
    guard = spec.access.read.guardRef if spec.access and spec.access.read else None
    if guard is not None and guard not in subjourneys:
        c.report("/spec/access/read/guardRef", f"spec.access.read.guardRef {guard!r} is not a key of spec.subjourneys (DSL §23.1); " + (did_you_mean(guard, subjourneys) or "define the guard subjourney"))  # fmt: skip
    elif guard is not None:
        for pointer, state, via in _pausing(spec, guard):
            through = f", reached through subjourney {via!r}" if via != guard else ""
            c.report(pointer, f"the read guard subjourney {guard!r} (spec.access.read.guardRef) can pause at {_dotted(pointer)} (a {state.type} state{through}): a guard runs inside GET /journeys/{{journeyId}} and must reach succeed or fail without external input or a delay (DSL §23.1); move the {state.type} state out of the guard or compute the decision from the stored context")  # fmt: skip
    envelope = spec.errors.envelope if spec.errors else None
    mapped = envelope is not None and (
        envelope.mapper is not None
        or envelope.mapperRef is not None
        or envelope.normaliserRef is not None
    )
    if envelope is not None and envelope.format == "custom" and not mapped:
        c.report("/spec/errors/envelope", "spec.errors.envelope with format: custom needs a mapper {lang: dataweave, expr: ...} or a mapperRef (DSL §24)")  # fmt: skip
    elif envelope is not None and envelope.format != "custom" and mapped:
        c.report("/spec/errors/envelope/format", "spec.errors.envelope has a mapper but format: problemDetails (the default), which answers Problem Details and ignores the mapper (DSL §24); write format: custom to use it, or remove the mapper", Level.WARNING)  # fmt: skip
    if spec.output is not None and spec.output.response is not None:
        _reserved(c, "/spec/output/response/schema", spec.output.response.schema_, OUTCOME_RESERVED, "JourneyOutcome")  # fmt: skip
    if (
        c.journey.kind == "Api"
        and spec.lifecycle is not None
        and "startMode" in spec.lifecycle.model_fields_set
    ):
        c.report("/spec/lifecycle/startMode", "spec.lifecycle.startMode MUST NOT be declared for kind: Api (DSL §2.7); remove it")  # fmt: skip


def api_state(c: Checker, pointer: str, state: Any) -> None:
    """DSL §2.2.2, §5.8, §12.3: kind: Api runs in one request."""
    if isinstance(state, WaitState | WebhookState | TimerState):
        c.report(pointer + "/type", f"type: {state.type} MUST NOT be used in kind: Api specs (an API call cannot pause); use kind: Journey or remove the state (DSL §2.2.2)")  # fmt: skip
    if isinstance(state, TaskState) and isinstance(state.task, Schedule):
        c.report(pointer + "/task/kind", "schedule:v1 MUST NOT be used in kind: Api specs (DSL §5.4)")  # fmt: skip
    if (
        isinstance(state, TransformState)
        and state.transform.target is not None
        and state.transform.target.kind == "attributes"
    ):
        c.report(pointer + "/transform/target/kind", "transform target kind: attributes is rejected for kind: Api (no journey instance holds attributes; DSL §14)")  # fmt: skip


def task(c: Checker, pointer: str, state: TaskState) -> None:
    body = state.task
    raw = _at(c.doc.data, pointer + "/task")
    if isinstance(body, UnknownTask):
        hint = did_you_mean(str(body.kind), TASK_MODELS)
        c.report(pointer + "/task/kind", f"task kind {body.kind!r} is not a task plugin journeygen provides; " + (hint or f"use one of: {', '.join(TASK_MODELS)}") + " (DSL §5: a kind with no plugin MUST fail validation)")  # fmt: skip
        return
    if not isinstance(body, HttpCall) and "cookies" in raw:
        c.report(pointer + "/task/cookies", f"task.cookies is allowed only on httpCall:v1 tasks, not {body.kind} (DSL §22.3); remove it")  # fmt: skip
    if isinstance(body, HttpCall):
        http_call(c, pointer + "/task", body)
    elif isinstance(body, Cache):
        if body.operation == "get" and body.resultVar is None:
            c.report(pointer + "/task", "cache:v1 get needs resultVar (where the cached value is stored) (DSL §15)")  # fmt: skip
        if body.operation == "put" and body.resultVar is not None:
            c.report(pointer + "/task/resultVar", "cache:v1 put MUST omit resultVar (a put has no result) (DSL §15); remove it")  # fmt: skip
        _identifier(c, pointer + "/task/resultVar", body.resultVar)
    elif isinstance(body, (ApiKeyValidate, JwtValidate)):
        _key_source(c, pointer + "/task/source", body)
    elif isinstance(body, XmlDecode):
        if (
            body.target is not None
            and body.target.kind == "var"
            and body.resultVar is None
        ):
            c.report(pointer + "/task", "xmlDecode:v1 with target kind: var needs resultVar (DSL §5.3)")  # fmt: skip
        xml_target = body.target
        if xml_target is not None and xml_target.kind == "attributes":
            c.report(pointer + "/task/target/kind", "xmlDecode:v1 target kind must be context or var, not attributes (DSL §5.3); write kind: var with a resultVar, then a transform into attributes")  # fmt: skip
        if (
            xml_target is not None
            and xml_target.kind == "context"
            and body.resultVar is not None
        ):
            c.report(pointer + "/task/resultVar", "xmlDecode:v1 resultVar is used only with target kind: var (DSL §5.3); write target: {kind: var} or remove resultVar")  # fmt: skip
        if (
            xml_target is not None
            and xml_target.kind == "var"
            and xml_target.path is not None
        ):
            c.report(pointer + "/task/target/path", "xmlDecode:v1 target.path is used only with target kind: context (DSL §5.3); remove it (the value goes to context.<resultVar>)")  # fmt: skip
        _identifier(c, pointer + "/task/sourceVar", body.sourceVar)
        _identifier(c, pointer + "/task/resultVar", body.resultVar)
    elif isinstance(body, Schedule):
        for field in ("interval", "maxRuns"):
            if getattr(body, field) is None:
                c.report(pointer + "/task", f"schedule:v1 needs {field} (DSL §5.4)")
        if isinstance(body.interval, str) and not _DURATION.match(body.interval):
            c.report(pointer + "/task/interval", f"schedule:v1 interval {body.interval!r} is not an ISO-8601 duration; write e.g. P1D or PT1H (DSL §5.4)")  # fmt: skip
        runs = body.maxRuns
        if isinstance(runs, str) or (
            isinstance(runs, int) and (isinstance(runs, bool) or runs < 1)
        ):
            c.report(pointer + "/task/maxRuns", f"schedule:v1 maxRuns must be a positive integer or a mapper (got {runs!r}) (DSL §5.4)")  # fmt: skip
        if isinstance(body.startAt, str) and not _TIMESTAMP.match(body.startAt):
            c.report(pointer + "/task/startAt", f"schedule:v1 startAt {body.startAt!r} is not an RFC 3339 timestamp; write e.g. 2025-01-01T00:00:00Z (DSL §5.4)")  # fmt: skip


def http_call(c: Checker, pointer: str, body: HttpCall) -> None:
    """DSL §5.1 validation, §13 and §19 references."""
    raw_binding = body.method is not None or body.url is not None
    if body.operationRef is not None and raw_binding:
        c.report(pointer, "httpCall:v1 takes operationRef or method + url, not both (DSL §5.1); remove one")  # fmt: skip
    elif body.operationRef is None and (body.method is None or body.url is None):
        missing = "url" if body.method is not None else "method" if body.url is not None else "operationRef (or method + url)"  # fmt: skip
        c.report(pointer, f"httpCall:v1 needs {missing} (DSL §5.1)")
    if body.method is not None and body.method.upper() not in METHODS:
        c.report(pointer + "/method", f"httpCall:v1 method {body.method!r} is not an HTTP method; use one of {', '.join(METHODS)}")  # fmt: skip
    if (
        isinstance(body.url, str)
        and not body.url.startswith("${")
        and not re.match(r"^https?://", body.url)
    ):
        c.report(pointer + "/url", f"httpCall:v1 url {body.url!r} must be absolute (http:// or https://) (DSL §5.1)")  # fmt: skip
    if body.body is not None and (body.method or "").upper() == "GET":
        c.report(pointer + "/body", "httpCall:v1 body with method GET is a validation error (DSL §5.1); remove the body or use POST")  # fmt: skip
    if body.mode == "notify":
        for field in ("resultVar", "errorMapping"):
            if getattr(body, field) is not None:
                c.report(f"{pointer}/{field}", f"httpCall:v1 mode: notify MUST omit {field} (a notify call has no result) (DSL §5.1); remove it")  # fmt: skip
    else:
        _identifier(c, pointer + "/resultVar", body.resultVar)
    policy_rules.http_call(c, pointer, body)


def external(c: Checker, pointer: str, state: WaitState | WebhookState) -> None:
    """DSL §12.1, §12.2."""
    block = state.wait if isinstance(state, WaitState) else state.webhook
    at = f"{pointer}/{state.type}"
    if block.input is None or block.input.schema_ is None:
        c.report(at if _at(c.doc.data, at) else pointer, f"{state.type}.input.schema is required: the JSON Schema of the step payload (DSL §12)")  # fmt: skip
    if isinstance(state, WaitState) and block.channel not in (None, "manual"):
        c.report(at + "/channel", f"wait.channel must be manual (got {block.channel!r}); use a webhook state for callbacks (DSL §12.1)")  # fmt: skip
    if block.timeoutSec is not None:
        if (
            isinstance(block.timeoutSec, bool)
            or not isinstance(block.timeoutSec, int)
            or block.timeoutSec < 1
        ):
            c.report(at + "/timeoutSec", f"{state.type}.timeoutSec must be a positive integer of seconds (got {block.timeoutSec!r})")  # fmt: skip
        if block.onTimeout is None:
            c.report(at + "/timeoutSec", f"{state.type}.timeoutSec needs onTimeout: the state to go to when no submission arrives (DSL §12)")  # fmt: skip
    if (
        state.next is not None
        and block.default is not None
        and state.next != block.default
    ):
        c.report(f"{at}/default", f"{state.type} state has next {state.next!r} and {state.type}.default {block.default!r}; keep one next")  # fmt: skip
    elif block.default is not None:
        c.report(f"{at}/default", f"'default' inside the {state.type} block at {_dotted(pointer)} is not a {state.type} field; it is read as the state's next (DSL §12 writes next: beside {state.type}:); write next: {block.default} at the state level, beside {state.type}:", Level.WARNING)  # fmt: skip
    if block.response is not None:
        _identifier(c, at + "/response/outputVar", block.response.outputVar)
        _reserved(c, at + "/response/schema", block.response.schema_, STATUS_RESERVED, "JourneyStatus")  # fmt: skip


def timer(c: Checker, pointer: str, state: TimerState) -> None:
    """DSL §12.3: exactly one of duration / until; literals are ISO-8601 / RFC 3339."""
    block = state.timer
    given = [f for f in ("duration", "until") if getattr(block, f) is not None]
    if len(given) != 1:
        c.report(pointer + "/timer", "a timer needs exactly one of timer.duration or timer.until (DSL §12.3)" + (f" (got {' and '.join(given)})" if given else ""))  # fmt: skip
    if isinstance(block.duration, str) and not _DURATION.match(block.duration):
        c.report(pointer + "/timer/duration", f"timer.duration {block.duration!r} is not an ISO-8601 duration; write e.g. PT5M, PT1H or P1D (DSL §12.3)")  # fmt: skip
    if isinstance(block.until, str) and not _TIMESTAMP.match(block.until):
        c.report(pointer + "/timer/until", f"timer.until {block.until!r} is not an RFC 3339 timestamp; write e.g. 2025-01-01T00:00:00Z (DSL §12.3)")  # fmt: skip


_SOURCE_LOCATIONS = {
    "apiKeyValidate:v1": ("header", "query"),
    "jwtValidate:v1": ("header", "query", "cookie"),
}


def _key_source(c: Checker, pointer: str, task: ApiKeyValidate | JwtValidate) -> None:
    """An auth task's `source`: a known location and a name (DSL §18.6, §18.8)."""
    raw = task.source
    if raw is None:
        return
    allowed = _SOURCE_LOCATIONS[task.kind]
    where = ", ".join(allowed)
    if isinstance(raw, str):
        found = SOURCE_FORM.match(raw)
        location = found.group(1) if found else None
        if found is None or location not in allowed:
            hint = did_you_mean(location, allowed) if location else None
            c.report(pointer, f"{task.kind} source {raw!r} must be <location>:<name> with location {where} (e.g. header:Authorization)" + (f"; {hint}" if hint else ""))  # fmt: skip
        return
    if raw.location not in allowed:
        hint = did_you_mean(raw.location, allowed)
        c.report(pointer + "/location", f"{task.kind} source.location {raw.location!r} is not one of {where} (DSL §18)" + (f"; {hint}" if hint else ""))  # fmt: skip
    if not raw.name:
        c.report(pointer, f"{task.kind} source needs name (the {raw.location} to read the credential from)")  # fmt: skip
    if raw.scheme is not None and task.kind == "apiKeyValidate:v1":
        c.report(pointer + "/scheme", "apiKeyValidate:v1 source has no scheme (DSL §18.8: only location and name); remove it")  # fmt: skip


def _identifier(c: Checker, pointer: str, name: str | None) -> None:
    if name is not None and not _IDENT.match(name):
        field = pointer.rsplit("/", 1)[-1]
        c.report(
            pointer, f"{field} {name!r} must be an identifier ([A-Za-z_][A-Za-z0-9_]*)"
        )


def _reserved(c: Checker, pointer: str, schema: Any, reserved: tuple[str, ...], envelope: str) -> None:  # fmt: skip
    props = schema.get("properties") if isinstance(schema, dict) else None
    for name in sorted(set(props or {}) & set(reserved)):
        c.report(f"{pointer}/properties/{name}", f"projected property {name!r} collides with the reserved {envelope} field {name!r} (DSL §11, §12.1: MUST NOT be overridden); rename it")  # fmt: skip


def _at(data: Any, pointer: str) -> dict[Any, Any]:
    node = data
    for part in pointer.split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        node = node.get(part) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else {}


def _token(key: Any) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


__all__ = ["BINDINGS", "LANGUAGES", "check"]
