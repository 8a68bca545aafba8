"""The DSL reference's MUST / MUST NOT rules, one small invalid journey each.

Each case names the reference section it covers, the journey (a `spec.states` block and any
other `spec` blocks), and what `journeygen generate` prints for it: the located diagnostics
(`line:col: level: message`, the file name left out) and the exit code. Errors exit 2 and write
nothing; a warning case is run with `--strict` (exit 2, the warning printed as an error) and
once without (exit 0, the package written) in test_rules.py.
"""

from __future__ import annotations

from dataclasses import dataclass

HEAD = """apiVersion: {api}
kind: {kind}
metadata: {{name: {name}}}
spec:
{spec}  start: {start}
  states:
"""

CALL = """    call:
      type: task
      task:
        kind: httpCall:v1
        method: GET
        url: https://example.com/items
        resultVar: item
      next: done
"""
DONE = """    done:
      type: succeed
"""
WAIT = """    w:
      type: wait
      wait:
        channel: manual
        input: {schema: {type: object, properties: {ok: {type: boolean}}}}
      next: done
"""


@dataclass(frozen=True)
class Case:
    """One rule of the reference and what breaking it prints."""

    id: str
    section: str
    rule: str
    states: str
    expected: tuple[str, ...]
    spec: str = ""
    kind: str = "Journey"
    start: str = "call"
    warning: bool = False
    api: str = "v1"
    name: str = "j"

    def text(self) -> str:
        head = HEAD.format(
            api=self.api,
            name=self.name,
            kind=self.kind,
            spec=self.spec,
            start=self.start,
        )
        return head + self.states


CASES: tuple[Case, ...] = (
    Case(
        "api-version",
        "§2.2",
        "apiVersion must be v1",
        CALL + DONE,
        ("1:13: error: apiVersion must be 'v1' (got 'v2'); write apiVersion: v1",),
        api="v2",
    ),
    Case(
        "start-names-a-state",
        "§2.2",
        "spec.states must contain spec.start",
        CALL + DONE,
        (
            "5:10: error: spec.start 'cal' is not a state of this journey; did you mean 'call'?",
        ),
        start="cal",
    ),
    Case(
        "unsupported-binding",
        "§2.2, §17.3",
        "spec.bindings MUST NOT contain unsupported bindings",
        CALL + DONE,
        (
            "6:16: error: spec.bindings.websocket is not supported: journeygen serves journeys "
            "over HTTP only (spec.bindings.http); remove it (DSL §2.2: a spec MUST NOT contain "
            "bindings the engine does not support)",
        ),
        spec="  bindings:\n    websocket: {}\n",
    ),
    Case(
        "unknown-binding",
        "§2.2, §17",
        "spec.bindings entries are binding ids",
        CALL + DONE,
        ("6:10: error: unknown binding 'htp' at spec.bindings; did you mean 'http'?",),
        spec="  bindings:\n    htp: {}\n",
    ),
    Case(
        "next-into-subjourney",
        "§2.2, §5.8",
        "subjourney states MUST NOT be referenced from top-level states via next",
        CALL.replace("next: done", "next: inner") + DONE,
        (
            "19:13: error: state 'call': next 'inner' is a state of subjourney 'sub'; a "
            "subjourney's states are entered only through a type: subjourney state (DSL §2.2, §5.8)",
        ),
        spec="  subjourneys:\n    sub:\n      start: inner\n      states:\n        inner: {type: succeed}\n",
    ),
    Case(
        "subjourney-start",
        "§2.2",
        "each subjourney declares a start naming one of its states",
        CALL + DONE,
        (
            "7:14: error: subjourney 'sub' start 'innr' is not a state of its states map; did you "
            "mean 'inner'?",
        ),
        spec="  subjourneys:\n    sub:\n      start: innr\n      states:\n        inner: {type: succeed}\n",
    ),
    Case(
        "api-wait",
        "§2.2.2",
        "wait and webhook MUST NOT be used in kind: Api",
        CALL.replace("next: done", "next: w") + WAIT + DONE,
        (
            "16:13: error: type: wait MUST NOT be used in kind: Api specs (an API call cannot "
            "pause); use kind: Journey or remove the state (DSL §2.2.2)",
        ),
        kind="Api",
    ),
    Case(
        "api-start-mode",
        "§2.7",
        "spec.lifecycle.startMode MUST NOT be declared for kind: Api",
        CALL + DONE,
        (
            "5:26: error: spec.lifecycle.startMode MUST NOT be declared for kind: Api (DSL §2.7); "
            "remove it",
        ),
        spec="  lifecycle: {startMode: sync}\n",
        kind="Api",
    ),
    Case(
        "execution-budget",
        "§2.4",
        "maxDurationSec MUST be an integer >= 1",
        CALL + DONE,
        (
            "5:31: error: journey: spec.execution.maxDurationSec: Input should be greater than or "
            "equal to 1 (got 0)",
        ),
        spec="  execution: {maxDurationSec: 0, onTimeout: {errorCode: T, reason: slow}}\n",
    ),
    Case(
        "compensation-start",
        "§2.5",
        "compensation start MUST refer to a key in compensation.states",
        CALL + DONE,
        (
            "7:12: error: spec.compensation.start 'undo' is not a state of "
            "spec.compensation.states; did you mean 'undone'?",
        ),
        spec="  compensation:\n    mode: async\n    start: undo\n    states:\n      undone: {type: succeed}\n",
    ),
    Case(
        "attributes-misplaced",
        "§2.8.4",
        "attribute bindings are listed under fromPayload/fromHeaders/fromBaggage",
        CALL + DONE,
        (
            "8:18: warning: attribute binding 'orderId' at spec.metadata.bindings.attributes belongs "
            "under fromPayload (DSL §2.8.4); read as spec.metadata.bindings.attributes.fromPayload"
            ".orderId; indent it under fromPayload:",
        ),
        spec="  metadata:\n    bindings:\n      attributes:\n        orderId: {path: order.id}\n",
        warning=True,
    ),
    Case(
        "unknown-variable",
        "§4",
        "unknown variables in ${...} are a validation error",
        CALL.replace("/items", "/items/${contxt.id}") + DONE,
        (
            "12:14: error: ${contxt.id}: 'contxt' is not a variable (placeholders read context, "
            "payload or platform; DSL §4: unknown variables are a validation error); did you mean "
            "'context'?",
        ),
    ),
    Case(
        "bare-variable",
        "§4",
        "placeholders read ${context.<dotPath>}",
        CALL.replace("/items", "/items/${itemId}") + DONE,
        (
            "12:14: error: ${itemId}: 'itemId' is not a variable (placeholders read context, "
            "payload or platform; DSL §4: unknown variables are a validation error); write "
            "${context.itemId}",
        ),
    ),
    Case(
        "undeclared-platform-config",
        "§2.3.1",
        "tools SHOULD warn on undeclared platform.config keys",
        CALL.replace("/items", "/items/${platform.config.region}") + DONE,
        (
            "12:14: warning: platform.config.region is not declared under spec.platform.config "
            "(DSL §2.3.1); declare it: spec.platform.config.region: {type: string}",
        ),
        warning=True,
    ),
    Case(
        "expression-language",
        "§4, §10",
        "a lang with no registered engine MUST fail validation",
        """    call:
      type: transform
      transform:
        mapper: {lang: jsonata, expr: '{"a": 1}'}
      next: done
""" + DONE,
        (
            "10:24: error: expression language 'jsonata' is not supported: journeygen runs lang: "
            "dataweave only; rewrite the expression in DataWeave",
        ),
    ),
    Case(
        "task-kind-unknown",
        "§5",
        "a task kind with no plugin MUST fail validation",
        CALL.replace("httpCall:v1", "httpcall:v1") + DONE,
        (
            "10:15: error: task kind 'httpcall:v1' is not a task plugin journeygen provides; did "
            "you mean 'httpCall:v1'? (DSL §5: a kind with no plugin MUST fail validation)",
        ),
    ),
    Case(
        "task-kind-form",
        "§5",
        "task.kind MUST have the form <pluginType>:v<major>",
        CALL.replace("httpCall:v1", "http call") + DONE,
        (
            "10:15: error: journey: spec.states.call.task.kind: task.kind must have the form "
            "<pluginType>:v<major>, e.g. httpCall:v1 (got 'http call')",
        ),
    ),
    Case(
        "state-type-unknown",
        "§1.1, §5",
        "a state's type is one of the DSL's state types",
        CALL + DONE.replace("succeed", "succed"),
        (
            "16:13: error: journey: spec.states.done.type: not a state type (did you mean "
            "'succeed'?); write one of 'task', 'choice', 'transform', 'parallel', 'wait', "
            "'webhook', 'timer', 'subjourney', 'succeed' or 'fail' (got 'succed')",
        ),
    ),
    Case(
        "next-names-a-state",
        "§5, §12",
        "next MUST refer to a state id",
        CALL.replace("next: done", "next: dnoe") + DONE,
        (
            "14:13: error: state 'call': next 'dnoe' is not a state of spec.states; did you mean "
            "'done'?",
        ),
    ),
    Case(
        "next-required",
        "§5.1",
        "a task's next is required",
        CALL.replace("      next: done\n", "") + DONE,
        (
            "8:7: error: state 'call' (task) needs a next naming the state that follows it; add "
            "next: <state> (DSL §5)",
        ),
    ),
    Case(
        "misspelled-field",
        "§5.1",
        "fields are the DSL's (an unknown one is ignored: warned)",
        CALL.replace("resultVar", "resutVar") + DONE,
        (
            "13:19: warning: unknown field 'resutVar' at spec.states.call.task is ignored; did you "
            "mean 'resultVar'? (extensions are written 'x-...')",
        ),
        warning=True,
    ),
    Case(
        "field-case",
        "§5.1",
        "field names are case-sensitive (read as the field: warned)",
        CALL.replace("resultVar", "resultvar") + DONE,
        (
            "13:20: warning: field 'resultvar' at spec.states.call.task is read as 'resultVar' "
            "(field names are case-sensitive); write 'resultVar'",
        ),
        warning=True,
    ),
    Case(
        "notify-result",
        "§5.1",
        "mode: notify MUST omit resultVar",
        CALL.replace("method: GET", "mode: notify\n        method: POST") + DONE,
        (
            "14:20: error: httpCall:v1 mode: notify MUST omit resultVar (a notify call has no "
            "result) (DSL §5.1); remove it",
        ),
    ),
    Case(
        "get-with-body",
        "§5.1",
        "body present with GET is a validation error",
        CALL.replace("resultVar: item", "resultVar: item\n        body: {a: 1}") + DONE,
        (
            "14:15: error: httpCall:v1 body with method GET is a validation error (DSL §5.1); "
            "remove the body or use POST",
        ),
    ),
    Case(
        "url-absolute",
        "§5.1",
        "url must be absolute",
        CALL.replace("https://example.com/items", "/items") + DONE,
        (
            "12:14: error: httpCall:v1 url '/items' must be absolute (http:// or https://) (DSL §5.1)",
        ),
    ),
    Case(
        "operation-or-url",
        "§5.1",
        "choose exactly one of operationRef or method + url",
        CALL.replace("method: GET", "operationRef: items.list\n        method: GET")
        + DONE,
        (
            "10:9: error: httpCall:v1 takes operationRef or method + url, not both (DSL §5.1); "
            "remove one",
        ),
    ),
    Case(
        "result-var-identifier",
        "§5.1",
        "resultVar must match [A-Za-z_][A-Za-z0-9_]*",
        CALL.replace("resultVar: item", "resultVar: my-item") + DONE,
        (
            "13:20: error: resultVar 'my-item' must be an identifier ([A-Za-z_][A-Za-z0-9_]*)",
        ),
    ),
    Case(
        "kafka-no-result",
        "§5.2",
        "resultVar MUST NOT be used with kafkaPublish:v1",
        """    call:
      type: task
      task:
        kind: kafkaPublish:v1
        topic: orders
        value: {mapper: {lang: dataweave, expr: 'context'}}
        resultVar: r
      next: done
""" + DONE,
        (
            "13:20: error: journey: spec.states.call.task.resultVar: kafkaPublish:v1 does not "
            "allow resultVar (a publish has no result) (got 'r')",
        ),
    ),
    Case(
        "xml-var-result",
        "§5.3",
        "resultVar is required when target.kind is var",
        """    call:
      type: task
      task:
        kind: xmlDecode:v1
        sourceVar: raw
        target: {kind: var}
      next: done
""" + DONE,
        ("10:9: error: xmlDecode:v1 with target kind: var needs resultVar (DSL §5.3)",),
    ),
    Case(
        "auth-source",
        "§18.6",
        "an auth task's source names a location it reads and a name",
        """    call:
      type: task
      task:
        kind: jwtValidate:v1
        source: headers:Authorization
      next: key
    key:
      type: task
      task:
        kind: apiKeyValidate:v1
        source: {location: cookie, name: k}
      next: nameless
    nameless:
      type: task
      task:
        kind: apiKeyValidate:v1
        source: {location: query}
      next: done
""" + DONE,
        (
            "11:17: error: jwtValidate:v1 source 'headers:Authorization' must be"
            " <location>:<name> with location header, query, cookie (e.g."
            " header:Authorization); did you mean 'header'?",
            "17:28: error: apiKeyValidate:v1 source.location 'cookie' is not one of"
            " header, query (DSL §18)",
            "23:17: error: apiKeyValidate:v1 source needs name (the query to read the"
            " credential from)",
        ),
    ),
    Case(
        "xml-target-fields",
        "§5.3",
        "xmlDecode writes to context or a var; resultVar and path belong to one kind each",
        """    call:
      type: task
      task:
        kind: xmlDecode:v1
        sourceVar: raw
        target: {kind: context, path: doc}
        resultVar: parsed
      next: other
    other:
      type: task
      task:
        kind: xmlDecode:v1
        sourceVar: raw
        target: {kind: attributes}
      next: third
    third:
      type: task
      task:
        kind: xmlDecode:v1
        sourceVar: raw
        target: {kind: var, path: doc}
        resultVar: parsed
      next: done
""" + DONE,
        (
            "13:20: error: xmlDecode:v1 resultVar is used only with target kind: var"
            " (DSL §5.3); write target: {kind: var} or remove resultVar",
            "20:24: error: xmlDecode:v1 target kind must be context or var, not"
            " attributes (DSL §5.3); write kind: var with a resultVar, then a transform"
            " into attributes",
            "27:35: error: xmlDecode:v1 target.path is used only with target kind:"
            " context (DSL §5.3); remove it (the value goes to context.<resultVar>)",
        ),
    ),
    Case(
        "schedule-start",
        "§5.4",
        "schedule start MUST be a state id in spec.states",
        """    call:
      type: task
      task:
        kind: schedule:v1
        start: tick
        interval: P1D
        maxRuns: 3
      next: done
""" + DONE,
        (
            "11:16: error: state 'call': schedule start 'tick' is not a state of spec.states; "
            "name one of: call, done",
        ),
    ),
    Case(
        "schedule-required",
        "§5.4",
        "interval and maxRuns are required",
        """    call:
      type: task
      task:
        kind: schedule:v1
        start: done
      next: done
""" + DONE,
        (
            "10:9: error: schedule:v1 needs interval (DSL §5.4)",
            "10:9: error: schedule:v1 needs maxRuns (DSL §5.4)",
        ),
    ),
    Case(
        "choice-predicate",
        "§5.4",
        "a choice branch has when.predicate and next",
        """    call:
      type: choice
      choices:
        - next: done
      default: done
""" + DONE,
        (
            "10:11: error: a choice branch needs when.predicate {lang: dataweave, expr: ...} (DSL §5.4)",
        ),
    ),
    Case(
        "subjourney-ref",
        "§5.8",
        "ref MUST refer to a key under spec.subjourneys",
        """    call:
      type: subjourney
      subjourney: {ref: collect}
      next: done
""" + DONE,
        (
            "14:25: error: subjourney ref 'collect' is not a key of spec.subjourneys (known: "
            "collectShipping); did you mean 'collectShipping'?",
        ),
        spec="  subjourneys:\n    collectShipping:\n      start: s\n      states:\n        s: {type: succeed}\n",
        start="call",
    ),
    Case(
        "mapper-ref",
        "§10.1",
        "the referenced mapper MUST be defined under spec.mappers",
        """    call:
      type: transform
      transform: {mapperRef: buildProfil}
      next: done
""" + DONE,
        (
            "11:30: error: mapperRef 'buildProfil' is not a key of spec.mappers (known: "
            "buildProfile); did you mean 'buildProfile'?",
        ),
        spec="  mappers:\n    buildProfile: {lang: dataweave, expr: '{}'}\n",
    ),
    Case(
        "mapper-and-ref",
        "§10.1",
        "a state MUST NOT mix mapper and mapperRef",
        """    call:
      type: transform
      transform:
        mapper: {lang: dataweave, expr: '{}'}
        mapperRef: buildProfile
      next: done
""" + DONE,
        ("12:9: error: use mapper or mapperRef, not both (DSL §10.1)",),
        spec="  mappers:\n    buildProfile: {lang: dataweave, expr: '{}'}\n",
    ),
    Case(
        "output-reserved",
        "§11",
        "projected fields MUST NOT override reserved JourneyOutcome fields",
        CALL + DONE,
        (
            "10:18: error: projected property 'phase' collides with the reserved JourneyOutcome "
            "field 'phase' (DSL §11, §12.1: MUST NOT be overridden); rename it",
        ),
        spec="  output:\n    response:\n      outputVar: extra\n      schema:\n        properties:\n          phase: {type: string}\n",
    ),
    Case(
        "output-contract",
        "§11",
        "a succeed whose output never holds a property spec.output.schema requires",
        CALL
        + DONE.replace("type: succeed\n", "type: succeed\n      outputVar: item\n"),
        (
            "19:18: warning: succeed state 'done' outputs context.item, which never holds "
            "decision that spec.output.schema requires (context.item is written by task call "
            "(an httpCall result): body, error, headers, ok, status), so a run ending here "
            "answers an outcome its own contract rejects: the server logs it and the typed "
            "client's get_result raises DecodeError naming /output/decision (DSL §11); output "
            "a variable that holds decision, or leave decision out of "
            "spec.output.schema.required",
        ),
        spec="  output:\n    schema: {type: object, required: [decision]}\n",
        warning=True,
    ),
    Case(
        "output-date-time",
        "§11",
        "a date-time output property a writer builds as text no date-time holds",
        """    stamp:
      type: transform
      transform:
        mapper:
          lang: dataweave
          expr: '{ at: (now() as String) ++ "|PT300S" }'
        target:
          kind: var
        resultVar: out
      next: done
""" + DONE.replace("type: succeed\n", "type: succeed\n      outputVar: out\n"),
        (
            "21:18: warning: succeed state 'done' outputs context.out, whose at "
            "spec.output.schema declares format date-time, but transform stamp writes it "
            'as text joined by `++` with "|PT300S", which no date-time holds, so a run '
            "through transform stamp ending here answers an outcome its own contract "
            "rejects: the server logs it and the typed client's get_result raises "
            "DecodeError naming /output/at (DSL §11); write an RFC 3339 date-time there "
            "(e.g. `(context.t as DateTime) + |PT300S|`), or declare the property without "
            "format date-time",
        ),
        spec="  output:\n    schema: {type: object, properties: {at: {type: string, format: date-time}}}\n",
        start="stamp",
        warning=True,
    ),
    Case(
        "wait-input",
        "§12.1",
        "wait.input.schema is required",
        CALL.replace("next: done", "next: w")
        + WAIT.replace(
            "        input: {schema: {type: object, properties: {ok: {type: boolean}}}}\n",
            "",
        )
        + DONE,
        (
            "18:9: error: wait.input.schema is required: the JSON Schema of the step payload (DSL §12)",
        ),
    ),
    Case(
        "wait-channel",
        "§12.1",
        "wait.channel must be manual",
        CALL.replace("next: done", "next: w")
        + WAIT.replace("manual", "callback")
        + DONE,
        (
            "18:18: error: wait.channel must be manual (got 'callback'); use a webhook state for "
            "callbacks (DSL §12.1)",
        ),
    ),
    Case(
        "wait-timeout",
        "§12.1",
        "if timeoutSec is set, onTimeout is required",
        CALL.replace("next: done", "next: w")
        + WAIT.replace("channel: manual", "channel: manual\n        timeoutSec: 60")
        + DONE,
        (
            "19:21: error: wait.timeoutSec needs onTimeout: the state to go to when no submission "
            "arrives (DSL §12)",
        ),
    ),
    Case(
        "wait-reserved",
        "§12.1",
        "projected properties MUST NOT collide with JourneyStatus fields",
        CALL.replace("next: done", "next: w")
        + WAIT.replace(
            "        input: {schema: {type: object, properties: {ok: {type: boolean}}}}\n",
            "        input: {schema: {type: object, properties: {ok: {type: boolean}}}}\n        response:\n          outputVar: extra\n"
            "          schema: {properties: {currentState: {type: string}}}\n",
        )
        + DONE,
        (
            "22:47: error: projected property 'currentState' collides with the reserved "
            "JourneyStatus field 'currentState' (DSL §11, §12.1: MUST NOT be overridden); rename it",
        ),
    ),
    Case(
        "wait-beside-block",
        "§12.1",
        "response and next belong inside / beside the wait block",
        CALL.replace("next: done", "next: w") + """    w:
      type: wait
      wait:
        channel: manual
        input: {schema: {type: object, properties: {ok: {type: boolean}}}}
      response: {outputVar: extra, schema: {type: object}}
      default: done
""" + DONE,
        (
            "20:17: warning: 'response' at spec.states.w belongs inside the wait block (DSL §12); "
            "read as wait.response; indent it under wait:",
            "21:16: warning: 'default' beside the wait block at spec.states.w is read as the "
            "state's next (DSL §12 writes next: beside wait:); write next: done",
        ),
        warning=True,
    ),
    Case(
        "wait-default-in-block",
        "§12.1",
        "next is beside the wait block; wait has no default",
        CALL.replace("next: done", "next: w") + """    w:
      type: wait
      wait:
        channel: manual
        input: {schema: {type: object, properties: {ok: {type: boolean}}}}
        default: done
""" + DONE,
        (
            "20:18: warning: 'default' inside the wait block at spec.states.w is not a wait field; "
            "it is read as the state's next (DSL §12 writes next: beside wait:); write next: done "
            "at the state level, beside wait:",
        ),
        warning=True,
    ),
    Case(
        "read-guard-pauses",
        "§23.1",
        "a read guard reaches succeed or fail without pausing",
        CALL + DONE,
        (
            "15:16: error: the read guard subjourney 'guard' (spec.access.read.guardRef) can pause "
            "at spec.subjourneys.inner.states.pause (a timer state, reached through subjourney "
            "'inner'): a guard runs inside GET /journeys/{journeyId} and must reach succeed or fail "
            "without external input or a delay (DSL §23.1); move the timer state out of the guard "
            "or compute the decision from the stored context",
        ),
        spec=(
            "  access: {read: {guardRef: guard}}\n"
            "  subjourneys:\n"
            "    guard:\n"
            "      start: check\n"
            "      states:\n"
            "        check: {type: subjourney, subjourney: {ref: inner}, next: ok}\n"
            "        ok: {type: succeed}\n"
            "    inner:\n"
            "      start: pause\n"
            "      states:\n"
            "        pause: {type: timer, timer: {duration: PT1S}, next: fine}\n"
            "        fine: {type: succeed}\n"
        ),
    ),
    Case(
        "wait-empty-block",
        "§12.1",
        "the wait block holds channel and input",
        CALL.replace("next: done", "next: w") + """    w:
      type: wait
      wait:
      channel: manual
      input: {schema: {type: object, properties: {ok: {type: boolean}}}}
      next: done
""" + DONE,
        (
            "18:16: warning: 'channel' at spec.states.w belongs inside the wait block (DSL §12); "
            "read as wait.channel; indent it under wait:",
            "19:14: warning: 'input' at spec.states.w belongs inside the wait block (DSL §12); "
            "read as wait.input; indent it under wait:",
        ),
        warning=True,
    ),
    Case(
        "state-indented-under-state",
        "§5",
        "a state is a key of a states map; one indented under the state before it is read "
        "as a state of that map",
        CALL.replace("next: done", "next: w") + """      w:
        type: wait
        wait:
          channel: manual
          input: {schema: {type: object, properties: {ok: {type: boolean}}}}
        next: done
""" + DONE,
        (
            "16:9: warning: state 'w' is indented under state 'call'; it is read as a state "
            "of spec.states (YAML reads it as a field of call); outdent it to the level of "
            "call",
        ),
        warning=True,
    ),
    Case(
        "state-indented-under-state-ambiguous",
        "§5",
        "a typed mapping under a state whose name is already a state is not moved",
        CALL + """      done:
        type: fail
        error: {code: E}
""" + DONE,
        (
            "16:9: warning: unknown field 'done' at spec.states.call is ignored; it looks "
            "like a state indented one level too deep: states belong in a states map "
            "(extensions are written 'x-...')",
        ),
        warning=True,
    ),
    Case(
        "wait-block-content-one-level-out",
        "§12.1",
        "the wait block holds channel and input; next is beside it",
        CALL.replace("next: done", "next: w") + """    w:
      type: wait
      wait:
      channel: manual
      input:
        schema: {type: object, properties: {ok: {type: boolean}}}
        default: done
""" + DONE,
        (
            "18:16: warning: 'channel' at spec.states.w belongs inside the wait block (DSL §12); "
            "read as wait.channel; indent it under wait:",
            "20:9: warning: 'input' at spec.states.w belongs inside the wait block (DSL §12); "
            "read as wait.input; indent it under wait:",
            "21:18: warning: 'default' inside input at spec.states.w is read as the state's "
            "next (the wait block's content is written one level out; DSL §12 writes next: "
            "beside wait:); write next: done beside wait: and indent input under wait:",
        ),
        warning=True,
    ),
    Case(
        "timer-one-of",
        "§12.3",
        "exactly one of timer.duration or timer.until",
        CALL.replace("next: done", "next: t") + """    t:
      type: timer
      timer: {duration: PT5M, until: '2030-01-01T00:00:00Z'}
      next: done
""" + DONE,
        (
            "17:14: error: a timer needs exactly one of timer.duration or timer.until (DSL §12.3) "
            "(got duration and until)",
        ),
    ),
    Case(
        "mapper-without-mapper-key",
        "§12.3",
        "a mapper site holds mapper: {lang, expr}; lang and expr alone are read as it",
        CALL.replace("next: done", "next: t") + """    t:
      type: timer
      timer:
        until: {lang: dataweave, expr: context.dueAt}
      next: done
""" + DONE,
        (
            "18:16: warning: lang and expr at spec.states.t.timer.until are a mapper written "
            "without its mapper: key (DSL §10: a mapper site holds mapper: {lang, expr}); "
            "read as the mapper; indent them under mapper:",
        ),
        warning=True,
    ),
    Case(
        "timer-duration",
        "§12.3",
        "a literal duration MUST be an ISO-8601 duration",
        CALL.replace("next: done", "next: t") + """    t:
      type: timer
      timer: {duration: 5 minutes}
      next: done
""" + DONE,
        (
            "17:25: error: timer.duration '5 minutes' is not an ISO-8601 duration; write e.g. "
            "PT5M, PT1H or P1D (DSL §12.3)",
        ),
    ),
    Case(
        "timer-in-api",
        "§12.3",
        "type: timer MUST NOT be used in kind: Api",
        CALL.replace("next: done", "next: t") + """    t:
      type: timer
      timer: {duration: PT1S}
      next: done
""" + DONE,
        (
            "16:13: error: type: timer MUST NOT be used in kind: Api specs (an API call cannot "
            "pause); use kind: Journey or remove the state (DSL §2.2.2)",
        ),
        kind="Api",
    ),
    Case(
        "resilience-ref",
        "§13",
        "resiliencePolicyRef must refer to an id in definitions",
        CALL.replace(
            "resultVar: item", "resultVar: item\n        resiliencePolicyRef: standrd"
        )
        + DONE,
        (
            "18:30: error: resiliencePolicyRef 'standrd' is not an id of "
            "spec.policies.httpResilience.definitions (DSL §13: unknown ids are a validation "
            "error); did you mean 'standard'?",
        ),
        spec="  policies:\n    httpResilience:\n      definitions:\n        standard: {maxAttempts: 3, retryOn: [HTTP_5XX]}\n",
    ),
    Case(
        "transform-attributes-api",
        "§14",
        "target kind attributes is rejected for kind: Api",
        """    call:
      type: transform
      transform:
        mapper: {lang: dataweave, expr: '{a: "b"}'}
        target: {kind: attributes}
      next: done
""" + DONE,
        (
            "11:24: error: transform target kind: attributes is rejected for kind: Api (no journey "
            "instance holds attributes; DSL §14)",
        ),
        kind="Api",
    ),
    Case(
        "cache-get-result",
        "§15",
        "resultVar is required for get",
        """    call:
      type: task
      task:
        kind: cache:v1
        operation: get
        key: {mapper: {lang: dataweave, expr: 'context.id'}}
      next: done
""" + DONE,
        (
            "10:9: error: cache:v1 get needs resultVar (where the cached value is stored) (DSL §15)",
        ),
    ),
    Case(
        "parallel-branch-start",
        "§16",
        "branch start must refer to a state in the branch",
        """    call:
      type: parallel
      parallel:
        branches:
          - name: a
            start: go
            states:
              gone: {type: succeed}
      next: done
""" + DONE,
        (
            "12:20: error: branch 'a' of state 'call': start 'go' is not a state of the branch's "
            "states; did you mean 'gone'?",
        ),
    ),
    Case(
        "fail-code-and-reason",
        "§5.5",
        "a fail state is errorCode and reason",
        """    call:
      type: fail
""",
        (
            "8:7: error: a fail state needs errorCode (a stable identifier of the error, e.g. "
            "ORDER_REJECTED) (DSL §5.5); add errorCode: <string>",
            "8:7: error: a fail state needs reason (a short human summary of the failure) (DSL "
            "§5.5); add reason: <string>",
        ),
    ),
    Case(
        "parallel-branches",
        "§16",
        "a parallel state has branches",
        """    call:
      type: parallel
      parallel:
        branches: []
      next: done
""" + DONE,
        (
            "10:9: error: a parallel state needs branches: a list of {name, start, states} "
            "(DSL §16); add at least one branch",
        ),
    ),
    Case(
        "parallel-branch-shape",
        "§16",
        "each branch has a name, a start and states; names are unique (the join reads them)",
        """    call:
      type: parallel
      parallel:
        branches:
          - start: go
            states:
              go: {type: succeed}
          - name: a
            start: go
            states:
              go: {type: succeed}
          - name: a
            start: go
            states:
              go: {type: succeed}
      next: done
""" + DONE,
        (
            "11:13: error: parallel branch 0 needs name (DSL §16: each branch is a name, the "
            "state it starts at and its own states map); add name: ...",
            "18:19: error: parallel branch name 'a' is used twice; the join reads each branch as "
            "branches.<name> (DSL §16): give every branch its own name",
        ),
    ),
    Case(
        "transform-mapper",
        "§14",
        "a transform has the mapper computing its value",
        """    call:
      type: transform
      transform:
        resultVar: out
        target: {kind: var}
      next: done
""" + DONE,
        (
            "10:9: error: a transform needs the mapper that computes its value (DSL §14); write "
            "transform: {mapper: {lang: dataweave, expr: ...}} or {mapperRef: <id>}",
        ),
    ),
    Case(
        "transform-target-path",
        "§14",
        "target.path is a dot-path in context",
        """    call:
      type: transform
      transform:
        mapper: {lang: dataweave, expr: '{a: 1}'}
        target: {kind: context, path: data..enriched}
      next: done
""" + DONE,
        (
            "11:39: error: transform target.path 'data..enriched' has an empty segment; it is a "
            "dot-path in context such as data.enriched (DSL §14): write path: data.enriched",
        ),
    ),
    Case(
        "transform-var-result",
        "§14",
        "target kind: var stores the value at context.<resultVar>",
        """    call:
      type: transform
      transform:
        mapper: {lang: dataweave, expr: '1'}
        target: {kind: var}
      next: done
""" + DONE,
        (
            "11:24: error: transform target kind: var stores the value at context.<resultVar> "
            "(DSL §14); add resultVar: <name> to the transform",
        ),
    ),
    Case(
        "cache-key-and-value",
        "§15",
        "key.mapper computes the key; a put needs value",
        """    call:
      type: task
      task:
        kind: cache:v1
        operation: put
      next: done
""" + DONE,
        (
            "10:9: error: cache:v1 needs key: the mapper computing the cache key (DSL §15); "
            "write key: {mapper: {lang: dataweave, expr: ...}} or {mapperRef: <id>}",
            "10:9: error: cache:v1 put needs value: the mapper computing what is stored (DSL "
            "§15); write value: {mapper: {lang: dataweave, expr: ...}} or {mapperRef: <id>}",
        ),
    ),
    Case(
        "auth-policy-ref",
        "§19",
        "auth.policyRef resolves against httpClientAuth.definitions",
        CALL.replace(
            "resultVar: item", "resultVar: item\n        auth: {policyRef: backend}"
        )
        + DONE,
        (
            "14:27: error: auth.policyRef 'backend' is not an id of "
            "spec.policies.httpClientAuth.definitions (DSL §19); define the policy",
        ),
    ),
    Case(
        "oauth-grant-type",
        "§19.1",
        "grant_type is client_credentials; other grant types are invalid",
        CALL + DONE,
        (
            "10:30: error: grant_type 'password' is invalid: oauth2ClientCredentials policies use "
            "client_credentials (DSL §19.1); write grant_type: client_credentials or leave it out",
        ),
        spec="  policies:\n    httpClientAuth:\n      definitions:\n        backend:\n"
        "          kind: oauth2ClientCredentials\n          form: {grant_type: password}\n"
        "          tokenEndpoint: https://auth.example.com/token\n"
        "          auth: {method: clientSecretPost, clientId: c, clientSecretRef: secret://c}\n",
    ),
    Case(
        "auth-kind",
        "§19.1",
        "unknown kind values are invalid",
        CALL + DONE,
        (
            "8:25: error: outbound auth kind 'bearerToken' is not one of bearerStatic, "
            "oauth2ClientCredentials, mtlsClient (DSL §19.1: unknown kinds are invalid); "
            "did you mean 'bearerStatic'?",
        ),
        spec="  policies:\n    httpClientAuth:\n      definitions:\n"
        "        backend: {kind: bearerToken, tokenRef: secret://t}\n",
    ),
    Case(
        "bearer-token-ref",
        "§19.1",
        "bearerStatic policies must set a non-empty tokenRef",
        CALL + DONE,
        (
            "8:18: error: bearerStatic policies must set a non-empty tokenRef: the secretRef of "
            "the bearer token (DSL §19.1), e.g. tokenRef: secret://tokens/backend",
        ),
        spec="  policies:\n    httpClientAuth:\n      definitions:\n"
        "        backend: {kind: bearerStatic}\n",
    ),
    Case(
        "mtls-cert-ref",
        "§19.1",
        "mtlsClient policies must set clientCertRef",
        CALL + DONE,
        (
            "8:15: error: mtlsClient policies must set clientCertRef: the secretRef of the client "
            "certificate and key (DSL §19.1), e.g. clientCertRef: secret://certs/backend",
        ),
        spec="  policies:\n    httpClientAuth:\n      definitions:\n"
        "        mtls: {kind: mtlsClient}\n",
    ),
    Case(
        "oauth-required",
        "§19.1",
        "oauth2ClientCredentials sets tokenEndpoint, auth.method, auth.clientId and the secret its method needs",
        CALL + DONE,
        (
            "8:18: error: oauth2ClientCredentials policies must set tokenEndpoint: the URL of the "
            "token endpoint (DSL §19.1)",
            "8:56: error: auth.method clientSecretPost needs auth.clientSecretRef: the secretRef "
            "of the client secret (DSL §19.1)",
            "8:56: error: oauth2ClientCredentials policies must set auth.clientId (DSL §19.1)",
            "8:56: error: oauth2ClientCredentials policies must set auth.method: "
            "clientSecretPost, clientSecretBasic or tlsClientAuth (DSL §19.1)",
        ),
        spec="  policies:\n    httpClientAuth:\n      definitions:\n"
        "        backend: {kind: oauth2ClientCredentials, auth: {}}\n",
    ),
    Case(
        "oauth-tls-cert",
        "§19.1",
        "tlsClientAuth needs auth.clientCertRef",
        CALL + DONE,
        (
            "11:17: error: auth.method tlsClientAuth needs auth.clientCertRef: the secretRef of "
            "the client certificate and key (DSL §19.1)",
        ),
        spec="  policies:\n    httpClientAuth:\n      definitions:\n        backend:\n"
        "          kind: oauth2ClientCredentials\n"
        "          tokenEndpoint: https://auth.example.com/token\n"
        "          auth: {method: tlsClientAuth, clientId: c}\n",
    ),
    Case(
        "retry-on",
        "§13",
        "retryOn names conditions the engine retries on",
        CALL + DONE,
        (
            "8:61: error: retryOn condition 'HTTP_500' is not one journeygen retries on "
            "(DSL §13); did you mean 'HTTP_5XX'?",
        ),
        spec="  policies:\n    httpResilience:\n      definitions:\n"
        "        standard: {maxAttempts: 3, retryOn: [NETWORK_ERROR, HTTP_500]}\n",
    ),
    Case(
        "resilience-default",
        "§13",
        "httpResilience.default must refer to an id in definitions",
        CALL + DONE,
        (
            "7:16: error: spec.policies.httpResilience.default 'standart' is not an id of "
            "spec.policies.httpResilience.definitions (DSL §13); did you mean 'standard'?",
        ),
        spec="  policies:\n    httpResilience:\n      default: standart\n      definitions:\n"
        "        standard: {maxAttempts: 1}\n",
    ),
    Case(
        "breaker-threshold",
        "§13",
        "circuitBreaker failureRateThreshold is a fraction",
        CALL + DONE,
        (
            "8:59: error: circuitBreaker failureRateThreshold 50.0 must be a fraction in (0, 1], "
            "e.g. 0.5 for half the calls",
        ),
        spec="  policies:\n    httpResilience:\n      definitions:\n"
        "        standard: {circuitBreaker: {failureRateThreshold: 50}}\n",
    ),
    Case(
        "bulkhead-without-max",
        "§13",
        "a bulkhead is a concurrency limit: it needs maxConcurrent",
        CALL + DONE,
        (
            "8:30: error: bulkhead needs maxConcurrent: the number of this policy's calls "
            "allowed in flight at once (DSL §13), e.g. maxConcurrent: 50",
        ),
        spec="  policies:\n    httpResilience:\n      definitions:\n"
        "        standard: {bulkhead: {queueSize: 10}}\n",
    ),
    Case(
        "bulkhead-queue-negative",
        "§13",
        "bulkhead maxConcurrent is at least 1 and queueSize at least 0",
        CALL + DONE,
        (
            "8:46: error: bulkhead maxConcurrent 0 must be an integer >= 1 (the calls "
            "allowed in flight at once)",
            "8:60: error: bulkhead queueSize -1 must be an integer >= 0 (the calls allowed "
            "to wait for a slot; 0: none wait)",
        ),
        spec="  policies:\n    httpResilience:\n      definitions:\n"
        "        standard: {bulkhead: {maxConcurrent: 0, queueSize: -1}}\n",
    ),
    Case(
        "task-cookies-without-jar",
        "§22.3",
        "task.cookies has no effect without spec.cookies.jar",
        CALL.replace(
            "resultVar: item", "resultVar: item\n        cookies: {useJar: false}"
        )
        + DONE,
        (
            "14:18: warning: task.cookies has no effect: there is no cookie jar without "
            "spec.cookies.jar (DSL §22.3); add spec.cookies.jar or remove task.cookies",
        ),
        warning=True,
    ),
    Case(
        "auth-header-replaced",
        "§19",
        "an explicit Authorization header is replaced by a bearer policy",
        CALL.replace(
            "resultVar: item",
            "resultVar: item\n        headers: {Authorization: Bearer x}\n"
            "        auth: {policyRef: backend}",
        )
        + DONE,
        (
            "18:34: warning: the Authorization header is replaced by auth.policyRef 'backend' "
            "(bearerStatic sends Authorization: Bearer, DSL §19); remove the header or the "
            "policyRef",
        ),
        spec="  policies:\n    httpClientAuth:\n      definitions:\n"
        "        backend: {kind: bearerStatic, tokenRef: secret://t}\n",
        warning=True,
    ),
    Case(
        "return-include-unused",
        "§22.1",
        "returnToClient.include is used only by mode: filtered",
        CALL + DONE,
        (
            "7:43: warning: returnToClient.include is used only by mode: filtered, not none "
            "(DSL §22.1); remove include or write mode: filtered",
        ),
        spec="  cookies:\n    jar: {}\n    returnToClient: {mode: none, include: {names: [a]}}\n",
        warning=True,
    ),
    Case(
        "retry-without-on",
        "§13",
        "maxAttempts above 1 without retryOn never retries",
        CALL + DONE,
        (
            "8:33: warning: maxAttempts 3 without retryOn never retries (DSL §13: retryOn lists "
            "the conditions that permit a retry); add retryOn, e.g. [NETWORK_ERROR, HTTP_5XX]",
        ),
        spec="  policies:\n    httpResilience:\n      definitions:\n"
        "        standard: {maxAttempts: 3}\n",
        warning=True,
    ),
    Case(
        "cookies-non-http",
        "§22.3",
        "task.cookies is invalid on non-HTTP tasks",
        """    call:
      type: task
      task:
        kind: xmlDecode:v1
        sourceVar: raw
        cookies: {useJar: false}
      next: done
""" + DONE,
        (
            "12:18: error: task.cookies is allowed only on httpCall:v1 tasks, not xmlDecode:v1 "
            "(DSL §22.3); remove it",
        ),
    ),
    Case(
        "cookie-mode",
        "§22.1",
        "returnToClient.mode MUST be present",
        CALL + DONE,
        (
            "7:21: error: journey: spec.cookies.returnToClient: required field 'mode' is missing; add it",
        ),
        spec="  cookies:\n    jar: {}\n    returnToClient: {include: {names: [session]}}\n",
    ),
    Case(
        "cookie-pattern",
        "§22.4",
        "invalid regex patterns in namePatterns MUST be reported",
        CALL + DONE,
        (
            "7:63: error: namePatterns entry '(x' is not a valid regular expression (missing ), "
            "unterminated subpattern at position 0) (DSL §22.4)",
        ),
        spec="  cookies:\n    jar: {}\n    returnToClient: {mode: filtered, include: {namePatterns: ['(x']}}\n",
    ),
    Case(
        "guard-ref",
        "§23.1",
        "guardRef refers to a key under spec.subjourneys",
        CALL + DONE,
        (
            "5:29: error: spec.access.read.guardRef 'readGuard' is not a key of spec.subjourneys "
            "(DSL §23.1); define the guard subjourney",
        ),
        spec="  access: {read: {guardRef: readGuard}}\n",
    ),
    Case(
        "custom-envelope",
        "§24",
        "envelope.format custom MUST include a mapper",
        CALL + DONE,
        (
            "6:15: error: spec.errors.envelope with format: custom needs a mapper {lang: "
            "dataweave, expr: ...} or a mapperRef (DSL §24)",
        ),
        spec="  errors:\n    envelope: {format: custom}\n",
    ),
    Case(
        "canonical-format",
        "§24",
        "canonicalFormat, when present, MUST be rfc9457",
        CALL + DONE,
        (
            "5:29: error: journey: spec.errors.canonicalFormat: Input should be 'rfc9457' (got 'rfc7807')",
        ),
        spec="  errors: {canonicalFormat: rfc7807}\n",
    ),
    Case(
        "metadata-name",
        "§2.2",
        "metadata.name must be a DNS-label-like string",
        CALL + DONE,
        (
            "3:18: error: journey: metadata.name: String should match pattern "
            "'^[a-z0-9]([a-z0-9-]*[a-z0-9])?$' (got 'My_Journey')",
        ),
        name="My_Journey",
    ),
    Case(
        "metadata-description",
        "§2.2",
        "metadata.description MUST be a non-empty string",
        CALL + DONE,
        (
            "3:34: error: metadata.description must be a non-empty string when present (DSL "
            "§2.2); remove it or describe the journey",
        ),
        name="j, description: ''",
    ),
    Case(
        "metadata-limits-definition-tags",
        "§21",
        "metadata.tags within definitionTags.maxCount and instanceTags.maxLength",
        CALL + DONE,
        (
            "3:27: error: metadata.tags has 12 entries; MetadataLimits definitionTags.maxCount is "
            "10 (DSL §21): keep the 10 that matter",
            "3:61: error: tag 'xxxxxxxxxxxxxxxxxxxx'... is 41 characters; MetadataLimits "
            "instanceTags.maxLength is 40 (DSL §21): shorten it",
        ),
        name="j, tags: [a, b, c, d, e, f, g, h, i, k, l, " + "x" * 41 + "]",
    ),
    Case(
        "metadata-limits-attributes",
        "§21",
        "attribute bindings within attributes.maxKeys and attributes.maxKeyLength",
        CALL + DONE,
        (
            "8:9: error: 17 attributes are bound; MetadataLimits attributes.maxKeys is 16 (DSL "
            "§21): bind at most 16",
            "25:46: error: attribute name 'nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn' is 33 characters; "
            "MetadataLimits attributes.maxKeyLength is 32 (DSL §21): shorten it",
        ),
        spec="  metadata:\n    bindings:\n      attributes:\n        fromHeaders:\n"
        + "".join(f"          a{i}: {{header: X-A{i}}}\n" for i in range(16))
        + "          "
        + "n" * 33
        + ": {header: X-Long}\n",
    ),
    Case(
        "route-path",
        "§2.2.2",
        "route.path MUST be an absolute path starting with /",
        CALL + DONE,
        (
            "5:35: error: journey: spec.bindings.http.route.path: route.path must start with "
            "'/' (the endpoint's path under /api/v1, DSL §2.2.2): write /apis/get-user (got "
            "'apis/get-user')",
        ),
        spec="  bindings: {http: {route: {path: apis/get-user}}}\n",
        kind="Api",
    ),
    Case(
        "route-path-host",
        "§2.2.2",
        "route.path MUST be a path without a host",
        CALL + DONE,
        (
            "5:35: error: journey: spec.bindings.http.route.path: route.path must be a path "
            "without a host, query or fragment (the endpoint's path under /api/v1, DSL §2.2.2): "
            "write /apis/price (got 'https://shop.example/apis/price?v=1')",
        ),
        spec="  bindings: {http: {route: {path: 'https://shop.example/apis/price?v=1'}}}\n",
        kind="Api",
    ),
    Case(
        "route-path-template",
        "§2.2.2",
        "route.path is literal: the input of an Api call is its JSON body",
        CALL + DONE,
        (
            "5:35: error: journey: spec.bindings.http.route.path: route.path must be a literal "
            "path: the input of a kind: Api call is its JSON body, and a path parameter would "
            "reach no state (the endpoint's path under /api/v1, DSL §2.2.2): write /apis/orders "
            "and send orderId in the body (got '/apis/orders/{orderId}')",
        ),
        spec="  bindings: {http: {route: {path: '/apis/orders/{orderId}'}}}\n",
        kind="Api",
    ),
    Case(
        "route-method",
        "§2.2.2",
        "route.method: the initial version supports POST only",
        CALL + DONE,
        (
            "5:56: error: journey: spec.bindings.http.route.method: GET is not supported: the "
            "initial version of kind: Api serves POST only (DSL §2.2.2): write method: POST or "
            "remove it (got 'GET')",
        ),
        spec="  bindings: {http: {route: {path: /apis/price, method: GET}}}\n",
        kind="Api",
    ),
    Case(
        "route-method-typo",
        "§2.2.2",
        "route.method names an HTTP method (POST)",
        CALL + DONE,
        (
            "5:37: error: journey: spec.bindings.http.route.method: not an HTTP method (did you "
            "mean 'POST'?); the initial version of kind: Api serves POST only (DSL §2.2.2): "
            "write method: POST or remove it (got 'PSOT')",
        ),
        spec="  bindings: {http: {route: {method: PSOT}}}\n",
        kind="Api",
    ),
    Case(
        "route-method-case",
        "§2.2.2",
        "route.method is POST, upper case (post is read as POST)",
        CALL + DONE,
        (
            "5:37: warning: route.method 'post' is read as POST (HTTP methods are upper case; "
            "DSL §2.2.2); write method: POST",
        ),
        spec="  bindings: {http: {route: {method: post}}}\n",
        kind="Api",
        warning=True,
    ),
    Case(
        "cancellable-boolean",
        "§2.7",
        "cancellable, when present, MUST be a boolean",
        CALL + DONE,
        (
            "5:28: error: journey: spec.lifecycle.cancellable: Input should be a valid boolean "
            "(got 'yes')",
        ),
        spec="  lifecycle: {cancellable: 'yes'}\n",
    ),
    Case(
        "defaults-policy",
        "§2.3",
        "an unknown defaults resiliencePolicyRef is a validation warning",
        CALL + DONE,
        (
            "5:43: warning: spec.defaults.tasks.resiliencePolicyRef 'standard' is not an id of "
            "spec.policies.httpResilience.definitions (DSL §2.3: a validation warning); define "
            "the policy",
        ),
        spec="  defaults: {tasks: {resiliencePolicyRef: standard}}\n",
        warning=True,
    ),
    Case(
        "schedule-non-interactive",
        "§5.4",
        "states reachable from a schedule start MUST be non-interactive",
        """    call:
      type: task
      task:
        kind: schedule:v1
        start: w
        interval: P1D
        maxRuns: 3
      next: done
""" + WAIT + DONE,
        (
            "11:16: error: schedule:v1 start 'w' reaches external-input state(s) w; scheduled "
            "runs MUST be non-interactive (DSL §5.4): start them at a state that reaches no wait "
            "or webhook",
        ),
    ),
    Case(
        "step-binding",
        "§17.1",
        "bindings.http.steps are keyed by external-input state ids",
        CALL.replace("next: done", "next: w") + WAIT + DONE,
        (
            "5:35: warning: spec.bindings.http.steps.wait names no wait or webhook state, so it "
            "is never applied (DSL §17.1); external-input states: w",
        ),
        spec="  bindings: {http: {steps: {wait: {queryToContext: {a: b}}}}}\n",
        warning=True,
    ),
    Case(
        "return-without-jar",
        "§22.4",
        "returnToClient without a jar is a configuration error",
        CALL + DONE,
        (
            "5:29: warning: spec.cookies.returnToClient without spec.cookies.jar has no cookies "
            "to return (DSL §22.4: a configuration error); add spec.cookies.jar",
        ),
        spec="  cookies: {returnToClient: {mode: none}}\n",
        warning=True,
    ),
    Case(
        "dataweave-if-then",
        "§10 (DataWeave)",
        "DataWeave writes if (c) a else b (no then)",
        """    call:
      type: transform
      transform:
        mapper: {lang: dataweave, expr: 'if (true) then 1 else 2'}
        target: {kind: var}
        resultVar: n
      next: done
""" + DONE,
        (
            "10:51: warning: DataWeave: `then` is not DataWeave: write `if (condition) a else b`",
        ),
        warning=True,
    ),
)
