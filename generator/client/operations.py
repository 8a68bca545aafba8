"""Operation views for the client templates: signatures, argument lists and request parts.

Everything here is built from names decided in `naming` (py names, model names) and Python
builtins; spec strings (paths, wire names) stay raw and are encoded by the templates' filters.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import naming
from ..encode import py_literal
from ..ir import Bundle, Operation, Param

UNSAFE_METHODS = ("POST", "PATCH")


@dataclass(frozen=True)
class OpView:
    """One operation as the client templates render it."""

    op: Operation
    name: str
    spec_fn: str
    adapter: str | None
    returns: str
    signature: str
    args: str
    guard_header: str | None
    idempotent_default: bool
    takes_key: bool
    once: bool  # a kind: Api endpoint: not resent once it may have reached the server
    path_params: tuple[Param, ...]
    query_params: tuple[Param, ...]
    header_params: tuple[Param, ...]
    cookie_params: tuple[Param, ...]

    @property
    def prefix(self) -> str:
        """The OpenAPI server URL's path (`/api/v1`) in front of the operation's path."""
        full, own = self.op.server_path, self.op.path
        return full[: -len(own)] if own and full.endswith(own) else ""

    @property
    def encoding(self) -> str:
        """The body's OAS `encoding` rules as a Python literal ('' when there are none)."""
        body = self.op.body
        if body is None or not body.encoding:
            return ""
        return py_literal({name: dict(rule) for name, rule in body.encoding})

    @property
    def path_styles(self) -> str:
        """The non-default path parameter styles as a Python literal ('' when none)."""
        items = [
            f"{py_literal(p.wire)}: ({py_literal(p.path_style[0])}, {p.path_style[1]})"
            for p in self.path_params
            if p.path_style
        ]
        return "{" + ", ".join(items) + "}" if items else ""

    @property
    def response_kind(self) -> str:
        """How the success body is read: json, text (str) or binary (bytes)."""
        success = self.op.success
        return success.kind if success is not None else "json"

    @property
    def annotations(self) -> tuple[str, ...]:
        """The type annotations of the method: parameters, body and return value."""
        params = tuple(p.annotation for p in self.op.params)
        body = (self.op.body.annotation,) if self.op.body is not None else ()
        return (*params, *body, self.returns)

    @property
    def raw_args(self) -> str:
        """Arguments for the spec builder from a raw method (the guard header added)."""
        return self.args


def _optional(annotation: str) -> str:
    return (
        annotation
        if annotation.endswith("| None") or annotation == "Any"
        else f"{annotation} | None"
    )


def _parameters(op: Operation) -> tuple[list[str], list[str], list[str]]:
    """(required positional, keyword-only, forwarded call arguments)."""
    required: list[str] = []
    keywords: list[str] = []
    positional: list[str] = (
        []
    )  # forwarded in the order of `required`, before any keyword
    named: list[str] = []
    for param in op.params:
        if param.required:
            required.append(f"{param.py_name}: {param.annotation}")
            positional.append(param.py_name)
        else:
            keywords.append(f"{param.py_name}: {_optional(param.annotation)} = None")
            named.append(f"{param.py_name}={param.py_name}")
    if op.body is not None:
        if op.body.required:
            required.append(f"body: {op.body.annotation}")
            positional.append("body")
        else:
            keywords.append(f"body: {_optional(op.body.annotation)} = None")
            named.append("body=body")
    return required, keywords, positional + named


def op_view(op: Operation, guard: str | None, once: bool = False) -> OpView:
    """The view of one operation; `once`: a kind: Api endpoint, whose server keeps no
    record of Idempotency-Keys, so the call takes none and is never sent twice."""
    required, keywords, forward = _parameters(op)
    takes_key = op.http_method in UNSAFE_METHODS and not once
    if takes_key:
        keywords.append("idempotency_key: str | None = None")
        forward.append("idempotency_key=idempotency_key")
    keywords.append("headers: _Mapping[str, str] | None = None")
    forward.append("headers=headers")
    signature = ", ".join([*required, "*", *keywords])
    success = op.success
    annotation = success.annotation if success is not None else None
    by_location = {
        loc: tuple(p for p in op.params if p.location == loc)
        for loc in ("path", "query", "header", "cookie")
    }
    return OpView(
        op=op,
        name=op.method_name,
        spec_fn=f"_{op.method_name}_spec",
        adapter=f"_{op.method_name.upper()}_OK" if annotation else None,
        returns=annotation or "None",
        signature=signature,
        args=", ".join(forward),
        guard_header=guard,
        idempotent_default=op.kind == "start",
        takes_key=takes_key,
        once=once,
        path_params=by_location["path"],
        query_params=by_location["query"],
        header_params=by_location["header"],
        cookie_params=by_location["cookie"],
    )


def guards(bundle: Bundle) -> dict[str, str]:
    """Operation method name -> the header the journey checks on that step."""
    if bundle.journey is None:
        return {}
    return {
        s.operation.method_name: s.guard_header
        for s in bundle.journey.external_steps
        if s.operation is not None and s.guard_header
    }


def op_views(bundle: Bundle) -> list[OpView]:
    """Views of every operation, in document order."""
    guarded = guards(bundle)
    journey = bundle.journey
    api = journey.start.method_name if journey is not None and journey.api else None
    return [
        op_view(op, guarded.get(op.method_name), op.method_name == api)
        for op in bundle.operations
    ]


def model_imports(bundle: Bundle, annotations: list[str]) -> list[str]:
    """The model names the annotations use, sorted."""
    known = {m.name for m in bundle.models} | {
        alias for alias, _ in bundle.model_aliases
    }
    used = {name for text in annotations for name in naming.annotation_names(text)}
    return sorted(used & known)
