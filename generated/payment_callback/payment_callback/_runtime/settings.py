"""Server settings read from the environment under a per-package prefix, or passed explicitly."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

__all__ = ["DEFAULT_MAX_BODY_BYTES", "Settings", "api_key_env_name", "env_prefix"]

DEFAULT_MAX_BODY_BYTES = 1_048_576


def env_prefix(name: str) -> str:
    """Return the environment prefix for a name (payment-callback -> PAYMENT_CALLBACK)."""
    return re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").upper()


def api_key_env_name(prefix: str, profile: str) -> str:
    """Return the variable holding an apiKeyValidate profile's secret."""
    return f"{prefix}_API_KEY_{env_prefix(profile)}"


@dataclass(frozen=True)
class Settings:
    """Where to store journeys, the apiKeyValidate secrets per profile, and the body-size limit."""

    store_path: str = "journeys.sqlite3"
    api_keys: Mapping[str, str] = field(default_factory=dict)
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    env_prefix: str | None = None

    def api_key(self, profile: str) -> str | None:
        """Return the secret for a profile; an empty value counts as missing."""
        return self.api_keys.get(profile) or None

    def api_key_hint(self, profile: str) -> str:
        """Name the setting an operator must provide for a profile (never its value)."""
        if self.env_prefix:
            return f"set {api_key_env_name(self.env_prefix, profile)}"
        return f"configure Settings.api_keys[{profile!r}]"

    @classmethod
    def from_env(
        cls,
        prefix: str,
        profiles: Iterable[str],
        environ: Mapping[str, str] | None = None,
    ) -> Settings:
        """Read <PREFIX>_STORE, <PREFIX>_MAX_BODY_BYTES and <PREFIX>_API_KEY_<PROFILE>."""
        env = os.environ if environ is None else environ
        keys = {p: env.get(api_key_env_name(prefix, p), "") for p in profiles}
        return cls(
            store_path=env.get(f"{prefix}_STORE") or f"{prefix.lower()}.sqlite3",
            api_keys={p: v for p, v in keys.items() if v},
            max_body_bytes=_positive_int(env, f"{prefix}_MAX_BODY_BYTES"),
            env_prefix=prefix,
        )


def _positive_int(env: Mapping[str, str], name: str) -> int:
    raw = env.get(name)
    if not raw:
        return DEFAULT_MAX_BODY_BYTES
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a positive integer, got {raw!r}") from None
    if value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {raw!r}")
    return value
