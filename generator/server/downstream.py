"""A downstream API's operation as its OpenAPI document says it (`spec.apis.<api>.openApiRef`):
the operation an httpCall's operationRef names, its parameters, body and response schemas and
server URL, read for the call model (`calls.py`) and the server's own call (`http_operation.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import naming
from ..diagnostics import SpecError
from ..inputs import Inputs
from ..load import Document, escape_pointer_token
from ..numbers import NUMBER_TYPE
from ..schema.journey.spec import ApiRef
from .ir_calls import BodyModel, CallField
from .schematypes import Resolver, annotation, example, json_schema

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Call-model fields beside the operation's own parameters.
EXTRA_FIELDS = ("body", "headers", "query")


@dataclass(frozen=True)
class Downstream:
    """One operation of a downstream API document."""

    doc: Document
    pointer: str
    op: dict[str, Any]
    method: str
    path: str


def find_operation(
    sources: Inputs, apis: dict[str, ApiRef], ref: str
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


def resolver(sources: Inputs, doc: Document, site: str) -> Resolver:
    def resolve(schema: dict[str, Any]) -> dict[str, Any] | None:
        try:
            found = sources.resolve(doc, schema["$ref"], site).value
        except SpecError:
            return None
        return found if isinstance(found, dict) else None

    return resolve


def deref(resolve: Resolver, raw: Any) -> Any:
    return resolve(raw) if isinstance(raw, dict) and "$ref" in raw else raw


def parameters(ds: Downstream, resolve: Resolver) -> list[tuple[str, dict[str, Any]]]:
    found: dict[tuple[str, str], dict[str, Any]] = {}
    item = ds.doc.data["paths"][ds.path]
    for holder in (item, ds.op):
        for raw in holder.get("parameters") or []:
            param = deref(resolve, raw)
            if isinstance(param, dict) and isinstance(param.get("name"), str):
                found[(str(param.get("in")), param["name"])] = param
    return [
        (loc, p) for (loc, _), p in found.items() if loc in ("path", "query", "header")
    ]


def request_model(schema: Any, resolve: Resolver, class_name: str) -> BodyModel | None:
    schema = deref(resolve, schema)
    props = schema.get("properties") if isinstance(schema, dict) else None
    if not isinstance(props, dict) or not props:
        return None
    required = set(schema.get("required") or [])
    names = naming.assign((k, naming.field_name(k)) for k in props)
    fields = tuple(
        CallField(
            names[k],
            k,
            annotation(v, resolve, number=NUMBER_TYPE),
            k in required,
            describe(v),
        )
        for k, v in props.items()
    )
    return BodyModel(class_name, fields, describe(schema))


def describe(schema: Any) -> str | None:
    text = schema.get("description") if isinstance(schema, dict) else None
    return text if isinstance(text, str) else None


def success(ds: Downstream, resolve: Resolver) -> tuple[int, Any]:
    for status, raw in (ds.op.get("responses") or {}).items():
        code = str(status)
        if code.isdigit() and code.startswith("2"):
            schema = json_schema(deref(resolve, raw))
            return int(code), None if schema is None else example(schema, resolve)
    return 200, None


def py_names(params: list[tuple[str, dict[str, Any]]]) -> dict[str, str]:
    """The call-model attribute of each parameter, keyed `<in>:<name>`."""
    return naming.assign(
        ((f"{loc}:{p['name']}", naming.field_name(p["name"])) for loc, p in params),
        reserved=EXTRA_FIELDS,
    )


def server_url(ds: Downstream) -> str | None:
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


def summary(ds: Downstream) -> str:
    """The operation's summary or description; its method and path when it has neither."""
    for key in ("summary", "description"):
        text = ds.op.get(key)
        if isinstance(text, str) and text.strip():
            return text
    return f"{ds.method.upper()} {ds.path}"
