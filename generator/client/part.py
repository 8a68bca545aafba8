"""The client part: `<pkg>/client.py`, the typed sync and async clients (their engine is the
static runtime module `_runtime/client/flow.py`), rendered from what the build decided
(`Bundle.client`, see `generator.client.assemble`)."""

from __future__ import annotations

from typing import Any

import jinja2

from ..ir import Bundle
from ..parts import PartOutput
from .assemble import ExternalView as ExternalView
from .assemble import JourneyView as JourneyView


def render(
    env: jinja2.Environment, bundle: Bundle, base: str, context: dict[str, Any]
) -> PartOutput:
    """Render the client files of one package."""
    assert bundle.client is not None, "build() decides the client"
    client = bundle.client
    template = env.get_template("client/client.py.jinja")
    text = template.render({**context, **client.context()})
    journey = client.journey
    guarded = journey is not None and any(e.guard_header for e in journey.external)
    readme = env.get_template("client/README.client.md.jinja").render(
        {**context, **client.context(), "example": client.example, "guarded": guarded}
    )
    return PartOutput(
        {f"{base}/client.py": text, README_SECTION: readme}, client.warnings
    )


# The client's section of the package README: `render` puts it in place of its marker.
README_SECTION = "README.client.md"
