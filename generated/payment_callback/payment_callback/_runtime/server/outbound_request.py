"""The request of one httpCall: its call model put on the wire (DSL §5.1).

`build_request` turns the values of a call model and the operation the generator resolved
from the downstream OpenAPI document into one `httpx.Request`: path parameters filled in
(percent-encoded), query and header parameters set, then the call's own `query` and
`headers` maps, an `Accept` from the task's `accept` unless a header sets one, the body
encoded (JSON, or text as it is under a non-JSON `Content-Type`) and the task's timeout.
What is sent and how its answer is read is `outbound.Outbound`'s.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx
from pydantic import BaseModel

if TYPE_CHECKING:
    from .outbound import HttpOperation

__all__ = ["JSON_KIND", "build_request"]

# A JSON media type: application/json, application/problem+json, any */*+json.
JSON_KIND = re.compile(
    r"^application/(?:[\w.+-]+\+)?json\b|^[\w.+-]+/[\w.+-]+\+json\b", re.I
)


def build_request(
    client: httpx.Client,
    operation: HttpOperation,
    values: Mapping[str, Any],
    base_url: str,
) -> httpx.Request:
    """The request of one call: URL, query, headers, body and the timeout.

    `base_url` is the operation's API base URL (unused by the raw `method` + `url` form,
    whose call model carries both).
    """
    headers: dict[str, str] = {}
    query: dict[str, Any] = {}
    if operation.path is None:  # the raw method + url form
        method = str(values.get("method") or "GET").upper()
        url = str(values.get("url") or "")
    else:
        method = operation.method
        path = operation.path
        for attribute, wire, where in operation.params:
            value = values.get(attribute)
            if where == "path":
                path = path.replace("{" + wire + "}", quote(_text(value), safe=""))
            elif value is None:
                continue
            elif where == "query":
                query[wire] = _query_value(value)
            else:
                headers[wire] = _text(value)
        url = base_url + path
    for key, value in (values.get("query") or {}).items():
        if value is not None:
            query[str(key)] = _query_value(value)
    for key, value in (values.get("headers") or {}).items():
        if value is not None:
            headers[str(key)] = _text(value)
    lower = {key.lower() for key in headers}
    if "accept" not in lower and operation.accept:
        headers["Accept"] = operation.accept
    body = values.get("body")
    content: bytes | None = None
    if body is not None:
        content, kind = _encode(body, headers)
        if "content-type" not in lower:
            headers["Content-Type"] = kind
    return client.build_request(
        method,
        url,
        params=query or None,
        headers=headers,
        content=content,
        timeout=httpx.Timeout(operation.timeout_ms / 1000),
    )


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def _query_value(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_text(item) for item in value]
    return _text(value)


def _encode(body: Any, headers: Mapping[str, str]) -> tuple[bytes, str]:
    """The body's bytes and content type: JSON unless a non-JSON Content-Type is set and
    the body is text (DSL §5.1)."""
    given = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
    if isinstance(body, BaseModel):
        body = body.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(body, str) and given is not None and not JSON_KIND.match(given):
        return body.encode("utf-8"), given
    return (
        json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8"),
        "application/json",
    )
