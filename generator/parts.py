"""Registry of the output parts beyond models (client, server); each renders its own templates.

A part is a module `generator.<name>.part` exposing `render(env, bundle, base, context)` that
returns a `PartOutput`: `{relative path: text}` and the warnings found while rendering. Parts are looked up by name so that each lives in its own
subpackage and never edits this file.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jinja2

from .diagnostics import Diagnostic
from .ir import Bundle


@dataclass(frozen=True)
class PartOutput:
    """The files a part rendered and the problems it reports without stopping generation."""

    files: dict[str, str]
    warnings: tuple[Diagnostic, ...] = ()


Part = Callable[[jinja2.Environment, Bundle, str, dict[str, Any]], PartOutput]
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
