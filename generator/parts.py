"""Registry of the output parts beyond models; each renders its own templates folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2

from .ir import Bundle

Part = Callable[[jinja2.Environment, Bundle, str, dict[str, Any]], dict[str, str]]


def available(root: Path) -> list[Part]:
    """The parts whose templates exist, in a fixed order (client, then server)."""
    found: list[Part] = []
    return found
