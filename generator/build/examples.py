"""Inputs the generated server accepts, for the README's runnable examples.

The server validates a start body against the journey's input schema and a step body against
the state's input schema, which a hand-written contract may describe more loosely. An example is
the contract's documented one when the journey's schema accepts it; else the journey schema's
own (documented, else deterministic) value, keeping the contract's fields it does not set.
"""

from __future__ import annotations

from typing import Any

import jsonschema
import referencing.exceptions

from ..load import Document
from .context import BuildContext


def at_pointer(data: Any, pointer: str) -> Any:
    """The value at a JSON pointer in `data` (None when it is not there)."""
    for token in pointer.split("/")[1:] if pointer else []:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(data, dict):
            data = data.get(token)
        elif isinstance(data, list) and token.isdigit() and int(token) < len(data):
            data = data[int(token)]
        else:
            return None
    return data


def _accepts(schema: Any, value: Any) -> bool:
    try:
        return bool(jsonschema.Draft202012Validator(schema).is_valid(value))
    except (jsonschema.exceptions.SchemaError, referencing.exceptions.Unresolvable):
        return False  # a schema the validator cannot follow: derive the example instead


def accepted(
    ctx: BuildContext, doc: Document, pointer: str, contract_example: Any
) -> Any:
    """An example the schema at `pointer` of `doc` accepts (see the module doc)."""
    schema = at_pointer(doc.data, pointer)
    if not isinstance(schema, dict):
        return contract_example
    if contract_example is not None and _accepts(schema, contract_example):
        return contract_example
    own = ctx.example(doc, schema, pointer)
    if isinstance(own, dict) and isinstance(contract_example, dict):
        return {**contract_example, **own}
    return own if own is not None else contract_example


def state_example(
    ctx: BuildContext, doc: Document, pointer: str, contract_example: Any
) -> Any:
    """An input the external-input state at `pointer` accepts."""
    state = at_pointer(doc.data, pointer)
    kind = state.get("type") if isinstance(state, dict) else None
    if kind not in ("wait", "webhook"):
        return contract_example
    return accepted(ctx, doc, f"{pointer}/{kind}/input/schema", contract_example)
