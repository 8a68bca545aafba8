# Compiled from templates/server/README.server.md.jinja by `python -m generator.precompile`. Do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'server/README.server.md.jinja'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_s = resolve('s')
    l_0_names = resolve('names')
    l_0_api_keys = resolve('api_keys')
    l_0_base_urls = resolve('base_urls')
    l_0_secrets = resolve('secrets')
    l_0_token_endpoints = resolve('token_endpoints')
    l_0_config_keys = resolve('config_keys')
    try:
        t_1 = environment.filters['lower']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'lower' found.")
    try:
        t_2 = environment.filters['markdown']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'markdown' found.")
    pass
    yield '## Server\n\n'
    if environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'api'):
        pass
        yield '`'
        yield str(environment.getattr((undefined(name='names') if l_0_names is missing else l_0_names), 'module'))
        yield '.server.create_app(handlers=None, *, settings=None, cache=None, outbound_policy=None)`\nreturns the ASGI app that serves this `kind: Api` definition at `'
        yield str(environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'api_method'))
        yield ' '
        yield str(environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'api_path'))
        yield "`:\neach request validates its body against the input schema, runs the states from the start to a\n`succeed` (answered as the JSON output) or a `fail` (answered as problem+json, or the custom error\nenvelope), with the HTTP status `spec.bindings.http.apiResponses` picks (else 200 for a success,\nthe Problem's status or 500 for a failure). Nothing is stored: there is no journeyId and no\nstatus, result or step endpoint. It makes every `httpCall` task itself, over\n"
    else:
        pass
        yield '`'
        yield str(environment.getattr((undefined(name='names') if l_0_names is missing else l_0_names), 'module'))
        yield '.server.create_app(handlers=None, *, store=None, settings=None, outbound_policy=None)`\nreturns the ASGI app that runs the journey itself. It makes every `httpCall` task itself, over\n'
    yield "HTTP with one shared httpx client (closed when the lifespan ends), from the downstream API's\nOpenAPI document: method, path, path/query/header parameters, the body as JSON (or as text with a\nnon-JSON `Content-Type`), `accept`, `timeoutMs` (else `spec.defaults.http.timeoutMs`, else 10 s),\n`spec.defaults.http.headers` under the task's own. The result is stored as the task's `resultVar`:\n`{status, ok, headers, body, error}`, `ok` for a 2xx, a JSON body parsed and any other kept as text;\na call no answer came back for has no `status` (DSL §5.1): a timeout `error.type: TIMEOUT`, a\nrefused or reset connection `NETWORK`, a call refused unsent its policy's type; a body\nthat says JSON but is not, or that breaks the schema the API's document gives its status (strictly;\n`error.errors` lists each field), `INVALID_BODY`, a body over `"
    yield str(environment.getattr((undefined(name='names') if l_0_names is missing else l_0_names), 'env_prefix'))
    yield "_MAX_RESPONSE_BYTES`\n`RESPONSE_TOO_LARGE`; `errorMapping` then runs on a result with `ok: false`. A handler\noverriding a call of the HTTP handlers class gets `super()`'s result typed (`TaskResult[...]`).\nA `mode: notify` call is sent in the background and never observed. `outbound_policy` (an object\nwith `send(client, request, operation) -> httpx.Response`) sends each built request: retries,\noutbound auth and cookies plug in there.\n"
    if environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'outbound_policies'):
        pass
        yield '\nThis journey declares outbound policies, so by default each call goes through them\n(`'
        yield str(environment.getattr((undefined(name='names') if l_0_names is missing else l_0_names), 'module'))
        yield "._runtime.server.outbound_policies`). `spec.policies.httpResilience`: a task's\n`resiliencePolicyRef` (else `spec.defaults.tasks.resiliencePolicyRef`, else the policy `default`)\nretries up to `maxAttempts` on `NETWORK_ERROR` (no answer: refused, reset, timed out), `HTTP_5XX`,\n`HTTP_429`, waiting `baseDelayMs` (fixed) or `baseDelayMs * 2^(n-1)` (exponential) before retry n,\nat most `maxDelayMs` (100 ms and 2 s when unset; `jitter: full` draws from 0 to that; a longer\n`Retry-After` in seconds is waited instead, still at most `maxDelayMs`); the task sees the last\nanswer. A `circuitBreaker` (per app, per policy and downstream origin) opens when at least\n`failureRateThreshold` of the last `slidingWindowSize` attempts got no answer or a 5xx, fails calls\nwithout sending them (`error.type: CIRCUIT_OPEN`) for `openTimeoutSec`, then lets one trial call\nthrough. `spec.policies.httpClientAuth`: a task's `auth.policyRef` adds `Authorization: Bearer`\nfrom `tokenRef` (`bearerStatic`) or from an OAuth2 client-credentials token (form-encoded to\n`tokenEndpoint` or the deployment's `<PREFIX>_TOKEN_ENDPOINT_<POLICY>`, cached across journeys\nuntil `expires_in` less 10% (at most 30 s), fetched again once when a call answers 401), or presents the client certificate of `clientCertRef`, trusting only\n`trustAnchors` when given (`mtlsClient`); a call that cannot be authenticated is not sent\n(`error.type: AUTH`, the log names the variable to set, never a secret). `spec.cookies.jar` keeps\nthe downstream `Set-Cookie`s of the allowed `domains` per journey instance, stored with it\n(surviving a restart), and sends them on later calls (RFC 6265 matching) unless the task says\n`cookies.useJar: false` or sets its own `Cookie` header; `returnToClient` adds the selected ones\n(and the deletions among them) as `Set-Cookie` to the answer that carries the succeeded outcome.\n"
    yield '\nThe code a server team writes is what the server cannot do itself, and any call it wants to make\nitself, behind the typed `'
    yield str(environment.getattr((undefined(name='names') if l_0_names is missing else l_0_names), 'module'))
    yield '.handlers.'
    yield str(environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'protocol'))
    yield '` Protocol, in a module of its\nown (never under this folder, which regeneration replaces). To override some calls, subclass\n`'
    yield str(environment.getattr((undefined(name='names') if l_0_names is missing else l_0_names), 'module'))
    yield '.handlers.'
    yield str(environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'http_handlers'))
    yield '` and implement only their methods; every other\nhttpCall stays the HTTP call ('
    if environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'partial_handlers'):
        pass
        yield 'an object with only some of the methods works too, typed: `create_app`\ntakes `'
        yield str(environment.getattr((undefined(name='names') if l_0_names is missing else l_0_names), 'module'))
        yield '.handlers.'
        yield str(environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'partial_handlers'))
        yield '`, one single-method Protocol per call'
    else:
        pass
        yield 'an object with the method works too'
    yield '):\n\n```sh\npython -m '
    yield str(environment.getattr((undefined(name='names') if l_0_names is missing else l_0_names), 'module'))
    yield ".server --port 8080                                  # every httpCall over HTTP\njourneygen scaffold <this journey's case folder> my_service/handlers.py   # a starting implementation, written once\npython -m "
    yield str(environment.getattr((undefined(name='names') if l_0_names is missing else l_0_names), 'module'))
    yield '.server --fake --port 8080                           # demo on FakeHandlers\npython -m '
    yield str(environment.getattr((undefined(name='names') if l_0_names is missing else l_0_names), 'module'))
    yield ".server --handlers my_service.handlers:Handlers --port 8080\n```\n\n`--host` and `--port` choose where it listens; uvicorn logs a line per request unless it is\nstarted with `--no-access-log`.\n\nEach handler method may be a `def` or an `async def` (an async one runs on the server's event\nloop, so async clients made at startup work). `create_app` checks the handlers object against the\nProtocol before the app exists: a missing method the server cannot make itself, a method that\ncannot take the call model, or a public method that matches no call but is near one (a misspelled\noverride), raises `"
    yield str(environment.getattr((undefined(name='names') if l_0_names is missing else l_0_names), 'module'))
    yield '.server.HandlersError` naming it and the nearest name; an API\ncalled over HTTP without an absolute base URL raises `'
    yield str(environment.getattr((undefined(name='names') if l_0_names is missing else l_0_names), 'module'))
    yield '.server.BaseUrlError`\nnaming the variable to set.\n\n`'
    yield str(environment.getattr((undefined(name='names') if l_0_names is missing else l_0_names), 'module'))
    yield '.testing.FakeHandlers` answers every outbound call with deterministic,\nschema-valid data and can be steered per call (`FakeHandlers(<method>=reply(...))`; `reply(None,\nerror=...)` is a call with no answer, no `status`).\n\nSettings are read from the environment (or given as `'
    yield str(environment.getattr((undefined(name='names') if l_0_names is missing else l_0_names), 'module'))
    yield '.server.Settings(...)`):\n\n| variable | default | what |\n| --- | --- | --- |\n'
    if (not environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'api')):
        pass
        yield '| `'
        yield str(environment.getattr((undefined(name='names') if l_0_names is missing else l_0_names), 'env_prefix'))
        yield '_STORE` | `'
        yield str(t_1(environment.getattr((undefined(name='names') if l_0_names is missing else l_0_names), 'env_prefix')))
        yield '.sqlite3` | where journeys, history, received events, timers and schedules are persisted: a SQLite file path, or a PostgreSQL URL (`postgresql://user@host:5432/db`, needs the `[postgres]` extra) that any number of replicas share |\n'
    for (l_1_profile, l_1_variable) in (undefined(name='api_keys') if l_0_api_keys is missing else l_0_api_keys):
        _loop_vars = {}
        pass
        yield '| `'
        yield str(l_1_variable)
        yield "` | none: every call guarded by it is refused | the secret the journey's `apiKeyValidate` profile `"
        yield str(t_2(l_1_profile))
        yield '` compares with, in constant time |\n'
    l_1_profile = l_1_variable = missing
    for (l_1_api, l_1_variable, l_1_url) in (undefined(name='base_urls') if l_0_base_urls is missing else l_0_base_urls):
        _loop_vars = {}
        pass
        yield '| `'
        yield str(l_1_variable)
        yield '` | '
        if (context.call(environment.getattr(l_1_url, 'startswith'), 'http://', _loop_vars=_loop_vars) or context.call(environment.getattr(l_1_url, 'startswith'), 'https://', _loop_vars=_loop_vars)):
            pass
            yield '`'
            yield str(t_2(l_1_url))
            yield '`'
        else:
            pass
            yield 'none: required ('
            if l_1_url:
                pass
                yield 'the server URL `'
                yield str(t_2(l_1_url))
                yield '` is not absolute'
            else:
                pass
                yield 'no server URL'
            yield ')'
        yield ' | the base URL the httpCall tasks of API `'
        yield str(t_2(l_1_api))
        yield '` are sent to (their OpenAPI path is appended) |\n'
    l_1_api = l_1_variable = l_1_url = missing
    for (l_1_ref, l_1_variable, l_1_what) in (undefined(name='secrets') if l_0_secrets is missing else l_0_secrets):
        _loop_vars = {}
        pass
        yield '| `'
        yield str(l_1_variable)
        yield '` | none: the calls needing it fail with `error.type: AUTH` | secret `'
        yield str(t_2(l_1_ref))
        yield '`, the '
        yield str(t_2(l_1_what))
        yield ': the value, or for a certificate or PEM the PEM text (certificate chain, then key) or the path of a file holding it |\n'
    l_1_ref = l_1_variable = l_1_what = missing
    for (l_1_name, l_1_variable, l_1_url) in (undefined(name='token_endpoints') if l_0_token_endpoints is missing else l_0_token_endpoints):
        _loop_vars = {}
        pass
        yield '| `'
        yield str(l_1_variable)
        yield '` | `'
        yield str(t_2(l_1_url))
        yield '` | the token endpoint of OAuth2 policy `'
        yield str(t_2(l_1_name))
        yield '` in this deployment |\n'
    l_1_name = l_1_variable = l_1_url = missing
    for (l_1_key, l_1_variable, l_1_kind, l_1_required) in (undefined(name='config_keys') if l_0_config_keys is missing else l_0_config_keys):
        _loop_vars = {}
        pass
        yield '| `'
        yield str(l_1_variable)
        yield '` | '
        if l_1_required:
            pass
            yield 'none: required (503 until set)'
        else:
            pass
            yield 'unset'
        yield ' | `platform.config.'
        yield str(t_2(l_1_key))
        yield '` ('
        yield str(l_1_kind)
        yield ') |\n'
    l_1_key = l_1_variable = l_1_kind = l_1_required = missing
    yield '| `'
    yield str(environment.getattr((undefined(name='names') if l_0_names is missing else l_0_names), 'env_prefix'))
    yield '_MAX_BODY_BYTES` | `1048576` | the largest request body accepted (413 beyond) |\n| `'
    yield str(environment.getattr((undefined(name='names') if l_0_names is missing else l_0_names), 'env_prefix'))
    yield '_MAX_JSON_DEPTH` | `64` | the deepest nesting of arrays and objects in a body (400 beyond) |\n| `'
    yield str(environment.getattr((undefined(name='names') if l_0_names is missing else l_0_names), 'env_prefix'))
    yield '_BODY_TIMEOUT_SECONDS` | `30` | the time to receive a whole body (408 beyond) |\n| `'
    yield str(environment.getattr((undefined(name='names') if l_0_names is missing else l_0_names), 'env_prefix'))
    yield '_MAX_HEADER_BYTES` | `16384` | the size of all header fields together (431 beyond) |\n| `'
    yield str(environment.getattr((undefined(name='names') if l_0_names is missing else l_0_names), 'env_prefix'))
    yield '_MAX_HEADER_COUNT` | `100` | the number of header fields (431 beyond) |\n| `'
    yield str(environment.getattr((undefined(name='names') if l_0_names is missing else l_0_names), 'env_prefix'))
    yield '_MAX_TARGET_BYTES` | `8192` | the length of the request path and query (414 beyond) |\n| `'
    yield str(environment.getattr((undefined(name='names') if l_0_names is missing else l_0_names), 'env_prefix'))
    yield '_MAX_RESPONSE_BYTES` | `10485760` | the largest body of a downstream answer an httpCall keeps (beyond: a failed call, `error.type: RESPONSE_TOO_LARGE`) |\n'
    if (not environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'api')):
        pass
        yield '| `'
        yield str(environment.getattr((undefined(name='names') if l_0_names is missing else l_0_names), 'env_prefix'))
        yield '_IDEMPOTENCY_TTL_SECONDS` | `86400` | how long an `Idempotency-Key` on start is remembered |\n'
    if (not environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'api')):
        pass
        yield '| `'
        yield str(environment.getattr((undefined(name='names') if l_0_names is missing else l_0_names), 'env_prefix'))
        yield '_DURABILITY` | `full` | `full`: every commit is on disk before its answer; `normal`: faster, survives a crash of the process but not a power loss |\n'
    if (not environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'api')):
        pass
        yield '| `'
        yield str(environment.getattr((undefined(name='names') if l_0_names is missing else l_0_names), 'env_prefix'))
        yield '_TIMER_SCALE` | `1.0` | multiplies every timer, wait timeout and schedule delay (tests use e.g. `1e-6`) |\n'
    yield '| `'
    yield str(environment.getattr((undefined(name='names') if l_0_names is missing else l_0_names), 'env_prefix'))
    yield '_ENVIRONMENT` | `dev` | what expressions read as the platform environment |\n| `'
    yield str(environment.getattr((undefined(name='names') if l_0_names is missing else l_0_names), 'env_prefix'))
    yield '_MTLS_CERT_HEADER` | unset | the header a TLS-terminating proxy puts the client certificate in |\n| `'
    yield str(environment.getattr((undefined(name='names') if l_0_names is missing else l_0_names), 'env_prefix'))
    yield '_JWT_LEEWAY_SECONDS` | `60` | clock leeway when JWTs are checked |\n'
    if (not environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'api')):
        pass
        yield '| `'
        yield str(environment.getattr((undefined(name='names') if l_0_names is missing else l_0_names), 'env_prefix'))
        yield '_POOL_MIN_SIZE` | `1` | PostgreSQL: connections each replica keeps open |\n| `'
        yield str(environment.getattr((undefined(name='names') if l_0_names is missing else l_0_names), 'env_prefix'))
        yield '_POOL_MAX_SIZE` | `10` | PostgreSQL: the most connections a replica opens (one more listens for timers) |\n| `'
        yield str(environment.getattr((undefined(name='names') if l_0_names is missing else l_0_names), 'env_prefix'))
        yield '_POOL_TIMEOUT_SECONDS` | `5` | PostgreSQL: how long a request waits for a connection before it is answered 503 |\n| `'
        yield str(environment.getattr((undefined(name='names') if l_0_names is missing else l_0_names), 'env_prefix'))
        yield '_CONNECT_TIMEOUT_SECONDS` | `5` | PostgreSQL: the limit on opening one connection |\n'
    yield '\n'
    if environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'api'):
        pass
        yield "Every error is RFC 9457 problem+json. Every body is read as strict JSON (UTF-8, no duplicate\nkeys, no `NaN`/`Infinity` or out-of-range numbers, no lone surrogates) and validated strictly (a\nstring is not a number); a refusal is 400 naming the JSON pointer, before any state runs.\n`/openapi.json` and `/docs` serve this API's own contract with the problem answers added.\n"
    else:
        pass
        yield "Durable timers, wait timeouts and schedules are fired by a scheduler the app starts in its ASGI\nlifespan: keep uvicorn's lifespan on. Every error is RFC 9457 problem+json; while the database\ncannot be reached the server answers 503 with `Retry-After` and changes nothing. Every body is read as\nstrict JSON (UTF-8, no duplicate keys, no `NaN`/`Infinity` or out-of-range numbers, no lone\nsurrogates) and validated strictly (a string is not a number); a refusal is 400 naming the JSON\npointer and changes nothing. A start sent again with the same `Idempotency-Key` and body is\nanswered the first journey again; the same key with another body is 422. `/openapi.json` and\n`/docs` serve this journey's own contract with the problem answers and webhook routes added.\n"

blocks = {}
debug_info = '3=31&4=34&5=36&12=43&23=46&29=48&32=51&54=54&56=58&57=62&58=65&61=73&63=75&64=77&74=79&75=81&78=83&82=85&86=87&87=90&89=94&90=98&92=103&93=107&95=130&96=134&98=141&99=145&101=152&102=156&104=171&105=173&106=175&107=177&108=179&109=181&110=183&111=185&112=188&114=190&115=193&117=195&118=198&120=201&121=203&122=205&123=207&124=210&125=212&126=214&127=216&130=219'
