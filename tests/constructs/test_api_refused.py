"""kind: Api specs that cannot run as one synchronous call, refused at generation (DSL §2.2.2).

An Api call runs in one request and keeps no journey: a state that pauses (wait, webhook,
timer), a schedule, `spec.lifecycle.startMode`, a compensation run after the answer, or an
`apiResponses` status a phase cannot answer (a success answers 2xx, a failure 4xx/5xx) is a
located error, every one at once, exit 2, nothing written. Blocks about a journey instance
(named outcomes, links) are located warnings. A hand-written contract is cross-checked: a
missing endpoint is an error with the nearest path, a request body differing from
`spec.input.schema` a warning located in the contract. Each case is written as a user would
and run through `journeygen generate`.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from generator.cli import main

API = """apiVersion: v1
kind: Api
metadata: {{name: a}}
spec:
{spec}  start: t
  states:
    t:
      type: transform
      transform:
        mapper: {{lang: dataweave, expr: '{{"a": 1}}'}}
      next: done
    done:
      type: succeed
{extra}"""
PAUSES = (
    "(an API call cannot pause); use kind: Journey or remove the state (DSL §2.2.2)"
)
INPUT = "\n      {0}:\n        input:\n          schema: {{type: object}}\n      next: done\n"
REFUSED = {
    "subjourney-wait": (
        {
            "extra": "    s:\n      type: subjourney\n      subjourney: {ref: ask}\n"
            "      next: done\n  subjourneys:\n    ask:\n      start: w\n      states:\n"
            "        w:\n          type: wait\n          wait:\n            input:\n"
            "              schema: {type: object}\n          next: ok\n"
            "        ok:\n          type: succeed\n"
        },
        [f"23:17: error: type: wait MUST NOT be used in kind: Api specs {PAUSES}"],
    ),
    "wait": (
        {"extra": "    w:\n      type: wait" + INPUT.format("wait")},
        [f"15:13: error: type: wait MUST NOT be used in kind: Api specs {PAUSES}"],
    ),
    "webhook": (
        {"extra": "    h:\n      type: webhook" + INPUT.format("webhook")},
        [f"15:13: error: type: webhook MUST NOT be used in kind: Api specs {PAUSES}"],
    ),
    "timer": (
        {
            "extra": "    tm:\n      type: timer\n      timer: {duration: PT1S}\n      next: done\n"
        },
        [f"15:13: error: type: timer MUST NOT be used in kind: Api specs {PAUSES}"],
    ),
    "schedule": (
        {
            "extra": "    s:\n      type: task\n      task:\n        kind: schedule:v1\n"
            "        start: done\n        startAt: '2030-01-01T00:00:00Z'\n"
            "        interval: P1D\n        maxRuns: 2\n      next: done\n"
        },
        ["17:15: error: schedule:v1 MUST NOT be used in kind: Api specs (DSL §5.4)"],
    ),
    "startMode": (
        {"spec": "  lifecycle: {startMode: sync}\n"},
        [
            "5:26: error: spec.lifecycle.startMode MUST NOT be declared for kind: Api "
            "(DSL §2.7); remove it"
        ],
    ),
    "compensation": (
        {
            "spec": "  compensation:\n    start: undo\n    states:\n      undo: {type: succeed}\n"
        },
        [
            "6:5: error: spec.compensation mode: async (the default) runs after the answer, "
            "on a stored journey; a kind: Api call stores none (DSL §2.2.2): write mode: sync "
            "(it runs before the answer) or kind: Journey"
        ],
    ),
    "apiResponses": (
        {"spec": """  bindings:
    http:
      apiResponses:
        rules:
          - when: {phase: SUCCEEDED}
            status: 404
          - when: {phase: FAILED, errorType: x}
            status: 200
          - when: {phase: SUCCEEDED, errorType: x}
            status: 201
            statusExpr: {lang: dataweave, expr: '201'}
          - when: {phase: FAILED}
        default: {SUCEEDED: 200, FAILED: teapot}
"""},
        [
            "10:21: error: HTTP status 404 for phase SUCCEEDED: reaching succeed answers a 2xx "
            "status (DSL §2.2.2); write a 2xx status",
            "12:21: error: HTTP status 200 for phase FAILED: reaching fail answers a 4xx or 5xx "
            "status (DSL §2.2.2); write a 4xx or 5xx status",
            "13:49: error: when.errorType matches the Problem type of a failure; a SUCCEEDED "
            "rule has no Problem (DSL §2.2.2): write phase: FAILED or remove errorType",
            "15:25: error: an apiResponses rule gives its status by status or by statusExpr, "
            "not both (DSL §2.2.2); remove one",
            "16:13: error: an apiResponses rule needs status: <integer> or statusExpr: {lang: "
            "dataweave, expr: ...} (DSL §2.2.2); add the HTTP status it answers",
            "17:29: error: apiResponses.default has entries SUCCEEDED and FAILED only, not "
            "'SUCEEDED' (DSL §2.2.2); did you mean 'SUCCEEDED'?",
            "17:42: error: apiResponses.default.FAILED is an HTTP status code or "
            "fromProblemStatus, not 'teapot' (DSL §2.2.2); write e.g. 500",
        ],
    ),
    "route": (
        {"spec": "  bindings:\n    http:\n      route: {path: apis/a, method: GET}\n"},
        [
            "7:21: error: journey: spec.bindings.http.route.path: route.path must start with "
            "'/' (the endpoint's path under /api/v1, DSL §2.2.2): write /apis/a (got 'apis/a')",
            "7:37: error: journey: spec.bindings.http.route.method: GET is not supported: the "
            "initial version of kind: Api serves POST only (DSL §2.2.2): write method: POST or "
            "remove it (got 'GET')",
        ],
    ),
}


def _generate(folder: Path, *extra: str) -> tuple[int, str, Path]:
    out = folder.parent / "out"
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(
        ["generate", str(folder), "--out", str(out), "-q", "--no-cache", *extra],
        stdout=stdout,
        stderr=stderr,
    )
    return code, stdout.getvalue() + stderr.getvalue(), out


def _folder(tmp_path: Path, text: str, contract: str | None = None) -> Path:
    folder = tmp_path / "a"
    folder.mkdir()
    (folder / "a.journey.yaml").write_text(text, encoding="utf-8")
    if contract is not None:
        (folder / "a.openapi.yaml").write_text(contract, encoding="utf-8")
    return folder


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_what_an_api_call_cannot_run_is_a_located_error(
    tmp_path: Path, case: str
) -> None:
    parts, expected = REFUSED[case]
    text = API.format(spec=parts.get("spec", ""), extra=parts.get("extra", ""))
    code, printed, out = _generate(_folder(tmp_path, text))
    assert code == 2, printed
    found = [
        line.split("a.journey.yaml:", 1)[1]
        for line in printed.splitlines()
        if "a.journey.yaml:" in line
    ]
    assert found == expected
    assert not out.exists()


def test_journey_instance_blocks_are_warnings_and_strict_refuses_them(
    tmp_path: Path,
) -> None:
    spec = (
        "  outcomes:\n    ok: {when: {phase: SUCCEEDED}}\n"
        "  httpSurface: {links: {enabled: false}}\n"
        "  metadata:\n    bindings:\n      tags:\n        fromPayload:\n"
        "          - path: a\n"
    )
    folder = _folder(tmp_path, API.format(spec=spec, extra=""))
    expected = [
        "6:5: warning: spec.outcomes is ignored for kind: Api: named outcomes classify a "
        "JourneyOutcome, and an Api call creates no journey (DSL §2.2.2); remove it, or "
        "write kind: Journey",
        "7:16: warning: spec.httpSurface is ignored for kind: Api: _links point at a "
        "journey's resources, and an Api call creates no journey (DSL §2.2.2); remove it, "
        "or write kind: Journey",
        "9:5: warning: spec.metadata is ignored for kind: Api: instance tags and "
        "attributes are kept with a journey, and an Api call creates no journey (DSL "
        "§2.2.2); remove it, or write kind: Journey",
    ]
    code, printed, out = _generate(folder, "--strict")
    assert code == 2 and not out.exists(), printed
    code, printed, out = _generate(folder)
    assert code == 0, printed
    found = [
        line.split("a.journey.yaml:", 1)[1]
        for line in printed.splitlines()
        if "a.journey.yaml:" in line
    ]
    assert found == expected
    assert (out / "a" / "a" / "server.py").is_file()


CONTRACT = """openapi: 3.1.0
info: {{title: a, version: 1.0.0}}
servers: [{{url: /api/v1}}]
paths:
  {path}:
    post:
      operationId: a_execute
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                qty: {{type: {qty}}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{type: object}}
"""
TYPED = API.replace(
    "spec:\n{spec}",
    "spec:\n  input:\n    schema:\n      type: object\n      properties:\n        qty: {{type: integer}}\n{spec}",
)


def test_a_hand_written_contract_without_the_endpoint_is_an_error_naming_the_nearest(
    tmp_path: Path,
) -> None:
    folder = _folder(
        tmp_path,
        TYPED.format(spec="", extra=""),
        CONTRACT.format(path="/apis/b", qty="integer"),
    )
    code, printed, out = _generate(folder)
    assert code == 2, printed
    assert (
        "a.journey.yaml:3:18: error: the OpenAPI document has no POST /apis/a operation: "
        "the endpoint of this kind: Api (DSL §2.2.2); add it (under servers: /api/v1) or "
        "re-export the contract with `journeygen export`; did you mean '/apis/b'?"
    ) in printed
    assert not out.exists()


def test_a_hand_written_contract_whose_body_differs_is_a_warning_in_the_contract(
    tmp_path: Path,
) -> None:
    folder = _folder(
        tmp_path,
        TYPED.format(spec="", extra=""),
        CONTRACT.format(path="/apis/a", qty="string"),
    )
    code, printed, out = _generate(folder)
    assert code == 0, printed
    assert (
        "a.openapi.yaml:6:5: warning: the request body differs from the Api's "
        "spec.input.schema (/request/properties/qty/type: 'string' != 'integer')"
    ) in printed
    assert (out / "a" / "a" / "client.py").is_file()


def test_api_only_bindings_on_a_journey_are_warnings(tmp_path: Path) -> None:
    spec = """  bindings:
    http:
      route: {path: /apis/a}
      apiResponses:
        rules:
          - when: {phase: FAILED}
            status: 404
"""
    text = API.format(spec=spec, extra="").replace("kind: Api", "kind: Journey")
    folder = _folder(tmp_path, text)
    code, printed, out = _generate(folder, "--strict")
    assert code == 2 and not out.exists(), printed
    code, printed, _ = _generate(folder)
    assert code == 0, printed
    found = [
        line.split("a.journey.yaml:", 1)[1]
        for line in printed.splitlines()
        if "a.journey.yaml:" in line
    ]
    assert found == [
        "7:14: warning: spec.bindings.http.route is for kind: Api only and is ignored for "
        "kind: Journey: a journey is served at POST /api/v1/journeys/a/start and its "
        "/journeys/{journeyId} resources; remove it, or write kind: Api",
        "9:9: warning: spec.bindings.http.apiResponses is for kind: Api only and is "
        "ignored for kind: Journey: the Journeys API answers 200 for every outcome, the "
        "phase tells success from failure (DSL §2.2.1); remove it, or write kind: Api",
    ]
