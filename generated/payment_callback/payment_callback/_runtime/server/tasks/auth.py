"""apiKeyValidate, jwtValidate and mtlsValidate: inbound authentication of the request."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel

from ..auth import (
    AuthFailure,
    JwtSource,
    MtlsPolicy,
    auth_failure_problem,
    check_jwt_claims,
    check_mtls_identity,
    decode_jwt,
    fingerprint,
    jose_header,
    parse_certificates,
    read_certificates,
    read_token,
)
from ..results import TaskAnswer, TaskResult
from ..security import auth_problem, check_api_key, key_source, require_secret
from .http import HttpTasks

__all__ = ["AuthTasks"]

C = TypeVar("C", bound=BaseModel)


class AuthTasks(HttpTasks):
    """Inbound auth: each check writes `context.<authVar>.<kind>` or its problem."""

    def _fail_auth(self, namespace: dict[str, Any], kind: str, code: str) -> None:
        namespace[kind] = {"problem": auth_failure_problem(code)}
        self.auth_failed = True
        self.auth_codes.append(code)

    def _namespace(self, auth_var: str) -> dict[str, Any]:
        found = self.context.get(auth_var)
        if not isinstance(found, dict):
            found = self.context[auth_var] = {}
        return found

    def validate_api_key(
        self,
        profile: str,
        name: str | None,
        auth_var: str = "auth",
        *,
        location: str = "header",
    ) -> None:
        """apiKeyValidate:v1: set context.<authVar>.apiKey.keyId or .problem (503: no secret,
        or no source: `name` None reads the profile's configured source)."""
        secret = require_secret(self.settings, profile)
        if name is None:
            location, name = key_source(self.settings, profile)
        if location == "query":
            presented = self.meta.query.get(name)
        else:
            presented = self.headers.get(name.lower())
        code = check_api_key(presented, secret)
        namespace = self._namespace(auth_var)
        if code is None:
            namespace["apiKey"] = {"keyId": profile}
        else:
            namespace["apiKey"] = {"problem": auth_problem(code)}
            self.auth_failed = True
            self.auth_codes.append(code)

    def validate_jwt(
        self,
        call_model: type[C],
        verify: Callable[[C], TaskAnswer],
        *,
        profile: str = "default",
        source: JwtSource | None = None,
        auth_var: str = "auth",
        required_scopes: Sequence[str] = (),
    ) -> None:
        """jwtValidate:v1: context.<authVar>.jwt.{header, claims} or .problem."""
        namespace = self._namespace(auth_var)
        token = read_token(source or JwtSource(), self.headers, self.meta)
        try:
            if token is None:
                raise AuthFailure("JWT_TOKEN_MISSING")
            header, claims = decode_jwt(token)
            call = call_model.model_validate(
                {"profile": profile, "token": token, "header": header, "claims": claims}
            )
            result = TaskResult.model_validate(self.call(lambda: verify(call)))
            verified = result.body if isinstance(result.body, dict) else {}
            if not result.ok or not isinstance(verified.get("claims"), dict):
                raise AuthFailure(_code(result.error, "JWT_SIG_INVALID", "JWT_"))
            check_jwt_claims(
                verified["claims"],
                self.services.now(),
                self.settings.jwt_leeway_seconds,
                required_scopes,
            )
        except AuthFailure as failure:
            self._fail_auth(namespace, "jwt", failure.code)
            return
        found = verified.get("header")
        namespace["jwt"] = {
            "header": jose_header(found if isinstance(found, dict) else header),
            "claims": verified["claims"],
        }

    def validate_mtls(
        self,
        call_model: type[C],
        verify: Callable[[C], TaskAnswer],
        *,
        profile: str = "default",
        trust_anchors: Sequence[str] = (),
        policy: MtlsPolicy | None = None,
        auth_var: str = "auth",
    ) -> None:
        """mtlsValidate:v1: context.<authVar>.mtls.{subjectDn, issuerDn, ...} or .problem."""
        namespace = self._namespace(auth_var)
        pem = read_certificates(self.settings.mtls_cert_header, self.headers, self.meta)
        try:
            if pem is None:
                raise AuthFailure("MTLS_CERT_MISSING")
            chain = parse_certificates(pem)
            digest = fingerprint(chain[0])
            call = call_model.model_validate(
                {
                    "profile": profile,
                    "certificate_chain": pem,
                    "fingerprint_sha256": digest,
                    "trust_anchors": list(trust_anchors),
                }
            )
            result = TaskResult.model_validate(self.call(lambda: verify(call)))
            identity = result.body if isinstance(result.body, dict) else {}
            if not result.ok:
                raise AuthFailure(_code(result.error, "MTLS_CERT_UNTRUSTED", "MTLS_"))
            check_mtls_identity(identity, policy or MtlsPolicy())
        except AuthFailure as failure:
            self._fail_auth(namespace, "mtls", failure.code)
            return
        view = {"subjectDn": identity["subjectDn"], "fingerprintSha256": digest}
        if isinstance(identity.get("issuerDn"), str):
            view["issuerDn"] = identity["issuerDn"]
        namespace["mtls"] = view


def _code(error: Any, default: str, prefix: str) -> str:
    code = error.get("code") if isinstance(error, dict) else None
    return code if isinstance(code, str) and code.startswith(prefix) else default
