"""Outbound httpCall tasks -> handler methods with call models typed from the downstream OpenAPI.

The downstream operation is read by `downstream.py`; how the server makes the call itself (its
`HttpOperation`) is `http_operation.py`'s; the other handler methods are `handler_methods.py`'s.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from .. import naming
from ..diagnostics import Diagnostic, Location
from ..inputs import Inputs
from ..load import Document, escape_pointer_token
from ..numbers import NUMBER_TYPE
from ..schema.journey.check import walk_states
from ..schema.journey.spec import ApiRef, JourneySpec
from ..schema.journey.states import TaskState
from ..schema.journey.tasks import HttpCall
from .downstream import (
    Downstream,
    deref,
    describe,
    find_operation,
    parameters,
    py_names,
    request_model,
    resolver,
    success,
    summary,
)
from .expressions import Code, Expressions
from .handler_methods import HandlerMethods
from .http_operation import HttpOperations
from .ir_calls import CallField, HandlerMethod
from .results import result_types
from .schematypes import annotation, json_schema

GENERIC_FIELDS = (
    CallField("method", "method", "str", True, "HTTP method."),
    CallField("url", "url", "str", True, "Absolute URL, placeholders filled in."),
    CallField("query", "query", "dict[str, Any]", False, "Query parameters."),
    CallField("headers", "headers", "dict[str, str]", False, "Request headers."),
    CallField("body", "body", "Any", False, "JSON request body."),
)


@dataclass(frozen=True)
class CallCode:
    """A handler method plus the code of the dict its call model is validated from."""

    method: HandlerMethod
    entries: tuple[tuple[str, Code], ...]  # (call-model field name, value code)
    # (status, body type) of each documented JSON response (HttpSpec.results)
    results: tuple[tuple[str, str], ...] = ()


class CallBuilder(HandlerMethods):
    """Builds handler methods for the httpCall tasks of one journey."""

    def __init__(
        self,
        sources: Inputs,
        journey: Document,
        apis: dict[str, ApiRef],
        spec: JourneySpec | None = None,
    ) -> None:
        super().__init__()
        self.sources = sources
        self.journey = journey
        self.apis = apis
        defaults = spec.defaults if spec is not None else None
        http = defaults.http if defaults is not None else None
        self.default_headers: dict[str, str] = dict(http.headers) if http else {}
        self.operations = HttpOperations(sources, spec)
        self.warnings: list[tuple[Location, str]] = []
        self.errors: list[Diagnostic] = []  # what cannot become a correct call
        # How many httpCall tasks want each method name: an operation called from several
        # states gets one method per state, named `<operation>_for_<state>` (never numbered).
        self.wanted = Counter(
            _wanted(state.task, _last_token(name))
            for name, state in (walk_states(spec) if spec is not None else ())
            if isinstance(state, TaskState) and isinstance(state.task, HttpCall)
        )

    def build(
        self, exprs: Expressions, state: str, task: HttpCall, pointer: str
    ) -> CallCode:
        """Compile one httpCall task (its values with `exprs`); typed when its
        operationRef resolves."""
        ref = task.operationRef
        ds = (
            find_operation(self.sources, self.apis, ref)
            if isinstance(ref, str)
            else None
        )
        wanted = _wanted(task, state)
        if self.wanted[wanted] > 1:
            wanted = naming.safe_identifier(
                f"{wanted}_for_{naming.snake(state, default='state')}"
            )
        if wanted in self.scope:  # a name the handler classes already use (`steer`)
            wanted = f"{wanted}_task"
        name = self.scope.claim(wanted)
        call_class = self.classes.claim(naming.class_name(name) + "Call")
        if ds is None:
            if isinstance(ref, str):
                self.warnings.append(
                    (self.journey.location(pointer + "/operationRef"),
                     f"operationRef {ref!r} does not resolve through spec.apis; "
                     "its handler gets an untyped call")
                )  # fmt: skip
            code = self._generic(exprs, state, task, pointer, name, call_class)
        else:
            if ds.method == "get" and task.body is not None:
                self.errors.append(
                    Diagnostic(self.journey.location(pointer + "/body"),
                        f"httpCall:v1 body with a GET operation ({ref} is GET "
                        f"{ds.path}) is a validation error (DSL §5.1); remove the body, "
                        "or call an operation that takes a request body")
                )  # fmt: skip
            code = self._typed(exprs, state, task, pointer, name, call_class, ds)
        spec = self.operations.spec(task, ds, code.results)
        return CallCode(replace(code.method, http=spec), code.entries)

    def _typed(
        self, exprs: Expressions, state: str, task: HttpCall, pointer: str, name: str,
        call_class: str, ds: Downstream,
    ) -> CallCode:  # fmt: skip
        resolve = resolver(self.sources, ds.doc, ds.pointer)
        params = parameters(ds, resolve)
        py = py_names(params)
        fields = [
            CallField(
                py[f"{loc}:{p['name']}"], p["name"],
                annotation(p.get("schema", {}), resolve, number=NUMBER_TYPE),
                bool(p.get("required")) or loc == "path", describe(p),
            )
            for loc, p in params
        ]  # fmt: skip
        body_schema = json_schema(deref(resolve, ds.op.get("requestBody")))
        body_model = request_model(
            body_schema, resolve, self.classes.claim(call_class[:-4] + "Body")
        )
        body_type = (
            body_model.class_name
            if body_model
            else annotation(body_schema, resolve, number=NUMBER_TYPE)
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
        status, body = success(ds, resolve)
        result_type, result_models, results = result_types(
            call_class[:-4], ds.op.get("responses") or {}, resolve, self.classes.claim,
            lambda schema, class_name: request_model(schema, resolve, class_name),
        )  # fmt: skip
        method = HandlerMethod(
            name, state, call_class, tuple(fields), body_model, summary(ds),
            str(task.operationRef), status, body, True, result_type, result_models,
        )  # fmt: skip
        return CallCode(method, entries, results)

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
        if not isinstance(body, str):  # DSL §4: only a string body is interpolated
            for where, text in _placeholders(body, pointer + "/body"):
                self.warnings.append((self.journey.location(where),
                    f"{text!r} in an object body is sent as written: DSL §4 interpolates "
                    "${...} only in a string body; to send the value, write the body as a "
                    "mapper (body: {mapper: {lang: dataweave, expr: ...}})"))  # fmt: skip
        return exprs.value(pointer + "/body", body)


def _placeholders(value: Any, pointer: str) -> list[tuple[str, str]]:
    """(pointer, text) of every string inside a literal body that holds a `${`."""
    if isinstance(value, str):
        return [(pointer, value)] if "${" in value else []
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return []
    found: list[tuple[str, str]] = []
    for key, item in items:
        token = str(key).replace("~", "~0").replace("/", "~1")
        found += _placeholders(item, f"{pointer}/{token}")
    return found


def _wanted(task: HttpCall, state: str) -> str:
    """The method name an httpCall asks for: its operationId, else its state's name."""
    ref = task.operationRef
    op = ref.partition(".")[2] if isinstance(ref, str) else ""
    return naming.safe_identifier(naming.snake(op or state, default="call"))


def _last_token(pointer: str) -> str:
    return pointer.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
