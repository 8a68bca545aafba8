"""Compile an Arazzo step's parameters and requestBody into the request of the operation it
calls (`RequestSpec` built by the operation's spec function), as Python source.

Every spec string reaches the output as a repr() literal (`encode.py_literal`, `emit_value`).
A step parameter the operation does not declare is sent as written with a warning when a
request can carry it; anything else journeygen cannot honour is a SpecError naming it.
"""

from __future__ import annotations

from typing import Any

from .. import naming
from ..arazzo import (
    ArazzoSyntaxError,
    BuiltinRef,
    ContextRef,
    MessageRef,
    SourceRef,
    emit_value,
    parse_value,
)
from ..diagnostics import Diagnostic, Level, Location, did_you_mean, error
from ..encode import py_literal
from ..ir import WorkflowStep
from ..schema.arazzo import Parameter
from .operations import OpView


def value(raw: Any, where: Location, what: str) -> str:
    try:
        return emit_value(parse_value(raw))
    except ArazzoSyntaxError as exc:
        raise error(where, f"{what}: {exc}") from None


def argument(raw: Any, where: Location, what: str) -> str:
    """A value for a typed operation argument: runtime expressions are typed Any already;
    literals, lists, maps and templates go through `as_written` so that the generated code
    type-checks whatever the parameter's declared type (the value is sent as written).
    """
    try:
        parsed = parse_value(raw)
    except ArazzoSyntaxError as exc:
        raise error(where, f"{what}: {exc}") from None
    text = emit_value(parsed)
    if isinstance(parsed, BuiltinRef | MessageRef | ContextRef | SourceRef):
        return text
    return f"_az.as_written({text})"


class RequestCompiler:
    """Compiles the request of one operation step; warnings go to `warnings`."""

    def __init__(self, warnings: list[Diagnostic]) -> None:
        self.warnings = warnings

    def request(self, step: WorkflowStep, view: OpView, params: list[Parameter]) -> str:
        where, sid = step.location, step.step.stepId
        declared = {(p.wire, p.location): p for p in view.op.params}
        args: dict[str, str] = {}
        extra: list[str] = []
        undeclared: dict[str, list[str]] = {}
        for param in params:
            if param.in_ is None:
                raise error(where, f"step {sid!r}: parameter {param.name!r} needs 'in'")
            if param.in_ == "header" and not naming.is_header_name(param.name):
                raise error(
                    where,
                    f"step {sid!r}: header parameter {param.name!r} is not a valid HTTP "
                    f"header name ({naming.HEADER_NAME_RULE})",
                )
            value = argument(
                param.value, where, f"step {sid!r} parameter {param.name!r}"
            )
            target = declared.get((param.name, param.in_))
            if target is not None:
                args[target.py_name] = value
            elif param.in_ == "header":
                extra.append(f"{py_literal(param.name)}: {value}")
            elif param.in_ != "path" or "{" + param.name + "}" in view.op.path:
                undeclared.setdefault(param.in_, []).append(
                    f"{py_literal(param.name)}: {value}"
                )
                self.warnings.append(self.undeclared(step, view, param, sent=True))
            else:
                raise error(
                    where, self.undeclared(step, view, param, sent=False).message
                )
        for p in view.op.params:
            if p.required and p.py_name not in args:
                raise error(
                    where,
                    f"step {sid!r} does not give required {p.location} parameter {p.wire!r}",
                )
        args.update(self.body(step, view))
        media = args.pop("_media", None)
        if view.takes_key:
            args["idempotency_key"] = "None"
        args["headers"] = "{" + ", ".join(extra) + "}"
        call = f"{view.spec_fn}({', '.join(f'{k}={v}' for k, v in args.items())})"
        if media is not None:
            call = f"_flow.with_media({call}, {media})"
        if undeclared:
            parts = "".join(
                f"{where}={{{', '.join(items)}}}, "
                for where, items in undeclared.items()
            )
            call = f"_flow.with_params({call}, {parts})"
        return f"lambda ctx: {call}"

    def raw_request(self, step: WorkflowStep, params: list[Parameter]) -> str:
        """A Redocly `x-operation` step: its method and absolute URL, every parameter and
        the body sent as written (nothing is declared, nothing is typed)."""
        assert step.raw is not None
        where, sid = step.location, step.step.stepId
        method, url = step.raw
        groups: dict[str, list[str]] = {}
        for param in params:
            if param.in_ is None:
                raise error(where, f"step {sid!r}: parameter {param.name!r} needs 'in'")
            if param.in_ == "header" and not naming.is_header_name(param.name):
                raise error(
                    where,
                    f"step {sid!r}: header parameter {param.name!r} is not a valid HTTP "
                    f"header name ({naming.HEADER_NAME_RULE})",
                )
            if param.in_ == "path" and "{" + param.name + "}" not in url:
                raise error(
                    where,
                    f"step {sid!r}: path parameter {param.name!r} has no "
                    f"{{{param.name}}} in the x-operation URL {url!r}",
                )
            code = argument(
                param.value, where, f"step {sid!r} parameter {param.name!r}"
            )
            groups.setdefault(param.in_, []).append(f"{py_literal(param.name)}: {code}")
        args = [py_literal(method), py_literal(url)]
        args += [f"{k}={{{', '.join(v)}}}" for k, v in groups.items()]
        body = step.step.requestBody
        if body is not None:
            payload = argument(body.payload, where, f"step {sid!r} requestBody.payload")
            if body.replacements:
                pairs = "".join(
                    f"({py_literal(r.target)}, "
                    f"{value(r.value, where, f'step {sid!r} replacement {r.target!r}')}), "
                    for r in body.replacements
                )
                payload = f"_flow.replaced({payload}, ({pairs}))"
            args.append(f"body={payload}")
            if body.contentType is not None:
                args.append(f"media_type={py_literal(body.contentType)}")
        return f"lambda ctx: _flow.raw_request({', '.join(args)})"

    def undeclared(
        self, step: WorkflowStep, view: OpView, param: Parameter, *, sent: bool
    ) -> Diagnostic:
        """A step parameter the operation does not declare (with the nearest names)."""
        names = [p.wire for p in view.op.params if p.location == param.in_]
        hint = did_you_mean(param.name, names)
        what = (
            f"step {step.step.stepId!r}: parameter {param.name!r} in {param.in_} is not "
            f"a parameter of operation {view.op.operation_id!r}"
            + (f" ({hint})" if hint else "")
        )
        if not sent:
            return Diagnostic(step.location, f"{what}; no request can carry it")
        return Diagnostic(
            step.location,
            f"{what}; it is sent as written: declare it in the OpenAPI document or use a "
            "declared name",
            Level.WARNING,
        )

    def body(self, step: WorkflowStep, view: OpView) -> dict[str, str]:
        where, sid, body = step.location, step.step.stepId, step.step.requestBody
        if body is None:
            if view.op.body is not None and view.op.body.required:
                raise error(
                    where,
                    f"step {sid!r} gives no requestBody; operation {view.op.operation_id!r} requires one",
                )
            return {}
        if view.op.body is None:
            raise error(
                where,
                f"step {sid!r} gives a requestBody but operation {view.op.operation_id!r} takes none",
            )
        payload = argument(body.payload, where, f"step {sid!r} requestBody.payload")
        if body.replacements:
            pairs = "".join(
                f"({py_literal(r.target)}, "
                f"{value(r.value, where, f'step {sid!r} replacement {r.target!r}')}), "
                for r in body.replacements
            )
            payload = f"_flow.replaced({payload}, ({pairs}))"
        result = {"body": payload}
        media = self.media(step, view, body.contentType)
        if media is not None:
            result["_media"] = py_literal(media)
        return result

    def media(self, step: WorkflowStep, view: OpView, wanted: str | None) -> str | None:
        """The media type a step sends when it is not the operation's first one."""
        assert view.op.body is not None
        if wanted is None:
            return None
        base = wanted.split(";", 1)[0].strip().lower()
        declared = {
            m.split(";", 1)[0].strip().lower(): m for m in view.op.body.media_types
        }
        if base not in declared:
            raise error(
                step.location,
                f"step {step.step.stepId!r}: requestBody contentType {wanted!r} is not a "
                f"media type of operation {view.op.operation_id!r} "
                f"({', '.join(sorted(declared))})",
            )
        chosen = declared[base]
        return None if chosen == view.op.body.content_type else chosen
