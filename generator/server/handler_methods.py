"""The naming scopes of a journey's handler methods, and the methods of the tasks whose work a
handler does (jwtValidate:v1, mtlsValidate:v1, kafkaPublish:v1); httpCall's are `calls.py`'s.
"""

from __future__ import annotations

from typing import Any

from .. import naming
from .ir_calls import CallField, HandlerMethod

JWT_FIELDS = (
    CallField("profile", "profile", "str", True, "The jwtValidate profile."),
    CallField("token", "token", "str", True, "The raw token (never log it)."),
    CallField("header", "header", "dict[str, Any]", True, "JOSE header, not verified."),
    CallField("claims", "claims", "dict[str, Any]", True, "Claims, not verified yet."),
)
MTLS_FIELDS = (
    CallField("profile", "profile", "str", True, "The mtlsValidate profile."),
    CallField("certificate_chain", "certificate_chain", "str", True,
              "The client certificate chain, PEM, leaf first."),
    CallField("fingerprint_sha256", "fingerprint_sha256", "str", True,
              "SHA-256 of the leaf certificate (DER), lowercase hex."),
    CallField("trust_anchors", "trust_anchors", "list[str]", True,
              "The task's inline trust anchors (PEM); empty: the profile's."),
)  # fmt: skip
KAFKA_FIELDS = (
    CallField("topic", "topic", "str", True, "The Kafka topic."),
    CallField("value", "value", "Any", True, "The event payload (the value mapper's result)."),
    CallField("key", "key", "Any", False, "The record key, when the task declares one."),
    CallField("headers", "headers", "dict[str, str]", False, "Kafka record headers."),
    CallField("connection_secret_ref", "connection_secret_ref", "str", False,
              "The secretRef of the Kafka connection; None: the default connection."),
    CallField("connection", "connection", "str", False,
              "The connection configuration connection_secret_ref names, resolved from the "
              "server's secrets (never log it); None: the default connection."),
    CallField("key_schema_ref", "key_schema_ref", "str", False,
              "keySchemaRef, if any (the engine checked the key against it)."),
    CallField("value_schema_ref", "value_schema_ref", "str", False,
              "valueSchemaRef, if any (the engine checked the value against it)."),
)  # fmt: skip


class HandlerMethods:
    """Claims the method and call-model class names of one journey's handler Protocol."""

    def __init__(self) -> None:
        # FakeHandlers' own members (templates/server/testing.py.jinja) are not method names
        self.scope = naming.Scope(
            ("self", "calls", "answers", "steer", "calls_to", "outbound", "perform")
        )
        self.classes = naming.Scope(
            (
                "TaskResult",
                "BaseModel",
                "Protocol",
                "Any",
                "Literal",
                "HttpOperation",
                "Outbound",
            )
        )

    def _task_method(
        self, state: str, fields: tuple[CallField, ...], summary: str, target: str,
        body: dict[str, Any],
    ) -> HandlerMethod:  # fmt: skip
        """The handler method of a task whose work a handler does: named after its state."""
        name = self.scope.claim(
            naming.safe_identifier(naming.snake(state, default="validate"))
        )
        call_class = self.classes.claim(naming.class_name(name) + "Call")
        return HandlerMethod(
            name, state, call_class, fields, None, summary, target, 200, body, True
        )  # fmt: skip

    def jwt_method(
        self, state: str, profile: str, scopes: tuple[str, ...]
    ) -> HandlerMethod:
        """The handler method verifying the token of a jwtValidate:v1 task."""
        scope = " ".join(dict.fromkeys(("openid", "admin", *scopes)))
        body = {
            "header": {"alg": "RS256", "kid": "fake-key", "typ": "JWT"},
            "claims": {
                "sub": "fake-subject",
                "iss": "https://issuer.example.com/",
                "aud": "journeys",
                "scope": scope,
            },
        }
        summary = (
            f"Verify the JWT's signature for profile {profile!r} (issuer keys, issuer, "
            "audience); answer ok with body {'header': ..., 'claims': ...} (the verified "
            "claims), or ok=False with error={'code': 'JWT_SIG_INVALID' (or another JWT_* "
            "code)}. The engine checks missing/malformed tokens, exp, nbf and scopes itself."
        )
        return self._task_method(state, JWT_FIELDS, summary, "jwtValidate:v1", body)

    def kafka_method(self, state: str, topic: str) -> HandlerMethod:
        """The handler method publishing the record of a kafkaPublish:v1 task."""
        summary = (
            f"Publish one record to the Kafka topic {topic!r} (key, value as JSON, headers) "
            "and answer ok once the broker acknowledged it; ok=False (after your retries) "
            "fails the journey with KAFKA_PUBLISH_FAILED. Nothing is stored in the context."
        )
        body = {"topic": topic, "partition": 0, "offset": 0}
        return self._task_method(
            state, KAFKA_FIELDS, summary, f"kafkaPublish:v1 {topic}", body
        )

    def mtls_method(
        self, state: str, profile: str, filters: dict[str, Any]
    ) -> HandlerMethod:
        """The handler method validating the client chain of an mtlsValidate:v1 task."""
        subjects = filters.get("allowSubjects") or ()
        serials = filters.get("allowSerials") or ()
        sans = filters.get("allowSans") or (("dns", "client.example.com"),)
        body = {
            "subjectDn": (
                subjects[0]
                if subjects
                else "CN=fake-client,OU=Journeys,OU=AdminClients,O=Example"
            ),
            "issuerDn": "CN=Fake CA,O=Example",
            "serialNumber": serials[0] if serials else "01",
            "sans": [{sans[0][0]: sans[0][1]}],
        }
        summary = (
            f"Validate the client certificate chain for profile {profile!r} against the "
            "trust anchors (and revocation); answer ok with body {'subjectDn', 'issuerDn', "
            "'serialNumber', 'sans': [{'dns'|'ip'|'uri': ...}]}, or ok=False with "
            "error={'code': 'MTLS_CERT_UNTRUSTED' (or another MTLS_* code)}. The engine "
            "checks a missing/unparseable certificate and the allow* filters itself."
        )
        return self._task_method(state, MTLS_FIELDS, summary, "mtlsValidate:v1", body)
