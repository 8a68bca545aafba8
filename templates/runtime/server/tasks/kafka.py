"""kafkaPublish:v1 (DSL §5.2): the connection a connectionSecretRef names, and the check of a
key or value against the schema its keySchemaRef/valueSchemaRef names, before publishing.
"""

from __future__ import annotations

import functools
from typing import Any

from pydantic import TypeAdapter, ValidationError
from pydantic_core import to_json

from ..problem import ProblemError
from ..settings import Settings

__all__ = ["kafka_connection", "schema_errors"]

_SHOWN = 5  # validation errors named in a failure's reason


def kafka_connection(settings: Settings, ref: str) -> str:
    """The connection configuration a connectionSecretRef names (its secret's value), or 503
    naming the setting to provide: an engine configuration error, never a default."""
    found = settings.secret(ref)
    if found is None:
        raise ProblemError(
            503,
            "Kafka connection is not configured",
            f"No value is configured for the Kafka connectionSecretRef {ref!r}; "
            f"{settings.secret_hint(ref)}. Every publish through it is refused until then.",
            slug="kafka-connection-not-configured",
        )
    return found


@functools.cache
def _adapter(kind: Any) -> TypeAdapter[Any]:
    return TypeAdapter(kind)


def _where(loc: tuple[int | str, ...]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc) or "(root)"


def schema_errors(kind: Any, value: Any) -> str | None:
    """None when `value` matches the schema's type `kind`, else what does not (JSON paths).

    Strict as the start body is (`validate_payload`): a string is not a number."""
    try:
        _adapter(kind).validate_json(to_json(value), strict=True)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False)
        shown = [f"{_where(tuple(e['loc']))}: {e['msg']}" for e in errors[:_SHOWN]]
        more = len(errors) - len(shown)
        return "; ".join(shown) + (f"; and {more} more" if more > 0 else "")
    return None
