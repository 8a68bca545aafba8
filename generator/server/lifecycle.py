"""The journey-level blocks: `spec.subjourneys`, `spec.outcomes`, `spec.execution`,
`spec.compensation`, `spec.access` (JourneyDefinition extras and machines) and
`spec.bindings.http`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import naming
from ..load import escape_pointer_token
from ..schema.journey.base import Expression
from ..schema.journey.spec import JourneySpec
from .ir import StepCode
from .scope import Scope, prelude

if TYPE_CHECKING:
    from .compile import JourneyCompiler

BindingPairs = tuple[
    tuple[tuple[str, str], ...],
    tuple[tuple[str, str], ...],
    tuple[tuple[str, str], ...],
]


def subjourneys(c: JourneyCompiler) -> None:
    """Compile every `spec.subjourneys` graph into a Machine (every state type runs there)."""
    scopes = []
    for ref, sub in (c.spec.subjourneys or {}).items():
        base = f"/spec/subjourneys/{escape_pointer_token(str(ref))}"
        label = "sub_" + naming.snake(str(ref), default="subjourney")
        machine = c.names.claim("SUBJOURNEY_" + label[4:].upper())
        c.subjourney_starts[str(ref)] = (machine, sub.start)
        scope = Scope(
            sub.states, base + "/states", label, c.expressions, subjourney=str(ref)
        )
        scopes.append((scope, machine))
    for scope, machine in scopes:  # every ref is known: subjourneys may call others
        c.branch_machines.append(c.machine(scope, machine))


def subjourney_machines(c: JourneyCompiler) -> list[tuple[str, str]]:
    """`subjourneys={id: Machine, ...}` of the definition: what subjourney states call."""
    if not c.subjourney_starts:
        return []
    items = "".join(f"{ref!r}: {m}, " for ref, (m, _) in c.subjourney_starts.items())
    return [("subjourneys", f"{{{items}}}")]


def predicate(
    c: JourneyCompiler, pointer: str, node: Expression, summary: str,
    extra: frozenset[str], params: str,
) -> str:  # fmt: skip
    """A module-level predicate function over the run's end (outcomes, alsoFor)."""
    code = c.expressions.dataweave(pointer, node, predicate=True, extra=extra)
    function = c.names.claim("predicate_" + naming.snake(summary, default="predicate"))
    lines = (*prelude([code]), f"return bool({code.code})")
    c.functions.append(
        StepCode(summary, function, summary, lines, params=params, returns="bool")
    )
    return function


def outcomes(c: JourneyCompiler) -> list[tuple[str, str]]:
    """`outcomes=(NamedOutcome(...), ...)` of the definition (DSL §20)."""
    if c.spec.outcomes is None:
        return []
    items = []
    for name, entry in c.spec.outcomes.items():
        where = f"/spec/outcomes/{escape_pointer_token(str(name))}"
        function = "None"
        if entry.when.predicate is not None:
            function = predicate(
                c, where + "/when/predicate", entry.when.predicate, f"outcome {name}",
                frozenset({"output", "error"}), "ctx: Ctx, output: Any, error: Any",
            )  # fmt: skip
        items.append(f"NamedOutcome({str(name)!r}, {entry.when.phase!r}, {function})")
        c.uses("lifecycle", "NamedOutcome")
    return [("outcomes", f"({''.join(i + ', ' for i in items)})")]


def execution(c: JourneyCompiler) -> list[tuple[str, str]]:
    """`execution=Deadline(...)` of the definition (DSL §2.4)."""
    found = c.spec.execution
    if found is None:
        return []
    limit, timeout = found.maxDurationSec, found.onTimeout
    c.uses("lifecycle", "Deadline")
    return [
        ("execution", f"Deadline({limit!r}, {timeout.errorCode!r}, {timeout.reason!r})")
    ]


def compensation(c: JourneyCompiler) -> list[tuple[str, str]]:
    """`compensation=Compensation(...)` and its machine (DSL §2.5)."""
    found = c.spec.compensation
    if found is None:
        return []
    base = "/spec/compensation"
    also = []
    for i, rule in enumerate(found.alsoFor):
        if rule.when is not None and rule.when.predicate is not None:
            also.append(
                predicate(
                    c, f"{base}/alsoFor/{i}/when/predicate", rule.when.predicate,
                    f"compensation also for {i}", frozenset({"output"}),
                    "ctx: Ctx, output: Any",
                )
            )  # fmt: skip
        else:
            also.append("None")
    machine = c.names.claim("COMPENSATION")
    # compensation states also see the run's `outcome`
    exprs = c.expressions.seeing(frozenset({"outcome"}))
    scope = Scope(found.states, base + "/states", "compensation", exprs)
    c.branch_machines.append(c.machine(scope, machine))
    rules_code = f"({''.join(a + ', ' for a in also)})"
    c.uses("lifecycle", "Compensation")
    return [
        (
            "compensation",
            f"Compensation({found.start!r}, {machine}, mode={found.mode!r}, "
            f"also_for={rules_code})",
        )
    ]


def errors(c: JourneyCompiler) -> list[tuple[str, str]]:
    """`error_envelope=<function>` of the definition: `spec.errors.envelope` with `format:
    custom` (DSL §24), its mapper (or mapperRef) compiled with `error` bound to the run's
    Problem Details object."""
    found = c.spec.errors.envelope if c.spec.errors is not None else None
    if found is None or found.format != "custom":
        return []
    pointer = "/spec/errors/envelope"
    code = c.expressions.mapper(pointer, found, extra=frozenset({"error"}))
    if code is None:
        return []
    function = c.names.claim("error_envelope")
    lines = (*prelude([code]), f"return {code.code}")
    summary = "errors.envelope (format: custom)"
    c.functions.append(
        StepCode(summary, function, summary, lines, "ctx: Ctx, error: Any", "Any")
    )
    c.uses("lifecycle", "ErrorEnvelope")
    return [("error_envelope", f"ErrorEnvelope({function}, {c.site(pointer)!r})")]


def api(c: JourneyCompiler) -> list[tuple[str, str]]:
    """`api=ApiSurface(...)` of a kind: Api definition (DSL §2.2.2): its endpoint and the
    `spec.bindings.http.apiResponses` rules, their predicates and statusExprs compiled with
    `payload` (the success body) and `error` (the failure's Problem) bound."""
    if c.journey.kind != "Api":
        return []
    http = c.spec.bindings.http if c.spec.bindings is not None else None
    route = http.route if http is not None else None
    path = (
        route.path if route is not None else None
    ) or f"/apis/{c.journey.metadata.name}"
    method = route.method if route is not None else "POST"
    responses = http.apiResponses if http is not None else None
    base = "/spec/bindings/http/apiResponses"
    rules = []
    for i, rule in enumerate(responses.rules if responses is not None else []):
        where = f"{base}/rules/{i}"
        args = [repr(rule.when.phase)]
        if rule.status is not None:
            args.append(f"status={rule.status!r}")
        if rule.statusExpr is not None:
            function = _api_function(
                c, where + "/statusExpr", rule.statusExpr, f"api_status_{i}",
                f"apiResponses.rules[{i}].statusExpr", predicate=False,
            )  # fmt: skip
            args.append(f"status_expr={function}")
        if rule.when.errorType is not None:
            args.append(f"error_type={rule.when.errorType!r}")
        if rule.when.predicate is not None:
            function = _api_function(
                c, where + "/when/predicate", rule.when.predicate, f"api_when_{i}",
                f"apiResponses.rules[{i}].when.predicate", predicate=True,
            )  # fmt: skip
            args.append(f"predicate={function}")
        args.append(f"site={c.site(where)!r}")
        rules.append(f"ApiRule({', '.join(args)})")
    if rules:
        c.uses("api_surface", "ApiRule")
    c.uses("api_surface", "ApiSurface")
    default = responses.default if responses is not None else {}
    succeeded = default.get("SUCCEEDED", 200)
    failed = default.get("FAILED")
    failed = (
        failed if isinstance(failed, int) and not isinstance(failed, bool) else None
    )
    output = c.bundle.journey.output_model if c.bundle.journey is not None else None
    checked = f", output_model=models.{output}" if output else ""
    code = (
        f"ApiSurface({path!r}, {method!r}, rules=({''.join(r + ', ' for r in rules)}), "
        f"succeeded={succeeded!r}, failed={failed!r}{checked})"
    )
    return [("api", code)]


def _api_function(
    c: JourneyCompiler, pointer: str, node: Expression, name: str, summary: str,
    *, predicate: bool,
) -> str:  # fmt: skip
    """A module-level `(ctx, payload, error)` function of an apiResponses rule: `payload` is
    the success body, `error` the failure's Problem (DSL §10.2), not the context's."""
    extra = frozenset({"payload", "error"})
    code = c.expressions.dataweave(pointer, node, predicate=predicate, extra=extra)
    function = c.names.claim(name)
    lines: tuple[str, ...] = ()
    if "context" in code.bindings:
        lines += ("context = ctx.context",)
    if "platform" in code.bindings:
        lines += ("platform = ctx.platform",)
    result = f"bool({code.code})" if predicate else code.code
    lines += (f"return {result}",)
    params = "ctx: Ctx, payload: Any, error: Any"
    returns = "bool" if predicate else "Any"
    c.functions.append(StepCode(summary, function, summary, lines, params, returns))
    return function


def access(c: JourneyCompiler) -> list[tuple[str, str]]:
    """`read_guard=ReadGuard(...)` of the definition (DSL §23.1; the schema checked the ref)."""
    found = c.spec.access
    ref = found.read.guardRef if found is not None and found.read is not None else None
    if ref is None or ref not in c.subjourney_starts:
        return []
    machine, start = c.subjourney_starts[ref]
    c.uses("access", "ReadGuard")
    return [("read_guard", f"ReadGuard({ref!r}, {machine}, {start!r})")]


def start_mode(c: JourneyCompiler) -> list[tuple[str, str]]:
    """`start_mode="async"` of the definition (DSL §2.7 `spec.lifecycle.startMode`)."""
    found = c.spec.lifecycle
    if found is None or found.startMode != "async":
        return []
    return [("start_mode", repr("async"))]


def surface(c: JourneyCompiler) -> list[tuple[str, str]]:
    """`cancellable`, `links`, `metadata` and `output_response_var` of the definition
    (DSL §2.7 `spec.lifecycle.cancellable`, §2.6 `spec.httpSurface.links`, §2.8 tags and
    metadata bindings, §11 `spec.output.response`)."""
    spec, extras = c.spec, []
    if spec.lifecycle is not None and spec.lifecycle.cancellable is False:
        extras.append(("cancellable", "False"))
    links = spec.httpSurface.links if spec.httpSurface is not None else None
    if links is not None and links.enabled is False:
        extras.append(("links", "False"))
    found = _metadata(c)
    if found:
        c.uses("metadata", "JourneyMetadata")
        extras.append(("metadata", f"JourneyMetadata({', '.join(found)})"))
    response = spec.output.response if spec.output is not None else None
    if response is not None and response.outputVar:
        extras.append(("output_response_var", repr(response.outputVar)))
    return extras


def _metadata(c: JourneyCompiler) -> list[str]:
    tags = tuple(str(t) for t in c.journey.metadata.tags)
    found = [f"tags={tags!r}"] if tags else []
    bindings = c.spec.metadata.bindings if c.spec.metadata is not None else None
    on_tags = bindings.tags if bindings is not None else None
    if on_tags is not None:
        for key, values in (
            ("tag_paths", tuple(s.path for s in on_tags.fromPayload)),
            ("tag_headers", tuple(s.header for s in on_tags.fromHeaders)),
            ("tag_baggage", tuple(s.key for s in on_tags.fromBaggage)),
        ):
            if values:
                found.append(f"{key}={values!r}")
    on_attributes = bindings.attributes if bindings is not None else None
    if on_attributes is not None:
        for key, pairs in (
            ("attribute_paths",
             tuple((str(n), s.path) for n, s in on_attributes.fromPayload.items())),
            ("attribute_headers",
             tuple((str(n), s.header) for n, s in on_attributes.fromHeaders.items())),
            ("attribute_baggage",
             tuple((str(n), s.key) for n, s in on_attributes.fromBaggage.items())),
        ):  # fmt: skip
            if pairs:
                found.append(f"{key}={pairs!r}")
    return found


def _pairs(raw: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple((str(k), v) for k, v in raw.items() if isinstance(v, str) and v)


def http_bindings(spec: JourneySpec) -> list[tuple[str, BindingPairs]]:
    """(start | step id, (headersToContext, queryToContext, headersPassthrough))."""
    http = spec.bindings.http if spec.bindings is not None else None
    if http is None:
        return []
    found: list[tuple[str, BindingPairs]] = []
    for name, site in [("start", http.start), *http.steps.items()]:
        if site is None:
            continue
        passthrough = tuple((p.from_, p.to) for p in site.headersPassthrough)
        pairs = (_pairs(site.headersToContext), _pairs(site.queryToContext))
        if any(pairs) or passthrough:
            found.append((str(name), (*pairs, passthrough)))
    return found
