"""A journey with shape errors, made checkable, so every problem is listed at once.

When pydantic refuses parts of a document, the checker still has rules to run on the rest:
each state with a shape error is replaced by a placeholder (`type: succeed`, so transitions to
it still resolve) and each spec block with one is dropped, and the document is validated again.
The checker then runs on that copy; its diagnostics inside a replaced part are dropped (the
shape error already speaks for that part).
"""

from __future__ import annotations

import copy
import dataclasses
import re
from typing import Any

from pydantic import ValidationError

from ...load import Document
from ..validate import _pointer
from .spec import Journey

_STATE = re.compile(r"^(.*?/states/[^/]+)(/|$)")
_KEEP = ("/spec/start", "/spec/states")


def lenient(document: Document) -> tuple[Document, Journey, list[str]] | None:
    """A copy of `document` that validates, the journey, and the pointers replaced; None when
    the errors are not inside a state or an optional spec block."""
    data = copy.deepcopy(document.data)
    replaced: list[str] = []
    for _ in range(8):
        try:
            journey = Journey.model_validate(data)
        except ValidationError as exc:
            pointers = {_pointer(err["loc"], data)[0] for err in exc.errors()}
            if not all(
                _repair(data, p, replaced) for p in sorted(pointers, reverse=True)
            ):
                return None
            continue
        return dataclasses.replace(document, data=data), journey, replaced
    return None


def _repair(data: Any, pointer: str, replaced: list[str]) -> bool:
    state = _STATE.match(pointer)
    if state is not None:
        target = state.group(1)
        if target not in replaced:
            _set(data, target, {"type": "succeed"})
            replaced.append(target)
        return True
    parts = pointer.split("/")
    if len(parts) >= 3 and parts[1] == "spec" and "/".join(parts[:3]) not in _KEEP:
        block = "/".join(parts[:3])
        if isinstance(data.get("spec"), dict):
            data["spec"].pop(_unescape(parts[2]), None)
        replaced.append(block)
        return True
    return False


def _set(data: Any, pointer: str, value: Any) -> None:
    parts = [_unescape(p) for p in pointer.split("/")[1:]]
    node = data
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if isinstance(node, list):
        node[int(parts[-1])] = value
    else:
        node[parts[-1]] = value


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")
