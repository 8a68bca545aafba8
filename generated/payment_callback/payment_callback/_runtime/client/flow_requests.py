"""Request building for generated client methods: idempotency keys, headers, cookies, the
guard secret, bodies, media types, Arazzo parameters and payload replacements, the client
configuration and workflow inputs."""

from __future__ import annotations

import copy
import dataclasses
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import httpx
from pydantic import BaseModel

from .errors import (
    WorkflowError,
)
from .expressions import plain
from .retry import RetryPolicy, Timing
from .transport import (
    NO_BODY,
    ClientConfig,
    RequestSpec,
    encode_scalar,
)


def new_key() -> str:
    """A fresh Idempotency-Key (one per logical call, reused by every retry of it)."""
    return str(uuid.uuid4())


def headers(
    extra: Mapping[str, str] | None, declared: Mapping[str, object]
) -> dict[str, str]:
    """Declared header parameters (None dropped) merged under the caller's extra headers."""
    result = {k: encode_scalar(v) for k, v in declared.items() if v is not None}
    result.update(extra or {})
    return result


def cookies(values: Mapping[str, object]) -> str | None:
    """A Cookie header from declared cookie parameters (None dropped)."""
    pairs = [
        f"{name}={encode_scalar(value)}"
        for name, value in values.items()
        if value is not None
    ]
    return "; ".join(pairs) or None


def with_secret(
    extra: Mapping[str, str] | None, name: str, secret: str | None
) -> dict[str, str]:
    """Add the journey's guard header (only ever on the step it guards)."""
    result = dict(extra or {})
    if secret is not None:
        result[name] = secret
    return result


def step_request(
    path: str, journey_id: str, value: object, prefix: str = ""
) -> RequestSpec:
    """The POST of an external-input state whose step endpoint the OpenAPI omits: the
    generated server serves it at `path` (`.../journeys/{journeyId}/steps/<state>`)."""
    return RequestSpec(
        method="POST",
        path=path,
        path_params={"journeyId": journey_id},
        body=body(value),
        prefix=prefix,
    )


def raw_request(
    method: str,
    url: str,
    *,
    query: Mapping[str, object] | None = None,
    header: Mapping[str, object] | None = None,
    cookie: Mapping[str, object] | None = None,
    path: Mapping[str, object] | None = None,
    body: object = NO_BODY,
    media_type: str | None = None,
) -> RequestSpec:
    """A step naming its endpoint by method and absolute URL (Redocly's `x-operation`):
    every parameter sent as written, the body in its contentType (or the Content-Type
    header parameter's), the answer decoded by its own Content-Type."""
    sent = {
        name: encode_scalar(v) for name, v in (header or {}).items() if v is not None
    }
    jar = cookies(cookie or {})
    if jar:
        sent["Cookie"] = jar
    if media_type is None:
        media_type = next(
            (v for k, v in sent.items() if k.lower() == "content-type"), None
        )
    return RequestSpec(
        method=method,
        path=url,
        path_params=dict(path or {}),
        query=dict(query or {}),
        headers=sent,
        body=body,
        media_type=media_type,
        response="any",
    )


def body(value: object) -> object:
    """The request body, or the marker for none."""
    return NO_BODY if value is None else value


def with_media(spec: RequestSpec, media_type: str) -> RequestSpec:
    """A step's request sent as another media type the operation declares."""
    return dataclasses.replace(spec, media_type=media_type)


def with_params(
    spec: RequestSpec,
    *,
    query: Mapping[str, object] | None = None,
    cookie: Mapping[str, object] | None = None,
    path: Mapping[str, object] | None = None,
) -> RequestSpec:
    """A step's request with parameters its operation does not declare, sent as written."""
    headers = dict(spec.headers)
    if cookie:
        jar = cookies(cookie)
        if jar:
            headers["Cookie"] = "; ".join(c for c in (headers.get("Cookie"), jar) if c)
    return dataclasses.replace(
        spec,
        query={**spec.query, **(query or {})},
        path_params={**spec.path_params, **(path or {})},
        headers=headers,
    )


def replaced(payload: Any, replacements: Sequence[tuple[str, Any]]) -> Any:
    """Arazzo `requestBody.replacements`: each JSON Pointer target of (a copy of) the payload
    set to its value; a missing object member is added, a missing array index is an error.
    """
    result = copy.deepcopy(plain(payload))
    for pointer, value in replacements:
        if pointer in ("", "/"):
            result = value
            continue
        tokens = [
            t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]
        ]
        node = result
        for token in tokens[:-1]:
            node = node[int(token)] if isinstance(node, list) else node[token]
        last = tokens[-1]
        if isinstance(node, list) and last == "-":
            node.append(value)
        elif isinstance(node, list):
            node[int(last)] = value
        elif isinstance(node, dict):
            node[last] = value
        else:
            raise WorkflowError(
                "", f"replacement target {pointer!r} is not in the payload"
            )
    return result


def make_config(
    base_url: str,
    extra: Mapping[str, str] | None,
    timeout: float | httpx.Timeout,
    deadline: float | None,
    retry: RetryPolicy | None,
    timing: Timing | None,
) -> ClientConfig:
    """Settings shared by every call of one client."""
    return ClientConfig(
        base_url=base_url,
        headers=dict(extra or {}),
        timeout=(
            timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        ),
        deadline=deadline,
        retry=retry or RetryPolicy(),
        timing=timing or Timing(),
    )


def plain_inputs(value: object, model: type[BaseModel] | None) -> dict[str, Any]:
    """Workflow inputs as JSON data (validated against the inputs model when there is one)."""
    if value is None:
        value = {}
    if model is not None and not isinstance(value, BaseModel):
        value = model.model_validate(value)
    if isinstance(value, BaseModel):
        dumped: dict[str, Any] = value.model_dump(
            mode="json", by_alias=True, exclude_unset=True
        )
        return dumped
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError("workflow inputs must be a mapping or a pydantic model")
