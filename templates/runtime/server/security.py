"""apiKeyValidate: constant-time comparison of a header against a secret from settings.

The secret never comes from code. A missing secret refuses every guarded call (503 with a
problem naming the setting to provide); it never disables the check.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .problem import ProblemError
from .settings import Settings

__all__ = [
    "APIKEY_INVALID",
    "APIKEY_MISSING",
    "Guard",
    "check_api_key",
    "enforce_guard",
    "key_source",
]

APIKEY_MISSING = "APIKEY_MISSING"
APIKEY_INVALID = "APIKEY_INVALID"
_PROBLEM_TYPES = {
    APIKEY_MISSING: "https://journeyforge.dev/problem/plugins/apikey/missing",
    APIKEY_INVALID: "https://journeyforge.dev/problem/plugins/apikey/invalid",
}


@dataclass(frozen=True)
class Guard:
    """An apiKeyValidate requirement: the header to read and the profile holding the secret."""

    header: str
    profile: str


def _as_bytes(value: str) -> bytes:
    # Starlette decodes header bytes as latin-1, so this recovers the bytes on the wire.
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogatepass")


def check_api_key(presented: str | None, secret: str) -> str | None:
    """Return None on a match, else APIKEY_MISSING or APIKEY_INVALID (constant time, bytes)."""
    if not presented:
        return APIKEY_MISSING
    if hmac.compare_digest(_as_bytes(presented), secret.encode("utf-8")):
        return None
    return APIKEY_INVALID


def require_secret(settings: Settings, profile: str) -> str:
    """Return the profile's secret, or raise 503 when none is configured."""
    secret = settings.api_key(profile)
    if secret is None:
        raise ProblemError(
            503,
            "Webhook authentication is not configured",
            f"No secret is configured for API key profile {profile!r}; "
            f"{settings.api_key_hint(profile)}. Every call is refused until then.",
            slug="apikey-not-configured",
        )
    return secret


def key_source(settings: Settings, profile: str) -> tuple[str, str]:
    """Return a profile's default key source, or raise 503 when none is configured (an
    internal configuration error, DSL §18.8: APIKEY_CONFIG_INVALID)."""
    source = settings.api_key_source(profile)
    if source is None:
        raise ProblemError(
            503,
            "API key source is not configured",
            f"apiKeyValidate profile {profile!r} names no source and the task gives none; "
            f"{settings.api_key_source_hint(profile)} (header:<name> or query:<name>). "
            "Every call is refused until then.",
            slug="apikey-config-invalid",
            extensions={"code": "APIKEY_CONFIG_INVALID"},
        )
    return source


def auth_problem(code: str) -> dict[str, Any]:
    """Return the problem object apiKeyValidate writes to context.<authVar>.apiKey.problem."""
    return {
        "type": _PROBLEM_TYPES[code],
        "title": "API key rejected",
        "status": 401,
        "code": code,
    }


def unauthorized(code: str | None = None) -> ProblemError:
    """Return the 401 answer for a failed guard (no hint about the expected value)."""
    return ProblemError(
        401,
        "Unauthorized",
        "The request is not authenticated.",
        slug="unauthorized",
        extensions={"code": code} if code else None,
    )


def enforce_guard(guard: Guard, headers: Mapping[str, str], settings: Settings) -> None:
    """Raise 503 when the secret is missing from settings, 401 when the header does not match."""
    secret = require_secret(settings, guard.profile)
    code = check_api_key(headers.get(guard.header.lower()), secret)
    if code is not None:
        raise unauthorized(code)
