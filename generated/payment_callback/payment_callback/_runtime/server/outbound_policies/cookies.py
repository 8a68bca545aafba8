"""The per-run cookie jar of `spec.cookies` (DSL §22): filled from downstream `Set-Cookie`
(§22.2), attached to outbound calls (§22.3), returned to the client on success (§22.4).

Cookie parsing and domain/path matching follow RFC 6265 (§5.2 attributes, §5.1.3 domain
match, §5.1.4 paths). The jar is plain data (``to_json``/``from_json``) so it is stored with
the journey instance and survives a restart.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

__all__ = ["Cookie", "CookieJar", "CookieRules", "client_cookies", "domain_allowed"]

# A deletion is remembered this long for returnToClient (the client is told to drop it).
_DELETED = "deleted"


def domain_allowed(host: str, patterns: Sequence[str]) -> bool:
    """`jar.domains` (DSL §22.1): `api.example.com` matches only that host, `.example.com`
    every host below example.com but not example.com itself."""
    host = host.lower().rstrip(".")
    for raw in patterns:
        pattern = raw.lower()
        if pattern.startswith("."):
            if host.endswith(pattern) and host != pattern[1:]:
                return True
        elif host == pattern:
            return True
    return False


def _domain_match(host: str, domain: str) -> bool:
    """RFC 6265 §5.1.3 (an IP address matches only itself)."""
    if host == domain:
        return True
    if re.fullmatch(r"[0-9.]+|\[?[0-9a-fA-F:]+\]?", host):
        return False
    return host.endswith("." + domain)


def _path_match(request_path: str, cookie_path: str) -> bool:
    """RFC 6265 §5.1.4."""
    if request_path == cookie_path:
        return True
    if not request_path.startswith(cookie_path):
        return False
    return cookie_path.endswith("/") or request_path[len(cookie_path)] == "/"


def _default_path(request_path: str) -> str:
    """RFC 6265 §5.1.4: the request path up to, not including, its last `/`."""
    if not request_path.startswith("/") or request_path.count("/") == 1:
        return "/"
    return request_path[: request_path.rindex("/")]


@dataclass
class Cookie:
    """One stored cookie; ``expires`` is a Unix time, None for a session cookie."""

    name: str
    value: str
    domain: str
    path: str
    host_only: bool = True
    secure: bool = False
    http_only: bool = False
    same_site: str | None = None
    expires: float | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.domain, self.path, self.name)

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Cookie:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})

    def set_cookie(self) -> str:
        """The `Set-Cookie` value that gives the client this cookie."""
        parts = [f"{self.name}={self.value}", f"Path={self.path}"]
        if not self.host_only:
            parts.append(f"Domain={self.domain}")
        if self.expires is not None:
            parts.append(f"Expires={formatdate(self.expires, usegmt=True)}")
        parts += ["Secure"] if self.secure else []
        parts += ["HttpOnly"] if self.http_only else []
        parts += [f"SameSite={self.same_site}"] if self.same_site else []
        return "; ".join(parts)

    def deletion(self) -> str:
        """The `Set-Cookie` value that makes the client drop this cookie."""
        domain = "" if self.host_only else f"; Domain={self.domain}"
        return f"{self.name}=; Path={self.path}{domain}; Max-Age=0"


def _parse(header: str, host: str, path: str, now: float) -> tuple[Cookie, bool] | None:
    """One `Set-Cookie` value -> (cookie, deleted), or None when RFC 6265 says ignore it."""
    pair, *attributes = header.split(";")
    if "=" not in pair:
        return None
    name, value = (p.strip() for p in pair.split("=", 1))
    if not name:
        return None
    cookie = Cookie(name, value, host, _default_path(path))
    max_age: int | None = None
    expires: float | None = None
    for attribute in attributes:
        key, _, raw = attribute.partition("=")
        key, raw = key.strip().lower(), raw.strip()
        if key == "domain" and raw:
            domain = raw.lstrip(".").lower()
            if not _domain_match(host, domain):
                return None  # a server may not set cookies for another site
            cookie.domain, cookie.host_only = domain, False
        elif key == "path" and raw.startswith("/"):
            cookie.path = raw
        elif key == "max-age" and re.fullmatch(r"-?[0-9]+", raw):
            max_age = int(raw)
        elif key == "expires":
            with contextlib.suppress(TypeError, ValueError):
                expires = parsedate_to_datetime(raw).timestamp()
        elif key == "secure":
            cookie.secure = True
        elif key == "httponly":
            cookie.http_only = True
        elif key == "samesite" and raw:
            cookie.same_site = raw
    if max_age is not None:  # Max-Age wins over Expires (RFC 6265 §5.3 step 3)
        cookie.expires = now + max_age if max_age > 0 else now
    else:
        cookie.expires = expires
    deleted = cookie.expires is not None and cookie.expires <= now
    return cookie, deleted


@dataclass(frozen=True)
class CookieRules:
    """`spec.cookies` as the runtime reads it."""

    domains: tuple[str, ...] = ()
    return_mode: str = "none"  # none | allFromAllowedDomains | filtered
    names: tuple[str, ...] = ()
    name_patterns: tuple[str, ...] = ()

    def returned(self, name: str) -> bool:
        """Whether returnToClient emits a cookie of this name."""
        if self.return_mode == "allFromAllowedDomains":
            return True
        if self.return_mode != "filtered":
            return False
        return name in self.names or any(re.search(p, name) for p in self.name_patterns)


@dataclass
class CookieJar:
    """One run's jar: cookies keyed by (domain, path, name), last writer wins, plus the keys
    a downstream deleted (so returnToClient can tell the client)."""

    rules: CookieRules
    cookies: dict[tuple[str, str, str], Cookie] = field(default_factory=dict)
    deleted: dict[tuple[str, str, str], Cookie] = field(default_factory=dict)

    def absorb(self, url: str, set_cookies: Iterable[str], now: float) -> list[str]:
        """Apply a response's `Set-Cookie` headers; return those the allow-list kept."""
        parts = urlsplit(url)
        host, path = (parts.hostname or "").lower(), parts.path or "/"
        kept = []
        for header in set_cookies:
            parsed = _parse(header, host, path, now)
            if parsed is None or not domain_allowed(
                parsed[0].domain, self.rules.domains
            ):
                continue  # not stored, not shown in the call's result (DSL §22.2)
            cookie, gone = parsed
            kept.append(header)
            if gone:
                self.cookies.pop(cookie.key, None)
                self.deleted[cookie.key] = cookie
            else:
                self.deleted.pop(cookie.key, None)
                self.cookies[cookie.key] = cookie
        return kept

    def header_for(self, url: str, now: float) -> str | None:
        """The `Cookie` header for a request to ``url`` (DSL §22.3), None when no cookie
        applies; longer paths first (RFC 6265 §5.4)."""
        parts = urlsplit(url)
        host, path = (parts.hostname or "").lower(), parts.path or "/"
        if not domain_allowed(host, self.rules.domains):
            return None
        chosen = [
            c
            for c in self.cookies.values()
            if (host == c.domain if c.host_only else _domain_match(host, c.domain))
            and _path_match(path, c.path)
            and (parts.scheme == "https" or not c.secure)
            and (c.expires is None or c.expires > now)
        ]
        chosen.sort(key=lambda c: -len(c.path))  # stable: then by creation
        return "; ".join(f"{c.name}={c.value}" for c in chosen) or None

    def for_client(self, now: float) -> list[str]:
        """`Set-Cookie` values for the client on success (DSL §22.4), in creation order."""
        out = [
            c.set_cookie()
            for c in self.cookies.values()
            if self.rules.returned(c.name) and (c.expires is None or c.expires > now)
        ]
        out += [
            c.deletion() for c in self.deleted.values() if self.rules.returned(c.name)
        ]
        return out

    def to_json(self) -> dict[str, Any]:
        """The jar as JSON, cookies in the order they were first set (RFC 6265 §5.4)."""
        return {
            "cookies": [c.to_json() for c in self.cookies.values()],
            _DELETED: [c.to_json() for c in self.deleted.values()],
        }

    @classmethod
    def from_json(cls, rules: CookieRules, data: Mapping[str, Any] | None) -> CookieJar:
        jar = cls(rules)
        for raw in (data or {}).get("cookies", []):
            cookie = Cookie.from_json(raw)
            jar.cookies[cookie.key] = cookie
        for raw in (data or {}).get(_DELETED, []):
            cookie = Cookie.from_json(raw)
            jar.deleted[cookie.key] = cookie
        return jar


def client_cookies(
    rules: CookieRules, stored: Mapping[str, Any] | None, now: float
) -> list[str]:
    """The `Set-Cookie` values returnToClient gives with a succeeded run's outcome (DSL
    §22.4), from the jar as stored with the instance; none for mode none."""
    if rules.return_mode == "none":
        return []
    return CookieJar.from_json(rules, stored).for_client(now)
