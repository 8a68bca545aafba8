"""The server IR of outbound calls: a handler method per httpCall (and per jwtValidate,
mtlsValidate, kafkaPublish task), its typed call model and fields, the request body model, and
the server's own HTTP call (`HttpSpec`, rendered as the runtime's `HttpOperation`).

Every `code` value is Python built by this package with spec strings passed through `repr()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CallField:
    """One typed field of a handler call model (a parameter, the body, or free headers)."""

    py_name: str
    wire: str
    annotation: str
    required: bool
    doc: str | None = None


@dataclass(frozen=True)
class BodyModel:
    """The request body model of a call, typed from the downstream OpenAPI schema."""

    class_name: str
    fields: tuple[CallField, ...]
    doc: str | None = None


@dataclass(frozen=True)
class HttpSpec:
    """How the server performs one httpCall itself (runtime `outbound.HttpOperation`).

    `path`/`api` are None for the raw `method` + `url` form (the call model holds both);
    `params` maps each call-model attribute to its wire name and location.
    """

    method: str
    path: str | None
    api: str | None
    server_url: str | None
    params: tuple[tuple[str, str, str], ...]
    accept: str
    timeout_ms: int
    notify: bool
    resilience_policy: str | None
    auth_policy: str | None
    use_cookie_jar: bool
    # (status, body type annotation) of each documented JSON response: the answer of that
    # status is checked against the type (runtime `outbound_checks`); () checks nothing
    results: tuple[tuple[str, str], ...] = ()

    def code(self, name: str, state: str) -> str:
        """The `HttpOperation(...)` constructor call (every spec string through repr; the
        result types are annotations of handlers.py's own models and builtins)."""
        fields: list[tuple[str, Any]] = [
            ("name", name), ("state", state), ("method", self.method),
            ("path", self.path), ("api", self.api), ("server_url", self.server_url),
            ("params", self.params), ("accept", self.accept),
            ("timeout_ms", self.timeout_ms), ("notify", self.notify),
            ("resilience_policy", self.resilience_policy),
            ("auth_policy", self.auth_policy), ("use_cookie_jar", self.use_cookie_jar),
        ]  # fmt: skip
        args = [f"{k}={v!r}" for k, v in fields]
        if self.results:
            typed = ", ".join(f"({status!r}, {kind})" for status, kind in self.results)
            args.append(f"results=({typed},)")
        return "HttpOperation(" + ", ".join(args) + ")"


@dataclass(frozen=True)
class HandlerMethod:
    """One outbound `task` httpCall: the Protocol method, its call model and its fake answer."""

    name: str
    state: str
    call_class: str
    fields: tuple[CallField, ...]
    body_model: BodyModel | None
    summary: str
    target: str  # operationRef or "METHOD url", for docstrings
    fake_status: int
    fake_body: Any
    typed: bool  # typed from the downstream OpenAPI document
    result_type: str | None = (
        None  # the body type of TaskResult[...]; None: bare TaskResult
    )
    result_models: tuple[tuple[str, BodyModel], ...] = ()  # (status, model) to declare
    http: HttpSpec | None = (
        None  # an httpCall: the server's own HTTP call (its default)
    )

    @property
    def returns(self) -> str:
        """The handler method's result type: `TaskResult` or `TaskResult[<body type>]`."""
        return (
            "TaskResult"
            if self.result_type is None
            else f"TaskResult[{self.result_type}]"
        )
