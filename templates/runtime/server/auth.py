"""jwtValidate:v1 and mtlsValidate:v1: what the engine checks itself, what it asks a handler.

JWT: the engine reads the token from the request (header, query or cookie; ``Authorization:
Bearer`` by default), refuses a missing or malformed token, and passes the token with its
decoded (unverified) header and claims to the handler, which verifies the signature against
its issuer's keys and returns the verified header and claims. The engine then checks ``exp``
and ``nbf`` (with ``Settings.jwt_leeway_seconds``) and the task's ``requiredScopes``.

mTLS: the engine takes the client certificate chain from the ASGI ``tls`` extension or from the
header a TLS-terminating proxy sets (``Settings.mtls_cert_header``), refuses a missing or
unparseable one, computes the SHA-256 fingerprint, and passes the chain with the task's
``trustAnchors`` to the handler, which validates the chain and returns the subject, issuer,
serial number and SANs. The engine then applies ``allowSubjects``, ``allowSans``,
``allowSerials`` and ``allowAnyFromTrusted``.

Failures are problem objects with the DSL's stable codes; nothing here logs a token or a
certificate.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = [
    "AuthFailure",
    "JwtSource",
    "MtlsPolicy",
    "RequestMeta",
    "auth_failure_problem",
    "check_jwt_claims",
    "check_mtls_identity",
    "decode_jwt",
    "fingerprint",
    "jose_header",
    "parse_certificates",
    "read_certificates",
    "read_token",
]

_JWT_TYPES = {
    "JWT_TOKEN_MISSING": "token-missing",
    "JWT_TOKEN_MALFORMED": "token-malformed",
    "JWT_SIG_INVALID": "sig-invalid",
    "JWT_KID_NOT_FOUND": "kid-not-found",
    "JWT_EXPIRED": "expired",
    "JWT_NOT_YET_VALID": "not-yet-valid",
    "JWT_AUDIENCE_MISMATCH": "audience-mismatch",
    "JWT_ISSUER_MISMATCH": "issuer-mismatch",
    "JWT_CLAIMS_INVALID": "claims-invalid",
}
_MTLS_TYPES = {
    "MTLS_CERT_MISSING": "cert-missing",
    "MTLS_CERT_UNPARSEABLE": "cert-unparseable",
    "MTLS_CERT_UNTRUSTED": "cert-untrusted",
    "MTLS_CERT_REVOKED": "cert-revoked",
    "MTLS_SUBJECT_DENIED": "subject-denied",
    "MTLS_SAN_DENIED": "san-denied",
    "MTLS_SERIAL_DENIED": "serial-denied",
}
_JOSE_FIELDS = ("alg", "kid", "typ", "cty")
_PEM = re.compile(
    r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", re.DOTALL
)


class AuthFailure(Exception):
    """A business authentication failure with its stable code."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class RequestMeta:
    """What auth tasks read of the request besides its headers."""

    query: Mapping[str, str] = field(default_factory=dict)
    cookies: Mapping[str, str] = field(default_factory=dict)
    client_certs: tuple[str, ...] = ()  # PEM, leaf first, from the ASGI tls extension


@dataclass(frozen=True)
class JwtSource:
    """Where the token is read: header, query or cookie, and a scheme prefix to strip."""

    location: str = "header"
    name: str = "Authorization"
    scheme: str | None = "Bearer"


@dataclass(frozen=True)
class MtlsPolicy:
    """The filters of an mtlsValidate task."""

    allow_subjects: tuple[str, ...] | None = None
    allow_sans: tuple[tuple[str, str], ...] | None = None  # (dns|ip|uri, value)
    allow_serials: tuple[str, ...] | None = None
    allow_any_from_trusted: bool = True


def auth_failure_problem(code: str) -> dict[str, Any]:
    """Return the problem object written to context.<authVar>.<jwt|mtls>.problem."""
    if code in _JWT_TYPES:
        kind, slug, title = "jwt", _JWT_TYPES[code], "JWT rejected"
    elif code in _MTLS_TYPES:
        kind, slug, title = "mtls", _MTLS_TYPES[code], "Client certificate rejected"
    else:
        kind, slug, title = "auth", code.lower().replace("_", "-"), "Unauthenticated"
    return {
        "type": f"https://journeyforge.dev/problem/plugins/{kind}/{slug}",
        "title": title,
        "status": 401,
        "code": code,
    }


# -- JWT ---------------------------------------------------------------------------------------


def read_token(
    source: JwtSource, headers: Mapping[str, str], meta: RequestMeta
) -> str | None:
    """Return the raw token at the source with the scheme stripped, or None when absent."""
    if source.location == "query":
        raw = meta.query.get(source.name)
    elif source.location == "cookie":
        raw = meta.cookies.get(source.name)
    else:
        raw = headers.get(source.name.lower())
    if raw is None:
        return None
    raw = raw.strip()
    if source.scheme:
        word, _, rest = raw.partition(" ")
        if word.lower() == source.scheme.lower():
            raw = rest.strip()
    return raw or None


def _b64_json(segment: str) -> Any:
    padded = segment + "=" * (-len(segment) % 4)
    try:
        raw = base64.b64decode(padded, altchars=b"-_", validate=True)
        return json.loads(raw)
    except (binascii.Error, ValueError):
        raise AuthFailure("JWT_TOKEN_MALFORMED") from None


def decode_jwt(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return a compact JWS's (unverified) header and claims; AuthFailure when malformed."""
    parts = token.split(".")
    if len(parts) != 3 or not all(parts[:2]):
        raise AuthFailure("JWT_TOKEN_MALFORMED")
    header, claims = _b64_json(parts[0]), _b64_json(parts[1])
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise AuthFailure("JWT_TOKEN_MALFORMED")
    return header, claims


def _scopes(claims: Mapping[str, Any]) -> set[str]:
    found: set[str] = set()
    for name in ("scope", "scp"):
        value = claims.get(name)
        if isinstance(value, str):
            found.update(value.split())
        elif isinstance(value, list):
            found.update(v for v in value if isinstance(v, str))
    return found


def check_jwt_claims(
    claims: Mapping[str, Any],
    now: datetime,
    leeway: float,
    required_scopes: Sequence[str] = (),
) -> None:
    """Check exp, nbf and the required scopes of verified claims; AuthFailure otherwise."""
    moment = now.timestamp()
    exp, nbf = claims.get("exp"), claims.get("nbf")
    for _name, value in (("exp", exp), ("nbf", nbf)):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int | float)
        ):
            raise AuthFailure("JWT_CLAIMS_INVALID")
    if isinstance(exp, int | float) and moment > exp + leeway:
        raise AuthFailure("JWT_EXPIRED")
    if isinstance(nbf, int | float) and moment < nbf - leeway:
        raise AuthFailure("JWT_NOT_YET_VALID")
    if not set(required_scopes) <= _scopes(claims):
        raise AuthFailure("JWT_CLAIMS_INVALID")


def jose_header(header: Mapping[str, Any]) -> dict[str, Any]:
    """Keep only the non-sensitive JOSE header fields."""
    return {k: header[k] for k in _JOSE_FIELDS if k in header}


# -- mTLS --------------------------------------------------------------------------------------


def read_certificates(
    header: str | None, headers: Mapping[str, str], meta: RequestMeta
) -> str | None:
    """Return the client chain as PEM text: the ASGI tls extension, else the proxy header."""
    if meta.client_certs:
        return "\n".join(meta.client_certs)
    if header is None:
        return None
    raw = headers.get(header.lower())
    if not raw:
        return None
    text = urllib.parse.unquote(raw) if "%" in raw else raw
    return text.strip() or None


def parse_certificates(pem: str) -> list[bytes]:
    """Return the DER bytes of every certificate in PEM text (leaf first)."""
    blocks = _PEM.findall(pem)
    if not blocks:
        raise AuthFailure("MTLS_CERT_UNPARSEABLE")
    found = []
    for block in blocks:
        try:
            der = base64.b64decode("".join(block.split()), validate=True)
        except (binascii.Error, ValueError):
            raise AuthFailure("MTLS_CERT_UNPARSEABLE") from None
        if len(der) < 2 or der[0] != 0x30:  # a DER SEQUENCE
            raise AuthFailure("MTLS_CERT_UNPARSEABLE")
        found.append(der)
    return found


def fingerprint(der: bytes) -> str:
    """Return the SHA-256 fingerprint of a certificate, lowercase hex."""
    return hashlib.sha256(der).hexdigest()


def _dn(text: str) -> str:
    parts = [p.strip() for p in re.split(r"(?<!\\),", text)]
    normal = []
    for part in parts:
        key, _, value = part.partition("=")
        normal.append(f"{key.strip().upper()}={value.strip()}")
    return ",".join(normal)


def _serial(text: str) -> str:
    cleaned = text.replace(":", "").replace(" ", "").lower()
    cleaned = cleaned[2:] if cleaned.startswith("0x") else cleaned
    return cleaned.lstrip("0") or "0"


def _san_matches(entry: Any, allowed: tuple[str, str]) -> bool:
    kind, value = allowed
    if not isinstance(entry, Mapping) or not isinstance(entry.get(kind), str):
        return False
    found = str(entry[kind])
    return found.lower() == value.lower() if kind == "dns" else found == value


def check_mtls_identity(identity: Mapping[str, Any], policy: MtlsPolicy) -> None:
    """Apply the task's filters to the identity the handler verified; AuthFailure otherwise."""
    subject = identity.get("subjectDn")
    if not isinstance(subject, str) or not subject:
        raise AuthFailure("MTLS_CERT_UNPARSEABLE")
    if policy.allow_subjects is not None and _dn(subject) not in {
        _dn(s) for s in policy.allow_subjects
    }:
        raise AuthFailure("MTLS_SUBJECT_DENIED")
    if policy.allow_sans is not None:
        sans = identity.get("sans")
        entries = sans if isinstance(sans, list) else []
        if not any(_san_matches(e, a) for e in entries for a in policy.allow_sans):
            raise AuthFailure("MTLS_SAN_DENIED")
    if policy.allow_serials is not None:
        serial = identity.get("serialNumber")
        if not isinstance(serial, str) or _serial(serial) not in {
            _serial(s) for s in policy.allow_serials
        }:
            raise AuthFailure("MTLS_SERIAL_DENIED")
    filters = (policy.allow_subjects, policy.allow_sans, policy.allow_serials)
    if all(f is None for f in filters) and not policy.allow_any_from_trusted:
        raise AuthFailure("MTLS_SUBJECT_DENIED")
