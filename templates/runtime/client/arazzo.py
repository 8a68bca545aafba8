"""One namespace for generated workflow code: `from ._runtime.client import arazzo as _az`."""

from __future__ import annotations

from typing import Any

from . import jsonpath as jp
from .checks import Check
from .criteria import compare, jsonpath_matches, regex_matches, truthy
from .errors import WorkflowError
from .expressions import Exchange, RunContext, concat, evaluate

__all__ = [
    "Check",
    "Exchange",
    "RunContext",
    "WorkflowError",
    "as_written",
    "compare",
    "concat",
    "evaluate",
    "jp",
    "jsonpath_matches",
    "regex_matches",
    "truthy",
]


def as_written(value: Any) -> Any:
    """A parameter value or payload exactly as the Arazzo document builds it.

    It is sent as written; the operation's declared type is the server's to enforce.
    """
    return value
