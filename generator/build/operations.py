"""OpenAPI operations -> `Operation`s: method names, parameters, bodies and responses, each
with its models, and what the operation does in a journey's lifecycle."""

from __future__ import annotations

import re
from typing import Any

from .. import naming
from ..diagnostics import Diagnostic, Level, error
from ..ir import Body, MediaKind, Operation, OperationKind, Param, Response
from ..load import Document, escape_pointer_token
from ..oas_deviations import empty_content, ignored_header
from .context import BuildContext
from .media import (
    RAW_RESPONSE,
    RAW_TYPES,
    annotation_of,
    at,
    encoding,
    json_media,
    media_kind,
)

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Builtins the generated annotations use; a client method of that name would shadow them.
_ANNOTATION_NAMES = frozenset(
    {"list", "dict", "str", "int", "float", "bool", "bytes", "type", "object", "tuple"}
)
_STEP_PATH = re.compile(r"^/journeys/\{[^}]+\}/steps/([^/{}]+)$")
# Method names the generated client defines itself; operations never take them.
CLIENT_RESERVED = (
    "close",
    "request",
    "raw",
    "run",
    "with_raw_response",
    "base_url",
    "headers",
)


def operations(ctx: BuildContext, doc: Document, source: str) -> list[Operation]:
    paths = doc.data.get("paths") or {}
    prefix = server_prefix(doc.data)
    raw: list[tuple[str, str, dict[str, Any], str]] = []
    located: dict[str, tuple[Document, str]] = {}
    methods = HTTP_METHODS + (
        ("query",) if str(doc.data.get("openapi", "")).startswith("3.2") else ()
    )
    own = ctx.journey_doc is not None and doc is ctx.openapi_doc
    for written, item in paths.items():
        if not isinstance(item, dict):
            continue
        holder, base = doc, f"/paths/{escape_pointer_token(written)}"
        path = _unprefixed(ctx, doc, base, prefix, written) if own else written
        if "$ref" in item:  # a Path Item Object may live in another file
            target = ctx.ws.resolve(doc, item["$ref"], base + "/$ref")
            holder, base, item = target.document, target.pointer, target.value
            if not isinstance(item, dict):
                continue
        for method in methods:
            op = item.get(method)
            if isinstance(op, dict):
                key = f"/paths/{escape_pointer_token(written)}/{method}"
                raw.append((path, method, op, key))
                located[key] = (holder, f"{base}/{method}")
    method_names = _method_names(ctx, raw, source)
    return [
        _operation(
            ctx, *located[key], source, prefix, path, method, op, method_names[key]
        )
        for path, method, op, key in raw
    ]


def _unprefixed(
    ctx: BuildContext, doc: Document, pointer: str, prefix: str, path: str
) -> str:
    """A journey contract's path that repeats its server URL's path (`/api/v1/journeys/...`
    under `servers: /api/v1`) is read as the journey path it is, with a located warning.
    """
    if not prefix or not path.startswith(prefix + "/journeys/"):
        return path
    meant = path[len(prefix) :]
    ctx.warnings.append(
        Diagnostic(
            doc.location(pointer),
            f"path {path!r} repeats the server URL's path {prefix!r} "
            f"(servers[0].url): read as {meant!r}, served at {path!r}; write the path "
            f"without {prefix!r}",
            Level.WARNING,
        )
    )
    return meant


def _method_names(
    ctx: BuildContext, raw: list[tuple[str, str, dict[str, Any], str]], source: str
) -> dict[str, str]:
    ids = [op.get("operationId") for _, _, op, _ in raw]
    prefixes = {i.split("_", 1)[0] for i in ids if isinstance(i, str) and "_" in i}
    strip = len(prefixes) == 1 and all(isinstance(i, str) and "_" in i for i in ids)
    wanted: list[tuple[str, str]] = []
    for (path, method, _op, pointer), op_id in zip(raw, ids, strict=True):
        if isinstance(op_id, str) and op_id:
            base = op_id.split("_", 1)[1] if strip else op_id
        else:
            base = f"{method}_{path}"
        name = naming.safe_identifier(naming.snake(base, default="call"))
        if name in _ANNOTATION_NAMES:  # a method `list` hides `list[...]` in the class
            name += "_"
        if name in ctx.method_names:  # taken by an earlier source: say whose this is
            name = naming.safe_identifier(naming.snake(f"{source}_{base}"))
        wanted.append((pointer, name))
    names = naming.assign(
        wanted, reserved=(*CLIENT_RESERVED, *sorted(ctx.method_names))
    )
    ctx.method_names.update(names.values())
    return names


def _operation(
    ctx: BuildContext, doc: Document, pointer: str, source: str, prefix: str, path: str,
    method: str, op: dict[str, Any], method_name: str,
) -> Operation:  # fmt: skip
    pascal = naming.class_prefix(method_name)
    params = _params(ctx, doc, pointer, op, pascal)
    body = _body(ctx, doc, pointer, op, pascal)
    responses = _responses(ctx, doc, pointer, op, pascal)
    kind, step_state = operation_kind(method, path)
    op_id = op.get("operationId")
    return Operation(
        operation_id=op_id if isinstance(op_id, str) else method_name,
        method_name=method_name,
        http_method=method.upper(),
        path=path,
        server_path=prefix + path,
        params=params,
        body=body,
        responses=responses,
        summary=op.get("summary") if isinstance(op.get("summary"), str) else None,
        description=(
            op.get("description") if isinstance(op.get("description"), str) else None
        ),
        kind=kind,
        source=source,
        location=doc.location(pointer),
        step_state=step_state,
    )


def _params(
    ctx: BuildContext, doc: Document, pointer: str, op: dict[str, Any], pascal: str
) -> tuple[Param, ...]:
    path_item_pointer = pointer.rsplit("/", 1)[0]
    path_item = at(doc.data, path_item_pointer)
    found: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
    for base, holder in ((path_item_pointer, path_item), (pointer, op)):
        for i, raw in enumerate(holder.get("parameters") or []):
            site = f"{base}/parameters/{i}"
            value = raw
            if isinstance(raw, dict) and "$ref" in raw:
                resolved = ctx.ws.resolve(doc, raw["$ref"], site + "/$ref")
                value = resolved.value
            if not isinstance(value, dict) or not isinstance(value.get("name"), str):
                raise error(doc.location(site), "a parameter needs a string 'name'")
            if value.get("in") == "header" and (
                dropped := ignored_header(doc, site, value["name"])
            ):  # OAS 3: "the parameter definition SHALL be ignored"
                ctx.warnings.extend([dropped] * (dropped not in ctx.warnings))
                continue
            found[(value["name"], str(value.get("in")))] = (site, value)
    py_names = naming.assign(
        ((f"{loc}:{name}", naming.field_name(name)) for (name, loc) in found),
        reserved=("self", "body", "headers", "timeout", "idempotency_key"),
    )
    params = []
    for (name, loc), (site, value) in found.items():
        if loc not in ("path", "query", "header", "cookie"):
            raise error(
                doc.location(site + "/in"),
                f"parameter {name!r}: 'in' must be path, query, header or cookie",
            )
        if loc == "header" and not naming.is_header_name(name):
            raise error(
                doc.location(site + "/name"),
                f"header parameter {name!r} is not a valid HTTP header name "
                f"({naming.HEADER_NAME_RULE}); no request could carry it",
            )
        path_style = _path_style(doc, site, value) if loc == "path" else None
        schema = value.get("schema", {})
        converted = ctx.schemas.model(
            doc, site + "/schema", schema, pascal + naming.pascal(name)
        )
        params.append(
            Param(
                wire=name,
                py_name=py_names[f"{loc}:{name}"],
                location=loc,  # type: ignore[arg-type]
                required=bool(value.get("required")) or loc == "path",
                annotation=annotation_of(converted),
                description=(
                    value.get("description")
                    if isinstance(value.get("description"), str)
                    else None
                ),
                path_style=path_style,
            )
        )
    return tuple(
        sorted(
            params,
            key=lambda p: (
                not p.required,
                ("path", "query", "header", "cookie").index(p.location),
            ),
        )
    )


def _path_style(
    doc: Document, site: str, value: dict[str, Any]
) -> tuple[str, bool] | None:
    """A path parameter's OpenAPI style and explode when not the default (simple, false)."""
    style = value.get("style", "simple")
    explode = value.get("explode", False)
    if style not in ("simple", "label", "matrix"):
        raise error(
            doc.location(site + "/style"),
            f"path parameter {value['name']!r}: style {style!r} is not a path style; "
            "OpenAPI allows simple, label or matrix in the path",
        )
    if not isinstance(explode, bool):
        raise error(doc.location(site + "/explode"), "explode must be true or false")
    return None if (style, explode) == ("simple", False) else (style, explode)


def _body(
    ctx: BuildContext, doc: Document, pointer: str, op: dict[str, Any], pascal: str
) -> Body | None:
    raw = op.get("requestBody")
    if raw is None:
        return None
    site = pointer + "/requestBody"
    if isinstance(raw, dict) and "$ref" in raw:
        raw = ctx.ws.resolve(doc, raw["$ref"], site + "/$ref").value
    content = raw.get("content") if isinstance(raw, dict) else None
    if not isinstance(content, dict):
        raise error(doc.location(site), "requestBody needs a 'content' mapping")
    media = json_media(content) or next(iter(content), None)
    if media is None:
        ctx.warnings.append(empty_content(doc, site, raw))
        return None
    kind = media_kind(media)
    body = content[media] if isinstance(content[media], dict) else {}
    schema = body.get("schema", {})
    annotation, model = RAW_TYPES.get(kind, ""), None
    if not annotation:
        converted = ctx.schemas.model(
            doc,
            f"{site}/content/{escape_pointer_token(media)}/schema",
            schema,
            pascal + "Request",
        )
        annotation = annotation_of(converted)
        model = ctx.schemas.model_name(converted)
        if kind == "multipart":  # file fields may be given as binary streams
            annotation = f"{annotation} | _Mapping[str, Any]"
    return Body(
        content_type=media,
        annotation=annotation,
        model=model,
        required=bool(raw.get("required")),
        kind=kind,
        encoding=encoding(body.get("encoding")),
        media_types=tuple(content),
        example=ctx.example(doc, schema, site) if kind == "json" else None,
    )


def _responses(
    ctx: BuildContext, doc: Document, pointer: str, op: dict[str, Any], pascal: str
) -> tuple[Response, ...]:
    result = []
    for status, raw in (op.get("responses") or {}).items():
        site = f"{pointer}/responses/{escape_pointer_token(str(status))}"
        value = raw
        if isinstance(raw, dict) and "$ref" in raw:
            value = ctx.ws.resolve(doc, raw["$ref"], site + "/$ref").value
        content = value.get("content") if isinstance(value, dict) else None
        annotation = model = None
        kind: MediaKind = "json"
        other = next(iter(content), None) if isinstance(content, dict) else None
        if isinstance(content, dict) and not json_media(content) and other:
            # No JSON representation: the body is text (str) or bytes as sent.
            kind = "text" if media_kind(other) == "text" else "binary"
            annotation = RAW_RESPONSE[kind]
        elif isinstance(content, dict) and (media := json_media(content)):
            schema = (
                content[media].get("schema", {})
                if isinstance(content[media], dict)
                else {}
            )
            suffix = "Response" if str(status).startswith("2") else f"Response{status}"
            converted = ctx.schemas.model(
                doc,
                f"{site}/content/{escape_pointer_token(media)}/schema",
                schema,
                pascal + suffix,
            )
            annotation, model = annotation_of(converted), ctx.schemas.model_name(
                converted
            )
        description = value.get("description") if isinstance(value, dict) else None
        result.append(
            Response(
                str(status),
                annotation,
                model,
                description if isinstance(description, str) else None,
                kind,
            )
        )
    return tuple(result)


# -- journey ------------------------------------------------------------------------------


def server_prefix(data: dict[str, Any]) -> str:
    servers = data.get("servers") or []
    url = servers[0].get("url") if servers and isinstance(servers[0], dict) else None
    if not isinstance(url, str):
        return ""
    path = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/]*", "", url)
    return path.rstrip("/") if path.startswith("/") else ""


def operation_kind(method: str, path: str) -> tuple[OperationKind, str | None]:
    if method == "post" and re.fullmatch(r"/journeys/[^/{}]+/start", path):
        return "start", None
    if method == "get" and re.fullmatch(r"/journeys/\{[^}]+\}", path):
        return "status", None
    if method == "get" and re.fullmatch(r"/journeys/\{[^}]+\}/result", path):
        return "result", None
    step = _STEP_PATH.match(path)
    if method == "post" and step:
        return "step", step.group(1)
    return "other", None
