"""A transform writing into the journey's attributes (DSL §14 `target.kind: attributes`).

The mapper's result must be an object; each key becomes an attribute, its value as a string
(a string as is, null not written, anything else as JSON, as `spec.metadata.bindings`
do). Attributes are write-once (§2.8.3): a key the run already has fails the state, and nothing
of that result is written. The written attributes are stored with the run's metadata, shown
on JourneyStatus and seen by every later state of the run.
"""

from __future__ import annotations

import json
from typing import Any

from .metadata import LIMITS, METADATA
from .results import Fail
from .tasks.base import TaskContext

__all__ = ["ATTRIBUTES_INVALID", "ATTRIBUTE_EXISTS", "write_attributes"]

ATTRIBUTE_EXISTS = "JOURNEY_ATTRIBUTE_EXISTS"
ATTRIBUTES_INVALID = "JOURNEY_ATTRIBUTES_INVALID"


def _stored(ctx: TaskContext) -> dict[str, str]:
    """The attributes the run has so far (set at start, or stored by an earlier burst)."""
    services = ctx.services
    if services.attributes is not None:
        return services.attributes
    record = None
    if services.tx is not None:
        record = services.tx.get_journey(services.journey_id)
    elif services.store is not None:
        record = services.store.get_journey(services.journey_id)
    metadata = (record.runtime or {}).get(METADATA) if record is not None else None
    found = metadata.get("attributes") if isinstance(metadata, dict) else None
    services.attributes = dict(found) if isinstance(found, dict) else {}
    return services.attributes


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def write_attributes(ctx: TaskContext, result: Any) -> Fail | None:
    """Write a transform's object result into the journey's attributes, or say why not."""
    if not isinstance(result, dict):
        kind = "an array" if isinstance(result, list) else type(result).__name__
        return Fail(ATTRIBUTES_INVALID, f"an attributes transform must produce an object, got {kind}")  # fmt: skip
    current = _stored(ctx)
    written = {k: _text(v) for k, v in result.items() if v is not None}
    taken = sorted(k for k in written if k in current)
    if taken:
        names = ", ".join(repr(k) for k in taken)
        return Fail(
            ATTRIBUTE_EXISTS,
            f"journey attribute {names} is already set; attributes are write-once"
            " (DSL §2.8.3)",
        )
    broken = [
        f"attribute name {k[:20]!r} is {len(k)} characters"
        f" (attributes.maxKeyLength {LIMITS.key_length})"
        for k in written
        if len(k) > LIMITS.key_length
    ]
    broken += [
        f"attribute {k!r} is {len(v)} characters"
        f" (attributes.maxValueLength {LIMITS.value_length})"
        for k, v in written.items()
        if len(v) > LIMITS.value_length
    ]
    if len(current) + len(written) > LIMITS.attribute_keys:
        count = len(current) + len(written)
        broken.append(
            f"{count} attributes (attributes.maxCount {LIMITS.attribute_keys})"
        )
    if broken:
        return Fail(ATTRIBUTES_INVALID, "; ".join(broken))
    current.update(written)
    ctx.services.attributes_written.update(written)
    return None
