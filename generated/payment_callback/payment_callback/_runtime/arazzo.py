"""One namespace for generated workflow code: `from ._runtime import arazzo as _az`."""

from __future__ import annotations

from . import jsonpath as jp
from .criteria import compare, jsonpath_matches, regex_matches, truthy
from .errors import WorkflowError
from .expressions import Exchange, RunContext, concat, evaluate

__all__ = [
    "Exchange",
    "RunContext",
    "WorkflowError",
    "compare",
    "concat",
    "evaluate",
    "jp",
    "jsonpath_matches",
    "regex_matches",
    "truthy",
]
