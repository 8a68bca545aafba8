"""Idempotent start: an ``Idempotency-Key`` remembered with the request's canonical hash.

The first start with a key stores, in the transaction that creates the journey, the key, the
canonical hash of the body (strictjson.canonical_json: keys sorted, numbers by value) and the
answer. A retry with the same key and the same body is answered that first answer again and
creates nothing; the same key with another body is refused with 422. Two retries racing each
other both may run the journey's first steps, but only one commits: the other's transaction is
rolled back and it answers the winner's response. A key is remembered for
``Settings.idempotency_ttl_seconds`` (24 hours by default); after that it starts a new journey.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic_core import to_json

from .problem import ProblemError
from .store import IdempotencyRecord, JourneyStore, body_hash
from .strictjson import canonical_json

__all__ = [
    "HEADER",
    "IdempotentReplay",
    "answer_of",
    "idempotency_key",
    "new_record",
    "prior_answer",
    "request_hash",
]

HEADER = "idempotency-key"
_MAX_KEY_LENGTH = 255


class IdempotentReplay(Exception):
    """Raised inside a start transaction whose key another request claimed first."""

    def __init__(self, holder: IdempotencyRecord) -> None:
        super().__init__(holder.key)
        self.holder = holder


def idempotency_key(headers: Mapping[str, str]) -> str | None:
    """Return the request's Idempotency-Key (400 when it is empty, too long or not text)."""
    key = headers.get(HEADER)
    if key is None:
        return None
    if (
        not key
        or len(key) > _MAX_KEY_LENGTH
        or not key.isprintable()
        or not key.isascii()
    ):
        raise ProblemError(
            400,
            "Invalid Idempotency-Key",
            f"Send 1 to {_MAX_KEY_LENGTH} printable ASCII characters.",
            slug="invalid-idempotency-key",
        )
    return key


def request_hash(body: Any) -> str:
    """Hash a request body by value."""
    return body_hash(canonical_json(body).encode("utf-8"))


def _reused(key_hash: str, holder: IdempotencyRecord) -> None:
    if holder.request_hash != key_hash:
        raise ProblemError(
            422,
            "Idempotency-Key reused with a different body",
            "This Idempotency-Key was first sent with another request body; use a new "
            "key for a new request.",
            slug="idempotency-key-reused",
        )


def answer_of(holder: IdempotencyRecord, key_hash: str) -> dict[str, Any]:
    """Return the first answer for a retry (422 when the body differs)."""
    _reused(key_hash, holder)
    answer: dict[str, Any] = json.loads(holder.response)
    return answer


def prior_answer(
    store: JourneyStore, scope: str, key: str, key_hash: str, now: str
) -> dict[str, Any] | None:
    """Return the remembered answer for an unexpired key, or None when it is free."""
    holder = store.get_idempotency_key(scope, key)
    if holder is None or holder.expires_at <= now:
        return None
    return answer_of(holder, key_hash)


def new_record(
    scope: str,
    key: str,
    key_hash: str,
    answer: Mapping[str, Any],
    journey_id: str,
    now: str,
    ttl_seconds: int,
) -> IdempotencyRecord:
    """Return the record of a first answer, expiring ``ttl_seconds`` after ``now``."""
    created = datetime.fromisoformat(now.replace("Z", "+00:00"))
    expires = (created + timedelta(seconds=ttl_seconds)).astimezone(UTC)
    return IdempotencyRecord(
        scope=scope,
        key=key,
        request_hash=key_hash,
        status_code=200,
        response=to_json(answer),
        journey_id=journey_id,
        created_at=now,
        expires_at=expires.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    )
