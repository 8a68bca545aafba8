"""What the server templates read: compiled steps, handler methods and bindings, all code-safe.

Every `code`/`lines` value here is Python built by this package with spec strings passed through
`repr()`; every other spec text is carried raw and encoded by the template filters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..diagnostics import Location
from ..ir import PackageNames


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


@dataclass(frozen=True)
class StepCode:
    """One internal state compiled to a step function body."""

    state: str
    function: str
    summary: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class InputCode:
    """One external-input (webhook/wait) state."""

    state: str
    kind: str
    input_model: str
    next: str
    guard: tuple[str, str] | None
    response_var: str | None
    response_model: str | None


@dataclass(frozen=True)
class Unsupported:
    """A construct the engine compiler does not support yet."""

    state: str
    construct: str
    location: Location


@dataclass(frozen=True)
class ServerIR:
    """Everything the server templates render for one journey."""

    names: PackageNames
    journey: str
    start: str
    input_model: str
    status_model: str | None
    outcome_model: str | None
    steps: tuple[StepCode, ...]
    inputs: tuple[InputCode, ...]
    methods: tuple[HandlerMethod, ...]
    profiles: tuple[str, ...]
    correlation_fields: tuple[str, ...]
    bindings: tuple[str, ...]  # code of each binding expression
    binding_imports: tuple[str, ...]
    sources: tuple[str, ...]
    unsupported: tuple[Unsupported, ...] = ()

    @property
    def protocol(self) -> str:
        """The handlers Protocol class name."""
        return f"{self.names.pascal}Handlers"

    @property
    def typing_names(self) -> tuple[str, ...]:
        """The `typing` names handlers.py uses."""
        annotations = [f.annotation for m in self.methods for f in m.fields]
        annotations += [
            f.annotation
            for m in self.methods
            if m.body_model
            for f in m.body_model.fields
        ]
        found = {"Protocol"}
        found |= {n for n in ("Any", "Literal") if any(n in a for a in annotations)}
        return tuple(sorted(found))

    @property
    def handler_exports(self) -> tuple[str, ...]:
        """The public names of handlers.py, sorted."""
        names = {self.protocol, "TaskResult"}
        for method in self.methods:
            names.add(method.call_class)
            if method.body_model:
                names.add(method.body_model.class_name)
        return tuple(sorted(names))

    @property
    def engine_imports(self) -> tuple[str, ...]:
        """The import lines engine.py needs (sorted, only what it uses)."""
        code = "\n".join(line for step in self.steps for line in step.lines)
        runtime = {"ExternalInput", "Fail", "JourneyDefinition", "Next", "RunContext"}
        runtime |= {"StepResult", "Succeed"} | (
            {"TaskResult"} if "TaskResult" in code else set()
        )
        hooks = {"ProviderBinding"} | (set(self.binding_imports) & set(_WEBHOOK_NAMES))
        appypay = set(self.binding_imports) & set(_APPYPAY_NAMES)
        guard = any(i.guard for i in self.inputs) or "Guard" in self.binding_imports
        lines = ["from . import handlers, models"]
        if "_dw." in code:
            lines.append("from ._runtime import dataweave as _dw")
        if appypay:
            lines.append(f"from ._runtime.appypay import {', '.join(sorted(appypay))}")
        lines.append(f"from ._runtime.engine import {', '.join(sorted(runtime))}")
        if guard:
            lines.append("from ._runtime.security import Guard")
        lines.append("from ._runtime.settings import env_prefix")
        lines.append(f"from ._runtime.webhooks import {', '.join(sorted(hooks))}")
        return tuple(lines)


_WEBHOOK_NAMES = (
    "Action",
    "Concat",
    "Const",
    "EventRule",
    "Field",
    "FirstOf",
    "GenericEvent",
)
_APPYPAY_NAMES = ("APPYPAY_RULES", "AppyPayEvent", "appypay_binding")
