"""Registry of the output parts beyond models (client, server); each renders its own templates.

A part is a module `generator.<name>.part` exposing `render(env, bundle, base, context)` that
returns `{relative path: text}`. Parts are looked up by name so that each lives in its own
subpackage and never edits this file.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from typing import Any

import jinja2

from .ir import Bundle

Part = Callable[[jinja2.Environment, Bundle, str, dict[str, Any]], dict[str, str]]
PART_NAMES = ("client", "server")


def available() -> list[Part]:
    """The parts installed, in a fixed order (client, then server)."""
    found: list[Part] = []
    for name in PART_NAMES:
        module_name = f"generator.{name}.part"
        if importlib.util.find_spec(f"generator.{name}") is None:
            continue
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        found.append(module.render)
    return found
