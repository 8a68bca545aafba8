"""JSONPath (RFC 9535 §2.4) function extensions: length, count, match, search and value,
their signatures (parameter and result types, checked by the parser) and what they return.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .jsonpath_iregexp import iregexp
from .jsonpath_nodes import NOTHING, Node, is_array

FUNCTIONS = ("length", "count", "match", "search", "value")

# Function signatures (RFC 9535 §2.4): parameter types and result type.
PARAMS = {
    "length": ("value",),
    "count": ("nodes",),
    "match": ("value", "value"),
    "search": ("value", "value"),
    "value": ("nodes",),
}
RESULT = {
    "length": "value",
    "count": "value",
    "match": "logical",
    "search": "logical",
    "value": "value",
}


def call_function(name: str, args: list[Any]) -> Any:
    """The result of function `name` on its evaluated arguments: a node list for each
    "nodes" parameter, a value (or NOTHING) for each "value" parameter."""
    if name == "count":
        return len(_node_list(args[0]))
    if name == "value":
        nodes = _node_list(args[0])
        return nodes[0][1] if len(nodes) == 1 else NOTHING
    subject = args[0]
    if name == "length":
        if isinstance(subject, str | Mapping) or is_array(subject):
            return len(subject)
        return NOTHING
    pattern = args[1]
    if not isinstance(subject, str) or not isinstance(pattern, str):
        return False
    compiled = iregexp(pattern)
    if compiled is None:
        return False
    if name == "match":
        return compiled.fullmatch(subject) is not None
    return compiled.search(subject) is not None


def _node_list(arg: Any) -> list[Node]:
    assert isinstance(arg, list)  # a "nodes" parameter, guaranteed by the parser
    return arg
