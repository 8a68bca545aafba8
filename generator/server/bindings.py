"""Parse and validate `<journey>.bindings.yaml` (see templates/runtime/server/BINDINGS.md) into code.

Every string from the file reaches the emitted code through `repr()` / `py_literal`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..diagnostics import Diagnostic, Level, SpecError
from ..encode import py_literal
from ..ir import Bundle
from ..load import Document

_PROVIDER = re.compile(r"[a-z][a-z0-9-]*")
_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
_ROUTE = re.compile(r"/[A-Za-z0-9._~/-]*")
# The paths the generated server's FastAPI app serves for itself (its documentation). The
# journey's routes are matched before them, so a provider route there would hide the page.
FRAMEWORK_ROUTES = ("/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc")
PAYLOADS = {"appypay": ("id", "merchantTransactionId"), "generic": (None, None)}
ACTIONS = ("deliver", "acknowledge", "record")


@dataclass
class BindingsCode:
    """What the engine module needs from the bindings file."""

    bindings: list[str] = field(default_factory=list)
    imports: set[str] = field(default_factory=set)
    correlation_fields: list[str] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)


class _Parser:
    def __init__(self, doc: Document, bundle: Bundle, journey: Document) -> None:
        self.doc = doc
        self.journey = journey
        self.bundle = bundle
        self.problems: list[Diagnostic] = []
        self.out = BindingsCode()

    def fail(self, pointer: str, message: str) -> None:
        self.problems.append(Diagnostic(self.doc.location(pointer), message))

    def text(
        self,
        data: dict[str, Any],
        key: str,
        pointer: str,
        pattern: re.Pattern[str] | None = None,
    ) -> str | None:
        raw = data.get(key)
        if (
            not isinstance(raw, str)
            or not raw
            or (pattern and not pattern.fullmatch(raw))
        ):
            self.fail(
                f"{pointer}/{key}", f"{key!r} is required and must be a valid string"
            )
            return None
        return raw

    def parse(self) -> None:
        data = self.doc.data
        if not isinstance(data, dict):
            self.fail("", "a bindings file is a mapping")
            return
        if (
            data.get("apiVersion") != "journeygen.dev/v1"
            or data.get("kind") != "WebhookBindings"
        ):
            self.fail(
                "", "expected apiVersion: journeygen.dev/v1 and kind: WebhookBindings"
            )
        if data.get("journey") != self.bundle.names.dist:
            self.fail(
                "/journey",
                f"'journey' must be {self.bundle.names.dist!r} (the journey's metadata.name)",
            )
        entries = data.get("bindings")
        if not isinstance(entries, list) or not entries:
            self.fail("/bindings", "'bindings' must be a non-empty list")
            return
        seen: set[str] = set()
        self.routes: dict[str, str] = {}  # route -> pointer of the binding that took it
        for i, entry in enumerate(entries):
            pointer = f"/bindings/{i}"
            if not isinstance(entry, dict):
                self.fail(pointer, "a binding is a mapping")
                continue
            provider = self.text(entry, "provider", pointer, _PROVIDER)
            if provider in seen:
                self.fail(
                    pointer + "/provider", f"provider {provider!r} is bound twice"
                )
            seen.add(provider or "")
            self.binding(entry, pointer, provider)

    def binding(
        self, entry: dict[str, Any], pointer: str, provider: str | None
    ) -> None:
        route = self.text(entry, "route", pointer, _ROUTE)
        if route and route.startswith("/api/v1/journeys"):
            self.fail(
                pointer + "/route",
                "a provider route must not start with /api/v1/journeys",
            )
        elif route in FRAMEWORK_ROUTES:
            self.fail(
                pointer + "/route",
                f"provider route {route!r} is where the server serves its API documentation "
                f"({', '.join(FRAMEWORK_ROUTES)}); choose another path, e.g. "
                f"'/webhooks/{provider or 'provider'}'",
            )
        elif route and route in self.routes:
            self.fail(
                pointer + "/route",
                f"provider route {route!r} is already bound at {self.routes[route]}; "
                "give each provider its own path",
            )
        if route:
            self.routes.setdefault(route, pointer)
        payload = entry.get("payload")
        if payload not in PAYLOADS:
            self.fail(
                pointer + "/payload", f"'payload' must be one of {', '.join(PAYLOADS)}"
            )
            return
        default_id, default_field = PAYLOADS[payload]
        event_id = entry.get("eventId", default_id)
        correlation = _mapping(entry.get("correlation"))
        corr_field = correlation.get("field", default_field)
        journey_input = self.text(correlation, "journeyInput", pointer + "/correlation")
        for name, raw in (("eventId", event_id), ("correlation.field", corr_field)):
            if not isinstance(raw, str) or not _PATH.fullmatch(raw):
                self.fail(pointer, f"{name!r} must be a dotted path")
        self.check_input(journey_input, pointer + "/correlation/journeyInput")
        target = _mapping(entry.get("target"))
        step = self.text(target, "step", pointer + "/target")
        guard = self.guard(entry, pointer, step)
        rules = self.rules(entry, pointer)
        if self.problems or not (provider and route and journey_input and step):
            return
        if journey_input not in self.out.correlation_fields:
            self.out.correlation_fields.append(journey_input)
        self.emit(
            provider,
            route,
            payload,
            str(event_id),
            str(corr_field),
            journey_input,
            step,
            guard,
            rules,
        )

    def check_input(self, name: str | None, pointer: str) -> None:
        props = _input_properties(self.journey)
        if name is not None and name not in props:
            self.fail(
                pointer, f"journeyInput {name!r} is not a property of spec.input.schema"
            )

    def guard(
        self, entry: dict[str, Any], pointer: str, step: str | None
    ) -> str | None:
        assert self.bundle.journey is not None
        journey = self.bundle.journey  # top level, branches, subjourneys, compensation
        ext = next(
            (
                e
                for e in (*journey.external_steps, *journey.branch_steps)
                if e.state == step
            ),
            None,
        )
        if step is not None and ext is None:
            self.fail(
                pointer + "/target/step",
                f"target step {step!r} is not a webhook or wait state",
            )
            return None
        raw = entry.get("guard")
        given = (
            (raw.get("header"), raw.get("profile")) if isinstance(raw, dict) else None
        )
        wanted = (
            (ext.guard_header, ext.guard_profile) if ext and ext.guard_header else None
        )
        if wanted is not None and (given is None or given[0].lower() != str(wanted[0]).lower() or given[1] != wanted[1]):  # type: ignore[union-attr]
            self.fail(pointer + "/guard", f"target step {step!r} is guarded by apiKeyValidate "
                      f"(header {wanted[0]!r}, profile {wanted[1]!r}); the binding's guard must name the same")  # fmt: skip
            return None
        if wanted is None:
            self.out.warnings.append(Diagnostic(self.doc.location(pointer), f"binding targets unguarded step {step!r}; "
                                     "the provider route accepts unauthenticated calls", Level.WARNING))  # fmt: skip
            return None
        self.out.imports.add("Guard")
        return f"Guard(header={given[0]!r}, profile={given[1]!r})"  # type: ignore[index]

    def rules(self, entry: dict[str, Any], pointer: str) -> list[str] | None:
        raw = entry.get("rules")
        if raw is None:
            if entry.get("payload") != "appypay":
                self.fail(
                    pointer, "'rules' is required unless a preset payload is used"
                )
            return None
        if not isinstance(raw, list):
            self.fail(pointer + "/rules", "'rules' must be a list")
            return None
        return [self.rule(r, f"{pointer}/rules/{i}") for i, r in enumerate(raw)] + (
            []
            if "default" not in entry
            else ["DEFAULT:" + self.rule(entry["default"], pointer + "/default")]
        )

    def rule(self, raw: Any, pointer: str) -> str:
        if not isinstance(raw, dict):
            self.fail(pointer, "a rule is a mapping")
            return ""
        when = raw.get("when", {})
        if not isinstance(when, dict) or not all(
            isinstance(v, str | int | float | bool) for v in when.values()
        ):
            self.fail(pointer + "/when", "'when' maps dotted paths to scalar literals")
            when = {}
        action = raw.get("action")
        if action not in ACTIONS:
            self.fail(
                pointer + "/action", f"'action' must be one of {', '.join(ACTIONS)}"
            )
        outcome = self.text(raw, "outcome", pointer) or ""
        payload = raw.get("payload") or {}
        if action == "deliver" and (not isinstance(payload, dict) or not payload):
            self.fail(pointer + "/payload", "a deliver rule needs a 'payload' mapping")
            payload = {}
        values = ", ".join(
            f"{k!r}: {self.value(v, f'{pointer}/payload')}" for k, v in payload.items()
        )
        self.out.imports.update({"Action", "EventRule"})
        member = str(action).upper() if action in ACTIONS else "RECORD"
        return (
            f"EventRule({py_literal(when)}, Action.{member}, {outcome!r}, {{{values}}})"
        )

    def value(self, raw: Any, pointer: str) -> str:
        if isinstance(raw, str) and raw.startswith("$."):
            self.out.imports.add("Field")
            return f"Field({raw[2:]!r})"
        if isinstance(raw, dict) and len(raw) == 1:
            ((key, inner),) = raw.items()
            if key == "const":
                self.out.imports.add("Const")
                return f"Const({py_literal(inner)})"
            if key in ("firstOf", "concat") and isinstance(inner, list):
                name = "FirstOf" if key == "firstOf" else "Concat"
                self.out.imports.add(name)
                return f"{name}(({', '.join(self.value(v, pointer) for v in inner)},))"
        if isinstance(raw, str | int | float | bool) or raw is None:
            self.out.imports.add("Const")
            return f"Const({py_literal(raw)})"
        self.fail(
            pointer,
            "a payload value is $.path, a literal, {const}, {firstOf} or {concat}",
        )
        return "Const(None)"

    def emit(self, provider: str, route: str, payload: str, event_id: str, corr: str,
             journey_input: str, step: str, guard: str | None, rules: list[str] | None) -> None:  # fmt: skip
        plain = [r for r in rules or [] if not r.startswith("DEFAULT:")]
        default = [
            r[len("DEFAULT:") :] for r in rules or [] if r.startswith("DEFAULT:")
        ]
        rules_code = f"({', '.join(plain)},)" if plain else "()"
        guard_code = guard or "None"
        if (
            payload == "appypay"
            and event_id == "id"
            and corr == "merchantTransactionId"
            and not default
        ):
            self.out.imports.add("appypay_binding")
            extra = "" if rules is None else f", rules={rules_code}"
            self.out.bindings.append(
                f"appypay_binding(target_step={step!r}, journey_input={journey_input!r}, "
                f"guard={guard_code}, route={route!r}{extra})"
            )
            return
        self.out.imports.add("ProviderBinding")
        model = "AppyPayEvent" if payload == "appypay" else "GenericEvent"
        self.out.imports.add(model)
        if rules is None:
            self.out.imports.add("APPYPAY_RULES")
            rules_code = "APPYPAY_RULES"
        default_code = f", default={default[0]}" if default else ""
        self.out.bindings.append(
            f"ProviderBinding(provider={provider!r}, route={route!r}, payload_model={model}, "
            f"event_id_field={event_id!r}, correlation_field={corr!r}, journey_input={journey_input!r}, "
            f"target_step={step!r}, rules={rules_code}{default_code}, guard={guard_code})"
        )


def _mapping(raw: Any) -> dict[str, Any]:
    return raw if isinstance(raw, dict) else {}


def _input_properties(journey: Document) -> set[str]:
    schema = ((journey.data.get("spec") or {}).get("input") or {}).get("schema") or {}
    props = schema.get("properties") if isinstance(schema, dict) else None
    return set(props) if isinstance(props, dict) else set()


def parse_bindings(doc: Document, bundle: Bundle, journey: Document) -> BindingsCode:
    """Validate a bindings file against the journey; raise SpecError listing every problem."""
    parser = _Parser(doc, bundle, journey)
    parser.parse()
    if parser.problems:
        raise SpecError(parser.problems)
    return parser.out
