"""`spec.policies.httpClientAuth` (DSL §19): how an outbound call authenticates.

``bearerStatic`` adds ``Authorization: Bearer <tokenRef>``. ``oauth2ClientCredentials`` gets
an access token from ``tokenEndpoint`` (form-encoded, ``grant_type=client_credentials``, the
client authenticated by ``clientSecretPost``, ``clientSecretBasic`` or ``tlsClientAuth``),
caches it per effective token request until ``expires_in`` (or the JWT ``exp``) less a skew,
and on a downstream 401 discards it, fetches a new one once and sends the call once more.
``mtlsClient`` sends the call with the client certificate of ``clientCertRef`` and, when
``trustAnchors`` are given, trusts only them.

Every ref is resolved through ``Secret`` (the settings' secrets, never the spec); a missing
one is an ``OutboundAuthError`` naming the variable to set. No secret value is ever logged
or put into an error message.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import ssl
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

__all__ = [
    "AuthSpec",
    "ClientAuth",
    "OutboundAuthError",
    "Secret",
    "TokenCache",
    "client_context",
]

# resolve a ref to its value, or raise OutboundAuthError naming the setting
Secret = Callable[[str], str]
SKEW_SECONDS = 30.0


class OutboundAuthError(Exception):
    """The call could not be authenticated (a missing secret, the token endpoint refused);
    the message names what to fix and never holds a secret."""


@dataclass(frozen=True)
class AuthSpec:
    """One `spec.policies.httpClientAuth.definitions.<id>`."""

    name: str
    kind: str  # bearerStatic | oauth2ClientCredentials | mtlsClient
    token_ref: str | None = None
    token_endpoint: str | None = None
    method: str = "clientSecretPost"
    client_id: str | None = None
    client_secret_ref: str | None = None
    client_cert_ref: str | None = None
    form: tuple[tuple[str, str], ...] = ()
    trust_anchors: tuple[str, ...] = ()


def _pem(secret: Secret, ref: str) -> str:
    """A PEM secret: the value itself, or the path of a file holding it."""
    value = secret(ref)
    if value.lstrip().startswith("-----BEGIN"):
        return value
    try:
        return Path(value).read_text(encoding="ascii")
    except OSError as exc:
        raise OutboundAuthError(
            f"the secret {ref!r} is neither PEM text nor a readable PEM file "
            f"({type(exc).__name__})"
        ) from None


def client_context(
    secret: Secret, cert_ref: str | None, anchors: tuple[str, ...]
) -> ssl.SSLContext:
    """A TLS context presenting ``cert_ref``'s certificate and key, trusting ``anchors``
    only when given (else the default trust store)."""
    pem = _pem(secret, cert_ref) if cert_ref is not None else None
    context = ssl.create_default_context()
    if anchors:
        context = ssl.create_default_context(
            cadata="\n".join(_pem(secret, ref) for ref in anchors)
        )
    if pem is not None:
        # the ssl module loads a key only from a file: a private one, removed at once
        with tempfile.TemporaryDirectory() as folder:
            path = str(Path(folder) / "client.pem")
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w", encoding="ascii") as handle:
                handle.write(pem)
            try:
                context.load_cert_chain(path)
            except ssl.SSLError:
                raise OutboundAuthError(
                    f"the secret {cert_ref!r} holds no usable certificate and private "
                    "key (PEM, certificate chain then key)"
                ) from None
    return context


def _lifetime(payload: Mapping[str, Any]) -> float | None:
    """Seconds the token lives: ``expires_in``, else a JWT access token's ``exp``."""
    expires_in = payload.get("expires_in")
    if isinstance(expires_in, int | float) and not isinstance(expires_in, bool):
        return float(expires_in)
    token = str(payload.get("access_token", ""))
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        claims = json.loads(
            base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
        )
    except (ValueError, binascii.Error):
        return None
    exp = claims.get("exp") if isinstance(claims, dict) else None
    return float(exp) - time.time() if isinstance(exp, int | float) else None


@dataclass
class _Token:
    value: str
    valid_until: float  # monotonic seconds


@dataclass
class TokenCache:
    """Access tokens per effective token request, shared by every journey of the app."""

    clock: Callable[[], float] = time.monotonic
    tokens: dict[tuple[Any, ...], _Token] = field(default_factory=dict)
    locks: dict[tuple[Any, ...], threading.Lock] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    fetched: int = 0

    def get(self, key: tuple[Any, ...], fetch: Callable[[], Mapping[str, Any]]) -> str:
        """The cached token for ``key`` while valid, else a new one (one fetch at a time)."""
        with self.lock:
            guard = self.locks.setdefault(key, threading.Lock())
        with guard:
            cached = self.tokens.get(key)
            if cached is not None and self.clock() < cached.valid_until:
                return cached.value
            payload = fetch()
            self.fetched += 1
            token = payload.get("access_token")
            if not isinstance(token, str) or not token:
                raise OutboundAuthError("the token endpoint answered no access_token")
            lifetime = _lifetime(payload)
            if lifetime is not None:
                skew = min(SKEW_SECONDS, lifetime / 10)
                self.tokens[key] = _Token(token, self.clock() + lifetime - skew)
            return token

    def discard(self, key: tuple[Any, ...]) -> None:
        with self.lock:
            self.tokens.pop(key, None)


@dataclass
class ClientAuth:
    """One auth policy bound to the app's secrets, token cache and TLS clients."""

    spec: AuthSpec
    secret: Secret
    cache: TokenCache
    tls_client: Callable[[str, str | None, tuple[str, ...]], httpx.Client]

    @property
    def refreshes(self) -> bool:
        """Whether a 401 means: get a new token and send once more (DSL §19.1)."""
        return self.spec.kind == "oauth2ClientCredentials"

    def client(self, shared: httpx.Client) -> httpx.Client:
        """The client the data-plane call goes through (mtlsClient: its own TLS client)."""
        if self.spec.kind == "mtlsClient":
            return self.tls_client(
                self.spec.name, self.spec.client_cert_ref, self.spec.trust_anchors
            )
        return shared

    def apply(self, shared: httpx.Client, request: httpx.Request) -> None:
        """Put the policy's credentials on ``request``."""
        if self.spec.kind == "bearerStatic":
            assert self.spec.token_ref is not None
            request.headers["Authorization"] = (
                f"Bearer {self.secret(self.spec.token_ref)}"
            )
        elif self.spec.kind == "oauth2ClientCredentials":
            token = self.cache.get(self._key(), lambda: self._fetch(shared))
            request.headers["Authorization"] = f"Bearer {token}"

    def invalidate(self) -> None:
        self.cache.discard(self._key())

    def _key(self) -> tuple[Any, ...]:
        s = self.spec
        return (s.name, s.token_endpoint, s.method, s.client_id, s.form)

    def _fetch(self, shared: httpx.Client) -> Mapping[str, Any]:
        s = self.spec
        assert s.token_endpoint is not None and s.client_id is not None
        form = {"grant_type": "client_credentials", **dict(s.form)}
        headers = {"Accept": "application/json"}
        client = shared
        if s.method == "clientSecretPost":
            assert s.client_secret_ref is not None
            form["client_id"] = s.client_id
            form["client_secret"] = self.secret(s.client_secret_ref)
        elif s.method == "clientSecretBasic":
            assert s.client_secret_ref is not None
            # RFC 6749 §2.3.1: both parts form-urlencoded before base64
            pair = f"{quote(s.client_id, safe='')}:{quote(self.secret(s.client_secret_ref), safe='')}"
            headers["Authorization"] = (
                "Basic " + base64.b64encode(pair.encode()).decode()
            )
        else:  # tlsClientAuth (RFC 8705): the client is known by its certificate
            form["client_id"] = s.client_id
            client = self.tls_client(
                s.name + "#token", s.client_cert_ref, s.trust_anchors
            )
        try:
            answer = client.post(s.token_endpoint, data=form, headers=headers)
        except httpx.HTTPError as exc:
            raise OutboundAuthError(
                f"the token endpoint of policy {s.name!r} could not be reached "
                f"({type(exc).__name__})"
            ) from None
        if answer.status_code != 200:
            raise OutboundAuthError(
                f"the token endpoint of policy {s.name!r} answered {answer.status_code}"
            )
        try:
            payload = answer.json()
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            raise OutboundAuthError(
                f"the token endpoint of policy {s.name!r} answered no JSON object"
            )
        return payload
