"""OpenAPI 3.0 / 3.1 documents, validated with openapi-pydantic."""

from __future__ import annotations

from typing import Any

from openapi_pydantic.v3.v3_0 import OpenAPI as OpenAPI30
from openapi_pydantic.v3.v3_1 import OpenAPI as OpenAPI31

from ..diagnostics import error
from ..load import Document
from .validate import validate_document

OpenAPI = OpenAPI30 | OpenAPI31


def validate_openapi(document: Document) -> OpenAPI:
    """Validate an OpenAPI document, choosing the 3.0 or 3.1 model from its `openapi` field."""
    data: Any = document.data
    version = data.get("openapi") if isinstance(data, dict) else None
    if not isinstance(version, str):
        raise error(
            document.location(
                "/openapi" if isinstance(data, dict) and "openapi" in data else ""
            ),
            "not an OpenAPI document: expected a string field 'openapi: 3.1.0' (or 3.0.x) at the top",
        )
    if version.startswith("3.1"):
        return validate_document(document, OpenAPI31, "OpenAPI")
    if version.startswith("3.0"):
        return validate_document(document, OpenAPI30, "OpenAPI")
    raise error(
        document.location("/openapi"),
        f"unsupported OpenAPI version {version!r}; use 3.0.x or 3.1.x",
    )
