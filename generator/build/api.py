"""A `kind: Api` definition linked to its one synchronous endpoint (DSL §2.2.2, §17.1).

The endpoint is `spec.bindings.http.route` (method and path under `/api/v1`), by default
`POST /apis/<metadata.name>`; the contract must declare it. `spec.bindings.http.apiResponses`
says which HTTP status each outcome answers with: its literal statuses and `default` entries
are checked here (a success answers 2xx, a failure 4xx/5xx, DSL §2.2.2), and the blocks that
only a journey instance has (named outcomes, links, read access, cancellation, a compensation
run after the answer) are located diagnostics.
"""

from __future__ import annotations

from typing import Any

from ..diagnostics import Diagnostic, Level, did_you_mean
from ..ir import JourneyIR, Operation
from .context import BuildContext
from .examples import accepted

API_BASE = "/apis/"
PHASES = ("SUCCEEDED", "FAILED")
FROM_PROBLEM = "fromProblemStatus"


def api_route(spec: Any) -> tuple[str, str]:
    """(method, path) of a kind: Api spec's endpoint, the path under `/api/v1`."""
    data = spec if isinstance(spec, dict) else {}
    http = (data.get("bindings") or {}).get("http") or {}
    route = http.get("route") or {}
    return str(route.get("method") or "POST").lower(), str(route.get("path") or "")


def api_ir(
    ctx: BuildContext,
    ops: list[Operation],
    input_model: str | None,
    output_model: str | None,
) -> JourneyIR | None:
    assert ctx.journey is not None and ctx.journey_doc is not None
    doc = ctx.journey_doc
    name = ctx.journey.metadata.name
    method, path = api_route(doc.data["spec"])
    path = path or API_BASE + name
    found = [op for op in ops if op.http_method.lower() == method and op.path == path]
    _check_responses(ctx, doc.data["spec"])
    _check_instance_blocks(ctx, doc.data["spec"])
    if not found:
        where = (
            "/spec/bindings/http/route/path"
            if api_route(doc.data["spec"])[1]
            else "/metadata/name"
        )
        near = did_you_mean(path, [op.path for op in ops])
        ctx.problems.append(
            Diagnostic(
                doc.location(where),
                f"the OpenAPI document has no {method.upper()} {path} operation: the endpoint "
                f"of this kind: Api (DSL §2.2.2); add it (under servers: /api/v1) or "
                f"re-export the contract with `journeygen export`"
                + (f"; {near}" if near else ""),
            )
        )
        return None
    op = found[0]
    start_example = accepted(
        ctx, doc, "/spec/input/schema", op.body.example if op.body else None
    )
    return JourneyIR(
        definition=ctx.journey,
        start=op,
        status=None,
        result=None,
        external_steps=(),
        input_model=input_model,
        output_model=output_model,
        status_phases=(),
        outcome_phases=PHASES,
        location=doc.location(""),
        start_example=start_example,
        api=True,
    )


def _check_responses(ctx: BuildContext, spec: dict[str, Any]) -> None:
    """apiResponses: literal statuses a client can receive for the phase (DSL §2.2.2)."""
    assert ctx.journey_doc is not None
    doc = ctx.journey_doc
    http = (spec.get("bindings") or {}).get("http") or {}
    responses = http.get("apiResponses")
    if not isinstance(responses, dict):
        return
    base = "/spec/bindings/http/apiResponses"
    for i, rule in enumerate(responses.get("rules") or []):
        if not isinstance(rule, dict):
            continue
        where = f"{base}/rules/{i}"
        found = rule.get("when")
        when: dict[str, Any] = found if isinstance(found, dict) else {}
        phase = when.get("phase")
        if "status" in rule and "statusExpr" in rule:
            ctx.problems.append(
                Diagnostic(
                    doc.location(where + "/statusExpr"),
                    "an apiResponses rule gives its status by status or by statusExpr, not "
                    "both (DSL §2.2.2); remove one",
                )
            )
        elif "status" not in rule and "statusExpr" not in rule:
            ctx.problems.append(
                Diagnostic(
                    doc.location(where),
                    "an apiResponses rule needs status: <integer> or statusExpr: {lang: "
                    "dataweave, expr: ...} (DSL §2.2.2); add the HTTP status it answers",
                )
            )
        if phase == "SUCCEEDED" and "errorType" in when:
            ctx.problems.append(
                Diagnostic(
                    doc.location(where + "/when/errorType"),
                    "when.errorType matches the Problem type of a failure; a SUCCEEDED rule "
                    "has no Problem (DSL §2.2.2): write phase: FAILED or remove errorType",
                )
            )
        status = rule.get("status")
        if isinstance(status, int) and phase in PHASES:
            _status(ctx, where + "/status", status, str(phase))
    default = responses.get("default")
    if not isinstance(default, dict):
        return
    for key, value in default.items():
        where = f"{base}/default/{key}"
        if key not in PHASES:
            hint = did_you_mean(str(key), PHASES)
            ctx.problems.append(
                Diagnostic(
                    doc.location(where),
                    f"apiResponses.default has entries SUCCEEDED and FAILED only, not "
                    f"{key!r} (DSL §2.2.2); " + (hint or "remove it"),
                )
            )
        elif key == "FAILED" and value == FROM_PROBLEM:
            continue
        elif isinstance(value, int) and not isinstance(value, bool):
            _status(ctx, where, value, str(key))
        else:
            also = f" or {FROM_PROBLEM}" if key == "FAILED" else ""
            ctx.problems.append(
                Diagnostic(
                    doc.location(where),
                    f"apiResponses.default.{key} is an HTTP status code{also}, not "
                    f"{value!r} (DSL §2.2.2); write e.g. {200 if key == 'SUCCEEDED' else 500}",
                )
            )


def _status(ctx: BuildContext, where: str, status: int, phase: str) -> None:
    assert ctx.journey_doc is not None
    ok = 200 <= status <= 299 if phase == "SUCCEEDED" else 400 <= status <= 599
    if ok:
        return
    wanted = "a 2xx status" if phase == "SUCCEEDED" else "a 4xx or 5xx status"
    why = "reaching succeed" if phase == "SUCCEEDED" else "reaching fail"
    ctx.problems.append(
        Diagnostic(
            ctx.journey_doc.location(where),
            f"HTTP status {status} for phase {phase}: {why} answers {wanted} (DSL §2.2.2); "
            f"write {wanted}",
        )
    )


# blocks about a journey instance, which a kind: Api call does not have (DSL §2.2.2: no
# journeyId, no status or result resources)
_INSTANCE_ONLY = (
    ("/spec/outcomes", "outcomes", "named outcomes classify a JourneyOutcome"),
    ("/spec/httpSurface", "httpSurface", "_links point at a journey's resources"),
    ("/spec/access", "access", "read access guards a journey's status and result"),
    (
        "/spec/metadata",
        "metadata",
        "instance tags and attributes are kept with a journey",
    ),
)


def _check_instance_blocks(ctx: BuildContext, spec: dict[str, Any]) -> None:
    assert ctx.journey_doc is not None
    doc = ctx.journey_doc
    for pointer, key, why in _INSTANCE_ONLY:
        if spec.get(key) is not None:
            ctx.warnings.append(
                Diagnostic(
                    doc.location(pointer),
                    f"spec.{key} is ignored for kind: Api: {why}, and an Api call creates "
                    "no journey (DSL §2.2.2); remove it, or write kind: Journey",
                    Level.WARNING,
                )
            )
    lifecycle = spec.get("lifecycle")
    if isinstance(lifecycle, dict) and "cancellable" in lifecycle:
        ctx.warnings.append(
            Diagnostic(
                doc.location("/spec/lifecycle/cancellable"),
                "spec.lifecycle.cancellable is ignored for kind: Api: a call runs to its end "
                "within one request and has no cancel step (DSL §2.2.2); remove it",
                Level.WARNING,
            )
        )
    compensation = spec.get("compensation")
    if isinstance(compensation, dict) and compensation.get("mode", "async") == "async":
        where = "/spec/compensation" + ("/mode" if "mode" in compensation else "")
        ctx.problems.append(
            Diagnostic(
                doc.location(where),
                "spec.compensation mode: async (the default) runs after the answer, on a "
                "stored journey; "
                "a kind: Api call stores none (DSL §2.2.2): write mode: sync (it runs "
                "before the answer) or kind: Journey",
            )
        )


def journey_bindings(ctx: BuildContext) -> None:
    """`spec.bindings.http.route` and `.apiResponses` are kind: Api only (DSL §2.2.1, §17.1):
    a journey is served at its Journeys API paths, whose statuses no block maps."""
    assert ctx.journey_doc is not None
    doc = ctx.journey_doc
    spec = doc.data.get("spec")
    bindings = spec.get("bindings") if isinstance(spec, dict) else None
    http = bindings.get("http") if isinstance(bindings, dict) else None
    if not isinstance(http, dict):
        return
    name = ctx.journey.metadata.name if ctx.journey is not None else "<name>"
    why = {
        "route": f"a journey is served at POST /api/v1/journeys/{name}/start and its "
        "/journeys/{journeyId} resources",
        "apiResponses": "the Journeys API answers 200 for every outcome, the phase tells "
        "success from failure (DSL §2.2.1)",
    }
    for key, reason in why.items():
        if key in http:
            ctx.warnings.append(
                Diagnostic(
                    doc.location(f"/spec/bindings/http/{key}"),
                    f"spec.bindings.http.{key} is for kind: Api only and is ignored for "
                    f"kind: Journey: {reason}; remove it, or write kind: Api",
                    Level.WARNING,
                )
            )
