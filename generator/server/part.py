"""The server part: `<pkg>/handlers.py`, `engine.py`, `testing.py`, `server.py` per journey.

Every journey gets all of them: a state the engine cannot compile is a step failing the run
with JOURNEY_DEFINITION_INVALID there, and a located WARNING (`compile.py`), never a stub.
"""

from __future__ import annotations

import re
from typing import Any

import jinja2

from .. import naming
from ..ir import Bundle
from ..parts import PartOutput
from .ir import ServerIR

MODULES = ("handlers", "engine", "testing", "contract", "server")


def render(
    env: jinja2.Environment, bundle: Bundle, base: str, context: dict[str, Any]
) -> PartOutput:
    """Render the server modules of a journey bundle (nothing for plain OpenAPI + Arazzo)."""
    if bundle.server is None:
        return PartOutput({})
    server, warnings = bundle.server.ir, bundle.server.warnings
    values = {**context, "s": server}
    files = {
        f"{base}/{name}.py": env.get_template(f"server/{name}.py.jinja").render(values)
        for name in MODULES
    }
    files[README_SECTION] = env.get_template("server/README.server.md.jinja").render(
        {**values, **_settings_table(server, bundle.names.env_prefix)}
    )
    return PartOutput(files, warnings)


# The server's section of the package README: `render` puts it in place of its marker.
README_SECTION = "README.server.md"
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")


def _env_words(name: str) -> str:
    """The runtime's variable part for a camelCase name (backendAuth -> BACKEND_AUTH)."""
    return naming.env_name(_CAMEL.sub(r"\1_\2", name))


def _settings_table(server: ServerIR, prefix: str) -> dict[str, Any]:
    api_keys = [(p, f"{prefix}_API_KEY_{naming.env_name(p)}") for p in server.profiles]
    config = []
    for key, kind, required in server.platform_keys:
        words = _CAMEL.sub(r"\1_\2", key)
        config.append(
            (key, f"{prefix}_CONFIG_{naming.env_name(words)}", kind, required)
        )
    apis = sorted(
        {
            (m.http.api, m.http.server_url or "")
            for m in server.http_methods
            if m.http is not None and m.http.api is not None
        }
    )
    base_urls = []
    for api, url in apis:
        words = _CAMEL.sub(r"\1_\2", api)
        base_urls.append((api, f"{prefix}_API_{naming.env_name(words)}_BASE_URL", url))
    secrets = [
        (ref, f"{prefix}_SECRET_{naming.env_name(ref.split('://', 1)[-1])}", what)
        for ref, what in server.secret_refs
    ]
    return {
        "api_keys": api_keys,
        "config_keys": config,
        "base_urls": base_urls,
        "secrets": secrets,
        "token_endpoints": [
            (name, f"{prefix}_TOKEN_ENDPOINT_{_env_words(name)}", url)
            for name, url in server.token_endpoints
        ],
    }
