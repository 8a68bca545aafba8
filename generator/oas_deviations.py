"""OpenAPI constructs journeygen reads as the specification says, with a located warning.

`build` asks these helpers about two constructs published documents often hold: a header
parameter OpenAPI says SHALL be ignored (Accept, Content-Type, Authorization) and a requestBody
whose `content` map is empty. Each answers with the warning that says what is generated and
what to write instead.
"""

from __future__ import annotations

from typing import Any

from .diagnostics import Diagnostic, Level, error
from .load import Document

# Header parameters OpenAPI 3.x says are ignored, and where the value comes from instead.
IGNORED_HEADERS = {
    "accept": "the response media types (responses.<status>.content)",
    "content-type": "the request body's media type (requestBody.content)",
    "authorization": "the security schemes (components.securitySchemes and security)",
}


def ignored_header(doc: Document, site: str, name: str) -> Diagnostic | None:
    """The warning for a header parameter OpenAPI ignores (None: not such a header)."""
    source = IGNORED_HEADERS.get(name.lower())
    if source is None:
        return None
    return Diagnostic(
        doc.location(site),
        f"header parameter {name!r} is ignored: OpenAPI says a header parameter named "
        "Accept, Content-Type or Authorization SHALL be ignored, so the client takes no "
        f"such argument; {name} is set from {source}, or per call with headers=: remove "
        "the parameter, or describe it there",
        Level.WARNING,
    )


def empty_content(doc: Document, site: str, raw: dict[str, Any]) -> Diagnostic:
    """A requestBody with `content: {}`: an optional one is no body (a warning); a required
    one cannot be sent (an error, raised)."""
    where = doc.location(site + "/content")
    if raw.get("required") is True:
        raise error(
            where,
            "requestBody is required but its content names no media type, so no request "
            "can carry it; describe it, e.g. content: {application/json: {schema: ...}}",
        )
    return Diagnostic(
        where,
        "requestBody content names no media type: the operation is generated without a "
        "body; if it takes one, describe it, e.g. content: {application/json: {schema: "
        "...}}, else remove the requestBody",
        Level.WARNING,
    )
