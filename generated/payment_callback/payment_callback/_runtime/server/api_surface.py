"""What generated code declares for a ``kind: Api`` definition (DSL §2.2.2, §17.1): its one
endpoint and the rules choosing the HTTP status of each answer.

- ``ApiSurface.path`` is the endpoint under ``/api/v1`` (``spec.bindings.http.route.path``,
  by default ``/apis/<metadata.name>``), ``method`` its method (POST).
- ``rules`` (``spec.bindings.http.apiResponses.rules``) are tried in order; the first whose
  phase matches, whose ``error_type`` equals the failure's Problem ``type`` (when given) and
  whose predicate holds (``(ctx, payload, error)``: the final context, the success body or
  None, the Problem or None) answers with its ``status`` or its ``status_expr`` value.
- No rule matches: a success answers ``succeeded`` (200 by default), a failure ``failed``
  (None: the Problem's own ``status`` when it is a 4xx/5xx code, else 500).
- ``output_model`` is the model of ``spec.output.schema``: a success body it rejects is still
  answered, and logged with the succeed state it came from (the typed client refuses it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

__all__ = ["ApiRule", "ApiSurface"]

Predicate = Callable[[Any, Any, Any], bool]
StatusExpr = Callable[[Any, Any, Any], Any]


@dataclass(frozen=True)
class ApiRule:
    """One ``apiResponses.rules`` entry: its ``when`` and the status it answers with."""

    phase: Literal["SUCCEEDED", "FAILED"]
    status: int | None = None
    status_expr: StatusExpr | None = None
    error_type: str | None = None
    predicate: Predicate | None = None
    site: str = ""  # "file:line:col" of the rule, for the log when an expression fails


@dataclass(frozen=True)
class ApiSurface:
    """The endpoint of a kind: Api definition and its HTTP status mapping."""

    path: str
    method: str = "POST"
    rules: tuple[ApiRule, ...] = ()
    succeeded: int = 200
    failed: int | None = None  # None: fromProblemStatus
    output_model: type[BaseModel] | None = None  # spec.output.schema
