"""Request bodies that are not JSON, and responses that are not JSON.

An operation's media type decides the encoding (OpenAPI 3 `requestBody.content` and its
`encoding` object): `application/x-www-form-urlencoded` (RFC 1866 pairs, each property by its
`style`/`explode`, or as JSON when its `contentType` says so), `multipart/*` (one part per
property; bytes and binary streams are file parts), `text/*` (the text as UTF-8) and anything
else as the raw bytes given. A str or bytes body is always sent exactly as written.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any, Literal
from urllib.parse import urlencode

import httpx
from pydantic import BaseModel
from pydantic_core import to_jsonable_python

MediaKind = Literal["json", "form", "multipart", "text", "binary"]
_DELIMITERS = {"form": ",", "spaceDelimited": " ", "pipeDelimited": "|"}


def media_kind(media: str | None) -> MediaKind:
    """How a media type's body is encoded."""
    base = (media or "application/json").split(";", 1)[0].strip().lower()
    if base == "application/json" or base.endswith("+json"):
        return "json"
    if base == "application/x-www-form-urlencoded":
        return "form"
    if base.startswith("multipart/"):
        return "multipart"
    if base.startswith("text/"):
        return "text"
    return "binary"


def encode(
    body: object, media: str, encoding: Mapping[str, Mapping[str, Any]]
) -> tuple[bytes, str]:
    """The bytes and the Content-Type of a non-JSON body."""
    kind = media_kind(media)
    if isinstance(body, str | bytes | bytearray) or _is_stream(body):
        return _raw(body, media), media
    if kind == "form":
        return _form(_fields(body), encoding).encode("ascii"), media
    if kind == "multipart":
        return _multipart(_fields(body), encoding)
    raise TypeError(
        f"a {media} body must be str, bytes or a binary stream, not {type(body).__name__}"
    )


def _is_stream(value: object) -> bool:
    return callable(getattr(value, "read", None))


def _raw(body: object, media: str) -> bytes:
    if isinstance(body, str):
        return body.encode(_charset(media))
    if isinstance(body, bytes | bytearray):
        return bytes(body)
    data = body.read()  # type: ignore[attr-defined]
    return data.encode(_charset(media)) if isinstance(data, str) else bytes(data)


def _charset(media: str) -> str:
    for part in media.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            return value.strip('"')
    return "utf-8"


def _fields(body: object) -> dict[str, Any]:
    """A model or mapping as its wire-named fields (None dropped), bytes and streams kept."""
    if isinstance(body, BaseModel):
        dumped: dict[str, Any] = body.model_dump(by_alias=True, exclude_unset=True)
        return {k: v for k, v in dumped.items() if v is not None}
    if isinstance(body, Mapping):
        return {str(k): v for k, v in body.items() if v is not None}
    raise TypeError(
        f"a form or multipart body must be a mapping, not {type(body).__name__}"
    )


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return _scalar(value.value)
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", "replace")
    return str(to_jsonable_python(value))


def _json(value: object) -> str:
    return json.dumps(to_jsonable_python(value, by_alias=True), separators=(",", ":"))


def _form(fields: Mapping[str, Any], encoding: Mapping[str, Mapping[str, Any]]) -> str:
    pairs: list[tuple[str, str]] = []
    for name, value in fields.items():
        rule = encoding.get(name, {})
        content_type = rule.get("contentType")
        if isinstance(content_type, str) and media_kind(content_type) == "json":
            pairs.append((name, _json(value)))
            continue
        style = str(rule.get("style", "form"))
        explode = bool(rule.get("explode", style == "form"))
        pairs.extend(_styled(name, value, style, explode))
    return urlencode(pairs)


def _styled(name: str, value: Any, style: str, explode: bool) -> list[tuple[str, str]]:
    """One property as form pairs, by OpenAPI parameter style (query-parameter rules)."""
    if isinstance(value, list | tuple):
        items = [_scalar(v) for v in value if v is not None]
        if explode:
            return [(name, item) for item in items]
        return [(name, _DELIMITERS.get(style, ",").join(items))]
    if isinstance(value, Mapping):
        entries = [(str(k), v) for k, v in value.items() if v is not None]
        if style == "deepObject":
            return [(f"{name}[{k}]", _scalar(v)) for k, v in entries]
        if explode:
            return [(k, _scalar(v)) for k, v in entries]
        return [(name, ",".join(f"{k},{_scalar(v)}" for k, v in entries))]
    return [(name, _scalar(value))]


def _multipart(
    fields: Mapping[str, Any], encoding: Mapping[str, Mapping[str, Any]]
) -> tuple[bytes, str]:
    files: list[tuple[str, tuple[str | None, bytes, str]]] = []
    for name, value in fields.items():
        declared = encoding.get(name, {}).get("contentType")
        items = value if isinstance(value, list | tuple) else [value]
        for item in items:
            files.append((name, _part(name, item, declared)))
    if not files:  # no field to send: an empty multipart body, still well-formed
        boundary = "journeygen-empty-form"
        return (
            f"--{boundary}--\r\n".encode(),
            f"multipart/form-data; boundary={boundary}",
        )
    request = httpx.Request("POST", "http://multipart.invalid/", files=files)
    return request.read(), request.headers["content-type"]


def _part(name: str, value: object, declared: object) -> tuple[str | None, bytes, str]:
    media = declared.split(",")[0].strip() if isinstance(declared, str) else None
    if isinstance(value, bytes | bytearray) or _is_stream(value):
        filename = PurePath(str(getattr(value, "name", "") or "")).name or name
        return (
            filename,
            _raw(value, media or "application/octet-stream"),
            (media or "application/octet-stream"),
        )
    as_json = media is not None and media_kind(media) == "json"
    if isinstance(value, Mapping | list | BaseModel) or as_json:
        data = (
            value.model_dump(mode="json", by_alias=True)
            if isinstance(value, BaseModel)
            else value
        )
        return None, _json(data).encode("utf-8"), media or "application/json"
    return None, _scalar(value).encode("utf-8"), media or "text/plain"


def decode(content: bytes, kind: str, content_type: str) -> object:
    """A non-JSON success body: text as str (its charset, UTF-8 by default), else bytes."""
    if kind == "text":
        return content.decode(_charset(content_type or "text/plain"), "replace")
    return content
