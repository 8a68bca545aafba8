"""Outbound httpCall tasks -> handler methods with call models typed from the downstream OpenAPI."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from .. import naming
from ..diagnostics import Location, SpecError
from ..inputs import Inputs
from ..load import Document, escape_pointer_token
from ..schema.journey.spec import ApiRef, JourneySpec
from ..schema.journey.tasks import HttpCall
from .expressions import Code, Expressions
from .ir import BodyModel, CallField, HandlerMethod, HttpSpec
from .results import result_types
from .schematypes import Resolver, annotation, example, json_schema

DEFAULT_TIMEOUT_MS = 10_000  # DSL §5.1, §2.3: no task or spec.defaults.http timeoutMs
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
EXTRA_FIELDS = ("body", "headers", "query")
GENERIC_FIELDS = (
    CallField("method", "method", "str", True, "HTTP method."),
    CallField("url", "url", "str", True, "Absolute URL, placeholders filled in."),
    CallField("query", "query", "dict[str, Any]", False, "Query parameters."),
    CallField("headers", "headers", "dict[str, str]", False, "Request headers."),
    CallField("body", "body", "Any", False, "JSON request body."),
)

JWT_FIELDS = (
    CallField("profile", "profile", "str", True, "The jwtValidate profile."),
    CallField("token", "token", "str", True, "The raw token (never log it)."),
    CallField("header", "header", "dict[str, Any]", True, "JOSE header, not verified."),
    CallField("claims", "claims", "dict[str, Any]", True, "Claims, not verified yet."),
)
MTLS_FIELDS = (
    CallField("profile", "profile", "str", True, "The mtlsValidate profile."),
    CallField("certificate_chain", "certificate_chain", "str", True,
              "The client certificate chain, PEM, leaf first."),
    CallField("fingerprint_sha256", "fingerprint_sha256", "str", True,
              "SHA-256 of the leaf certificate (DER), lowercase hex."),
    CallField("trust_anchors", "trust_anchors", "list[str]", True,
              "The task's inline trust anchors (PEM); empty: the profile's."),
)  # fmt: skip
KAFKA_FIELDS = (
    CallField("topic", "topic", "str", True, "The Kafka topic."),
    CallField("value", "value", "Any", True, "The event payload (the value mapper's result)."),
    CallField("key", "key", "Any", False, "The record key, when the task declares one."),
    CallField("headers", "headers", "dict[str, str]", False, "Kafka record headers."),
    CallField("connection_secret_ref", "connection_secret_ref", "str", False,
              "The secretRef of the Kafka connection; None: the default connection."),
    CallField("connection", "connection", "str", False,
              "The connection configuration connection_secret_ref names, resolved from the "
              "server's secrets (never log it); None: the default connection."),
    CallField("key_schema_ref", "key_schema_ref", "str", False,
              "keySchemaRef, if any (the engine checked the key against it)."),
    CallField("value_schema_ref", "value_schema_ref", "str", False,
              "valueSchemaRef, if any (the engine checked the value against it)."),
)  # fmt: skip


@dataclass(frozen=True)
class Downstream:
    """One operation of a downstream API document."""

    doc: Document
    pointer: str
    op: dict[str, Any]
    method: str
    path: str


@dataclass(frozen=True)
class CallCode:
    """A handler method plus the code of the dict its call model is validated from."""

    method: HandlerMethod
    entries: tuple[tuple[str, Code], ...]  # (call-model field name, value code)


def find_operation(
    sources: Inputs, journey: Document, apis: dict[str, ApiRef], ref: str
) -> Downstream | None:
    """Resolve `api.operationId` through `spec.apis.<api>.openApiRef`; None when it does not."""
    api, _, op_id = ref.partition(".")
    entry = apis.get(api)
    if entry is None:
        return None
    target = entry.openApiRef
    doc = sources.api_document(target)
    if doc is None:
        return None
    for path, item in (doc.data.get("paths") or {}).items():
        for method in HTTP_METHODS:
            op = item.get(method) if isinstance(item, dict) else None
            if isinstance(op, dict) and op.get("operationId") == op_id:
                site = f"/paths/{escape_pointer_token(path)}/{method}"
                return Downstream(doc, site, op, method, path)
    return None


def _resolver(sources: Inputs, doc: Document, site: str) -> Resolver:
    def resolve(schema: dict[str, Any]) -> dict[str, Any] | None:
        try:
            found = sources.resolve(doc, schema["$ref"], site).value
        except SpecError:
            return None
        return found if isinstance(found, dict) else None

    return resolve


def _deref(resolve: Resolver, raw: Any) -> Any:
    return resolve(raw) if isinstance(raw, dict) and "$ref" in raw else raw


def _params(ds: Downstream, resolve: Resolver) -> list[tuple[str, dict[str, Any]]]:
    found: dict[tuple[str, str], dict[str, Any]] = {}
    item = ds.doc.data["paths"][ds.path]
    for holder in (item, ds.op):
        for raw in holder.get("parameters") or []:
            param = _deref(resolve, raw)
            if isinstance(param, dict) and isinstance(param.get("name"), str):
                found[(str(param.get("in")), param["name"])] = param
    return [
        (loc, p) for (loc, _), p in found.items() if loc in ("path", "query", "header")
    ]


def _body_model(schema: Any, resolve: Resolver, class_name: str) -> BodyModel | None:
    schema = _deref(resolve, schema)
    props = schema.get("properties") if isinstance(schema, dict) else None
    if not isinstance(props, dict) or not props:
        return None
    required = set(schema.get("required") or [])
    names = naming.assign((k, naming.field_name(k)) for k in props)
    fields = tuple(
        CallField(names[k], k, annotation(v, resolve), k in required, _describe(v))
        for k, v in props.items()
    )
    return BodyModel(class_name, fields, _describe(schema))


def _describe(schema: Any) -> str | None:
    text = schema.get("description") if isinstance(schema, dict) else None
    return text if isinstance(text, str) else None


def _success(ds: Downstream, resolve: Resolver) -> tuple[int, Any]:
    for status, raw in (ds.op.get("responses") or {}).items():
        code = str(status)
        if code.isdigit() and code.startswith("2"):
            schema = json_schema(_deref(resolve, raw))
            return int(code), None if schema is None else example(schema, resolve)
    return 200, None


def _py_names(params: list[tuple[str, dict[str, Any]]]) -> dict[str, str]:
    """The call-model attribute of each parameter, keyed `<in>:<name>`."""
    return naming.assign(
        ((f"{loc}:{p['name']}", naming.field_name(p["name"])) for loc, p in params),
        reserved=EXTRA_FIELDS,
    )


def _server_url(ds: Downstream) -> str | None:
    """The operation's server URL (operation, path item, then document `servers`), its
    `{variables}` filled with their defaults; None when no level names one."""
    item = ds.doc.data["paths"][ds.path]
    for holder in (ds.op, item, ds.doc.data):
        servers = holder.get("servers") if isinstance(holder, dict) else None
        if isinstance(servers, list) and servers and isinstance(servers[0], dict):
            url = servers[0].get("url")
            if not isinstance(url, str):
                return None
            for name, var in (servers[0].get("variables") or {}).items():
                if isinstance(var, dict) and isinstance(var.get("default"), str):
                    url = url.replace("{" + str(name) + "}", var["default"])
            return url
    return None


class CallBuilder:
    """Builds handler methods for the httpCall tasks of one journey."""

    def __init__(
        self,
        sources: Inputs,
        journey: Document,
        apis: dict[str, ApiRef],
        spec: JourneySpec | None = None,
    ) -> None:
        self.sources = sources
        self.journey = journey
        self.apis = apis
        defaults = spec.defaults if spec is not None else None
        http = defaults.http if defaults is not None else None
        self.default_headers: dict[str, str] = dict(http.headers) if http else {}
        self.default_timeout = (
            http.timeoutMs if http and http.timeoutMs else DEFAULT_TIMEOUT_MS
        )
        tasks = defaults.tasks if defaults is not None else None
        policies = spec.policies if spec is not None else None
        resilience = policies.httpResilience if policies is not None else None
        self.default_resilience = (tasks.resiliencePolicyRef if tasks else None) or (
            resilience.default if resilience else None
        )
        # FakeHandlers' own members (templates/server/testing.py.jinja) are not method names
        self.scope = naming.Scope(
            ("self", "calls", "answers", "steer", "calls_to", "outbound", "perform")
        )
        self.classes = naming.Scope(
            (
                "TaskResult",
                "BaseModel",
                "Protocol",
                "Any",
                "Literal",
                "HttpOperation",
                "Outbound",
            )
        )
        self.warnings: list[tuple[Location, str]] = []

    def build(
        self, exprs: Expressions, state: str, task: HttpCall, pointer: str
    ) -> CallCode:
        """Compile one httpCall task (its values with `exprs`); typed when its
        operationRef resolves."""
        ref = task.operationRef
        ds = (
            find_operation(self.sources, self.journey, self.apis, ref)
            if isinstance(ref, str)
            else None
        )
        wanted = (
            ref.partition(".")[2]
            if isinstance(ref, str) and ref.partition(".")[2]
            else state
        )
        name = self.scope.claim(
            naming.safe_identifier(naming.snake(wanted, default="call"))
        )
        call_class = self.classes.claim(naming.class_name(name) + "Call")
        if ds is None:
            if isinstance(ref, str):
                self.warnings.append(
                    (self.journey.location(pointer + "/operationRef"),
                     f"operationRef {ref!r} does not resolve through spec.apis; "
                     "its handler gets an untyped call")
                )  # fmt: skip
            code = self._generic(exprs, state, task, pointer, name, call_class)
            # an operationRef that does not resolve: only a handler can make that call
            spec = (
                None
                if isinstance(ref, str)
                else self._http(task, "", None, None, None, ())
            )
        else:
            code = self._typed(exprs, state, task, pointer, name, call_class, ds)
            params = _params(ds, _resolver(self.sources, ds.doc, ds.pointer))
            py = _py_names(params)
            spec = self._http(
                task, ds.method.upper(), ds.path, ref.partition(".")[0] if ref else None,
                _server_url(ds),
                tuple((py[f"{loc}:{p['name']}"], p["name"], loc) for loc, p in params),
            )  # fmt: skip
        return CallCode(replace(code.method, http=spec), code.entries)

    def _http(
        self, task: HttpCall, method: str, path: str | None, api: str | None,
        server_url: str | None, params: tuple[tuple[str, str, str], ...],
    ) -> HttpSpec:  # fmt: skip
        """How the server makes the call itself (timeout, accept, policy refs, defaults)."""
        return HttpSpec(
            method=method, path=path, api=api, server_url=server_url, params=params,
            accept=task.accept or "application/json",
            timeout_ms=task.timeoutMs or self.default_timeout,
            notify=task.mode == "notify",
            resilience_policy=task.resiliencePolicyRef or self.default_resilience,
            auth_policy=task.auth.policyRef if task.auth is not None else None,
            use_cookie_jar=task.cookies.useJar if task.cookies is not None else True,
        )  # fmt: skip

    def _auth_names(self, state: str) -> tuple[str, str]:
        name = self.scope.claim(
            naming.safe_identifier(naming.snake(state, default="validate"))
        )
        return name, self.classes.claim(naming.class_name(name) + "Call")

    def jwt_method(
        self, state: str, profile: str, scopes: tuple[str, ...]
    ) -> HandlerMethod:
        """The handler method verifying the token of a jwtValidate:v1 task."""
        name, call_class = self._auth_names(state)
        scope = " ".join(dict.fromkeys(("openid", "admin", *scopes)))
        body = {
            "header": {"alg": "RS256", "kid": "fake-key", "typ": "JWT"},
            "claims": {
                "sub": "fake-subject",
                "iss": "https://issuer.example.com/",
                "aud": "journeys",
                "scope": scope,
            },
        }
        summary = (
            f"Verify the JWT's signature for profile {profile!r} (issuer keys, issuer, "
            "audience); answer ok with body {'header': ..., 'claims': ...} (the verified "
            "claims), or ok=False with error={'code': 'JWT_SIG_INVALID' (or another JWT_* "
            "code)}. The engine checks missing/malformed tokens, exp, nbf and scopes itself."
        )
        return HandlerMethod(
            name, state, call_class, JWT_FIELDS, None, summary, "jwtValidate:v1",
            200, body, True,
        )  # fmt: skip

    def kafka_method(self, state: str, topic: str) -> HandlerMethod:
        """The handler method publishing the record of a kafkaPublish:v1 task."""
        name, call_class = self._auth_names(state)
        summary = (
            f"Publish one record to the Kafka topic {topic!r} (key, value as JSON, headers) "
            "and answer ok once the broker acknowledged it; ok=False (after your retries) "
            "fails the journey with KAFKA_PUBLISH_FAILED. Nothing is stored in the context."
        )
        return HandlerMethod(
            name, state, call_class, KAFKA_FIELDS, None, summary,
            f"kafkaPublish:v1 {topic}", 200, {"topic": topic, "partition": 0, "offset": 0},
            True,
        )  # fmt: skip

    def mtls_method(
        self, state: str, profile: str, filters: dict[str, Any]
    ) -> HandlerMethod:
        """The handler method validating the client chain of an mtlsValidate:v1 task."""
        name, call_class = self._auth_names(state)
        subjects = filters.get("allowSubjects") or ()
        serials = filters.get("allowSerials") or ()
        sans = filters.get("allowSans") or (("dns", "client.example.com"),)
        body = {
            "subjectDn": (
                subjects[0]
                if subjects
                else "CN=fake-client,OU=Journeys,OU=AdminClients,O=Example"
            ),
            "issuerDn": "CN=Fake CA,O=Example",
            "serialNumber": serials[0] if serials else "01",
            "sans": [{sans[0][0]: sans[0][1]}],
        }
        summary = (
            f"Validate the client certificate chain for profile {profile!r} against the "
            "trust anchors (and revocation); answer ok with body {'subjectDn', 'issuerDn', "
            "'serialNumber', 'sans': [{'dns'|'ip'|'uri': ...}]}, or ok=False with "
            "error={'code': 'MTLS_CERT_UNTRUSTED' (or another MTLS_* code)}. The engine "
            "checks a missing/unparseable certificate and the allow* filters itself."
        )
        return HandlerMethod(
            name, state, call_class, MTLS_FIELDS, None, summary, "mtlsValidate:v1",
            200, body, True,
        )  # fmt: skip

    def _summary(self, ds: Downstream) -> str:
        for key in ("summary", "description"):
            text = ds.op.get(key)
            if isinstance(text, str) and text.strip():
                return text
        return f"{ds.method.upper()} {ds.path}"

    def _typed(
        self, exprs: Expressions, state: str, task: HttpCall, pointer: str, name: str,
        call_class: str, ds: Downstream,
    ) -> CallCode:  # fmt: skip
        resolve = _resolver(self.sources, ds.doc, ds.pointer)
        params = _params(ds, resolve)
        py = _py_names(params)
        fields = [
            CallField(
                py[f"{loc}:{p['name']}"], p["name"], annotation(p.get("schema", {}), resolve),
                bool(p.get("required")) or loc == "path", _describe(p),
            )
            for loc, p in params
        ]  # fmt: skip
        body_schema = json_schema(_deref(resolve, ds.op.get("requestBody")))
        body_model = _body_model(
            body_schema, resolve, self.classes.claim(call_class[:-4] + "Body")
        )
        body_type = (
            body_model.class_name if body_model else annotation(body_schema, resolve)
        )
        if (
            ds.op.get("requestBody") is not None
        ):  # no body field where the API takes none
            fields.append(CallField("body", "body", body_type if body_schema is not None else "Any",
                                    False, "JSON request body."))  # fmt: skip
        elif task.body is not None:
            self.warnings.append((self.journey.location(pointer + "/body"),
                                  f"{task.operationRef} declares no request body; this body is "
                                  "not sent (remove it, or use an operation that takes one)"))  # fmt: skip
        fields.append(
            CallField(
                "query", "query", "dict[str, Any]", False, "Other query parameters."
            )
        )
        fields.append(
            CallField("headers", "headers", "dict[str, str]", False, "Other headers.")
        )
        entries = self._typed_entries(exprs, task, pointer, params, py)
        status, body = _success(ds, resolve)
        result_type, result_models = result_types(
            call_class[:-4], ds.op.get("responses") or {}, resolve, self.classes.claim,
            lambda schema, class_name: _body_model(schema, resolve, class_name),
        )  # fmt: skip
        method = HandlerMethod(
            name, state, call_class, tuple(fields), body_model, self._summary(ds),
            str(task.operationRef), status, body, True, result_type, result_models,
        )  # fmt: skip
        return CallCode(method, entries)

    def _typed_entries(
        self, exprs: Expressions, task: HttpCall, pointer: str,
        params: list[tuple[str, dict[str, Any]]], py: dict[str, str],
    ) -> tuple[tuple[str, Code], ...]:  # fmt: skip
        declared = {
            (loc, p["name"].lower()): py[f"{loc}:{p['name']}"] for loc, p in params
        }
        entries: list[tuple[str, Code]] = []
        extra: dict[str, dict[str, Code]] = {"query": {}, "headers": {}}
        for loc, key, code in self._dsl_params(exprs, task, pointer):
            field = declared.get((loc, key.lower()))
            if field is not None:
                entries.append((field, code))
            elif loc == "path":
                self.warnings.append((self.journey.location(pointer + "/params/path"),
                                      f"path parameter {key!r} is not declared by the operation; ignored"))  # fmt: skip
            else:
                extra["query" if loc == "query" else "headers"][key] = code
        entries.extend(self._extras(extra))
        body = self._body(exprs, task, pointer)
        if body is not None:
            entries.append(("body", body))
        return tuple(entries)

    def _generic(
        self, exprs: Expressions, state: str, task: HttpCall, pointer: str, name: str,
        call_class: str,
    ) -> CallCode:  # fmt: skip
        url = task.url
        entries: list[tuple[str, Code]] = [
            ("method", exprs.value(pointer + "/method", str(task.method or "GET").upper())),
            ("url", exprs.value(pointer + "/url", url if isinstance(url, str) else "")),
        ]  # fmt: skip
        extra: dict[str, dict[str, Code]] = {"query": {}, "headers": {}}
        for loc, key, code in self._dsl_params(exprs, task, pointer):
            extra["headers" if loc == "header" else "query"][key] = code
        entries.extend(self._extras(extra))
        body = self._body(exprs, task, pointer)
        if body is not None:
            entries.append(("body", body))
        target = str(task.operationRef or f"{task.method or 'GET'} {url}")
        verb = str(task.method or "GET").upper()
        fields = tuple(
            f for f in GENERIC_FIELDS
            if f.py_name != "body" or task.body is not None or verb not in ("GET", "HEAD")
        )  # fmt: skip
        method = HandlerMethod(name, state, call_class, fields, None, target, target,
                               200, None, False)  # fmt: skip
        return CallCode(method, tuple(entries))

    @staticmethod
    def _extras(extra: dict[str, dict[str, Code]]) -> list[tuple[str, Code]]:
        result = []
        for field, values in extra.items():
            if values:
                items = ", ".join(f"{k!r}: {c.code}" for k, c in values.items())
                used = frozenset().union(*(c.bindings for c in values.values()))
                result.append((field, Code("{" + items + "}", used)))
        return result

    def _dsl_params(
        self, exprs: Expressions, task: HttpCall, pointer: str
    ) -> list[tuple[str, str, Code]]:
        found: list[tuple[str, str, Code]] = []
        params = task.params
        groups = [("path", "path"), ("query", "query"), ("headers", "header")]
        for key, loc in groups if params is not None else ():
            for name, raw in getattr(params, key).items():
                site = f"{pointer}/params/{key}/{escape_pointer_token(name)}"
                found.append((loc, name, exprs.value(site, raw)))
        for name, raw in (task.headers or {}).items():
            site = f"{pointer}/headers/{escape_pointer_token(name)}"
            found.append(("header", name, exprs.value(site, raw)))
        given = {key.lower() for loc, key, _ in found if loc == "header"}
        defaults = [
            (
                "header",
                name,
                exprs.value(
                    f"/spec/defaults/http/headers/{escape_pointer_token(name)}", raw
                ),
            )
            for name, raw in self.default_headers.items()
            if name.lower() not in given
        ]  # fmt: skip  (DSL §2.3: spec.defaults.http.headers under the task's own)
        return defaults + found

    def _body(self, exprs: Expressions, task: HttpCall, pointer: str) -> Code | None:
        body = task.body
        if body is None:
            return None
        mapped = exprs.mapper(pointer + "/body", body)
        if mapped is not None:
            return mapped
        return exprs.value(pointer + "/body", body)
