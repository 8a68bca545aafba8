"""How collected schemas are named: a component keeps its (unescaped) name, prefixed by its
document when the name is taken; a schema with an identifier-like `title` is named by it.
"""

from __future__ import annotations

import re
from typing import Any

from . import naming
from .schema_keywords import Site

_IDENTIFIER_TITLE = re.compile(r"^[A-Z][A-Za-z0-9]{2,63}$")


def component_name(scope: naming.Scope, target: Site, token: str) -> str:
    """The class name of the component `token` found at `target`."""
    wanted = naming.class_name(unescape(token))
    if wanted in scope:
        wanted = naming.class_prefix(target.document.path.name.split(".")[0]) + wanted
    return wanted


def title_name(value: Any) -> str | None:
    title = value.get("title") if isinstance(value, dict) else None
    if isinstance(title, str) and _IDENTIFIER_TITLE.match(title):
        return naming.class_name(title)
    return None


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")
