"""Server settings read from the environment under a per-package prefix, or passed explicitly."""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "DEFAULT_BODY_TIMEOUT_SECONDS",
    "DEFAULT_IDEMPOTENCY_TTL_SECONDS",
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_MAX_HEADER_BYTES",
    "DEFAULT_MAX_HEADER_COUNT",
    "DEFAULT_MAX_JSON_DEPTH",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_MAX_SUBJOURNEY_DEPTH",
    "MAX_SUBJOURNEY_DEPTH_LIMIT",
    "DEFAULT_MAX_TARGET_BYTES",
    "Settings",
    "api_base_url_env_name",
    "api_key_env_name",
    "api_key_source_env_name",
    "config_env_name",
    "env_prefix",
    "secret_env_name",
    "token_endpoint_env_name",
]

DEFAULT_MAX_BODY_BYTES = 1_048_576
DEFAULT_MAX_JSON_DEPTH = 64
DEFAULT_BODY_TIMEOUT_SECONDS = 30.0
DEFAULT_MAX_HEADER_BYTES = 16_384
DEFAULT_MAX_HEADER_COUNT = 100
DEFAULT_MAX_TARGET_BYTES = 8_192
# The largest downstream answer body an httpCall keeps (outbound_checks.size_limit).
DEFAULT_MAX_RESPONSE_BYTES = 10_485_760
DEFAULT_IDEMPOTENCY_TTL_SECONDS = 86_400
# How many subjourney calls may be active inside one another (a subjourney calling itself,
# directly or through others); one call deeper fails with JOURNEY_SUBJOURNEY_DEPTH_EXCEEDED.
DEFAULT_MAX_SUBJOURNEY_DEPTH = 64
# The largest depth the interpreter's stack holds (each call nests a few Python frames).
MAX_SUBJOURNEY_DEPTH_LIMIT = 200


def env_prefix(name: str) -> str:
    """Return the environment prefix for a name (payment-callback -> PAYMENT_CALLBACK)."""
    return re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").upper()


def api_key_env_name(prefix: str, profile: str) -> str:
    """Return the variable holding an apiKeyValidate profile's secret."""
    return f"{prefix}_API_KEY_{env_prefix(profile)}"


def api_key_source_env_name(prefix: str, profile: str) -> str:
    """Return the variable holding an apiKeyValidate profile's default key source."""
    return f"{prefix}_APIKEY_SOURCE_{env_prefix(profile)}"


# `<location>:<name>` of an apiKeyValidate profile's default source (Settings.api_key_sources)
_KEY_SOURCE = re.compile(r"^(header|query):(\S+)$")


def api_base_url_env_name(prefix: str, api: str) -> str:
    """Return the variable holding a downstream API's base URL (payments -> ..._API_PAYMENTS_BASE_URL)."""
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", api)
    return f"{prefix}_API_{env_prefix(words)}_BASE_URL"


def config_env_name(prefix: str, key: str) -> str:
    """Return the variable holding a platform.config key (itemsApiBaseUrl -> ..._ITEMS_API_...)."""
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", key)
    return f"{prefix}_CONFIG_{env_prefix(words)}"


def token_endpoint_env_name(prefix: str, policy: str) -> str:
    """Return the variable overriding an OAuth2 policy's tokenEndpoint (backend -> ..._TOKEN_ENDPOINT_BACKEND)."""
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", policy)
    return f"{prefix}_TOKEN_ENDPOINT_{env_prefix(words)}"


def secret_env_name(prefix: str, ref: str) -> str:
    """Return the variable holding a secretRef (secret://tokens/backend -> ..._SECRET_TOKENS_BACKEND)."""
    name = ref.split("://", 1)[1] if "://" in ref else ref
    return f"{prefix}_SECRET_{env_prefix(name)}"


# SQLite `synchronous` levels the store can run at (Settings.durability).
DURABILITY_LEVELS = ("full", "normal")


@dataclass(frozen=True)
class Settings:
    """Where to store journeys, secrets, limits, time control and the platform binding.

    ``timer_scale`` multiplies every timer, wait/webhook timeout, schedule delay and cache TTL
    (1.0 in production; 1e-6 in a test makes a 7-day timer fire within a second).
    ``platform_config`` holds the values of ``spec.platform.config`` keys and ``environment``
    the ``platform.environment`` name. ``mtls_cert_header`` names the request header a
    TLS-terminating proxy puts the client certificate (PEM, optionally URL-encoded) in; when
    None only a certificate from the ASGI ``tls`` extension is seen. ``api_key_sources`` gives
    an apiKeyValidate profile its default key source, ``header:<name>`` or ``query:<name>``,
    used by the tasks of that profile that name no ``source``. ``jwt_leeway_seconds`` is
    the clock skew allowed when checking ``exp``/``nbf``. ``durability`` is SQLite's
    ``synchronous`` level for the store: ``"full"`` (the default) syncs every commit to disk,
    so a transition or webhook the server acknowledged survives a power loss; ``"normal"`` is
    faster and survives a crash or kill of the process, but the last commits before a power
    loss or OS crash may be missing (never half-applied); on PostgreSQL it is
    ``synchronous_commit`` on or off.

    ``secrets`` maps each ``secretRef`` of an outbound auth policy (DSL §19: ``tokenRef``,
    ``clientSecretRef``, ``clientCertRef``, a trust anchor's ``pemRef``) to its value; from the
    environment each is ``<PREFIX>_SECRET_<REF>`` (``secret_env_name``). A certificate or PEM
    value is the PEM text itself or the path of a file holding it. ``token_endpoints`` sets an
    ``oauth2ClientCredentials`` policy's ``tokenEndpoint`` for this deployment, by policy id
    (``<PREFIX>_TOKEN_ENDPOINT_<POLICY>``).

    ``max_subjourney_depth`` bounds how many subjourney calls run inside one another (a
    subjourney calling itself, directly or through others): the call one deeper fails its
    thread at that state with JOURNEY_SUBJOURNEY_DEPTH_EXCEEDED (1 to
    ``MAX_SUBJOURNEY_DEPTH_LIMIT``, default 64).

    Limits at the door (README "Limits"): ``max_body_bytes`` (413), ``max_json_depth`` (nesting
    of arrays and objects, 400), ``body_timeout_seconds`` to receive a whole body (408),
    ``max_header_bytes`` and ``max_header_count`` (431), ``max_target_bytes`` for the request
    target (414). ``idempotency_ttl_seconds`` is how long an ``Idempotency-Key`` on start is
    remembered. ``max_response_bytes`` caps the body of a downstream answer to an httpCall
    (larger: a failed call, ``error.type: RESPONSE_TOO_LARGE``).

    ``store_path`` is a SQLite file path or a PostgreSQL URL (``postgresql://`` or
    ``postgres://``). For PostgreSQL, ``pool_min_size``/``pool_max_size`` bound this process's
    connection pool, ``pool_timeout_seconds`` is how long a request waits for a connection
    before it is answered 503, and ``connect_timeout_seconds`` bounds each new connection.

    ``api_base_urls`` maps a ``spec.apis`` name to the base URL its httpCall tasks are sent to
    (default: the first server URL of the API's OpenAPI document).
    """

    store_path: str = "journeys.sqlite3"
    api_keys: Mapping[str, str] = field(default_factory=dict)
    api_key_sources: Mapping[str, str] = field(default_factory=dict)
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    env_prefix: str | None = None
    timer_scale: float = 1.0
    platform_config: Mapping[str, Any] = field(default_factory=dict)
    environment: str = "dev"
    mtls_cert_header: str | None = None
    jwt_leeway_seconds: int = 60
    timer_poll_seconds: float = 1.0
    durability: str = "full"
    max_json_depth: int = DEFAULT_MAX_JSON_DEPTH
    body_timeout_seconds: float = DEFAULT_BODY_TIMEOUT_SECONDS
    max_header_bytes: int = DEFAULT_MAX_HEADER_BYTES
    max_header_count: int = DEFAULT_MAX_HEADER_COUNT
    max_target_bytes: int = DEFAULT_MAX_TARGET_BYTES
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    idempotency_ttl_seconds: int = DEFAULT_IDEMPOTENCY_TTL_SECONDS
    max_subjourney_depth: int = DEFAULT_MAX_SUBJOURNEY_DEPTH
    pool_min_size: int = 1
    pool_max_size: int = 10
    pool_timeout_seconds: float = 5.0
    connect_timeout_seconds: int = 5
    secrets: Mapping[str, str] = field(default_factory=dict, repr=False)
    secret_env: Mapping[str, str] = field(default_factory=dict, repr=False)
    token_endpoints: Mapping[str, str] = field(default_factory=dict)
    token_endpoint_env: Mapping[str, str] = field(default_factory=dict)
    api_base_urls: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.durability not in DURABILITY_LEVELS:
            raise ValueError(
                f"durability must be one of {', '.join(DURABILITY_LEVELS)}, "
                f"got {self.durability!r}"
            )
        for name in (
            "max_body_bytes",
            "max_json_depth",
            "max_header_bytes",
            "max_header_count",
            "max_target_bytes",
            "max_response_bytes",
            "idempotency_ttl_seconds",
        ):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be a positive integer")
        if not 1 <= self.max_subjourney_depth <= MAX_SUBJOURNEY_DEPTH_LIMIT:
            raise ValueError(
                "max_subjourney_depth must be a whole number from 1 to "
                f"{MAX_SUBJOURNEY_DEPTH_LIMIT}, got {self.max_subjourney_depth!r}"
            )
        if not (
            math.isfinite(self.body_timeout_seconds) and self.body_timeout_seconds > 0
        ):
            raise ValueError("body_timeout_seconds must be a finite number > 0")
        for profile, source in self.api_key_sources.items():
            if not _KEY_SOURCE.match(source):
                raise ValueError(
                    f"the API key source of profile {profile!r} must be header:<name> or "
                    f"query:<name>, got {source!r}"
                )
        if not (math.isfinite(self.timer_scale) and self.timer_scale >= 0):
            raise ValueError(
                f"timer_scale must be a finite number >= 0, got {self.timer_scale!r}"
            )

    def api_key(self, profile: str) -> str | None:
        """Return the secret for a profile; an empty value counts as missing."""
        return self.api_keys.get(profile) or None

    def api_key_source(self, profile: str) -> tuple[str, str] | None:
        """Return a profile's default key source as (header|query, name), None when unset."""
        found = _KEY_SOURCE.match(self.api_key_sources.get(profile, ""))
        return (found.group(1), found.group(2)) if found else None

    def api_key_source_hint(self, profile: str) -> str:
        """Name the setting giving a profile its default key source."""
        if self.env_prefix:
            return f"set {api_key_source_env_name(self.env_prefix, profile)}"
        return f"configure Settings.api_key_sources[{profile!r}]"

    def api_key_hint(self, profile: str) -> str:
        """Name the setting an operator must provide for a profile (never its value)."""
        if self.env_prefix:
            return f"set {api_key_env_name(self.env_prefix, profile)}"
        return f"configure Settings.api_keys[{profile!r}]"

    def secret(self, ref: str) -> str | None:
        """Return a secretRef's value (``secrets``, then the environment); empty is missing."""
        found = self.secrets.get(ref)
        if not found and self.env_prefix:
            found = self.secret_env.get(secret_env_name(self.env_prefix, ref))
        return found or None

    def token_endpoint(self, policy: str) -> tuple[str, str] | None:
        """An OAuth2 policy's tokenEndpoint set for this deployment, with where it was set
        (``token_endpoints``, then ``<PREFIX>_TOKEN_ENDPOINT_<POLICY>``); None: the spec's.
        """
        found = self.token_endpoints.get(policy)
        if found:
            return found, f"Settings.token_endpoints[{policy!r}]"
        if self.env_prefix:
            name = token_endpoint_env_name(self.env_prefix, policy)
            found = self.token_endpoint_env.get(name)
            if found:
                return found, name
        return None

    def secret_hint(self, ref: str) -> str:
        """Name the setting an operator must provide for a secretRef (never its value)."""
        if self.env_prefix:
            return f"set {secret_env_name(self.env_prefix, ref)}"
        return f"configure Settings.secrets[{ref!r}]"

    def config_hint(self, key: str) -> str:
        """Name the setting an operator must provide for a platform.config key."""
        if self.env_prefix:
            return f"set {config_env_name(self.env_prefix, key)}"
        return f"configure Settings.platform_config[{key!r}]"

    @classmethod
    def from_env(
        cls,
        prefix: str,
        profiles: Iterable[str],
        environ: Mapping[str, str] | None = None,
        config: Mapping[str, str] | None = None,
        apis: Iterable[str] = (),
    ) -> Settings:
        """Read the settings from <PREFIX>_* variables.

        <PREFIX>_STORE, <PREFIX>_MAX_BODY_BYTES, <PREFIX>_API_KEY_<PROFILE>,
        <PREFIX>_SECRET_<REF> for each outbound auth secretRef,
        <PREFIX>_TOKEN_ENDPOINT_<POLICY> for an OAuth2 policy's tokenEndpoint,
        <PREFIX>_APIKEY_SOURCE_<PROFILE> (``header:<name>`` or ``query:<name>``),
        <PREFIX>_TIMER_SCALE, <PREFIX>_ENVIRONMENT, <PREFIX>_MTLS_CERT_HEADER,
        <PREFIX>_JWT_LEEWAY_SECONDS, the limits <PREFIX>_MAX_JSON_DEPTH,
        <PREFIX>_BODY_TIMEOUT_SECONDS, <PREFIX>_MAX_HEADER_BYTES, <PREFIX>_MAX_HEADER_COUNT,
        <PREFIX>_MAX_TARGET_BYTES, <PREFIX>_MAX_RESPONSE_BYTES,
        <PREFIX>_IDEMPOTENCY_TTL_SECONDS, <PREFIX>_MAX_SUBJOURNEY_DEPTH, <PREFIX>_DURABILITY,
        the PostgreSQL pool's <PREFIX>_POOL_MIN_SIZE, <PREFIX>_POOL_MAX_SIZE,
        <PREFIX>_POOL_TIMEOUT_SECONDS, <PREFIX>_CONNECT_TIMEOUT_SECONDS, and
        <PREFIX>_CONFIG_<KEY> for each platform.config key, <PREFIX>_API_<NAME>_BASE_URL for
        each downstream API of ``apis``
        (``config`` maps each key to its declared type: string, integer, number, boolean or
        object, the last given as JSON).
        """
        env = os.environ if environ is None else environ
        profiles = tuple(profiles)
        keys = {p: env.get(api_key_env_name(prefix, p), "") for p in profiles}
        sources = {p: env.get(api_key_source_env_name(prefix, p), "") for p in profiles}
        platform = {}
        for key, kind in (config or {}).items():
            raw = env.get(config_env_name(prefix, key))
            if raw:
                platform[key] = _typed(config_env_name(prefix, key), raw, kind)
        urls = {a: env.get(api_base_url_env_name(prefix, a), "") for a in apis}
        return cls(
            api_base_urls={a: v for a, v in urls.items() if v},
            store_path=env.get(f"{prefix}_STORE") or f"{prefix.lower()}.sqlite3",
            api_keys={p: v for p, v in keys.items() if v},
            api_key_sources={p: v for p, v in sources.items() if v},
            max_body_bytes=_positive_int(env, f"{prefix}_MAX_BODY_BYTES"),
            env_prefix=prefix,
            timer_scale=_scale(env, f"{prefix}_TIMER_SCALE"),
            platform_config=platform,
            environment=env.get(f"{prefix}_ENVIRONMENT") or "dev",
            mtls_cert_header=env.get(f"{prefix}_MTLS_CERT_HEADER") or None,
            jwt_leeway_seconds=_positive_int(
                env, f"{prefix}_JWT_LEEWAY_SECONDS", default=60
            ),
            durability=_durability(env, f"{prefix}_DURABILITY"),
            **_limits(env, prefix),
            pool_min_size=_positive_int(env, f"{prefix}_POOL_MIN_SIZE", default=1),
            pool_max_size=_positive_int(env, f"{prefix}_POOL_MAX_SIZE", default=10),
            pool_timeout_seconds=_seconds(env, f"{prefix}_POOL_TIMEOUT_SECONDS", 5.0),
            connect_timeout_seconds=_positive_int(
                env, f"{prefix}_CONNECT_TIMEOUT_SECONDS", default=5
            ),
            token_endpoint_env={
                k: v
                for k, v in env.items()
                if k.startswith(f"{prefix}_TOKEN_ENDPOINT_") and v
            },
            secret_env={
                k: v for k, v in env.items() if k.startswith(f"{prefix}_SECRET_") and v
            },
        )


def _limits(env: Mapping[str, str], prefix: str) -> dict[str, Any]:
    def whole(name: str, default: int) -> int:
        return _positive_int(env, f"{prefix}_{name}", default=default)

    seconds = _scale(env, f"{prefix}_BODY_TIMEOUT_SECONDS")
    return {
        "max_json_depth": whole("MAX_JSON_DEPTH", DEFAULT_MAX_JSON_DEPTH),
        "body_timeout_seconds": (
            seconds
            if env.get(f"{prefix}_BODY_TIMEOUT_SECONDS")
            else DEFAULT_BODY_TIMEOUT_SECONDS
        ),
        "max_header_bytes": whole("MAX_HEADER_BYTES", DEFAULT_MAX_HEADER_BYTES),
        "max_header_count": whole("MAX_HEADER_COUNT", DEFAULT_MAX_HEADER_COUNT),
        "max_target_bytes": whole("MAX_TARGET_BYTES", DEFAULT_MAX_TARGET_BYTES),
        "max_response_bytes": whole("MAX_RESPONSE_BYTES", DEFAULT_MAX_RESPONSE_BYTES),
        "idempotency_ttl_seconds": whole(
            "IDEMPOTENCY_TTL_SECONDS", DEFAULT_IDEMPOTENCY_TTL_SECONDS
        ),
        "max_subjourney_depth": whole(
            "MAX_SUBJOURNEY_DEPTH", DEFAULT_MAX_SUBJOURNEY_DEPTH
        ),
    }


def _durability(env: Mapping[str, str], name: str) -> str:
    raw = (env.get(name) or "full").strip().lower()
    if raw not in DURABILITY_LEVELS:
        raise ValueError(
            f"{name} must be one of {', '.join(DURABILITY_LEVELS)}, got {raw!r}"
        )
    return raw


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(
            f"{name} must be a number of seconds > 0, got {raw!r}"
        ) from None
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a number of seconds > 0, got {raw!r}")
    return value


def _scale(env: Mapping[str, str], name: str) -> float:
    raw = env.get(name)
    if not raw:
        return 1.0
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number >= 0, got {raw!r}") from None
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"{name} must be a number >= 0, got {raw!r}")
    return value


def _typed(name: str, raw: str, kind: str) -> Any:
    try:
        if kind == "integer":
            return int(raw)
        if kind == "number":
            return float(raw)
        if kind == "object":
            value = json.loads(raw)
            if not isinstance(value, dict):
                raise ValueError
            return value
    except ValueError:
        raise ValueError(f"{name} must be a JSON {kind}, got {raw!r}") from None
    if kind == "boolean":
        if raw.lower() not in ("true", "false", "1", "0"):
            raise ValueError(f"{name} must be true or false, got {raw!r}")
        return raw.lower() in ("true", "1")
    return raw


def _positive_int(
    env: Mapping[str, str], name: str, default: int = DEFAULT_MAX_BODY_BYTES
) -> int:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a positive integer, got {raw!r}") from None
    if value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {raw!r}")
    return value
