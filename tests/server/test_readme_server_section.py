"""The generated README's server section names the settings the server really reads."""

from __future__ import annotations

import re

from tests.support.paths import GENERATED


def test_every_documented_variable_is_one_the_server_reads() -> None:
    from payment_callback import server
    from payment_callback.engine import ENV_PREFIX, PROFILES
    from payment_callback.handlers import HTTP_CALLS

    readme = (GENERATED / "payment_callback" / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Server") :]
    assert "python -m payment_callback.server --fake" in section
    assert "--handlers my_service.handlers:Handlers" in section
    variables = re.findall(r"^\| `([A-Z0-9_]+)` \|", section, re.M)
    assert f"{ENV_PREFIX}_STORE" in variables
    environ = {name: "7" for name in variables} | {
        f"{ENV_PREFIX}_DURABILITY": "normal",
        f"{ENV_PREFIX}_ENVIRONMENT": "prod",
        f"{ENV_PREFIX}_MTLS_CERT_HEADER": "X-Cert",
    }
    apis = sorted({call.api for call in HTTP_CALLS.values() if call.api})
    settings = server.Settings.from_env(
        ENV_PREFIX, PROFILES, environ=environ, apis=apis
    )
    assert settings.store_path == "7"
    for (
        profile
    ) in PROFILES:  # each apiKeyValidate profile's secret, under its documented name
        assert settings.api_key(profile) == "7"
    assert (settings.max_body_bytes, settings.timer_scale) == (7, 7.0)
    assert (settings.durability, settings.environment) == ("normal", "prod")
    assert (settings.mtls_cert_header, settings.jwt_leeway_seconds) == ("X-Cert", 7)
    assert (settings.pool_min_size, settings.pool_max_size) == (7, 7)
    assert (settings.pool_timeout_seconds, settings.connect_timeout_seconds) == (7.0, 7)
    limits = (
        settings.max_json_depth,
        settings.body_timeout_seconds,
        settings.max_header_bytes,
        settings.max_header_count,
        settings.max_target_bytes,
        settings.max_response_bytes,
        settings.idempotency_ttl_seconds,
    )
    assert limits == (7, 7.0, 7, 7, 7, 7, 7)
    for api in apis:  # each downstream API's base URL, under its documented name
        assert settings.api_base_urls[api] == "7"
    assert len(variables) == 18 + len(PROFILES) + len(apis)
